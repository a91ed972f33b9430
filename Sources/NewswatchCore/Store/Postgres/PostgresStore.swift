import Foundation

/// The shared store: the same tables as `SQLiteStore` in a PostgreSQL database, so many
/// processes on many machines can use one history (`--database postgres://...` or
/// `NEWSWATCH_DATABASE`). Blobs are encoded exactly as in SQLite (`ObjectDatabase`: zlib or a
/// delta), in a `bytea` table behind the same `ObjectStorage` seam; the writer lock is a
/// PostgreSQL advisory lock, so it holds across machines.
public final class PostgresStore: SnapshotStore, VersionWriter, @unchecked Sendable {
    /// The database URL (password masked): where messages say the store is.
    public let root: String
    let connection: PostgresConnection
    let serial = NSRecursiveLock()
    let objects: ObjectDatabase
    private var batchDepth = 0
    static let schemaVersion = 1
    /// The advisory lock key of the writer lock ("newswatch" in ASCII, truncated).
    static let writerLockKey: Int64 = 0x6E65_7773_7761_7463

    /// Connects; the tables are created (under an advisory lock, once) when missing and
    /// `create` is true.
    public init(url: String, create: Bool = true) throws {
        do { connection = try PostgresConnection(url: url) } catch { throw StoreError.io(path: PostgresConnection.masked(url), reason: "\(error)") }
        root = PostgresConnection.masked(url)
        objects = ObjectDatabase(storage: PostgresObjectStorage(connection: connection, serial: serial))
        try createSchema(create: create)
    }

    private func createSchema(create: Bool) throws {
        let exists = try query("SELECT to_regclass('newswatch_meta') IS NOT NULL")
        if case .integer(1)? = exists.first?.first {
            if case .text(let version)? = try query("SELECT value FROM newswatch_meta WHERE key = 'schema'").first?.first,
               Int(version) ?? 0 > Self.schemaVersion {
                throw StoreError.io(path: root, reason: "written by a newer newswatch (store schema \(version)); upgrade newswatch to read it")
            }
            return
        }
        guard create else { throw StoreError.io(path: root, reason: "no newswatch store in this database (run `newswatch check` to create one)") }
        // The first of many workers creates the schema; the others wait for it.
        try locked {
            try connection.execute("SELECT pg_advisory_lock(\(Self.writerLockKey + 1))")
            defer { _ = try? connection.execute("SELECT pg_advisory_unlock(\(Self.writerLockKey + 1))") }
            try connection.execute("""
            BEGIN;
            CREATE TABLE IF NOT EXISTS newswatch_objects(id BYTEA PRIMARY KEY, bytes BYTEA NOT NULL);
            CREATE TABLE IF NOT EXISTS newswatch_versions(watch TEXT NOT NULL, number BIGINT NOT NULL, record BYTEA NOT NULL, PRIMARY KEY(watch, number));
            CREATE TABLE IF NOT EXISTS newswatch_states(watch TEXT PRIMARY KEY, state BYTEA NOT NULL);
            CREATE TABLE IF NOT EXISTS newswatch_sites(host TEXT PRIMARY KEY, object TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS newswatch_outbox(id TEXT PRIMARY KEY, sequence BIGINT NOT NULL, entry BYTEA NOT NULL);
            CREATE TABLE IF NOT EXISTS newswatch_alerted(watch TEXT PRIMARY KEY, version BIGINT NOT NULL);
            CREATE TABLE IF NOT EXISTS newswatch_meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS newswatch_queue(watch TEXT PRIMARY KEY, due TIMESTAMPTZ NOT NULL, lease_owner TEXT, lease_until TIMESTAMPTZ);
            CREATE INDEX IF NOT EXISTS newswatch_queue_due ON newswatch_queue(due);
            CREATE TABLE IF NOT EXISTS newswatch_watchlists(file TEXT PRIMARY KEY, text TEXT NOT NULL);
            INSERT INTO newswatch_meta(key, value) VALUES ('schema', '\(Self.schemaVersion)') ON CONFLICT DO NOTHING;
            COMMIT;
            """)
        }
    }

    func locked<T>(_ body: () throws -> T) rethrows -> T {
        serial.lock()
        defer { serial.unlock() }
        return try body()
    }

