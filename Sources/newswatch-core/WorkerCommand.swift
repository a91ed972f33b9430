import ArgumentParser
import Foundation
import Logging
import NewswatchCore

struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Check due watches from a PostgreSQL store, as one of many workers on any machines.",
        discussion: """
        Needs --database (or NEWSWATCH_DATABASE). Each worker claims due watches with a lease \
        (SELECT ... FOR UPDATE SKIP LOCKED: no two workers take the same watch), renews it \
        while checking, and releases it with the watch's next due time; a lease whose worker \
        died (SIGKILL, a lost machine) is taken over once it runs out (--lease). Alerts go \
        through the shared outbox and are delivered by one worker at a time; --per-host limits \
        the requests to a host from all workers together. A worker that can read --watchlists \
        stores them in the database (on start, when they change, on SIGHUP); every worker runs \
        from the database's copy, so a worker needs no watchlist files of its own.
        """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var fetch: FetchOptions

    @Option(help: ArgumentHelp("Seconds a claim holds before another worker may take it over.", valueName: "seconds"))
    var lease: Double = 30

    @Option(help: ArgumentHelp("Watches claimed at a time.", valueName: "n"))
    var batch = 32

    @Flag(help: "Exit once nothing is due (for tests and one-off catch-ups).")
    var untilIdle = false

    @Option(help: ArgumentHelp("This worker's name in leases (default: host-pid).", valueName: "name"))
    var name: String?

    func validate() throws {
        if global.databaseURL == nil { throw ValidationError("worker needs a shared PostgreSQL store: --database postgres://... or NEWSWATCH_DATABASE") }
        if lease < 5 || lease > 3600 { throw ValidationError("--lease must be between 5 and 3600 seconds") }
        if batch < 1 || batch > 1000 { throw ValidationError("--batch must be between 1 and 1000") }
    }

    func run() async throws {
        let log = Logger(label: "newswatch.worker")
        let me = name ?? "\(ProcessInfo.processInfo.hostName)-\(getpid())"
        let signals = SignalFlags()
        let fetcher = fetch.fetcher
        signals.onStop = { fetcher.stop() }
        signals.install()
        guard let store = try await global.openOrCreateStore() as? PostgresStore, let url = global.databaseURL else { throw ExitCode(2) }
        // --per-host counts requests to a host from the whole fleet, not from this worker.
        let slots = try FleetHostSlots(url: url, perHost: fetch.perHost)
        var runner = CheckRunner(store: store, fetcher: FleetLimitedFetcher(inner: fetcher, slots: slots), outbox: store.makeOutbox())
        runner.deliversAlerts = false
        var fingerprint: [String: String] = [:]  // the shared watchlist texts last loaded
        var queued: Set<String> = []  // the watch names the queue was last made to hold
        var list = Watchlist()
        log.info("worker started", metadata: ["worker": "\(me)", "store": "\(store.root)"])
        while !signals.stopRequested {
            let reload = signals.takeReload()
            do {
                if let shared = try sharedWatchlists(store: store, publish: reload), shared != fingerprint {
                    fingerprint = shared
                    list = try Self.load(shared)
                    runner.knownHooks = list.watches.flatMap(\.webhooks) + list.follows.flatMap(\.storyTemplate.webhooks)
                    log.info("watchlists loaded", metadata: ["watches": "\(list.watches.count)"])
                }
            } catch {
                log.error("watchlists not (re)loaded, running on the last good ones: \(error)")
            }
            // Followed sources: read by one worker at a time when due; every worker finds the
            // stories they listed in the shared states.
            if !list.follows.isEmpty {
                _ = try? await store.whileReadingSources {
                    let follow = await FollowStep(store: store, fetcher: runner.fetcher).prepare(list, now: Date())
                    for case .failed(let watch, let reason) in follow.failures { log.warning("failed: \(reason)", metadata: ["source": "\(watch.name)"]) }
                    if follow.sourcesRead > 0 { log.info("read followed sources", metadata: ["new": "\(follow.discovered.count)", "retired": "\(follow.retired.count)"]) }
                }
            }
            let stories = list.follows.isEmpty ? [] : FollowRegistry.storyWatches(list.follows, states: (try? store.states()) ?? [:])
            let everyWatch = list.watches + stories
            let names = Set(everyWatch.map(\.name))
            if names != queued {
                do {
                    try store.syncQueue(everyWatch.map(\.name), now: Date())
                    queued = names
                } catch {
                    log.error("cannot update the queue: \(error)")
                }
            }
            let claimed: [String]
            do { claimed = try store.claimDue(worker: me, limit: batch, lease: lease) } catch {
                log.error("cannot claim work: \(error)")
                try? await Task.sleep(nanoseconds: 2_000_000_000)
                continue
            }
            let byName = Dictionary(everyWatch.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
            let watches = claimed.compactMap { byName[$0] }
            if !watches.isEmpty {
                log.debug("claimed", metadata: ["watches": "\(watches.count)"])
                let report = await checkWithRenewedLeases(watches, runner: runner, store: store, worker: me)
                for event in report.events {
                    if case .failed(let watch, let reason) = event { log.warning("failed: \(reason)", metadata: ["watch": "\(watch.name)"]) }
                    if case .changed(let watch, let change) = event { log.notice("changed: \(change.summary)", metadata: ["watch": "\(watch.name)"]) }
                    if case .new(let watch, let version, _) = event { log.info("new", metadata: ["watch": "\(watch.name)", "version": "\(version.number)"]) }
                }
                // Only the claimed watches' states: a worker loops over small batches of a large fleet.
                let states = (try? store.states(of: watches.map(\.name))) ?? [:]
                let due = Dictionary(uniqueKeysWithValues: watches.map { ($0.name, states[$0.name]?.nextDue ?? Date().addingTimeInterval($0.every.seconds)) })
                do { try store.release(worker: me, due: due) } catch { log.error("cannot release leases: \(error)") }
            }
            // One worker at a time delivers the shared outbox.
            if let outbox = runner.outbox {
                _ = try? await store.whileDelivering {
                    outbox.refresh()
                    let outcomes = await outbox.deliver(hooks: runner.knownHooks, notifier: runner.notifier)
                    for outcome in outcomes where !outcome.delivered { log.warning("alert not delivered yet: \(outcome.error ?? "")") }
                }
            }
            if watches.isEmpty && claimed.isEmpty {
                let next = (try? store.nextDue()) ?? nil
                if untilIdle && (next.map { $0 > Date() } ?? true) {
                    // Before leaving, deliver what is queued, waiting for another worker's
                    // delivery to finish rather than skipping it.
                    if let outbox = runner.outbox {
                        for _ in 0..<600 {
                            let delivered = (try? await store.whileDelivering {
                                outbox.refresh()
                                _ = await outbox.deliver(hooks: runner.knownHooks, notifier: runner.notifier)
                            }) ?? true
                            if delivered { break }
                            try? await Task.sleep(nanoseconds: 100_000_000)
                        }
                    }
                    break
                }
                let wake = min(next ?? .distantFuture, Date().addingTimeInterval(untilIdle ? 1 : 5))
                while Date() < wake && !signals.stopRequested { try? await Task.sleep(nanoseconds: 200_000_000) }
            }
        }
        log.info("worker stopped", metadata: ["worker": "\(me)"])
    }

    /// The watchlist files all workers run from. Files this worker can read are checked
    /// (they must load) and stored in the database when they differ from what is there, or on
    /// SIGHUP; the database's copy is returned either way.
    private func sharedWatchlists(store: PostgresStore, publish: Bool) throws -> [String: String]? {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: global.watchlists, isDirectory: &isDirectory) {
            let paths = isDirectory.boolValue
                ? ((try? FileManager.default.contentsOfDirectory(atPath: global.watchlists)) ?? []).filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }
                    .map { (global.watchlists as NSString).appendingPathComponent($0) }
                : [global.watchlists]
            var local: [String: String] = [:]
            for path in paths {
                guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw CLIError("\(path): cannot read file") }
                local[(path as NSString).lastPathComponent] = text
            }
            let stored = try store.loadWatchlists()
            if local != stored || publish {
                _ = try Self.load(local)  // only watchlists that load are shared
                try store.saveWatchlists(local)
            }
        }
        let shared = try store.loadWatchlists()
        return shared.isEmpty ? nil : shared
    }

    /// Loads watchlist texts as the files they came from (same names, same checks).
    static func load(_ files: [String: String]) throws -> Watchlist {
        let directory = (NSTemporaryDirectory() as NSString).appendingPathComponent("newswatch-worker-\(getpid())-\(UUID().uuidString.prefix(6))")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        for (name, text) in files { try text.write(toFile: (directory as NSString).appendingPathComponent(name), atomically: true, encoding: .utf8) }
        return try WatchlistLoader().load(path: directory)
    }

    /// Checks `watches`, renewing their leases every third of the lease time meanwhile.
    private func checkWithRenewedLeases(_ watches: [Watch], runner: CheckRunner, store: PostgresStore, worker: String) async -> CheckReport {
        let names = watches.map(\.name)
        let lease = self.lease
        let renewer = Task {
            while !Task.isCancelled {
                try? await Task.sleep(nanoseconds: UInt64(lease / 3 * 1_000_000_000))
                if Task.isCancelled { break }
                try? store.renewLeases(worker: worker, watches: names, lease: lease)
            }
        }
        defer { renewer.cancel() }
        return await runner.run(watches)
    }
}
