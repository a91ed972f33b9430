import Foundation
import Testing
@testable import NewswatchCore

/// One version grammar for every command, one exit-code convention (0 ok, 1 the work failed or
/// with --exit-code/--no-index a difference, 2 bad arguments), read commands that refuse a
/// store that is not there, and `reextract` with the watch's own selectors.
@Suite("Command line", .serialized)
struct CommandLineTests {
    let server: TestServer
    let work: String
    var common: [String] { ["--watchlists", work + "/w.yaml", "--store", work + "/store"] }

    static func page(_ version: Int, sidebar: Int) -> String {
        """
        <html><head><title>Budget vote</title></head><body>
        <div class="sidebar"><p>Most read: story number \(sidebar), with commas, long enough to be a paragraph of text.</p></div>
        <article><h1>Budget vote</h1><p>The council approved the budget on Tuesday by \(40 + version) votes to 12, members said.</p>
        <p>The mayor said the vote, the \(version)th this year, showed the city could agree on spending.</p></article>
        </body></html>
        """
    }

    init() throws {
        server = try TestServer()
        work = Fixtures.temporaryDirectory()
        try """
        watches:
          - name: budget
            url: "\(server.url("/site/budget.html"))"
            remove: [".sidebar"]
        """.write(toFile: work + "/w.yaml", atomically: true, encoding: .utf8)
        for version in 1...3 {
            try Self.page(version, sidebar: version).write(toFile: server.root + "/budget.html", atomically: true, encoding: .utf8)
            let run = try runCLI(["check", "--all"] + common)
            #expect(run.status == 0, "\(run.stderr)")
        }
    }

    func run(_ arguments: [String]) throws -> CLIResult {
        try runCLI(arguments + common + ["--color", "never"])
    }

    @Test(arguments: [
        (["show", "budget", "-1"], "by 42 votes"), (["show", "budget@-1"], "by 42 votes"), (["show", "budget", "~2"], "by 41 votes"),
        (["show", "budget@1"], "by 41 votes"), (["show", "budget", "latest"], "by 43 votes"), (["show", "budget"], "by 43 votes"),
        (["show", "budget@HEAD~1"], "by 42 votes"), (["show", "budget", "2099-01-01"], "by 43 votes"),
    ])
    func showNamesVersionsOneWay(_ arguments: [String], _ expected: String) throws {
        let result = try run(arguments)
        #expect(result.status == 0, "\(arguments): \(result.stderr)")
        #expect(result.stdout.contains(expected), "\(arguments): \(result.stdout)")
    }

    @Test(arguments: [
        (["diff", "budget"], "-The council approved the budget on Tuesday by 42", "+The council approved the budget on Tuesday by 43"),
        (["diff", "budget", "1"], "by 41", "by 43"), (["diff", "budget@1"], "by 41", "by 43"), (["diff", "budget", "1", "2"], "by 41", "by 42"),
        (["diff", "budget@1", "2"], "by 41", "by 42"), (["diff", "budget@1..budget@2"], "by 41", "by 42"), (["diff", "budget@1..2"], "by 41", "by 42"),
        (["diff", "budget", "-2", "-1"], "by 41", "by 42"),
    ])
    func diffNamesVersionsTheSameWay(_ arguments: [String], _ old: String, _ new: String) throws {
        let result = try run(arguments)
        #expect(result.status == 0, "\(arguments): \(result.stderr)")
        let minus = result.stdout.split(separator: "\n").filter { $0.hasPrefix("-") && !$0.hasPrefix("---") }.joined(separator: "\n")
        let plus = result.stdout.split(separator: "\n").filter { $0.hasPrefix("+") && !$0.hasPrefix("+++") }.joined(separator: "\n")
        #expect(minus.contains(old) && plus.contains(new), "\(arguments): \(result.stdout)")
    }

    @Test(arguments: [
        (["show", "budget", "0"], "version 0 does not exist"), (["show", "budget@0"], "version 0 does not exist"),
        (["show", "budget", "9"], "has no version 9"), (["show", "budget", "-3"], "counts back too far"),
        (["show", "budget", "soon"], "'soon' is not a version"), (["show", "budget@1", "2"], "show takes one version, got 2"),
        (["diff", "budget@3", "5", "7"], "diff takes two versions, got 3"), (["diff", "budget", "1", "2", "3"], "diff takes two versions, got 3"),
        (["diff", "budget@1..2", "3"], "already names two versions"), (["diff", "budget@1..other@2"], "one watch"),
        (["show", "budgte"], "did you mean 'budget'"), (["log", "nosuch"], "no stored versions"),
        (["show", "budget", "1900-01-01"], "no version from"), (["show", "budget", "--htm"], "unknown option '--htm'"),
        (["check", "--watch", "nosuch"], "no watch named 'nosuch'"), (["check", "--concurrency", "0"], "at least 1"),
        (["check", "--bogus"], "Unknown option '--bogus'"), (["help", "nosuch"], "no command named 'nosuch'"),
        (["diff", "--no-index", "/nonexistent/a", "/nonexistent/b"], "cannot read file"),
    ])
    func badArgumentsExitTwoWithAMessage(_ arguments: [String], _ message: String) throws {
        let result = try run(arguments)
        #expect(result.status == 2, "\(arguments): status \(result.status), \(result.stderr)")
        #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
        #expect(!result.stderr.contains("VersionSpecifier"))
    }

