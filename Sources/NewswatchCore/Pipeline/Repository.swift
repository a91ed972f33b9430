import Foundation

/// The check pipeline's one persistence seam: what a run reads before deciding and the
/// single transactional `record` of what it decided. `StoreRepository` implements it over any
/// `SnapshotStore` (SQLite, the embedded default; PostgreSQL for many workers; memory for
/// tests) and its outbox; another backend implements it directly and the runner is unchanged.
public protocol Repository: Sendable {
    /// One slice's starting point: its watches' states and latest versions.
    func start(_ watches: [String]) async -> SliceStart
    /// Each watch's newest version number (to find versions whose alerts a crashed run owes).
    func latestVersionNumbers() async throws -> [String: Int]
    func versions(of watch: String) async throws -> [VersionRecord]
    func article(of version: VersionRecord) async throws -> Article
    func html(of version: VersionRecord) async throws -> Data
    /// Encodes a possible next version's blobs ahead of `record` (CPU only: runs on the
    /// extracting cores). nil when the store has nothing to prepare.
    func prepareVersion(of watch: String, article: Article, html: Data, finalURL: String, after previous: VersionRecord?) -> PreparedVersion?
    /// Commits a slice's outcomes at once: each watch's new version, its state and the alerts
    /// it raises. A watch whose version cannot be stored is left out whole (its state and
    /// alerts too) and named in `notStored`; a failure of the slice's commit leaves every
    /// watch as it was before, and is `sliceError`.
    func record(_ outcomes: [WatchOutcome], now: Date) async -> RecordResult
}

/// What a slice of a run starts from.
public struct SliceStart: Sendable {
    public var states: [String: WatchState] = [:]
    public var latest: [String: Result<VersionRecord?, Error>] = [:]
}

/// One watch's checked outcome, decided and ready to commit.
public struct WatchOutcome: Sendable {
    public var watch: String
    /// The version to store, if the check calls for one.
    public var version: PlannedVersion?
    public var state: WatchState
    public var alerts: [QueuedAlert]
}

/// A new version as it will be recorded: number and blob names are known before it is
/// stored (the next number after the latest; blobs are named by their content's hash), so
/// the events and alerts that quote it are built before the transaction and commit with it.
public struct PlannedVersion: Sendable {
    public var snapshot: Snapshot
    public var prepared: PreparedVersion?
    public var record: VersionRecord

    /// Plans `snapshot` as the version after `previous`.
    public init(snapshot: Snapshot, prepared: PreparedVersion?, after previous: VersionRecord?) throws {
        self.snapshot = snapshot
        self.prepared = prepared
        let article = try prepared?.article.id ?? Digest.sha256(JSONCoding.encoder.encode(snapshot.article)).hexString
        let html = prepared?.html.id ?? Digest.sha256(snapshot.html).hexString
        record = VersionRecord(snapshot: snapshot, number: (previous?.number ?? 0) + 1, article: article, html: html)
    }
}

/// An alert to put in the outbox, or (alert nil) the outbox's note that a stored version
/// raised none, so a run that dies later does not send it again.
public struct QueuedAlert: Sendable {
    public var alert: Alert?
    public var hooks: [WebhookConfig]
    /// The stored version it announces, if any.
    public var version: Int?
}

/// What `record` did.
public struct RecordResult: Sendable {
    /// Watches whose version could not be stored, with why: nothing of theirs was recorded.
    public var notStored: [String: String] = [:]
    /// The whole slice was rolled back (nothing of it was recorded), with why.
    public var sliceError: String?
    /// Problems that lost nothing stored (an alert that could not be queued).
    public var problems: [String] = []
}
