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
        the requests to a host from all workers together. Every worker reads \
        the watchlists (on start and when they change) and keeps the shared queue in step.
        """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var fetch: FetchOptions

    @Option(help: ArgumentHelp("Seconds a claim holds before another worker may take it over.", valueName: "seconds"))
    var lease: Double = 60

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
        var fingerprint: [String: String] = [:]
        var list = Watchlist()
        log.info("worker started", metadata: ["worker": "\(me)", "store": "\(store.root)"])
        while !signals.stopRequested {
            let current = ScheduleHint.fingerprint(of: global.watchlists)
            let reload = signals.takeReload()
            if current != fingerprint || reload {
                fingerprint = current
                do {
                    list = try WatchlistLoader().load(path: global.watchlists)
                    try store.syncQueue(list.watches.map(\.name), now: Date())
                    runner.knownHooks = list.watches.flatMap(\.webhooks)
                } catch {
                    log.error("watchlist not (re)loaded: \(error)")
                }
            }
            let claimed: [String]
            do { claimed = try store.claimDue(worker: me, limit: batch, lease: lease) } catch {
                log.error("cannot claim work: \(error)")
                try? await Task.sleep(nanoseconds: 2_000_000_000)
                continue
            }
            let watches = claimed.compactMap { list.watch(named: $0) }
            if !watches.isEmpty {
                log.debug("claimed", metadata: ["watches": "\(watches.count)"])
                let report = await checkWithRenewedLeases(watches, runner: runner, store: store, worker: me)
                for event in report.events {
                    if case .failed(let watch, let reason) = event { log.warning("failed: \(reason)", metadata: ["watch": "\(watch.name)"]) }
                    if case .changed(let watch, let change) = event { log.notice("changed: \(change.summary)", metadata: ["watch": "\(watch.name)"]) }
                    if case .new(let watch, let version, _) = event { log.info("new", metadata: ["watch": "\(watch.name)", "version": "\(version.number)"]) }
                }
                let states = (try? store.states()) ?? [:]
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