    @Test func helpShowsTheGrammarNotATypeName() throws {
        let result = try runCLI(["help", "show"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("-1 or ~1") && !result.stdout.contains("VersionSpecifier("), "\(result.stdout)")
    }

    @Test func diffNoIndexExitsOneWhenFilesDiffer() throws {
        let a = work + "/a.txt", b = work + "/b.txt", c = work + "/c.txt"
        try "one\ntwo\n".write(toFile: a, atomically: true, encoding: .utf8)
        try "one\nthree\n".write(toFile: b, atomically: true, encoding: .utf8)
        try "one\ntwo\n".write(toFile: c, atomically: true, encoding: .utf8)
        let differ = try runCLI(["diff", "--no-index", a, b])
        #expect(differ.status == 1)
        #expect(differ.stdout.contains("--- \(a)") && differ.stdout.contains("+++ \(b)") && differ.stdout.contains("+three"), "\(differ.stdout)")
        #expect(try runCLI(["diff", "--no-index", a, c]).status == 0)
        #expect(try run(["diff", "budget"]).status == 0, "without --exit-code a version diff exits 0")
        #expect(try run(["diff", "budget", "--exit-code"]).status == 1)
        #expect(try run(["diff", "budget", "3", "3", "--exit-code"]).status == 0)
    }

    @Test func readCommandsRefuseAMissingStore() throws {
        let typo = work + "/snapshtos"
        for command in [["verify"], ["stats"], ["log", "budget"], ["show", "budget"], ["diff", "budget"], ["alerts"], ["prune", "--keep-last", "1"]] {
            let result = try runCLI(command + ["--watchlists", work + "/w.yaml", "--store", typo])
            #expect(result.status == 2, "\(command): \(result.status) \(result.stdout) \(result.stderr)")
            #expect(result.stderr.contains("no store at \(typo)"), "\(command): \(result.stderr)")
            #expect(!result.stdout.contains("ok"), "\(command)")
        }
        #expect(!FileManager.default.fileExists(atPath: typo), "a read command created the store")
        let list = try runCLI(["list", "--watchlists", work + "/w.yaml", "--store", typo])
        #expect(list.status == 0 && list.stderr.contains("no store at \(typo) yet"))
        // A directory that holds other things is never taken for a store, by readers or writers.
        let other = work + "/other"
        try FileManager.default.createDirectory(atPath: other, withIntermediateDirectories: true)
        try "notes".write(toFile: other + "/notes.txt", atomically: true, encoding: .utf8)
        #expect(try runCLI(["verify", "--store", other]).status == 2)
        let refused = try runCLI(["check", "--all", "--watchlists", work + "/w.yaml", "--store", other])
        #expect(refused.status == 2 && refused.stderr.contains("is not a newswatch store"), "\(refused.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: other) == ["notes.txt"])
    }

    @Test func checkCreatesAStoreOnlyUnderAnExistingDirectory() throws {
        let missingParent = work + "/no/such/dir/store"
        let refused = try runCLI(["check", "--all", "--watchlists", work + "/w.yaml", "--store", missingParent])
        #expect(refused.status == 2 && refused.stderr.contains("does not exist"), "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: work + "/no"))
        let fresh = work + "/fresh"
        let created = try runCLI(["check", "--all", "--watchlists", work + "/w.yaml", "--store", fresh])
        #expect(created.status == 0 && created.stderr.contains("created a new store at \(fresh)"), "\(created.stderr)")
        let again = try runCLI(["check", "--all", "--watchlists", work + "/w.yaml", "--store", fresh])
        #expect(!again.stderr.contains("created"))
    }

    /// `reextract` reads pages with the watch's own `remove:`: the sidebar that changes on every
    /// fetch stays out of history, and the next check reports nothing.
    @Test func reextractUsesTheWatchsSelectors() throws {
        let store = try SQLiteStore(root: work + "/store")
        let before = try store.versions(of: "budget").map { try store.article(of: $0) }
        let result = try runCLI(["reextract", "budget"] + common)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("3 versions re-extracted, 0 articles changed"), "\(result.stdout)")
        let after = try store.versions(of: "budget").map { try store.article(of: $0) }
        #expect(after == before)
        #expect(!after.contains { $0.text.contains("Most read") })
        try Self.page(3, sidebar: 99).write(toFile: server.root + "/budget.html", atomically: true, encoding: .utf8)
        let next = try runCLI(["check", "--all"] + common)
        #expect(next.status == 0 && next.stdout.isEmpty, "\(next.stdout)")
    }
}
