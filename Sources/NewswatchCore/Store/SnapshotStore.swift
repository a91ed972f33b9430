import Foundation

/// The store stage. The filesystem store is the embedded default; a server-backed store
/// implements the same protocol and the pipeline does not change.
public protocol SnapshotStore: Sendable {
    /// The store's directory.
    var root: String { get }
    /// Every version of a watch, oldest first.
    func versions(of watch: String) throws -> [VersionRecord]
    /// The newest version (read on every check of every watch, so worth doing cheaply).
    func latestVersion(of watch: String) throws -> VersionRecord?
    func article(of version: VersionRecord) throws -> Article
    func html(of version: VersionRecord) throws -> Data
    /// Stores a new version and returns its record.
    func append(_ snapshot: Snapshot, to watch: String) throws -> VersionRecord
    /// Encodes a possible next version's blobs (delta and deflate, the costly part of
    /// storing) ahead of `append`, on any thread: a check prepares a slice's versions on all
    /// cores while it stores the slice before. nil where the store has nothing to prepare.
    func prepareVersion(of watch: String, article: Article, html: Data, finalURL: String, after previous: VersionRecord?) -> PreparedVersion?
    /// `append`, using blobs `prepareVersion` encoded when they still fit.
    func append(_ snapshot: Snapshot, to watch: String, prepared: PreparedVersion?) throws -> VersionRecord
    /// Every watch's schedule state, read in one go (a due check over thousands of watches
    /// must not open thousands of files).
    func states() throws -> [String: WatchState]
    /// These watches' states (a check reads a slice's at a time, so its memory does not grow
    /// with the watchlist).
    func states(of watches: [String]) throws -> [String: WatchState]
    /// When each watch is next due, for every watch with a schedule: what choosing the due
    /// watches needs, without holding every watch's whole state.
    func dueTimes() throws -> [String: Date]
    /// Each watch's newest version number, for every watch with a version.
    func latestVersionNumbers() throws -> [String: Int]
    /// Merges these watches' states into the stored ones, in one atomic write.
    func saveStates(_ states: [String: WatchState]) throws
    /// Names of watches that have stored anything.
    func watchNames() throws -> [String]
    /// Runs `body` as the only writer. `wait` nil means fail at once if another writer holds it.
    func withWriterLock<T>(wait: TimeInterval?, _ body: () async throws -> T) async throws -> T
    /// Opens a batch: what is written until `commitBatch()` (versions, states, queued alerts)
    /// becomes visible and durable together, or not at all (`rollbackBatch()`, or a crash).
    func beginBatch() throws
    func commitBatch() throws
    func rollbackBatch()
    /// The outbox kept in this store.
    func makeOutbox() -> Outbox
}

/// A version's blobs encoded ahead of storing (see `SnapshotStore.prepareVersion`).
public struct PreparedVersion: Sendable {
    /// The version they were encoded after (their delta bases).
    let previous: Int?
    let article: ObjectDatabase.Encoded
    let html: ObjectDatabase.Encoded
}

extension SnapshotStore {
    public func prepareVersion(of watch: String, article: Article, html: Data, finalURL: String, after previous: VersionRecord?) -> PreparedVersion? { nil }
    public func append(_ snapshot: Snapshot, to watch: String, prepared: PreparedVersion?) throws -> VersionRecord {
        try append(snapshot, to: watch)
    }
    /// Stores without transactions write as they go: every step is already durable.
    public func beginBatch() throws {}
    public func commitBatch() throws {}
    public func rollbackBatch() {}
    public func latestVersion(of watch: String) throws -> VersionRecord? { try versions(of: watch).last }
    public func state(of watch: String) throws -> WatchState { try states()[watch] ?? WatchState() }
    public func states(of watches: [String]) throws -> [String: WatchState] {
        let all = try states()
        return Dictionary(watches.compactMap { name in all[name].map { (name, $0) } }, uniquingKeysWith: { $1 })
    }
    public func dueTimes() throws -> [String: Date] { try states().compactMapValues(\.nextDue) }
    public func latestVersionNumbers() throws -> [String: Int] {
        Dictionary(try watchNames().compactMap { name in try latestVersion(of: name).map { (name, $0.number) } }, uniquingKeysWith: { $1 })
    }
}

public enum StoreError: Error, CustomStringConvertible, Equatable {
    case locked(path: String)
    case corruptObject(id: String, reason: String)
    case missingObject(id: String)
    case corruptLog(path: String, line: Int, reason: String)
    case io(path: String, reason: String)
    case invalidWatchName(String)

    public var description: String {
        switch self {
        case .locked(let path): return "another newswatch process is writing to the store (lock held on \(path))"
        case .corruptObject(let id, let reason): return "object \(id) is corrupt: \(reason)"
        case .missingObject(let id): return "object \(id) is missing"
        case .corruptLog(let path, let line, let reason): return "\(path):\(line): corrupt history entry: \(reason)"
        case .io(let path, let reason): return "\(path): \(reason)"
        case .invalidWatchName(let name): return "'\(name)' cannot be used as a watch name in the store"
        }
    }
}
