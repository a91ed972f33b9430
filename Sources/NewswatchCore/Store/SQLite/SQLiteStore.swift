import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The embedded default store: one SQLite database, `newswatch.db`, in the store directory.
///
///     objects   content-addressed snapshot blobs, encoded as `ObjectDatabase` describes
///               (zlib, or a delta against the previous version), keyed by their SHA-256
///     versions  a watch's history: one JSON version record per row
///     states    per-watch schedule state: last checked, validators, failures, fingerprint
///     sites     per-host latest page, the delta base for a site's new watches
///     outbox    alerts awaiting delivery, and `alerted`, the last version alerted per watch
///
/// Blobs live in the database rather than as files beside it: a check's versions, states
/// and alerts then commit in one transaction with one sync, where files cost a sync each
/// and needed repair code for what a crash left between them (measured in the README).
/// Write-ahead logging lets `log`, `show` and `list` read while `check` writes, and a
/// reader never sees half a transaction. One process writes at a time (`withWriterLock`).
public final class SQLiteStore: SnapshotStore, VersionWriter, @unchecked Sendable {
    public let root: String
    public var databasePath: String { (root as NSString).appendingPathComponent(Self.fileName) }
    public static let fileName = "newswatch.db"
    static let schemaVersion = 1
    /// Small pages: a blob larger than a page spills into overflow pages whose last one is on
    /// average half empty, and most of the store is blobs of a few KB (deltas and compressed
    /// pages). 1 KB pages made the news benchmark's store 1.33x -> see README for the figure.
    static let pageSize = 512

    let database: SQLiteDatabase
    /// One connection, used by one thread at a time; recursive, because a batch's body
    /// calls the store's own methods.
    let serial = NSRecursiveLock()
    let objects: ObjectDatabase
    private var batchDepth = 0

