import Foundation
import Testing
@testable import NewswatchCore

/// Stores of the file layout (what releases before the SQLite store wrote) move into the
/// SQLite store with every version, schedule and alert, and read the same afterwards.
@Suite("Store migration", .serialized)
struct StoreMigrationTests {
    /// Writes a store of the file layout the way the old release did: the same store, runner
    /// and file outbox, two versions of a story, a pending alert for a hook whose URL is a secret.
    func legacyStore(_ work: String, server: TestServer, hookURL: String) async throws -> Watchlist {
        let page = { (paragraph: String) in
            "<html><head><title>Council vote</title></head><body><article><h1>Council delays the vote</h1><p>The council met on Tuesday, and the vote, delayed twice, was expected by evening.</p><p>\(paragraph)</p></article></body></html>"
        }
        try page("Officials said 120 people attended the meeting.").write(toFile: server.root + "/vote.html", atomically: true, encoding: .utf8)
        try """
        webhooks: [ { url: "\(hookURL)", on: [new, changed] } ]
        watches: [ { name: vote, url: "\(server.url("/site/vote.html"))" } ]
        """.write(toFile: work + "/w.yaml", atomically: true, encoding: .utf8)
        let list = try WatchlistLoader().load(path: work + "/w.yaml")
        let legacy = FileSnapshotStore(root: work + "/store")
        let runner = CheckRunner(store: legacy, outbox: Outbox(storeRoot: work + "/store"))
        _ = try await legacy.withWriterLock(wait: nil) { await runner.run(list.watches) }
        try legacy.files.pack()  // the first version packed, the second loose: both kinds migrate
        try page("Officials said 1,200 people attended the meeting.").write(toFile: server.root + "/vote.html", atomically: true, encoding: .utf8)
        _ = try await legacy.withWriterLock(wait: nil) { await runner.run(list.watches) }
        #expect(try legacy.versions(of: "vote").count == 2)
        #expect(FileManager.default.fileExists(atPath: work + "/store/watches/vote.jsonl"))
        return list
    }

    @Test func migrateKeepsEveryVersionStateAndAlertAndNoSecret() async throws {
        let server = try TestServer()
        defer { server.stop() }
        let receiver = try TestServer(hookLog: Fixtures.temporaryDirectory() + "/hooks.jsonl", hookMode: "500")
        defer { receiver.stop() }
        let work = Fixtures.temporaryDirectory()
        let hookURL = receiver.url("/hook/T0KEN-SECRET-4711")
        _ = try await legacyStore(work, server: server, hookURL: hookURL)
        let legacy = FileSnapshotStore(root: work + "/store")
        let oldStates = try legacy.states()
        let oldAlerts = Outbox(storeRoot: work + "/store").entries()
        #expect(oldAlerts.count == 2 && oldAlerts.allSatisfy { $0.status == .pending })
        let read = { (arguments: [String]) in try runCLI(arguments + ["--store", work + "/store", "--no-pager", "--color", "never"]) }
        let diffBefore = try read(["diff", "vote"])
        let logBefore = try read(["log", "vote"])
        #expect(diffBefore.status == 0 && diffBefore.stdout.contains("1,200"), "\(diffBefore.stderr)")

        let migrated = try runCLI(["migrate", "--store", work + "/store", "--json"])
        #expect(migrated.status == 0, "\(migrated.stderr)")
        let summary = try JSONSerialization.jsonObject(with: Data(migrated.stdout.utf8)) as? [String: Any]
        #expect(summary?["versions"] as? Int == 2)
        #expect(summary?["alerts"] as? Int == 2)
        #expect(migrated.stderr.contains("pre-sqlite-"))

        // Reads the same, verifies, keeps schedules and alerts.
        #expect(try read(["diff", "vote"]).stdout == diffBefore.stdout)
        #expect(try read(["log", "vote"]).stdout == logBefore.stdout)
        #expect(try runCLI(["verify", "--store", work + "/store"]).status == 0)
        let store = try SQLiteStore(root: work + "/store", create: false)
        #expect(try store.states()["vote"]?.nextDue == oldStates["vote"]?.nextDue)
        #expect(try store.states()["vote"]?.storyFingerprint == oldStates["vote"]?.storyFingerprint)
        let alerts = store.makeOutbox().entries()
        #expect(alerts.map(\.id) == oldAlerts.map(\.id))
        #expect(alerts.allSatisfy { $0.status == .pending })
        // The old layout is moved aside, not deleted; the new store is private and holds no hook URL.
        let entries = try FileManager.default.contentsOfDirectory(atPath: work + "/store")
        #expect(!entries.contains("watches") && !entries.contains("objects") && !entries.contains("outbox"))
        let backup = try #require(entries.first { $0.hasPrefix("pre-sqlite-") })
        #expect(FileManager.default.fileExists(atPath: work + "/store/\(backup)/watches/vote.jsonl"))
        for name in entries where name.hasPrefix("newswatch.db") {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: work + "/store/" + name))
            #expect(bytes.range(of: Data("T0KEN-SECRET-4711".utf8)) == nil, "the hook URL is at rest in \(name)")
            let mode = try FileManager.default.attributesOfItem(atPath: work + "/store/" + name)[.posixPermissions] as? Int
            #expect(mode == 0o600, "\(name) has mode \(String(mode ?? 0, radix: 8))")
        }
        // Migrating again is a no-op.
        #expect(try runCLI(["migrate", "--store", work + "/store"]).status == 0)
    }

    @Test func checkMigratesAnOldStoreByItselfAndDeliversItsPendingAlerts() async throws {
        let server = try TestServer()
        defer { server.stop() }
        let hookLog = Fixtures.temporaryDirectory() + "/hooks.jsonl"
        let receiver = try TestServer(hookLog: hookLog, hookMode: "500")
        defer { receiver.stop() }
        let work = Fixtures.temporaryDirectory()
        _ = try await legacyStore(work, server: server, hookURL: receiver.url("/hook"))
        _ = try Data(contentsOf: URL(string: receiver.url("/mode/ok"))!)
        let check = try runCLI(["check", "--all", "--watchlists", work + "/w.yaml", "--store", work + "/store"])
        #expect(check.status == 0, "\(check.stderr)")
        #expect(check.stderr.contains("migrated 2 versions of 1 watches"), "\(check.stderr)")
        _ = try runCLI(["alerts", "retry", "--watchlists", work + "/w.yaml", "--store", work + "/store"])
        let store = try SQLiteStore(root: work + "/store", create: false)
        #expect(try store.versions(of: "vote").count == 2, "an unchanged page adds no version")
        let delivered = store.makeOutbox().entries().filter { $0.status == .delivered }
        #expect(delivered.count == 2, "\(store.makeOutbox().entries().map { ($0.status, $0.lastError ?? "") })")
        let accepted = try received(hookLog).filter { $0.mode == "ok" }
        #expect(accepted.count == 2, "each pending alert arrives once")
    }
}