    @discardableResult
    func query(_ sql: String, _ parameters: [SQLiteValue] = []) throws -> [[SQLiteValue]] {
        do { return try locked { try connection.query(sql, parameters) } } catch let failure as PostgresConnection.Failure {
            throw StoreError.io(path: root, reason: failure.message)
        }
    }

    // MARK: Batches

    /// Writers take turns (a transaction-level advisory lock): workers' slices share blobs
    /// (one site's pages deltify against one another) and site rows, and two transactions
    /// inserting them in different orders deadlocked, costing a slice (measured with 4
    /// workers). Fetching and extraction, the long part, stay parallel.
    public func beginBatch() throws {
        try locked {
            if batchDepth == 0 {
                try query("BEGIN")
                try query("SELECT pg_advisory_xact_lock(\(Self.writerLockKey + 3))")
            }
            batchDepth += 1
        }
    }

    public func commitBatch() throws {
        try locked {
            guard batchDepth > 0 else { return }
            batchDepth -= 1
            if batchDepth == 0 { try query("COMMIT") }
        }
    }

    public func rollbackBatch() {
        locked {
            guard batchDepth > 0 else { return }
            batchDepth = 0
            _ = try? query("ROLLBACK")
        }
    }

    public func transaction<T>(_ body: () throws -> T) throws -> T {
        try locked {
            try beginBatch()
            do {
                let result = try body()
                try commitBatch()
                return result
            } catch {
                rollbackBatch()
                throw error
            }
        }
    }

    // MARK: History

    public func versions(of watch: String) throws -> [VersionRecord] {
        try query("SELECT number, record FROM newswatch_versions WHERE watch = $1 ORDER BY number", [.text(watch)]).map { try decodeRecord($0, watch: watch) }
    }

    public func latestVersion(of watch: String) throws -> VersionRecord? {
        try query("SELECT number, record FROM newswatch_versions WHERE watch = $1 ORDER BY number DESC LIMIT 1", [.text(watch)])
            .first.map { try decodeRecord($0, watch: watch) }
    }

    private func decodeRecord(_ row: [SQLiteValue], watch: String) throws -> VersionRecord {
        guard case .blob(let data) = row[1], let json = try? Zlib.decompress(data, dictionary: SQLiteStore.recordDictionary),
              let record = try? JSONCoding.decoder.decode(VersionRecord.self, from: json) else {
            let number: Int = if case .integer(let value) = row[0] { Int(value) } else { 0 }
            throw StoreError.corruptLog(path: root + " (versions of \(watch))", line: number, reason: "not a valid version record")
        }
        return record
    }

    public func article(of version: VersionRecord) throws -> Article { try decodeArticle(of: version) }

    public func html(of version: VersionRecord) throws -> Data { try objects.get(version.html) }

    public func append(_ snapshot: Snapshot, to watch: String) throws -> VersionRecord {
        try appendVersion(snapshot, to: watch, prepared: nil)
    }

    public func prepareVersion(of watch: String, article: Article, html: Data, finalURL: String, after previous: VersionRecord?) -> PreparedVersion? {
        prepareEncodedVersion(article: article, html: html, finalURL: finalURL, after: previous)
    }

    public func append(_ snapshot: Snapshot, to watch: String, prepared: PreparedVersion?) throws -> VersionRecord {
        try appendVersion(snapshot, to: watch, prepared: prepared)
    }

    var refreshedSites: Set<String> = []

    func siteReference(_ host: String) throws -> String? {
        guard case .text(let id)? = try query("SELECT object FROM newswatch_sites WHERE host = $1", [.text(host)]).first?.first else { return nil }
        return id
    }

    func recordSite(_ host: String, object: String) throws {
        try query("INSERT INTO newswatch_sites(host, object) VALUES ($1, $2) ON CONFLICT (host) DO UPDATE SET object = EXCLUDED.object",
                  [.text(host), .text(object)])
    }

    func insert(_ record: VersionRecord, for watch: String) throws {
        try query("INSERT INTO newswatch_versions(watch, number, record) VALUES ($1, $2, $3) ON CONFLICT (watch, number) DO UPDATE SET record = EXCLUDED.record",
                  [.text(watch), .integer(Int64(record.number)),
                   .blob(try Zlib.compress(try JSONCoding.encoder.encode(record), level: 9, dictionary: SQLiteStore.recordDictionary))])
    }

    public func watchNames() throws -> [String] {
        try query("SELECT DISTINCT watch FROM newswatch_versions ORDER BY watch").compactMap {
            if case .text(let name) = $0[0] { return name }
            return nil
        }
    }

