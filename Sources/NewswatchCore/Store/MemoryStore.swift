import Foundation

/// A store held in memory: the runner's whole pipeline can run in-process, in tests, with no
/// files and no database (as Hummingbird's `MemoryPersistDriver` does for its persist seam).
/// Everything is lost with the process.
public final class MemoryStore: SnapshotStore, @unchecked Sendable {
    public let root = "(memory)"
    private let lock = NSLock()
    private var histories: [String: [VersionRecord]] = [:]
    private var blobs: [String: Data] = [:]
    private var watchStates: [String: WatchState] = [:]
    private let outboxStorage = MemoryOutboxStorage()

    public init() {}

    private func locked<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    public func versions(of watch: String) throws -> [VersionRecord] { locked { histories[watch] ?? [] } }

    public func article(of version: VersionRecord) throws -> Article {
        try JSONCoding.decoder.decode(Article.self, from: try blob(version.article))
    }

    public func html(of version: VersionRecord) throws -> Data { try blob(version.html) }

    private func blob(_ id: String) throws -> Data {
        guard let data = locked({ blobs[id] }) else { throw StoreError.missingObject(id: id) }
        return data
    }

    private func put(_ data: Data) -> String {
        let id = Digest.sha256(data).hexString
        locked { blobs[id] = data }
        return id
    }

    public func append(_ snapshot: Snapshot, to watch: String) throws -> VersionRecord {
        guard StoreFormat.isSafeName(watch) else { throw StoreError.invalidWatchName(watch) }
        let article = put(try JSONCoding.encoder.encode(snapshot.article)), html = put(snapshot.html)
        return locked {
            let record = VersionRecord(snapshot: snapshot, number: (histories[watch]?.last?.number ?? 0) + 1, article: article, html: html)
            histories[watch, default: []].append(record)
            return record
        }
    }

    public func states() throws -> [String: WatchState] { locked { watchStates } }

    public func saveStates(_ states: [String: WatchState]) throws {
        locked { watchStates.merge(states) { _, new in new } }
    }

    public func watchNames() throws -> [String] { locked { histories.keys.sorted() } }

    public func withWriterLock<T>(wait: TimeInterval?, _ body: () async throws -> T) async throws -> T { try await body() }

    public func makeOutbox() -> Outbox { Outbox(storage: outboxStorage) }
}

/// The outbox of a `MemoryStore`.
final class MemoryOutboxStorage: OutboxStorage, @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [Int: OutboxEntry] = [:]
    private var markers: [String: Int]?

    func loadEntries() -> [OutboxEntry] {
        lock.lock()
        defer { lock.unlock() }
        return entries.values.sorted { $0.sequence < $1.sequence }
    }

    func save(_ entry: OutboxEntry) throws {
        lock.lock()
        entries[entry.sequence] = entry
        lock.unlock()
    }

    func remove(_ entry: OutboxEntry) {
        lock.lock()
        entries[entry.sequence] = nil
        lock.unlock()
    }

    func loadMarkers() -> [String: Int]? {
        lock.lock()
        defer { lock.unlock() }
        return markers
    }

    func saveMarkers(_ markers: [String: Int], changed: Set<String>) throws {
        lock.lock()
        self.markers = markers
        lock.unlock()
    }
}
