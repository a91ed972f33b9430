import Foundation

/// How the table stores (SQLite, PostgreSQL) read watch states and version numbers: the same
/// rows and the same decoding, each in its own SQL dialect.
protocol StateTables {
    func query(_ sql: String, _ parameters: [SQLiteValue]) throws -> [[SQLiteValue]]
    static var statesTable: String { get }
    static var versionsTable: String { get }
    /// The first bound parameter in the dialect (`?1`, `$1`).
    static var firstParameter: String { get }
}

extension StateTables {
    /// A `(watch, state)` row. A damaged state only costs conditional requests and due
    /// times: it reads as absent, never as a failure.
    static func decodeState(_ row: [SQLiteValue]) -> (watch: String, state: WatchState)? {
        guard row.count >= 2, case .text(let watch) = row[0], case .blob(let data) = row[1],
              let state = try? StoreFormat.stateDecoder.decode(WatchState.self, from: data) else { return nil }
        return (watch, state)
    }

    func readStates() throws -> [String: WatchState] {
        var states: [String: WatchState] = [:]
        for row in try query("SELECT watch, state FROM \(Self.statesTable)", []) {
            if let (watch, state) = Self.decodeState(row) { states[watch] = state }
        }
        return states
    }

    func readStates(of watches: [String]) throws -> [String: WatchState] {
        var states: [String: WatchState] = [:]
        for watch in watches {
            let rows = try query("SELECT watch, state FROM \(Self.statesTable) WHERE watch = \(Self.firstParameter)", [.text(watch)])
            if let row = rows.first, let (_, state) = Self.decodeState(row) { states[watch] = state }
        }
        return states
    }

    func readLatestVersionNumbers() throws -> [String: Int] {
        var numbers: [String: Int] = [:]
        for row in try query("SELECT watch, MAX(number) FROM \(Self.versionsTable) GROUP BY watch", []) {
            if case .text(let watch) = row[0], case .integer(let number) = row[1] { numbers[watch] = Int(number) }
        }
        return numbers
    }
}
