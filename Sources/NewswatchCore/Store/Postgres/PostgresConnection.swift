import CPostgres
import Foundation

/// One libpq connection. The only file that talks to libpq; values go in and out as
/// `SQLiteValue` (text, integer, blob, null), the same vocabulary as the SQLite store.
final class PostgresConnection: @unchecked Sendable {
    private let connection: OpaquePointer
    let url: String

    struct Failure: Error, CustomStringConvertible {
        var message: String
        /// SQLSTATE, e.g. 23505 for a unique violation.
        var state: String?
        var description: String { message }
    }

    init(url: String) throws {
        guard let connection = PQconnectdb(url) else { throw Failure(message: "\(Self.masked(url)): out of memory") }
        // Checked before the connection is ours: a failed one is finished here, once
        // (deinit only ever finishes a connection that was established).
        guard PQstatus(connection) == CONNECTION_OK else {
            let message = String(cString: PQerrorMessage(connection)).trimmingCharacters(in: .whitespacesAndNewlines)
            PQfinish(connection)
            throw Failure(message: "cannot connect to \(Self.masked(url)): \(message)")
        }
        self.connection = connection
        self.url = url
        _ = try query("SET client_min_messages = warning")
    }

    deinit { PQfinish(connection) }

    /// The URL without its password, for messages.
    static func masked(_ url: String) -> String {
        guard var components = URLComponents(string: url), components.password != nil else { return url }
        components.password = "***"
        return components.string ?? url
    }

    func execute(_ sql: String) throws {
        guard let result = PQexec(connection, sql) else { throw Failure(message: "out of memory") }
        defer { PQclear(result) }
        try check(result)
    }

    /// Runs one statement with `$1`-style parameters; rows as values by column type.
    @discardableResult
    func query(_ sql: String, _ parameters: [SQLiteValue] = []) throws -> [[SQLiteValue]] {
        var buffers: [Data] = []
        var formats: [Int32] = []
        var isNull: [Bool] = []
        for parameter in parameters {
            switch parameter {
            case .null: buffers.append(Data()); formats.append(0); isNull.append(true)
            case .integer(let value): buffers.append(Data(String(value).utf8) + [0]); formats.append(0); isNull.append(false)
            case .real(let value): buffers.append(Data(String(value).utf8) + [0]); formats.append(0); isNull.append(false)
            case .text(let value): buffers.append(Data(value.utf8) + [0]); formats.append(0); isNull.append(false)
            case .blob(let value): buffers.append(value); formats.append(1); isNull.append(false)
            }
        }
        let lengths = buffers.map { Int32($0.count) }
        let result: OpaquePointer? = withPointers(buffers, isNull) { pointers in
            PQexecParams(connection, sql, Int32(parameters.count), nil, pointers, lengths, formats, 1)
        }
        guard let result else { throw Failure(message: "out of memory") }
        defer { PQclear(result) }
        try check(result)
        return rows(result)
    }

    /// What an empty value points at (libpq wants a pointer even for zero bytes).
    nonisolated(unsafe) private static let emptyValue: UnsafeMutablePointer<CChar> = {
        let pointer = UnsafeMutablePointer<CChar>.allocate(capacity: 1)
        pointer.pointee = 0
        return pointer
    }()

    private func withPointers<T>(_ buffers: [Data], _ isNull: [Bool], _ body: ([UnsafePointer<CChar>?]) -> T) -> T {
        var pointers: [UnsafePointer<CChar>?] = []
        func next(_ index: Int) -> T {
            if index == buffers.count { return body(pointers) }
            if isNull[index] {
                pointers.append(nil)
                return next(index + 1)
            }
            return buffers[index].withUnsafeBytes { raw in
                pointers.append(raw.bindMemory(to: CChar.self).baseAddress.map { UnsafePointer($0) } ?? UnsafePointer(Self.emptyValue))
                return next(index + 1)
            }
        }
        return next(0)
    }

    private func check(_ result: OpaquePointer) throws {
        let status = PQresultStatus(result)
        guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK else {
            let message = String(cString: PQresultErrorMessage(result)).trimmingCharacters(in: .whitespacesAndNewlines)
            let state = PQresultErrorField(result, 67 /* PG_DIAG_SQLSTATE 'C' */).map { String(cString: $0) }
            throw Failure(message: "\(Self.masked(url)): \(message)", state: state)
        }
    }

    /// Binary results: int8/int4/int2 big-endian, bytea raw, text UTF-8.
    private func rows(_ result: OpaquePointer) -> [[SQLiteValue]] {
        let rowCount = Int(PQntuples(result)), columnCount = Int(PQnfields(result))
        var rows: [[SQLiteValue]] = []
        rows.reserveCapacity(rowCount)
        let types = (0..<columnCount).map { PQftype(result, Int32($0)) }
        for row in 0..<rowCount {
            var values: [SQLiteValue] = []
            for column in 0..<columnCount {
                if PQgetisnull(result, Int32(row), Int32(column)) == 1 { values.append(.null); continue }
                let length = Int(PQgetlength(result, Int32(row), Int32(column)))
                guard let pointer = PQgetvalue(result, Int32(row), Int32(column)) else { values.append(.null); continue }
                let bytes = Data(bytes: pointer, count: length)
                switch types[column] {
                case 20, 23, 21:  // int8, int4, int2
                    var value: Int64 = 0
                    for byte in bytes { value = (value << 8) | Int64(byte) }
                    if length == 4 { value = Int64(Int32(truncatingIfNeeded: value)) } else if length == 2 { value = Int64(Int16(truncatingIfNeeded: value)) }
                    values.append(.integer(value))
                case 701:  // float8
                    var bits: UInt64 = 0
                    for byte in bytes { bits = (bits << 8) | UInt64(byte) }
                    values.append(.real(Double(bitPattern: bits)))
                case 16:  // bool
                    values.append(.integer(bytes.first == 1 ? 1 : 0))
                case 17:  // bytea
                    values.append(.blob(bytes))
                default:
                    values.append(.text(String(decoding: bytes, as: UTF8.self)))
                }
            }
            rows.append(values)
        }
        return rows
    }
}