    // MARK: Watch state

    public func states() throws -> [String: WatchState] { try readStates() }
    public func states(of watches: [String]) throws -> [String: WatchState] { try readStates(of: watches) }
    public func latestVersionNumbers() throws -> [String: Int] { try readLatestVersionNumbers() }

    public func saveStates(_ updates: [String: WatchState]) throws {
        guard !updates.isEmpty else { return }
        try transaction {
            for (watch, state) in updates {
                try query("INSERT INTO newswatch_states(watch, state) VALUES ($1, $2) ON CONFLICT (watch) DO UPDATE SET state = EXCLUDED.state",
                          [.text(watch), .blob(try StoreFormat.stateEncoder.encode(state))])
            }
        }
    }

    // MARK: Writer lock and the outbox

    /// A session advisory lock: one writer at a time across every machine using the database.
    public func withWriterLock<T>(wait: TimeInterval?, _ body: () async throws -> T) async throws -> T {
        let deadline = Date().addingTimeInterval(wait ?? 0)
        while true {
            if case .integer(1)? = try query("SELECT pg_try_advisory_lock(\(Self.writerLockKey))").first?.first { break }
            if Date() >= deadline { throw StoreError.locked(path: root) }
            try await Task.sleep(nanoseconds: 100_000_000)
        }
        defer { _ = try? query("SELECT pg_advisory_unlock(\(Self.writerLockKey))") }
        refreshedSites = []
        return try await body()
    }

    public func makeOutbox() -> Outbox { Outbox(storage: PostgresOutboxStorage(store: self)) }
}

extension PostgresStore: HistoryEditing {
    public func renameWatch(_ old: String, to new: String) throws {
        try transaction {
            if !(try query("SELECT 1 FROM newswatch_versions WHERE watch = $1 LIMIT 1", [.text(new)]).isEmpty) { throw StoreEditError.nameTaken(new) }
            for table in ["versions", "states", "alerted"] {
                try query("UPDATE newswatch_\(table) SET watch = $1 WHERE watch = $2", [.text(new), .text(old)])
            }
        }
    }

    public func deleteWatch(_ name: String) throws {
        try transaction {
            for table in ["versions", "states", "alerted"] { try query("DELETE FROM newswatch_\(table) WHERE watch = $1", [.text(name)]) }
        }
    }
}

extension PostgresStore: ObjectBackedStore {
    func replaceHistory(_ records: [VersionRecord], for watch: String) throws {
        try transaction {
            try query("DELETE FROM newswatch_versions WHERE watch = $1", [.text(watch)])
            for record in records { try insert(record, for: watch) }
        }
    }

    func collectGarbage(keeping live: Set<String>) throws {
        guard let storage = objects.storage as? PostgresObjectStorage else { return }
        try transaction {
            try storage.remove(objects.allIDs().filter { !live.contains($0) })
            try query("DELETE FROM newswatch_sites WHERE object NOT IN (SELECT encode(id, 'hex') FROM newswatch_objects)")
        }
    }

    func storageProblems() -> [String] { [] }

    var diskBytes: Int {
        let tables = ["objects", "versions", "states", "sites", "outbox", "alerted", "meta"].map { "pg_total_relation_size('newswatch_\($0)')" }
        guard case .integer(let bytes)? = (try? query("SELECT (\(tables.joined(separator: " + ")))::bigint"))?.first?.first else { return 0 }
        return Int(bytes)
    }
}

/// Blobs in `newswatch_objects`, keyed by the 32 raw bytes of their SHA-256.
final class PostgresObjectStorage: ObjectStorage, @unchecked Sendable {
    private let connection: PostgresConnection
    private let serial: NSRecursiveLock

    init(connection: PostgresConnection, serial: NSRecursiveLock) {
        self.connection = connection
        self.serial = serial
    }

    private func run(_ sql: String, _ parameters: [SQLiteValue]) throws -> [[SQLiteValue]] {
        serial.lock()
        defer { serial.unlock() }
        return try connection.query(sql, parameters)
    }

    func raw(_ id: String) throws -> Data {
        guard case .blob(let bytes)? = try run("SELECT bytes FROM newswatch_objects WHERE id = $1", [.blob(ObjectDatabase.rawID(id))]).first?.first else {
            throw StoreError.missingObject(id: id)
        }
        return bytes
    }

