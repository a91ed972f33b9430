import ArgumentParser
import Foundation
import Logging
import NewswatchCore
#if canImport(Glibc)
import Glibc
#endif

struct WatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Run as a service: check watches as they fall due, until stopped.",
        discussion: """
        Sleeps until the next watch is due, checks what is due, and repeats. Watchlists are \
        reloaded when their files change and on SIGHUP. SIGTERM or SIGINT aborts the transfers \
        in progress (within about a second), records what was already fetched, and exits 0; \
        the aborted watches stay due for the next run. Logs go to stderr (--log-level).
        """
    )

    @OptionGroup var global: GlobalOptions

    @OptionGroup var fetch: FetchOptions

    @Option(help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: String = "info"

    @Option(help: ArgumentHelp("Longest sleep between looks at the schedule.", valueName: "seconds"))
    var maxSleep: Double = 60

    func validate() throws {
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("--log-level '\(logLevel)' is not a level") }
    }

    func run() async throws {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let log = Logger(label: "newswatch.watch")
        let signals = SignalFlags()
        let fetcher = fetch.fetcher
        signals.onStop = { fetcher.stop() }
        signals.install()
        let store: any MaintainableStore
        do { store = try await global.openOrCreateStore() } catch let error as CLIError {
            log.error("\(error.description)")
            throw ExitCode(error.exitCode)
        }
        var runner = CheckRunner(store: store, fetcher: fetcher, outbox: store.makeOutbox())
        var watchlist: Watchlist?
        var fingerprint: [String: String] = [:]
        log.info("watching", metadata: ["watchlists": "\(global.watchlists)", "store": "\(global.store)"])
        while !signals.stopRequested {
            let current = ScheduleHint.fingerprint(of: global.watchlists)
            if watchlist == nil || current != fingerprint || signals.takeReload() {
                do {
                    let list = try WatchlistLoader().load(path: global.watchlists)
                    for warning in list.warnings { log.warning("\(warning)") }
                    watchlist = list
                    fingerprint = current
                    log.info("watchlists loaded", metadata: ["watches": "\(list.watches.count)"])
                } catch {
                    // Keep the last good watchlist; say what is wrong with the new one.
                    log.error("watchlist not (re)loaded: \(error)")
                    fingerprint = current
                    if watchlist == nil { throw ExitCode(2) }
                }
            }
            guard let list = watchlist else { break }
            var next: Date
            do {
                runner.knownHooks = list.watches.flatMap(\.webhooks)
                let (report, wakeAt) = try await store.withWriterLock(wait: 30) { [runner] () async -> (CheckReport, Date) in
                    let follow = await FollowStep(store: store, fetcher: runner.fetcher).prepare(list, now: Date())
                    if follow.sourcesRead > 0 {
                        log.info("read followed sources", metadata: ["sources": "\(follow.sourcesRead)", "new": "\(follow.discovered.count)", "retired": "\(follow.retired.count)"])
                    }
                    let due = runner.dueWatches(follow.watches, now: Date())
                    if due.isEmpty {
                        // No story is due, but alerts waiting for a retry may be: deliver them
                        // now rather than when some watch next falls due (a day, for some).
                        var report = CheckReport()
                        report.events = follow.failures
                        if let outbox = runner.outbox {
                            report.deliveries = await outbox.deliver(hooks: runner.knownHooks, notifier: runner.notifier)
                        }
                        return (report, Self.nextDue(of: follow.watches, list: list, store: store))
                    }
                    log.debug("checking", metadata: ["due": "\(due.count)"])
                    for failure in follow.failures { Self.log(failure, to: log) }
                    // Logged as each slice commits; a followed story's `new` after the merge below.
                    var report = await runner.run(due) { event, _ in
                        if case .new(let watch, _, _) = event, watch.follow != nil { return true }
                        Self.log(event, to: log)
                        return false
                    }
                    for (drop, keep) in FollowStep(store: store, fetcher: runner.fetcher).reconcile(&report, list: list, now: Date()) {
                        log.info("merged: the same story (rel=canonical)", metadata: ["watch": "\(drop)", "into": "\(keep)"])
                    }
                    return (report, Self.nextDue(of: follow.watches, list: list, store: store))
                }
                for event in report.events { Self.log(event, to: log) }
                for delivery in report.deliveries where !delivery.delivered { log.warning("alert not delivered yet: \(delivery.error ?? "")") }
                for problem in report.storeErrors { log.error("\(problem)") }
                next = wakeAt
            } catch {
                log.error("check skipped: \(error)")
                next = Date().addingTimeInterval(min(60, maxSleep))
            }
            // Sleep until the next due time (or a signal, or --max-sleep).
            let wake = min(next, Date().addingTimeInterval(maxSleep))
            while Date() < wake && !signals.stopRequested && !signals.reloadPending {
                try? await Task.sleep(nanoseconds: 200_000_000)
            }
        }
        log.info("stopped")
    }
}

