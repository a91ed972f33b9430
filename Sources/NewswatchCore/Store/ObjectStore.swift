import Foundation

/// Content-addressed, compressed snapshot blobs: each named by the SHA-256 of its content,
/// stored deflated and, when that is smaller, as a delta against another blob. Every store
/// keeps its blobs behind this (`ObjectDatabase` over an SQLite table, a PostgreSQL table or
/// files), so another blob store (a bucket) slots in without touching versions or states.
public protocol ObjectStore: Sendable {
    /// Stores `content` (as a delta against `base` when smaller) and returns its name.
    @discardableResult
    func put(_ content: Data, base: String?) throws -> String
    /// The content named `id`, checked against its name.
    func get(_ id: String) throws -> Data
    func exists(_ id: String) -> Bool
}

extension ObjectDatabase: ObjectStore {}

/// The stores built on an `ObjectDatabase` show it as their `ObjectStore`.
extension SQLiteStore {
    public var objectStore: any ObjectStore { objects }
}

extension PostgresStore {
    public var objectStore: any ObjectStore { objects }
}
