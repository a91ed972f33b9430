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

    @Flag(help: "Check every watch now, due or not.")
    var all = false

    @Option(help: ArgumentHelp("If another run holds the store, wait up to this many seconds instead of exiting 75.", valueName: "seconds"))
    var wait: Double?

    @Flag(help: "Print one JSON object per event (new, changed, unchanged, not-modified, failed) instead of diffs.")
    var json = false

    @Flag(help: ArgumentHelp("Parse and extract every fetched page, even one whose story bytes match the stored version.",
                             discussion: "Normally such a page is recognised as unchanged without parsing (and every \(CheckRunner.fullExtractionEvery)th check of a watch extracts in full anyway)."))
    var extractAll = false

    @OptionGroup var fetch: FetchOptions

    @OptionGroup var display: DisplayOptions

    func run() async throws {
        try await runReportingErrors {
            // Fast path for cron: unchanged watchlists and nothing due yet means nothing to do.
            let fingerprint = ScheduleHint.fingerprint(of: global.watchlists)
            if !all, watchNames.isEmpty, let hint = ScheduleHint.load(store: global.store),
               hint.fingerprint == fingerprint, hint.earliestDue > Date() {
                if Terminal.stderrIsTerminal && !json { Terminal.info("nothing due until \(Timestamp.display(hint.earliestDue))") }
                return
            }
            let list = try global.loadWatchlist()
            var selected = list.watches
            if !watchNames.isEmpty {
                selected = try watchNames.map { name in
                    guard let watch = list.watch(named: name) else { throw unknownWatch(name, in: list) }
                    return watch
                }
            }
            let store = try await global.openOrCreateStore()
            var runner = CheckRunner(store: store, fetcher: fetch.fetcher, outbox: store.makeOutbox())
            runner.knownHooks = list.watches.flatMap(\.webhooks)
            runner.recogniseUnchanged = !extractAll
            let showProgress = Terminal.stderrIsTerminal && !json
            let report = try await store.withWriterLock(wait: wait) { () async -> CheckReport in
                let due = (all || !watchNames.isEmpty) ? selected : runner.dueWatches(selected, now: Date())
                if showProgress { Terminal.info("checking \(due.count) of \(selected.count) watches…") }
                var report = await runner.run(due)
                report.notDue = selected.count - due.count
                let states = (try? store.states()) ?? [:]
                // The next run is owed when a watch falls due or an alert's retry does.
                let nextWatch = list.watches.map { states[$0.name]?.nextDue ?? Date() }.min() ?? Date()
                let earliest = min(nextWatch, store.makeOutbox().nextRetry() ?? .distantFuture)
                try? ScheduleHint(fingerprint: fingerprint, earliestDue: earliest).save(store: store.root)
                return report
            }
            let printer = ReportPrinter(style: display.style, json: json)
            printer.print(report)
            if showProgress {
                Terminal.info("done: \(report.events.count) checked, \(report.changes.count) changed, \(report.failures.count) failed, \(report.notDue) not due"
                              + (report.recognisedUnparsed.isEmpty ? "" : " (\(report.recognisedUnparsed.count) unchanged stories recognised without parsing)"))
            }
            if !report.failures.isEmpty { throw ExitCode(1) }
        }
    }
}

func unknownWatch(_ name: String, in list: Watchlist) -> CLIError {
    var message = "no watch named '\(name)' in \(list.files.joined(separator: ", "))"
    if let suggestion = closest(to: name, in: list.watches.map(\.name)) { message += "; did you mean '\(suggestion)'?" }
    return CLIError.usage(message)
}
