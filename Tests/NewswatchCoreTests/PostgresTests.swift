import Foundation
import Testing
@testable import NewswatchCore
#if canImport(Glibc)
import Glibc
#endif

/// A throwaway PostgreSQL cluster (initdb and pg_ctl, as the `postgres` user when run as
/// root) on a free port, removed afterwards.
final class PostgresCluster: @unchecked Sendable {
    let directory: String
    let port: Int
    var url: String { "postgres://postgres@127.0.0.1:\(port)/postgres" }
    static let binaries = ["/usr/lib/postgresql/17/bin", "/usr/lib/postgresql/16/bin", "/usr/lib/postgresql/15/bin"]
        .first { FileManager.default.isExecutableFile(atPath: $0 + "/initdb") }

    init() throws {
        guard let bin = Self.binaries else { throw Failure(message: "PostgreSQL's initdb is not installed (scripts/setup --tests installs postgresql)") }
        directory = "/tmp/newswatch-pg-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o777])
        try Self.run("\(bin)/initdb -D \(directory)/data -A trust -U postgres --no-sync")
        // A port the kernel just handed out and we let go; other tests bind ports all the time,
        // so a start that loses the race tries another.
        var started: Int?
        for _ in 0..<5 where started == nil {
            let candidate = Self.freePort()
            if (try? Self.run("\(bin)/pg_ctl -D \(directory)/data -o '-p \(candidate) -k \(directory) -c listen_addresses=127.0.0.1 -c fsync=off' -l \(directory)/log -w start")) != nil {
                started = candidate
            }
        }
        guard let started else {
            let log = (try? String(contentsOfFile: directory + "/log", encoding: .utf8)) ?? ""
            try? FileManager.default.removeItem(atPath: directory)
            throw Failure(message: "PostgreSQL did not start: \(log.suffix(400))")
        }
        port = started
    }

    /// A TCP port on 127.0.0.1 that was free a moment ago.
    static func freePort() -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0 }
        }
        return bound ? Int(UInt16(bigEndian: address.sin_port)) : Int.random(in: 20_000...30_000)
    }

    struct Failure: Error { var message: String }

    /// Runs a shell command as `postgres` when we are root (the server refuses to run as
    /// root). `system` waits with waitpid itself: Foundation's Process left `su`'s shell
    /// unreaped here (a zombie its waitUntilExit never saw).
    static func run(_ command: String) throws {
        let line = getuid() == 0 ? "su postgres -s /bin/sh -c \"\(command)\" >/dev/null 2>&1" : "\(command) >/dev/null 2>&1"
        let status = system(line)
        guard status == 0 else { throw Failure(message: "failed (\(status)): \(command)") }
    }

    func stop() {
        if let bin = Self.binaries { try? Self.run("\(bin)/pg_ctl -D \(directory)/data -m immediate -w stop") }
        try? FileManager.default.removeItem(atPath: directory)
    }
}

