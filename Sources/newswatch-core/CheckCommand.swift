import ArgumentParser
import Foundation
import NewswatchCore

struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Fetch the watches that are due, store new versions and print what changed.",
        discussion: """
        Safe to run from cron every minute: only watches whose interval (`every:`) has passed \
        are fetched, and a lock on the store keeps overlapping runs apart (a second run exits \
        with code 75 at once, or waits up to --wait seconds).

        stdout carries only news: `new: ...` for a first sight, and a summary line plus a \
        unified diff for every changed story; nothing at all when nothing changed. Failures \
        go to stderr and make the exit code 1.
        """
    )

    @OptionGroup var global: GlobalOptions

    @Option(name: .customLong("watch"), help: ArgumentHelp("Check only this watch, due or not (repeatable).", valueName: "name"))
    var watchNames: [String] = []

    @Flag(help: "Check every watch and read every followed source now, due or not.")
    var all = false

    @Option(help: ArgumentHelp("Run as if it were this time (RFC 3339, e.g. 2026-01-01T00:15:00Z): due times, adaptive intervals, follow_for and event times all use it. For tests and replays.",
                               valueName: "time"))
    var now: String?

    @Option(help: ArgumentHelp("If another run holds the store, wait up to this many seconds instead of exiting 75.", valueName: "seconds"))
    var wait: Double?

    @Flag(help: "Print one JSON object per event (new, changed, unchanged, not-modified, failed) instead of diffs.")
    var json = false

    @Flag(help: ArgumentHelp("Parse and extract every fetched page, even one whose story bytes match the stored version.",
                             discussion: "Normally such a page is recognised as unchanged without parsing (and every \(CheckRunner.fullExtractionEvery)th check of a watch extracts in full anyway)."))
    var extractAll = false

    @OptionGroup var fetch: FetchOptions

    @OptionGroup var display: DisplayOptions

    func validate() throws {
        if let now, SimulatedClock.parse(now) == nil { throw ValidationError("--now '\(now)' is not an RFC 3339 time (e.g. 2026-01-01T00:15:00Z)") }
    }

    func run() async throws {
        try await runReportingErrors {
            let now = self.now.flatMap(SimulatedClock.parse) ?? Date()
            // Fast path for cron: unchanged watchlists and nothing due yet means nothing to do.
            let fingerprint = ScheduleHint.fingerprint(of: global.watchlists)
            // (A person at a terminal gets the long way, which can say what is due next.)
            if !all, watchNames.isEmpty, global.databaseURL == nil, !(Terminal.stderrIsTerminal && !json), let hint = ScheduleHint.load(store: global.store),
               hint.fingerprint == fingerprint, hint.earliestDue > now {
                return
            }
            let list = try global.loadWatchlist()
            let store = try await global.openOrCreateStore()
            var runner = CheckRunner(store: store, fetcher: fetch.fetcher, outbox: store.makeOutbox())
            runner.knownHooks = list.watches.flatMap(\.webhooks)
            runner.recogniseUnchanged = !extractAll
            let showProgress = Terminal.stderrIsTerminal && !json
            let printer = ReportPrinter(style: display.style, json: json, now: now)
            // Events are printed as each slice commits (memory stays bounded by a slice), except
            // a followed story's `new`, which may yet merge into another story (rel=canonical).
            let printAsCommitted = { (event: CheckEvent, parsed: Bool) -> Bool in
                if case .new(let watch, _, _) = event, watch.follow != nil { return true }
                printer.print(event, parsed: parsed)
                return false
            }
            let report = try await store.withWriterLock(wait: wait) { () async throws -> CheckReport in
                // Followed sources first (when due), so the stories they list are checked in
                // this same run; `--watch` checks only the named watches.
                let follow = await FollowStep(store: store, fetcher: fetch.fetcher)
                    .prepare(list, now: now, sources: !watchNames.isEmpty ? .none : (all ? .all : .due))
                var selected = follow.watches
                if !watchNames.isEmpty {
                    selected = try watchNames.map { name in
                        guard let watch = follow.watches.first(where: { $0.name == name }) else { throw unknownWatch(name, in: list) }
                        return watch
                    }
                }
                let due = (all || !watchNames.isEmpty) ? selected : runner.dueWatches(selected, now: now)
                if showProgress {
                    if follow.sourcesRead > 0 {
                        Terminal.info("read \(follow.sourcesRead) followed sources: \(follow.discovered.count) new stories"
                                      + (follow.deferred > 0 ? ", \(follow.deferred) left for later (max_new)" : "")
                                      + (follow.retired.isEmpty ? "" : ", \(follow.retired.count) retired"))
                    }
                    if due.isEmpty {
                        // Under cron this stays silent; at a terminal, say why nothing happened.
                        let dueTimes = (try? store.dueTimes()) ?? [:]
                        let next = selected.compactMap { watch in dueTimes[watch.name].map { (watch.name, $0) } }.min { $0.1 < $1.1 }
                        let when = next.map { "; next: \($0.0) \(Self.relative($0.1, from: now))" } ?? ""
                        Terminal.info("nothing due\(when); --all checks everything now")
                    } else {
                        Terminal.info("checking \(due.count) of \(selected.count) watches…")
                    }
                }
                for failure in follow.failures { printer.print(failure, parsed: true) }
                var report = await runner.run(due, now: now, emit: printAsCommitted)
                for failure in follow.failures { report.tally.count(failure) }
                let merged = FollowStep(store: store, fetcher: fetch.fetcher).reconcile(&report, list: list, now: now)
                if showProgress {
                    for (drop, keep) in merged.sorted(by: { $0.key < $1.key }) { Terminal.info("\(drop) is the same story as \(keep) (rel=canonical): merged into it") }
                }
                report.storeErrors = follow.storeErrors + report.storeErrors
                report.notDue = selected.count - due.count
                let dueTimes = (try? store.dueTimes()) ?? [:]
                // The next run is owed when a watch or a source falls due or an alert's retry does.
                let nextWatch = follow.watches.map { dueTimes[$0.name] ?? now }.min() ?? now
                let nextSource = FollowStep.nextSourceRead(list, dueTimes: dueTimes) ?? .distantFuture
                let earliest = min(nextWatch, nextSource, store.makeOutbox().nextRetry() ?? .distantFuture)
                if global.databaseURL == nil { try? ScheduleHint(fingerprint: fingerprint, earliestDue: earliest).save(store: store.root) }
                return report
            }
            printer.print(report)
            if showProgress && report.tally.checked > 0 {
                Terminal.info("done: \(report.tally.checked) checked, \(report.tally.changed) changed, \(report.tally.failed) failed, \(report.notDue) not due"
                              + (report.recognisedUnparsed.isEmpty ? "" : " (\(report.recognisedUnparsed.count) unchanged stories recognised without parsing)"))
            }
            if report.tally.failed > 0 { throw ExitCode(1) }
        }
    }
}

extension CheckCommand {
    /// "in 12m", "in 2h5m", "now".
    static func relative(_ date: Date, from now: Date) -> String {
        let seconds = Int(date.timeIntervalSince(now).rounded(.up))
        return seconds <= 0 ? "now" : "in \(Interval(seconds: Double(max(60, seconds / 60 * 60))))"
    }
}

func unknownWatch(_ name: String, in list: Watchlist) -> CLIError {
    var message = "no watch named '\(name)' in \(list.files.joined(separator: ", "))"
    if let suggestion = closest(to: name, in: list.watches.map(\.name)) { message += "; did you mean '\(suggestion)'?" }
    return CLIError.usage(message)
}