    func prefix(_ id: String, _ count: Int) throws -> Data {
        guard case .blob(let bytes)? = try run("SELECT substring(bytes from 1 for $2) FROM newswatch_objects WHERE id = $1",
                                               [.blob(ObjectDatabase.rawID(id)), .integer(Int64(count))]).first?.first else {
            throw StoreError.missingObject(id: id)
        }
        return bytes
    }

    func contains(_ id: String) -> Bool {
        ((try? run("SELECT 1 FROM newswatch_objects WHERE id = $1", [.blob(ObjectDatabase.rawID(id))])) ?? []).isEmpty == false
    }

    func write(_ id: String, _ bytes: Data) throws {
        _ = try run("INSERT INTO newswatch_objects(id, bytes) VALUES ($1, $2) ON CONFLICT DO NOTHING", [.blob(ObjectDatabase.rawID(id)), .blob(bytes)])
    }

    func allIDs() -> [String] {
        ((try? run("SELECT id FROM newswatch_objects ORDER BY id", [])) ?? []).compactMap {
            if case .blob(let raw) = $0[0] { return raw.hexString }
            return nil
        }
    }

    func remove(_ ids: [String]) throws {
        for id in ids { _ = try run("DELETE FROM newswatch_objects WHERE id = $1", [.blob(ObjectDatabase.rawID(id))]) }
    }
}

/// The outbox in `newswatch_outbox` and `newswatch_alerted`, as `SQLiteOutboxStorage` keeps it,
/// but keyed by the entry's id (its alert's event id and hook): workers on other machines
/// number their entries independently, and an alert queued twice is one entry.
final class PostgresOutboxStorage: OutboxStorage, @unchecked Sendable {
    private let store: PostgresStore

    init(store: PostgresStore) { self.store = store }

    func loadEntries() -> [OutboxEntry] {
        ((try? store.query("SELECT entry FROM newswatch_outbox ORDER BY sequence, id")) ?? []).compactMap {
            guard case .blob(let data) = $0[0] else { return nil }
            return try? JSONCoding.decoder.decode(OutboxEntry.self, from: data)
        }
    }

    func save(_ entry: OutboxEntry) throws {
        var stored = entry
        stored.hookURL = WebhookConfig.masked(entry.hookURL)
        try store.query("INSERT INTO newswatch_outbox(id, sequence, entry) VALUES ($1, $2, $3) ON CONFLICT (id) DO UPDATE SET entry = EXCLUDED.entry",
                        [.text(entry.id), .integer(Int64(entry.sequence)), .blob(try JSONCoding.encoder.encode(stored))])
    }

    func remove(_ entry: OutboxEntry) {
        _ = try? store.query("DELETE FROM newswatch_outbox WHERE id = $1", [.text(entry.id)])
    }

    func loadMarkers() -> [String: Int]? {
        guard let rows = try? store.query("SELECT watch, version FROM newswatch_alerted") else { return [:] }
        guard !rows.isEmpty else { return nil }
        var markers: [String: Int] = [:]
        for row in rows {
            if case .text(let watch) = row[0], case .integer(let version) = row[1], !watch.isEmpty { markers[watch] = Int(version) }
        }
        return markers
    }

    func saveMarkers(_ markers: [String: Int], changed: Set<String>) throws {
        try store.transaction {
            try store.query("INSERT INTO newswatch_alerted(watch, version) VALUES ('', 0) ON CONFLICT DO NOTHING")
            for watch in changed {
                guard let version = markers[watch] else { continue }
                try store.query("INSERT INTO newswatch_alerted(watch, version) VALUES ($1, $2) ON CONFLICT (watch) DO UPDATE SET version = EXCLUDED.version",
                                [.text(watch), .integer(Int64(version))])
            }
        }
    }
}

/// The due-queue many workers share (`newswatch worker`): one row per watch with its due time
/// and, while a worker checks it, that worker's lease. Claims take due rows nobody holds, or
/// whose lease ran out (a worker that died), with `FOR UPDATE SKIP LOCKED` so workers never
/// wait for each other or take the same row.
extension PostgresStore {
    /// Makes the queue hold exactly `watches`: new ones due at their state's next due time
    /// (now when never checked), gone ones removed.
    public func syncQueue(_ watches: [String], now: Date) throws {
        let states = try self.states()
        try transaction {
            for watch in watches {
                let due = states[watch]?.nextDue ?? now
                try query("INSERT INTO newswatch_queue(watch, due) VALUES ($1, to_timestamp($2)) ON CONFLICT (watch) DO NOTHING",
                          [.text(watch), .real(due.timeIntervalSince1970)])
            }
            try query("DELETE FROM newswatch_queue WHERE NOT (watch = ANY(string_to_array($1, E'\\n')))", [.text(watches.joined(separator: "\n"))])
        }
    }

