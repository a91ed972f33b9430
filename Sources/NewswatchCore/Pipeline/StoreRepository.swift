import Foundation

/// `Repository` over a `SnapshotStore` and the outbox kept in it: a slice's record is one
/// batch of the store (one SQLite or PostgreSQL transaction, one sync).
public struct StoreRepository: Repository {
    public let store: any SnapshotStore
    public let outbox: Outbox?

    public init(store: any SnapshotStore, outbox: Outbox?) {
        self.store = store
        self.outbox = outbox
    }

    public func start(_ watches: [String]) async -> SliceStart {
        var start = SliceStart()
        start.states = (try? store.states(of: watches)) ?? [:]
        for watch in watches { start.latest[watch] = Result { try store.latestVersion(of: watch) } }
        return start
    }

    public func latestVersionNumbers() async throws -> [String: Int] { try store.latestVersionNumbers() }
    public func versions(of watch: String) async throws -> [VersionRecord] { try store.versions(of: watch) }
    public func article(of version: VersionRecord) async throws -> Article { try store.article(of: version) }
    public func html(of version: VersionRecord) async throws -> Data { try store.html(of: version) }

    public func prepareVersion(of watch: String, article: Article, html: Data, finalURL: String, after previous: VersionRecord?) -> PreparedVersion? {
        store.prepareVersion(of: watch, article: article, html: html, finalURL: finalURL, after: previous)
    }

    public func record(_ outcomes: [WatchOutcome], now: Date) async -> RecordResult {
        var result = RecordResult()
        do { try store.beginBatch() } catch {
            result.sliceError = "cannot start writing: \(error)"
            return result
        }
        var states: [String: WatchState] = [:]
        for outcome in outcomes {
            if let version = outcome.version {
                do {
                    let stored = try store.append(version.snapshot, to: outcome.watch, prepared: version.prepared)
                    guard stored.number == version.record.number, stored.article == version.record.article, stored.html == version.record.html else {
                        throw StoreError.io(path: store.root, reason: "version \(stored.number) of \(outcome.watch) was stored as another than planned (another writer?)")
                    }
                } catch {
                    result.notStored[outcome.watch] = "\(error)"
                    continue
                }
            }
            states[outcome.watch] = outcome.state
            for queued in outcome.alerts { enqueue(queued, watch: outcome.watch, now: now, into: &result) }
        }
        do {
            try outbox?.flushMarkers()
            try store.saveStates(states)
            try store.commitBatch()
        } catch {
            store.rollbackBatch()
            outbox?.refresh()
            result.sliceError = "cannot save this slice's checks: \(error)"
        }
        return result
    }

    private func enqueue(_ queued: QueuedAlert, watch: String, now: Date, into result: inout RecordResult) {
        guard let outbox else { return }
        do {
            if let version = queued.version {
                try outbox.enqueue(queued.alert, hooks: queued.hooks, watch: watch, version: version, now: now)
            } else {
                try outbox.enqueue(queued.alert, hooks: queued.hooks, now: now)
            }
        } catch {
            result.problems.append("\(watch): cannot queue alert: \(error)")
        }
    }
}