    /// Opens the store at `root`, creating it (private: directory 0700, database 0600) when
    /// `create` is true; otherwise a missing database is an error.
    public init(root: String, create: Bool = true) throws {
        self.root = root
        let path = (root as NSString).appendingPathComponent(Self.fileName)
        let exists = FileManager.default.fileExists(atPath: path)
        if !exists {
            guard create else { throw StoreError.io(path: path, reason: "no store database here") }
            do {
                try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true,
                                                        attributes: [.posixPermissions: 0o700])
            } catch {
                throw StoreError.io(path: root, reason: "cannot create directory: \(error.localizedDescription)")
            }
            // Created empty with mode 0600 first: SQLite gives its -wal and -shm files the
            // database's mode, so none of the store is readable by other users. O_EXCL: a
            // second process creating the store at the same moment must not truncate it.
            let descriptor = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
            if descriptor >= 0 {
                close(descriptor)
            } else if errno != EEXIST {
                throw StoreError.io(path: path, reason: "cannot create the store database: \(String(cString: strerror(errno)))")
            }
        }
        do {
            database = try SQLiteDatabase(path: path, pageSize: Self.pageSize)
        } catch {
            throw StoreError.io(path: path, reason: "\(error)")
        }
        let storage = SQLiteObjectStorage(database: database, serial: serial)
        objects = ObjectDatabase(storage: storage)
        try createSchema()
    }

    /// Whether `root` holds a store of this kind.
    public static func exists(at root: String) -> Bool {
        FileManager.default.fileExists(atPath: (root as NSString).appendingPathComponent(fileName))
    }

    /// Creates the tables of a new store. An existing store is only read here: a read
    /// command must never need the write lock a running check holds.
    private func createSchema() throws {
        let current = try? database.query("SELECT value FROM meta WHERE key = 'schema'")
        if case .text(let version)? = current?.first?.first {
            guard Int(version) ?? 0 <= Self.schemaVersion else {
                throw StoreError.io(path: databasePath, reason: "written by a newer newswatch (store schema \(version)); upgrade newswatch to read it")
            }
            return
        }
        try locked {
            try database.execute("""
            CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS objects(id BLOB PRIMARY KEY, bytes BLOB NOT NULL);
            CREATE TABLE IF NOT EXISTS versions(watch TEXT NOT NULL, number INTEGER NOT NULL, record BLOB NOT NULL,
                                                PRIMARY KEY(watch, number)) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS states(watch TEXT PRIMARY KEY, state BLOB NOT NULL) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS sites(host TEXT PRIMARY KEY, object TEXT NOT NULL) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS outbox(sequence INTEGER PRIMARY KEY, entry BLOB NOT NULL);
            CREATE TABLE IF NOT EXISTS alerted(watch TEXT PRIMARY KEY, version INTEGER NOT NULL) WITHOUT ROWID;
            INSERT OR IGNORE INTO meta(key, value) VALUES ('schema', '\(Self.schemaVersion)');
            """)
        }
    }

    func locked<T>(_ body: () throws -> T) rethrows -> T {
        serial.lock()
        defer { serial.unlock() }
        return try body()
    }

    /// Runs a statement, naming the database in any error.
    @discardableResult
    func query(_ sql: String, _ parameters: [SQLiteValue] = []) throws -> [[SQLiteValue]] {
        try locked { try database.query(sql, parameters) }
    }

    // MARK: Batches

    public func beginBatch() throws {
        try locked {
            if batchDepth == 0 { try database.execute("BEGIN IMMEDIATE") }
            batchDepth += 1
        }
    }

    public func commitBatch() throws {
        try locked {
            guard batchDepth > 0 else { return }
            batchDepth -= 1
            if batchDepth == 0 { try database.execute("COMMIT") }
        }
    }

    public func rollbackBatch() {
        locked {
            guard batchDepth > 0 else { return }
            batchDepth = 0
            try? database.execute("ROLLBACK")
        }
    }

    /// Runs `body` as one transaction (joining a batch already open).
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
        try query("SELECT number, record FROM versions WHERE watch = ?1 ORDER BY number", [.text(watch)])
            .map { try decodeRecord($0, watch: watch) }
    }

    public func latestVersion(of watch: String) throws -> VersionRecord? {
        try query("SELECT number, record FROM versions WHERE watch = ?1 ORDER BY number DESC LIMIT 1", [.text(watch)])
            .first.map { try decodeRecord($0, watch: watch) }
    }

    private func decodeRecord(_ row: [SQLiteValue], watch: String) throws -> VersionRecord {
        guard case .blob(let data) = row[1], let json = try? Zlib.decompress(data, dictionary: Self.recordDictionary),
              let record = try? JSONCoding.decoder.decode(VersionRecord.self, from: json) else {
            let number: Int = if case .integer(let value) = row[0] { Int(value) } else { 0 }
            throw StoreError.corruptLog(path: databasePath + " (versions of \(watch))", line: number, reason: "not a valid version record")
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
        guard case .text(let id)? = try query("SELECT object FROM sites WHERE host = ?1", [.text(host)]).first?.first else { return nil }
        return id
    }

    func recordSite(_ host: String, object: String) throws {
        try query("INSERT OR REPLACE INTO sites(host, object) VALUES (?1, ?2)", [.text(host), .text(object)])
    }

    /// Version records are small JSON objects with the same keys: deflated against these
    /// (part of the schema: changing them needs a new schema version) a record takes about
    /// a third of its JSON.
    static let recordDictionary = Data(#"{"article":"","charset":"utf-8","contentType":"text\/html; charset=utf-8","etag":"\"","extraction":{"confidence":0.9,"method":"readability"},"extractorVersion":"readability\/2","fetchedAt":"2026-","finalURL":"https:\/\/www.","html":"","lastModified":"GMT","number":1,"requestedURL":"https:\/\/www.","status":200,"storyHash":"","storyLength":1,"title":""}"#.utf8)

    func insert(_ record: VersionRecord, for watch: String) throws {
        try query("INSERT OR REPLACE INTO versions(watch, number, record) VALUES (?1, ?2, ?3)",
                  [.text(watch), .integer(Int64(record.number)), .blob(try Zlib.compress(try JSONCoding.encoder.encode(record), level: 9, dictionary: Self.recordDictionary))])
    }

    public func watchNames() throws -> [String] {
        try query("SELECT DISTINCT watch FROM versions ORDER BY watch").compactMap {
            if case .text(let name) = $0[0] { return name }
            return nil
        }
    }

    /// Moves a watch's history, state and alert marks to a new name, in one transaction.
    /// Refused when the new name already has a history.
    public func renameWatch(_ old: String, to new: String) throws {
        try transaction {
            if !(try query("SELECT 1 FROM versions WHERE watch = ?1 LIMIT 1", [.text(new)]).isEmpty) {
                throw StoreEditError.nameTaken(new)
            }
            for table in ["versions", "states", "alerted"] {
                try query("UPDATE \(table) SET watch = ?1 WHERE watch = ?2", [.text(new), .text(old)])
            }
        }
    }

    /// Forgets a watch: its versions, state and alert marks (blobs no version uses any more
    /// go at the next `prune`).
    public func deleteWatch(_ name: String) throws {
        try transaction {
            for table in ["versions", "states", "alerted"] { try query("DELETE FROM \(table) WHERE watch = ?1", [.text(name)]) }
        }
    }

    // MARK: Watch state

    public func states() throws -> [String: WatchState] { try readStates() }
    public func states(of watches: [String]) throws -> [String: WatchState] { try readStates(of: watches) }
    public func latestVersionNumbers() throws -> [String: Int] { try readLatestVersionNumbers() }

    /// Streamed row by row: holds due times, not every watch's state.
    public func dueTimes() throws -> [String: Date] {
        var due: [String: Date] = [:]
        try locked {
            try database.forEachRow("SELECT watch, state FROM states") { row in
                if let (watch, state) = Self.decodeState(row), let next = state.nextDue { due[watch] = next }
            }
        }
        return due
    }

    public func saveStates(_ updates: [String: WatchState]) throws {
        guard !updates.isEmpty else { return }
        try transaction {
            for (watch, state) in updates {
                try query("INSERT OR REPLACE INTO states(watch, state) VALUES (?1, ?2)",
                          [.text(watch), .blob(try StoreFormat.stateEncoder.encode(state))])
            }
        }
    }

    // MARK: Writer lock and the outbox

    public func withWriterLock<T>(wait: TimeInterval?, _ body: () async throws -> T) async throws -> T {
        let lock = try FileLock(path: (root as NSString).appendingPathComponent("lock"))
        try await lock.lock(wait: wait)
        defer { lock.unlock() }
        refreshedSites = []
        return try await body()
    }

    public func makeOutbox() -> Outbox { Outbox(storage: SQLiteOutboxStorage(store: self)) }
}

extension SQLiteStore: ObjectBackedStore {
    func replaceHistory(_ records: [VersionRecord], for watch: String) throws {
        try transaction {
            try query("DELETE FROM versions WHERE watch = ?1", [.text(watch)])
            for record in records { try insert(record, for: watch) }
        }
    }

    func collectGarbage(keeping live: Set<String>) throws {
        guard let storage = objects.storage as? SQLiteObjectStorage else { return }
        try transaction {
            try storage.remove(objects.allIDs().filter { !live.contains($0) })
            try query("DELETE FROM sites WHERE object NOT IN (SELECT lower(hex(id)) FROM objects)")
        }
        // Gives the freed pages back to the file system (prune is rare and explicit).
        try locked { try database.execute("VACUUM") }
    }

    func storageProblems() -> [String] {
        do {
            let report = try locked { try database.integrityCheck() }
            return report == ["ok"] ? [] : report.map { "\(databasePath): \($0)" }
        } catch {
            return ["\(error)"]
        }
    }

    /// After a checkpoint that never waits for a writer: when it copied the whole
    /// write-ahead log into the database, the log file is only reusable space and is not
    /// counted (its pages would be counted twice).
    var diskBytes: Int {
        let result = (try? query("PRAGMA wal_checkpoint(PASSIVE)"))?.first ?? []
        let complete = result.count == 3 && result[1] == result[2]
        return (complete ? [""] : ["", "-wal"]).reduce(0) { total, suffix in
            let attributes = try? FileManager.default.attributesOfItem(atPath: databasePath + suffix)
            return total + (attributes?[.size] as? Int ?? 0)
        }
    }
}

/// Stores whose histories can be renamed and deleted (`rename`, `remove --purge`).
public protocol HistoryEditing {
    func renameWatch(_ old: String, to new: String) throws
    func deleteWatch(_ name: String) throws
}

extension SQLiteStore: HistoryEditing {}

/// Why a rename of a watch's history was refused.
public enum StoreEditError: Error, CustomStringConvertible {
    case nameTaken(String)
    public var description: String {
        switch self {
        case .nameTaken(let name): return "the store already has a history for '\(name)'"
        }
    }
}

extension SQLiteStore: StateTables {
    static let statesTable = "states"
    static let versionsTable = "versions"
    static let firstParameter = "?1"
}
