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
        port = Int.random(in: 20_000...60_000)
        try Self.run("\(bin)/initdb -D \(directory)/data -A trust -U postgres --no-sync")
        try Self.run("\(bin)/pg_ctl -D \(directory)/data -o '-p \(port) -k \(directory) -c listen_addresses=127.0.0.1 -c fsync=off' -l \(directory)/log -w start")
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