/// Readers never wait for the writer and never see half of its transaction.
@Suite("Readers and the writer")
struct ReadersAndWriterTests {
    @Test func readCommandsAnswerWhileAWriteIsOpen() throws {
        let work = Fixtures.temporaryDirectory()
        let store = try SQLiteStore(root: work + "/store")
        let article = Article(title: "Vote", blocks: [.init(.paragraph, "The council voted on Tuesday, officials said, and the result was announced.")])
        _ = try store.append(Snapshot(fetchedAt: Date(), requestedURL: "https://e.org/a", finalURL: "https://e.org/a", status: 200,
                                      extractorVersion: "t", article: article, html: Data("<p>v1</p>".utf8)), to: "vote")
        try "watches: [ { name: vote, url: \"https://e.org/a\" } ]\n".write(toFile: work + "/w.yaml", atomically: true, encoding: .utf8)
        // A second writer (as `check` would be) holds the write lock with a version not yet committed.
        let writer = try SQLiteStore(root: work + "/store", create: false)
        try writer.beginBatch()
        defer { writer.rollbackBatch() }
        let edited = Article(title: "Vote", blocks: [.init(.paragraph, "The council voted on Tuesday, officials said, and the result was announced late.")])
        _ = try writer.append(Snapshot(fetchedAt: Date(), requestedURL: "https://e.org/a", finalURL: "https://e.org/a", status: 200,
                                       extractorVersion: "t", article: edited, html: Data("<p>v2</p>".utf8)), to: "vote")
        for arguments in [["log", "vote"], ["list", "--watchlists", work + "/w.yaml"], ["show", "vote"], ["stats"], ["alerts"]] {
            let result = try runCLI(arguments + ["--store", work + "/store"])
            // The writer keeps its lock until the end of this test: a reader that needed it
            // would fail with "database is locked" after the 5 s busy timeout.
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
            #expect(!result.stdout.contains("late."), "\(arguments) saw the uncommitted version")
        }
        #expect(try runCLI(["log", "vote", "--store", work + "/store", "--json"]).stdout.components(separatedBy: "\"number\"").count - 1 == 1)
    }
}