    /// Leases up to `limit` due watches to `worker` for `lease` seconds; returns their names.
    public func claimDue(worker: String, limit: Int, lease: TimeInterval) throws -> [String] {
        try query("""
            UPDATE newswatch_queue SET lease_owner = $1, lease_until = now() + make_interval(secs => $2)
            WHERE watch IN (SELECT watch FROM newswatch_queue WHERE due <= now() AND (lease_until IS NULL OR lease_until < now())
                            ORDER BY due LIMIT $3 FOR UPDATE SKIP LOCKED)
            RETURNING watch
            """, [.text(worker), .real(lease), .integer(Int64(limit))]).compactMap { if case .text(let name) = $0[0] { return name } else { return nil } }
    }

    /// Extends `worker`'s leases on `watches` (while it is still checking them).
    public func renewLeases(worker: String, watches: [String], lease: TimeInterval) throws {
        try query("UPDATE newswatch_queue SET lease_until = now() + make_interval(secs => $2) WHERE lease_owner = $1 AND watch = ANY(string_to_array($3, E'\\n'))",
                  [.text(worker), .real(lease), .text(watches.joined(separator: "\n"))])
    }

    /// Ends `worker`'s leases, setting each watch's next due time. A lease another worker has
    /// since taken over (this one was presumed dead) is left alone.
    public func release(worker: String, due: [String: Date]) throws {
        try transaction {
            for (watch, date) in due {
                try query("UPDATE newswatch_queue SET due = to_timestamp($3), lease_owner = NULL, lease_until = NULL WHERE watch = $1 AND lease_owner = $2",
                          [.text(watch), .text(worker), .real(date.timeIntervalSince1970)])
            }
        }
    }

    /// The earliest due time in the queue, if any.
    public func nextDue() throws -> Date? {
        guard case .real(let seconds)? = try query("SELECT extract(epoch FROM min(due))::float8 FROM newswatch_queue").first?.first else { return nil }
        return Date(timeIntervalSince1970: seconds)
    }

    /// Runs `body` only if no other worker is reading followed sources right now.
    public func whileReadingSources(_ body: () async -> Void) async throws -> Bool {
        guard case .integer(1)? = try query("SELECT pg_try_advisory_lock(\(Self.writerLockKey + 4))").first?.first else { return false }
        defer { _ = try? query("SELECT pg_advisory_unlock(\(Self.writerLockKey + 4))") }
        await body()
        return true
    }

    /// Runs `body` only if no other worker is delivering alerts right now; returns whether it ran.
    public func whileDelivering(_ body: () async -> Void) async throws -> Bool {
        guard case .integer(1)? = try query("SELECT pg_try_advisory_lock(\(Self.writerLockKey + 2))").first?.first else { return false }
        defer { _ = try? query("SELECT pg_advisory_unlock(\(Self.writerLockKey + 2))") }
        await body()
        return true
    }
}

/// The watchlists every worker runs from: a worker that can read the files stores them here
/// (on start, when they change, on SIGHUP); a worker on a machine without them runs from here.
extension PostgresStore {
    /// Replaces the stored watchlist files with `files` (name -> YAML text).
    public func saveWatchlists(_ files: [String: String]) throws {
        try transaction {
            try query("DELETE FROM newswatch_watchlists")
            for (file, text) in files { try query("INSERT INTO newswatch_watchlists(file, text) VALUES ($1, $2)", [.text(file), .text(text)]) }
        }
    }

    /// The stored watchlist files (name -> YAML text).
    public func loadWatchlists() throws -> [String: String] {
        var files: [String: String] = [:]
        for row in try query("SELECT file, text FROM newswatch_watchlists") {
            if case .text(let file) = row[0], case .text(let text) = row[1] { files[file] = text }
        }
        return files
    }
}

extension PostgresStore: StateTables {
    static let statesTable = "newswatch_states"
    static let versionsTable = "newswatch_versions"
    static let firstParameter = "$1"
}
