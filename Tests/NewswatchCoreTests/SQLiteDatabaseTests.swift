import Foundation
import Testing
@testable import NewswatchCore

/// The SQLite connection the transactional store will stand on: write-ahead logging, values
/// round-trip, a transaction is all or nothing, readers never see half a write, errors name
/// the database.
@Suite("SQLite connection")
struct SQLiteDatabaseTests {
    func database() throws -> (SQLiteDatabase, String) {
        let path = Fixtures.temporaryDirectory() + "/store.sqlite"
        return (try SQLiteDatabase(path: path), path)
    }

    @Test func opensInWriteAheadModeAndRoundTripsValues() throws {
        let (db, _) = try database()
        #expect(try db.journalMode == "wal")
        try db.execute("CREATE TABLE t (i INTEGER, r REAL, s TEXT, b BLOB, n TEXT)")
        let blob = Data([0, 1, 2, 255, 0])
        try db.query("INSERT INTO t VALUES (?1, ?2, ?3, ?4, ?5)",
                     [.integer(Int64.max), .real(2.5), .text("Zürich \u{1F4F0} \"quoted\" 'single'"), .blob(blob), .null])
        let rows = try db.query("SELECT i, r, s, b, n FROM t")
        #expect(rows == [[.integer(Int64.max), .real(2.5), .text("Zürich \u{1F4F0} \"quoted\" 'single'"), .blob(blob), .null]])
        #expect(try db.integrityCheck() == ["ok"])
    }

    @Test func aTransactionIsAllOrNothing() throws {
        let (db, _) = try database()
        try db.execute("CREATE TABLE versions (watch TEXT, number INTEGER, UNIQUE (watch, number))")
        struct Stop: Error {}
        #expect(throws: Stop.self) {
            try db.transaction {
                try db.query("INSERT INTO versions VALUES ('a', 1)")
                try db.query("INSERT INTO versions VALUES ('a', 2)")
                throw Stop()
            }
        }
        #expect(try db.query("SELECT count(*) FROM versions") == [[.integer(0)]])
        // A constraint failure inside a transaction rolls back the rows written before it.
        #expect(throws: SQLiteError.self) {
            try db.transaction {
                try db.query("INSERT INTO versions VALUES ('b', 1)")
                try db.query("INSERT INTO versions VALUES ('b', 1)")
            }
        }
        #expect(try db.query("SELECT count(*) FROM versions") == [[.integer(0)]])
        try db.transaction { try db.query("INSERT INTO versions VALUES ('c', 1)") }
        #expect(try db.query("SELECT count(*) FROM versions") == [[.integer(1)]])
    }

    /// With write-ahead logging a reader keeps reading while a writer holds a transaction,
    /// and sees the rows only once they are committed.
    @Test func readersNeverSeeHalfAWriteAndAreNotBlocked() throws {
        let (writer, path) = try database()
        try writer.execute("CREATE TABLE t (n INTEGER)")
        let reader = try SQLiteDatabase(path: path, readOnly: true)
        try writer.execute("BEGIN IMMEDIATE")
        for n in 0..<100 { try writer.query("INSERT INTO t VALUES (?1)", [.integer(Int64(n))]) }
        #expect(try reader.query("SELECT count(*) FROM t") == [[.integer(0)]])
        try writer.execute("COMMIT")
        #expect(try reader.query("SELECT count(*) FROM t") == [[.integer(100)]])
    }

    @Test func errorsNameTheDatabase() throws {
        #expect(throws: SQLiteError.self) { try SQLiteDatabase(path: "/nonexistent/dir/store.sqlite") }
        let (db, path) = try database()
        do {
            try db.query("SELECT * FROM missing_table")
            Issue.record("expected an error")
        } catch let error as SQLiteError {
            #expect(error.description.hasPrefix(path) && error.description.contains("no such table: missing_table"), "\(error)")
        }
    }
}
