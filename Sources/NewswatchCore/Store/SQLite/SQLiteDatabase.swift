import CSQLite
import Foundation

/// A failed SQLite call, with SQLite's own message and the database it concerned.
public struct SQLiteError: Error, CustomStringConvertible, Sendable {
    public var code: Int32
    public var message: String
    public var path: String

    public var description: String { "\(path): \(message) (SQLite error \(code))" }
}

/// A value bound to a statement's parameter or read from a column.
public enum SQLiteValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob(Data)
}

/// One connection to an SQLite database, in the discipline the store needs: write-ahead
/// logging (readers never block the writer and never see half a write), full sync on commit,
/// one transaction per logical change, a busy timeout instead of immediate "database is
/// locked". The C handle never leaves this file; a connection is used by one thread at a time.
public final class SQLiteDatabase {
    private let handle: OpaquePointer
    public let path: String

    /// Opens (creating when `readOnly` is false) the database at `path`.
    /// `pageSize` applies to a database not yet written (it cannot change once in WAL mode).
    public init(path: String, readOnly: Bool = false, busyTimeout: TimeInterval = 5, pageSize: Int? = nil) throws {
        self.path = path
        var opened: OpaquePointer?
        let flags = (readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) | SQLITE_OPEN_NOMUTEX
        let status = sqlite3_open_v2(path, &opened, flags, nil)
        guard status == SQLITE_OK, let opened else {
            let message = opened.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            if let opened { sqlite3_close_v2(opened) }
            throw SQLiteError(code: status, message: message, path: path)
        }
        handle = opened
        sqlite3_busy_timeout(handle, Int32(busyTimeout * 1000))
        sqlite3_extended_result_codes(handle, 1)
        if !readOnly {
            if let pageSize { try execute("PRAGMA page_size = \(pageSize)") }
            // Switching a new database to WAL does not wait in the busy handler: when another
            // process is creating the same store at this moment, try again for a while.
            let deadline = Date().addingTimeInterval(busyTimeout)
            while true {
                do {
                    try execute("PRAGMA journal_mode = WAL")
                    break
                } catch let error as SQLiteError where error.code & 0xFF == SQLITE_BUSY && Date() < deadline {
                    usleep(10_000)
                }
            }
            try execute("PRAGMA synchronous = FULL")
        }
        try execute("PRAGMA foreign_keys = ON")
    }

    deinit { sqlite3_close_v2(handle) }

    /// Runs SQL that returns no rows (several statements allowed).
    public func execute(_ sql: String) throws {
        var message: UnsafeMutablePointer<CChar>?
        let status = sqlite3_exec(handle, sql, nil, nil, &message)
        defer { sqlite3_free(message) }
        guard status == SQLITE_OK else {
            throw SQLiteError(code: status, message: message.map { String(cString: $0) } ?? lastMessage, path: path)
        }
    }

    /// Runs one statement with `parameters` bound in order (?1, ?2, ...) and returns its rows.
    @discardableResult
    public func query(_ sql: String, _ parameters: [SQLiteValue] = []) throws -> [[SQLiteValue]] {
        var rows: [[SQLiteValue]] = []
        try forEachRow(sql, parameters) { rows.append($0) }
        return rows
    }

    /// `query`, handing each row to `body` as it is read instead of collecting them: a scan
    /// over every watch's state holds one row at a time.
    public func forEachRow(_ sql: String, _ parameters: [SQLiteValue] = [], _ body: ([SQLiteValue]) throws -> Void) throws {
        let statement = try prepare(sql)
        defer { sqlite3_finalize(statement) }
        for (offset, value) in parameters.enumerated() {
            let index = Int32(offset + 1)
            let status: Int32
            switch value {
            case .null: status = sqlite3_bind_null(statement, index)
            case .integer(let number): status = sqlite3_bind_int64(statement, index, number)
            case .real(let number): status = sqlite3_bind_double(statement, index, number)
            case .text(let text): status = nw_sqlite3_bind_text(statement, index, text, Int32(text.utf8.count))
            case .blob(let data):
                status = data.withUnsafeBytes { nw_sqlite3_bind_blob(statement, index, $0.baseAddress, Int32($0.count)) }
            }
            guard status == SQLITE_OK else { throw SQLiteError(code: status, message: lastMessage, path: path) }
        }
        while true {
            let status = sqlite3_step(statement)
            if status == SQLITE_DONE { return }
            guard status == SQLITE_ROW else { throw SQLiteError(code: status, message: lastMessage, path: path) }
            try body((0..<sqlite3_column_count(statement)).map { column(statement, $0) })
        }
    }

    /// Runs `body` in one transaction: committed when it returns, rolled back when it throws.
    /// `BEGIN IMMEDIATE` takes the write lock up front, so two writers never deadlock midway.
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN IMMEDIATE")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    /// SQLite's own consistency check: "ok", or the problems it found.
    public func integrityCheck() throws -> [String] {
        try query("PRAGMA integrity_check").compactMap { row in
            if case .text(let text)? = row.first { return text }
            return nil
        }
    }

    public var journalMode: String {
        get throws {
            guard case .text(let mode)? = try query("PRAGMA journal_mode").first?.first else { return "" }
            return mode
        }
    }

    private var lastMessage: String { String(cString: sqlite3_errmsg(handle)) }

    private func prepare(_ sql: String) throws -> OpaquePointer {
        var statement: OpaquePointer?
        let status = sqlite3_prepare_v2(handle, sql, -1, &statement, nil)
        guard status == SQLITE_OK, let statement else { throw SQLiteError(code: status, message: lastMessage, path: path) }
        return statement
    }

    private func column(_ statement: OpaquePointer, _ index: Int32) -> SQLiteValue {
        switch sqlite3_column_type(statement, index) {
        case SQLITE_INTEGER: return .integer(sqlite3_column_int64(statement, index))
        case SQLITE_FLOAT: return .real(sqlite3_column_double(statement, index))
        case SQLITE_TEXT: return .text(String(cString: sqlite3_column_text(statement, index)))
        case SQLITE_BLOB:
            let count = Int(sqlite3_column_bytes(statement, index))
            guard count > 0, let bytes = sqlite3_column_blob(statement, index) else { return .blob(Data()) }
            return .blob(Data(bytes: bytes, count: count))
        default: return .null
        }
    }
}