/// SIGTERM/SIGINT ask for a clean stop, SIGHUP for a reload; read between checks.
final class SignalFlags: @unchecked Sendable {
    private let lock = NSLock()
    private var stop = false
    private var reload = false
    private var sources: [DispatchSourceSignal] = []
    /// Called once when a stop is requested (aborts transfers in progress).
    var onStop: (@Sendable () -> Void)?

    var stopRequested: Bool { lock.lock(); defer { lock.unlock() }; return stop }
    var reloadPending: Bool { lock.lock(); defer { lock.unlock() }; return reload }

    func takeReload() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        let value = reload
        reload = false
        return value
    }

    func install() {
        for number in [SIGTERM, SIGINT, SIGHUP] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [weak self] in
                guard let self else { return }
                self.lock.lock()
                let firstStop = number != SIGHUP && !self.stop
                if number == SIGHUP { self.reload = true } else { self.stop = true }
                let onStop = self.onStop
                self.lock.unlock()
                if firstStop { onStop?() }
            }
            source.resume()
            sources.append(source)
        }
        // Threads spawned by a test runner may start with these blocked; make sure they arrive.
        var set = sigset_t()
        sigemptyset(&set)
        for number in [SIGTERM, SIGINT, SIGHUP] { sigaddset(&set, number) }
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
    }
}

extension WatchCommand {
    /// When the next check is owed: the earliest due time of the watches and followed stories
    /// (one never checked is due now) and of the followed sources. Reads due times only, not
    /// every watch's whole state.
    static func nextDue(of watches: [Watch], list: Watchlist, store: any SnapshotStore) -> Date {
        let dueTimes = (try? store.dueTimes()) ?? [:]
        let now = Date()
        let watch = watches.map { dueTimes[$0.name] ?? now }.min()
        return [watch, FollowStep.nextSourceRead(list, dueTimes: dueTimes)].compactMap { $0 }.min() ?? .distantFuture
    }

    /// One event as a log line: news at notice, routine at debug.
    static func log(_ event: CheckEvent, to log: Logger) {
        switch event {
        case .new(let watch, let version, _): log.info("new", metadata: ["watch": "\(watch.name)", "version": "\(version.number)"])
        case .changed(let watch, let change): log.notice("changed: \(change.summary)", metadata: ["watch": "\(watch.name)", "version": "\(change.new.number)"])
        case .failed(let watch, let reason): log.warning("failed: \(reason)", metadata: ["watch": "\(watch.name)"])
        case .held(let watch, let reason): log.notice("held: \(reason)", metadata: ["watch": "\(watch.name)"])
        case .removed(let watch, let status): log.notice("removed (HTTP \(status))", metadata: ["watch": "\(watch.name)"])
        case .restored(let watch, let change):
            log.notice("restored\(change.map { ": \($0.summary)" } ?? "")", metadata: ["watch": "\(watch.name)"])
        case .stillRemoved(let watch): log.debug("still removed", metadata: ["watch": "\(watch.name)"])
        case .rebaselined(let watch, _): log.info("re-read with the current extractor", metadata: ["watch": "\(watch.name)"])
        case .unchanged(let watch), .notModified(let watch): log.debug("unchanged", metadata: ["watch": "\(watch.name)"])
        }
    }
}