@Suite("PostgreSQL store", .serialized)
struct PostgresTests {
    @Test func commandsWorkAgainstPostgres() async throws {
        let cluster = try PostgresCluster()
        defer { cluster.stop() }
        let root = Fixtures.temporaryDirectory()
        let server = try TestServer(root: root)
        defer { server.stop(); try? FileManager.default.removeItem(atPath: root) }
        for index in 0..<5 { try QuickStartTests.story("\(100 + index)").write(toFile: root + "/s\(index).html", atomically: true, encoding: .utf8) }
        let watchlist = root + "/w.yaml"
        try ("watches:\n" + (0..<5).map { "  - name: s\($0)\n    url: \(server.url("/site/s\($0).html"))\n" }.joined()).write(toFile: watchlist, atomically: true, encoding: .utf8)
        let env = ["NEWSWATCH_DATABASE": cluster.url]
        let first = try runCLI(["check", "--watchlists", watchlist], environment: env, currentDirectory: root)
        #expect(first.status == 0 && first.stdout.split(separator: "\n").filter { $0.hasPrefix("new: ") }.count == 5, "\(first.stdout)\(first.stderr)")
        try QuickStartTests.story("1,200").write(toFile: root + "/s2.html", atomically: true, encoding: .utf8)
        let second = try runCLI(["check", "--watchlists", watchlist, "--all"], environment: env, currentDirectory: root)
        #expect(second.status == 0 && second.stdout.contains("changed: s2") && !second.stdout.contains("changed: s1"), "\(second.stdout)")
        // Nothing went to the directory store: the history is in the database.
        #expect(!FileManager.default.fileExists(atPath: root + "/snapshots/newswatch.db"))
        let list = try runCLI(["list", "--watchlists", watchlist, "--json"], environment: env, currentDirectory: root)
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]])
        #expect(rows.map { $0["versions"] as? Int ?? 0 } == [1, 1, 2, 1, 1])
        let diff = try runCLI(["diff", "s2"], environment: env, currentDirectory: root)
        #expect(diff.stdout.contains("+Officials said 1,200 people"), "\(diff.stdout)\(diff.stderr)")
        #expect(try runCLI(["verify"], environment: env, currentDirectory: root).status == 0)
        // The store is the same from a connection of our own.
        let store = try PostgresStore(url: cluster.url, create: false)
        let versions = try store.versions(of: "s2"), names = try store.watchNames()
        #expect(versions.count == 2 && names == ["s0", "s1", "s2", "s3", "s4"])
        // A second writer waits for the advisory lock rather than writing beside the first.
        let other = try PostgresStore(url: cluster.url, create: false)
        try await awaitLockIsExclusive(store, other)
        // A bad URL is a clear error, not a crash.
        let bad = try runCLI(["list", "--watchlists", watchlist], environment: ["NEWSWATCH_DATABASE": "postgres://postgres@127.0.0.1:1/none"], currentDirectory: root)
        #expect(bad.status != 0 && bad.stderr.contains("cannot connect"), "\(bad.stderr)")
    }

    /// A publication of `count` pages and a watchlist of them with a hook that wants `new`.
    static func pages(_ count: Int, server: TestServer, root: String, query: String = "") throws -> String {
        for index in 0..<count { try QuickStartTests.story("\(100 + index)").write(toFile: root + "/p\(index).html", atomically: true, encoding: .utf8) }
        let watchlist = root + "/w.yaml"
        try ("webhooks:\n  - url: \(server.url("/hook"))\n    on: [new, changed]\nwatches:\n"
             + (0..<count).map { "  - name: p\($0)\n    url: \(server.url("/site/p\($0).html" + query))\n" }.joined()).write(toFile: watchlist, atomically: true, encoding: .utf8)
        return watchlist
    }

    /// Starts `newswatch worker --until-idle` in the background.
    static func startWorker(_ name: String, watchlist: String, database: String, lease: Int = 60) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: (Fixtures.productsDirectory as NSString).appendingPathComponent("newswatch"))
        process.arguments = ["worker", "--watchlists", watchlist, "--database", database, "--until-idle", "--batch", "3", "--name", name,
                             "--lease", String(lease)]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Waits for a worker without Foundation's waitUntilExit (see `PostgresCluster.run`).
    static func wait(_ process: Process, timeout: TimeInterval = 120) -> Int32 {
        var status: Int32 = 0
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let result = waitpid(process.processIdentifier, &status, WNOHANG)
            if result == process.processIdentifier { return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f) }
            if result < 0 { return process.isRunning ? -1 : process.terminationStatus }
            usleep(50_000)
        }
        kill(process.processIdentifier, SIGKILL)
        return -1
    }

    @Test func workersShareTheQueueAndTheOutbox() throws {
        let cluster = try PostgresCluster()
        defer { cluster.stop() }
        let root = Fixtures.temporaryDirectory()
        let hookLog = root + "/hooks.log"
        let server = try TestServer(root: root, hookLog: hookLog)
        defer { server.stop(); try? FileManager.default.removeItem(atPath: root) }
        // Each page answers after 0.2 s, so the three workers' requests would overlap.
        let watchlist = try Self.pages(24, server: server, root: root, query: "?delay=0.2")
        let workers = try ["a", "b", "c"].map { try Self.startWorker($0, watchlist: watchlist, database: cluster.url) }
        for worker in workers { #expect(Self.wait(worker) == 0) }
        let store = try PostgresStore(url: cluster.url, create: false)
        let versions = try (0..<24).map { try store.versions(of: "p\($0)").count }
        #expect(versions == Array(repeating: 1, count: 24), "every watch checked once: \(versions)")
        // Each page fetched once by the whole fleet, and each `new` alert sent once.
        let requests = try runCLI(["/usr/bin/env", "curl", "-s", server.url("/requests")], raw: true).stdout
        let fetches = requests.split(separator: "\n").filter { $0.hasPrefix("/site/p") }
        #expect(fetches.count == 24 && Set(fetches).count == 24, "\(fetches.count) fetches")
        // --per-host 2 (the default) holds for the fleet: never more than 2 requests at once.
        let peak = try runCLI(["/usr/bin/env", "curl", "-s", server.url("/connections")], raw: true).stdout
        #expect((Int(peak) ?? 99) <= 2, "peak \(peak) requests at once")
        let hooks = try received(hookLog)
        #expect(hooks.count == 24 && Set(hooks.compactMap(\.id)).count == 24 && hooks.allSatisfy { $0.type == "new" }, "\(hooks.count) alerts")
    }

    @Test func aDeadWorkersLeaseIsTakenOver() throws {
        let cluster = try PostgresCluster()
        defer { cluster.stop() }
        let root = Fixtures.temporaryDirectory()
        let server = try TestServer(root: root, hookLog: root + "/hooks.log")
        defer { server.stop(); try? FileManager.default.removeItem(atPath: root) }
        let watchlist = try Self.pages(6, server: server, root: root)
        // A worker that claimed three watches and died: its leases run for 6 more seconds.
        let store = try PostgresStore(url: cluster.url, create: true)
        try store.syncQueue((0..<6).map { "p\($0)" }, now: Date())
        let taken = try store.claimDue(worker: "dead", limit: 3, lease: 6)
        #expect(taken.count == 3)
        let started = Date()
        let worker = try Self.startWorker("alive", watchlist: watchlist, database: cluster.url)
        #expect(Self.wait(worker) == 0)
        // The live worker checked its three at once, and the dead one's after their leases ran out.
        let versions = try (0..<6).map { try store.versions(of: "p\($0)") }
        #expect(versions.allSatisfy { $0.count == 1 }, "\(versions.map(\.count))")
        for name in taken {
            let fetched = try #require(try store.versions(of: name).first).fetchedAt
            #expect(fetched.timeIntervalSince(started) >= 5, "\(name) was taken over only after its lease")
        }
    }

    @Test func aWorkerWithoutWatchlistFilesRunsFromTheDatabase() throws {
        let cluster = try PostgresCluster()
        defer { cluster.stop() }
        let root = Fixtures.temporaryDirectory()
        let server = try TestServer(root: root, hookLog: root + "/hooks.log")
        defer { server.stop(); try? FileManager.default.removeItem(atPath: root) }
        let watchlist = try Self.pages(4, server: server, root: root)
        let text = try String(contentsOfFile: watchlist, encoding: .utf8)
        try ("defaults:\n  every: 10s\n" + text).write(toFile: watchlist, atomically: true, encoding: .utf8)
        #expect(Self.wait(try Self.startWorker("with-files", watchlist: watchlist, database: cluster.url)) == 0)
        try QuickStartTests.story("1,200").write(toFile: root + "/p1.html", atomically: true, encoding: .utf8)
        Thread.sleep(forTimeInterval: 10.5)
        // This worker has no watchlist files: it runs from the copy the first one stored.
        #expect(Self.wait(try Self.startWorker("no-files", watchlist: root + "/nowhere", database: cluster.url)) == 0)
        let store = try PostgresStore(url: cluster.url, create: false)
        #expect(try store.versions(of: "p1").count == 2)
        #expect(try store.versions(of: "p0").count == 1)
        #expect(try received(root + "/hooks.log").filter { $0.type == "changed" }.count == 1)
    }

    @Test func workersFollowAFeed() throws {
        let cluster = try PostgresCluster()
        defer { cluster.stop() }
        let root = Fixtures.temporaryDirectory()
        let server = try TestServer(root: root, hookLog: root + "/hooks.log")
        defer { server.stop(); try? FileManager.default.removeItem(atPath: root) }
        _ = try Self.pages(3, server: server, root: root)
        let items = (0..<3).map { "<item><link>\(server.url("/site/p\($0).html"))?utm_source=rss</link></item>" }.joined()
        try "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>t</title>\(items)</channel></rss>".write(toFile: root + "/feed.xml", atomically: true, encoding: .utf8)
        let watchlist = root + "/follow.yaml"
        try "follow:\n  - name: wire\n    feed: \(server.url("/site/feed.xml"))\n".write(toFile: watchlist, atomically: true, encoding: .utf8)
        let workers = try ["a", "b"].map { try Self.startWorker($0, watchlist: watchlist, database: cluster.url) }
        for worker in workers { #expect(Self.wait(worker) == 0) }
        let store = try PostgresStore(url: cluster.url, create: false)
        let names = try store.watchNames()
        #expect(names == ["wire.site-p0", "wire.site-p1", "wire.site-p2"], "\(names)")
        #expect(try names.allSatisfy { try store.versions(of: $0).count == 1 })
        // The feed was read once, by one of the two workers.
        let requests = try runCLI(["/usr/bin/env", "curl", "-s", server.url("/requests")], raw: true).stdout
        #expect(requests.split(separator: "\n").filter { $0.hasPrefix("/site/feed.xml") }.count == 1, "\(requests)")
    }

    @Test func migrateCopiesAnSQLiteStoreIntoPostgres() throws {
        let cluster = try PostgresCluster()
        defer { cluster.stop() }
        let root = Fixtures.temporaryDirectory()
        let server = try TestServer(root: root, hookLog: root + "/hooks.log")
        defer { server.stop(); try? FileManager.default.removeItem(atPath: root) }
        let watchlist = try Self.pages(3, server: server, root: root)
        #expect(try runCLI(["check", "--watchlists", watchlist, "--store", root + "/store"]).status == 0)
        try QuickStartTests.story("1,200").write(toFile: root + "/p1.html", atomically: true, encoding: .utf8)
        #expect(try runCLI(["check", "--watchlists", watchlist, "--store", root + "/store", "--all"]).status == 0)
        let before = try runCLI(["diff", "p1", "--store", root + "/store", "--watchlists", watchlist])
        let copied = try runCLI(["migrate", "--store", root + "/store", "--to", cluster.url, "--json"])
        #expect(copied.status == 0, "\(copied.stderr)")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(copied.stdout.utf8)) as? [String: Any])
        #expect(summary["watches"] as? Int == 3 && summary["versions"] as? Int == 4)
        // The same history from PostgreSQL: the same diff, the same states (nothing due again).
        let after = try runCLI(["diff", "p1", "--database", cluster.url, "--watchlists", watchlist])
        #expect(after.stdout == before.stdout && !after.stdout.isEmpty, "\(after.stdout)\(after.stderr)")
        #expect(try runCLI(["verify", "--database", cluster.url]).status == 0)
        let check = try runCLI(["check", "--watchlists", watchlist, "--database", cluster.url])
        #expect(check.status == 0 && check.stdout.isEmpty, "\(check.stdout)")
        // Never into a database that already has a history.
        let again = try runCLI(["migrate", "--store", root + "/store", "--to", cluster.url])
        #expect(again.status != 0 && again.stderr.contains("already holds a newswatch history"))
    }

    private func awaitLockIsExclusive(_ first: PostgresStore, _ second: PostgresStore) async throws {
        var refused = false
        try await first.withWriterLock(wait: 0) {
            do { try await second.withWriterLock(wait: 0.3) {} } catch { refused = true }
        }
        #expect(refused)
        // Released: the second writer gets it now.
        try await second.withWriterLock(wait: 0) {}
    }
}
