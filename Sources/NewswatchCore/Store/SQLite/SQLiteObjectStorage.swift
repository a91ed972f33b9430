import Foundation

/// Snapshot blobs in the store's `objects` table, keyed by the 32 raw bytes of their
/// SHA-256. Writes join whatever transaction the store has open, so a version's blobs and
/// its record commit together.
final class SQLiteObjectStorage: ObjectStorage, @unchecked Sendable {
    private let database: SQLiteDatabase
    private let serial: NSRecursiveLock

    init(database: SQLiteDatabase, serial: NSRecursiveLock) {
        self.database = database
        self.serial = serial
    }

    private func run(_ sql: String, _ parameters: [SQLiteValue]) throws -> [[SQLiteValue]] {
        serial.lock()
        defer { serial.unlock() }
        return try database.query(sql, parameters)
    }

    func raw(_ id: String) throws -> Data {
        guard case .blob(let bytes)? = try run("SELECT bytes FROM objects WHERE id = ?1", [.blob(ObjectDatabase.rawID(id))]).first?.first else {
            throw StoreError.missingObject(id: id)
        }
        return bytes
    }

    func prefix(_ id: String, _ count: Int) throws -> Data {
        guard case .blob(let bytes)? = try run("SELECT substr(bytes, 1, ?2) FROM objects WHERE id = ?1",
                                               [.blob(ObjectDatabase.rawID(id)), .integer(Int64(count))]).first?.first else {
            throw StoreError.missingObject(id: id)
        }
        return bytes
    }

    func contains(_ id: String) -> Bool {
        ((try? run("SELECT 1 FROM objects WHERE id = ?1", [.blob(ObjectDatabase.rawID(id))])) ?? []).isEmpty == false
    }

    func write(_ id: String, _ bytes: Data) throws {
        _ = try run("INSERT OR IGNORE INTO objects(id, bytes) VALUES (?1, ?2)", [.blob(ObjectDatabase.rawID(id)), .blob(bytes)])
    }

    func allIDs() -> [String] {
        ((try? run("SELECT id FROM objects ORDER BY id", [])) ?? []).compactMap {
            if case .blob(let raw) = $0[0] { return raw.hexString }
            return nil
        }
    }

    func remove(_ ids: [String]) throws {
        for id in ids { _ = try run("DELETE FROM objects WHERE id = ?1", [.blob(ObjectDatabase.rawID(id))]) }
    }
}
