import Foundation
import Testing
@testable import NewswatchCore

/// The first ten minutes: the README's quick start run literally, `add`/`remove`/`rename`
/// editing watchlists without losing comments, and `import urlwatch`.
@Suite("Quick start, watchlist editing, urlwatch import", .serialized)
struct QuickStartTests {
    static let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("README.md").path

    static func story(_ toll: String) -> String {
        "<html><head><title>Storm hits the coast</title></head><body><nav><a href=\"/\">Home</a></nav><article><h1>Storm hits the coast</h1>"
            + "<p>The storm reached the coast on Monday night, officials said, and the damage was worse than expected in the north.</p>"
            + "<p>Officials said \(toll) people had died, according to the regional authority, which published its figures at noon.</p>"
            + "<p>Rescue teams from three neighbouring regions were sent to the area, and more were expected on Tuesday.</p></article></body></html>"
    }

    /// The commands of the README's "Quick start" block, run one by one in an empty folder,
    /// with the example URL pointing at a local page that is edited between the checks.
    @Test func readmeQuickStartWorksLiterally() throws {
        let readme = try String(contentsOfFile: Self.readme, encoding: .utf8)
        let lines = readme.components(separatedBy: "\n")
        let heading = try #require(lines.firstIndex(of: "## Quick start"), "README has a Quick start")
        #expect(heading < 60, "the quick start is within the README's first 60 lines")
        let start = try #require(lines[heading...].firstIndex(of: "```sh"))
        let end = try #require(lines[(start + 1)...].firstIndex(of: "```"))
        let commands = lines[(start + 1)..<end].map { line -> String in
            // Drop trailing comments, as the shell does (a space, then #).
            if let range = line.range(of: " +#.*$", options: .regularExpression) { return String(line[..<range.lowerBound]) }
            return line
        }.filter { $0.hasPrefix("newswatch ") }
        #expect(commands.count >= 5 && commands.contains { $0.hasPrefix("newswatch init") } && commands.contains { $0.hasPrefix("newswatch add ") })

        let root = Fixtures.temporaryDirectory()
        let server = try TestServer(root: root)
        defer { server.stop(); try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: root + "/news/2026", withIntermediateDirectories: true)
        try Self.story("120").write(toFile: root + "/news/2026/storm-hits-the-coast.html", atomically: true, encoding: .utf8)
        let folder = Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var outputs: [String: CLIResult] = [:]
        var checks = 0
        for command in commands {
            var arguments = command.split(separator: " ").map(String.init).dropFirst().map {
                $0.replacingOccurrences(of: "https://example.org/", with: server.url("/site/"))
            }
            if arguments.first == "check" {
                checks += 1
                // An editor changes the story between the first check and the next.
                if checks == 2 { try Self.story("1,200").write(toFile: root + "/news/2026/storm-hits-the-coast.html", atomically: true, encoding: .utf8) }
                arguments.append("--color=never")
            }
            let result = try runCLI(Array(arguments), currentDirectory: folder)
            #expect(result.status == 0, "\(command): \(result.stderr)")
            outputs[command] = result
        }
        let checkOutputs = commands.filter { $0.hasPrefix("newswatch check") }.compactMap { outputs[$0]?.stdout }
        #expect(checkOutputs.first?.contains("new: storm-hits-the-coast") == true, "\(checkOutputs)")
        #expect(checkOutputs.last?.contains("1,200") == true, "\(checkOutputs)")
        let diff = try #require(commands.first { $0.hasPrefix("newswatch diff") }.flatMap { outputs[$0] })
        #expect(diff.stdout.contains("-Officials said 120 people") && diff.stdout.contains("+Officials said 1,200 people"), "\(diff.stdout)")
        let add = try #require(commands.first { $0.hasPrefix("newswatch add") }.flatMap { outputs[$0] })
        #expect(add.stdout.contains("headline: Storm hits the coast") && add.stdout.contains("3 paragraphs"), "\(add.stdout)")
        // No YAML written by hand, and the file keeps init's comments.
        let watchlist = try String(contentsOfFile: folder + "/watchlists/news.yaml", encoding: .utf8)
        #expect(watchlist.contains("# newswatch watchlist") && watchlist.contains("name: storm-hits-the-coast"))
    }

    @Test func editsKeepCommentsAndRefuseDuplicates() throws {
        let folder = Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let file = folder + "/watchlists/news.yaml"
        #expect(try runCLI(["init"], currentDirectory: folder).status == 0)
        let again = try runCLI(["init"], currentDirectory: folder)
        #expect(again.status == 0 && again.stderr.contains("nothing was changed"))
        let original = try String(contentsOfFile: file, encoding: .utf8)
        for url in ["https://example.org/news/2026/storm-hits-the-coast.html", "https://example.org/world/storm-hits-the-coast/"] {
            #expect(try runCLI(["add", url], currentDirectory: folder).status == 0)
        }
        var text = try String(contentsOfFile: file, encoding: .utf8)
        #expect(text.contains("name: storm-hits-the-coast\n") && text.contains("name: storm-hits-the-coast-2\n"), "unique names: \(text)")
        // Same URL again (tracking parameters do not make it another page), or a taken name.
        let duplicate = try runCLI(["add", "https://EXAMPLE.org/news/2026/storm-hits-the-coast.html?utm_source=x"], currentDirectory: folder)
        #expect(duplicate.status == 2 && duplicate.stderr.contains("already watched as 'storm-hits-the-coast'"))
        let taken = try runCLI(["add", "https://example.org/other", "--name", "storm-hits-the-coast"], currentDirectory: folder)
        #expect(taken.status == 2 && taken.stderr.contains("already exists"))
        #expect(try String(contentsOfFile: file, encoding: .utf8) == text, "a refused add changes nothing")
        // Every comment line of init's file is still there after the edits.
        for line in original.split(separator: "\n") where line.hasPrefix("#") { #expect(text.contains(line), "kept: \(line)") }
        #expect(try runCLI(["rename", "storm-hits-the-coast-2", "storm-world"], currentDirectory: folder).status == 0)
        #expect(try runCLI(["remove", "storm-hits-the-coast"], currentDirectory: folder).status == 0)
        text = try String(contentsOfFile: file, encoding: .utf8)
        let list = try WatchlistLoader().load(path: file)
        #expect(list.watches.map(\.name) == ["storm-world"])
        for line in original.split(separator: "\n") where line.hasPrefix("#") { #expect(text.contains(line), "kept: \(line)") }
        #expect(try runCLI(["remove", "nosuch"], currentDirectory: folder).status == 2)
    }

    @Test func editorHandlesEveryShapeOfWatchesList() throws {
        let entry = WatchlistEditor.Entry(name: "b", url: "https://x.example/b", every: "1h", select: "article .body")
        let shapes = [
            "# only a comment\n",
            "defaults: { every: 5m }\nwatches: []\n",
            "watches:\n",
            "watches:\n  - name: a   # first\n    url: https://x.example/a\n\n# webhooks below\nwebhooks:\n  - url: https://hooks.example/h\n",
            "watches:\n- name: a\n  url: https://x.example/a\n",
        ]
        for text in shapes {
            let edited = try WatchlistEditor.adding(entry, to: text)
            let list = try WatchlistLoader().load(text: edited, file: "t.yaml")
            #expect(list.watches.map(\.name).last == "b", "\(edited)")
            #expect(list.watch(named: "b")?.select?.source == "article .body" && list.watch(named: "b")?.every.seconds == 3600)
            for line in text.split(separator: "\n") where line.contains("#") { #expect(edited.contains(line)) }
            let removed = try WatchlistEditor.removing("b", from: edited)
            #expect(try WatchlistLoader().load(text: removed, file: "t.yaml").watch(named: "b") == nil, "\(removed)")
        }
        let renamed = try WatchlistEditor.renaming("a", to: "a2", in: shapes[3])
        #expect(renamed.contains("- name: a2   # first"), "\(renamed)")
        #expect(try WatchlistLoader().load(text: renamed, file: "t.yaml").webhooksCount == 1)
        #expect(throws: WatchlistEditor.EditError.self) { try WatchlistEditor.removing("zz", from: shapes[3]) }
    }

    @Test func renameMovesTheHistory() throws {
        let root = Fixtures.temporaryDirectory()
        let server = try TestServer(root: root)
        defer { server.stop(); try? FileManager.default.removeItem(atPath: root) }
        try Self.story("120").write(toFile: root + "/story.html", atomically: true, encoding: .utf8)
        #expect(try runCLI(["init"], currentDirectory: root).status == 0)
        #expect(try runCLI(["add", server.url("/site/story.html"), "--name", "storm"], currentDirectory: root).status == 0)
        #expect(try runCLI(["check"], currentDirectory: root).status == 0)
        try Self.story("1,200").write(toFile: root + "/story.html", atomically: true, encoding: .utf8)
        #expect(try runCLI(["check", "--all"], currentDirectory: root).status == 0)
        #expect(try runCLI(["rename", "storm", "storm-north"], currentDirectory: root).status == 0)
        let log = try runCLI(["log", "storm-north"], currentDirectory: root)
        #expect(log.status == 0 && log.stdout.contains("version 2") && log.stdout.contains("version 1"), "\(log.stdout)")
        // The renamed watch carries on from its history: nothing new to report.
        let check = try runCLI(["check", "--all"], currentDirectory: root)
        #expect(check.status == 0 && check.stdout.isEmpty, "\(check.stdout)")
        #expect(try runCLI(["log", "storm"], currentDirectory: root).status != 0)
        #expect(try runCLI(["remove", "storm-north", "--purge"], currentDirectory: root).status == 0)
        #expect(try runCLI(["log", "storm-north"], currentDirectory: root).status != 0)
    }

    /// A urls.yaml written by urlwatch 2.29 itself (`urlwatch --add`, from the test venv).
    @Test func importsWhatUrlwatchWrote() throws {
        let urlwatch = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(".build/pyvenv/bin/urlwatch").path
        try #require(FileManager.default.isExecutableFile(atPath: urlwatch), "scripts/setup --tests installs urlwatch 2.29 into .build/pyvenv")
        let root = Fixtures.temporaryDirectory()
        let server = try TestServer(root: root)
        defer { server.stop(); try? FileManager.default.removeItem(atPath: root) }
        try Self.story("120").write(toFile: root + "/a.html", atomically: true, encoding: .utf8)
        try ("<html><body><div id=\"menu\">Menu Home About</div><div class=\"story\"><h1>Second story</h1>"
             + String(repeating: "<p>The council voted on the budget on Tuesday, and the plan passed by a narrow margin after a long debate.</p>", count: 3)
             + "</div></body></html>").write(toFile: root + "/b.html", atomically: true, encoding: .utf8)
        let jobs = ["url=\(server.url("/site/a.html")),name=Storm story,filter=html2text",
                    "url=\(server.url("/site/b.html")),name=Council,filter=css:div.story",
                    "url=\(server.url("/site/a.html?x=1")),filter=xpath://article,max_tries=3"]
        for job in jobs {
            let added = try runCLI([urlwatch, "--urls", root + "/urls.yaml", "--cache", root + "/cache.db", "--config", root + "/config.yaml",
                                    "--hooks", root + "/hooks.py", "--add", job], raw: true)
            #expect(added.status == 0, "\(added.stderr)")
        }
        #expect(try runCLI(["init"], currentDirectory: root).status == 0)
        let imported = try runCLI(["import", "urlwatch", root + "/urls.yaml"], currentDirectory: root)
        #expect(imported.status == 0 && imported.stdout.contains("imported 3 of 3"), "\(imported.stdout)\(imported.stderr)")
        #expect(imported.stderr.contains("html2text: not needed") && imported.stderr.contains("max_tries: not needed"))
        let list = try WatchlistLoader().load(path: root + "/watchlists")
        #expect(Set(list.watches.map(\.name)) == ["storm-story", "council", "site-a"])
        #expect(list.watch(named: "council")?.select?.source == "div.story")
        #expect(list.watch(named: "site-a")?.select?.source == "xpath: //article")
        let check = try runCLI(["check"], currentDirectory: root)
        #expect(check.status == 0, "\(check.stderr)")
        #expect(check.stdout.split(separator: "\n").filter { $0.hasPrefix("new: ") }.count == 3, "\(check.stdout)")
    }

    /// Shapes from urlwatch's documentation: list filters, filters with options, shell jobs,
    /// headers and cookies.
    @Test func importsTheDocumentedShapes() throws {
        let text = """
        name: "Front page"
        url: "https://example.org/"
        filter:
          - css:
              selector: div#main
              exclude: div.ads
          - html2text:
              method: pyhtml2text
        ---
        url: "https://example.org/b"
        filter: "element-by-id:content,strip"
        headers:
          User-Agent: Mozilla/5.0
        cookies:
          session: abc
        ignore_cached: true
        ---
        name: "Disk space"
        command: "df -h"
        ---
        url: "https://example.org/c"
        filter:
          - grep: Price
          - xpath: //div[@id='price']
        ---
        url: ftp://example.org/file
        """
        let result = try UrlwatchImport.convert(text, file: "urls.yaml", taken: [])
        #expect(result.entries.map(\.name) == ["front-page", "b", "c"])
        #expect(result.entries[0].select == "div#main")
        #expect(result.entries[0].extra.first { $0.key == "remove" }?.value == "[div.ads]")
        #expect(result.entries[1].select == "#content")
        #expect(result.entries[1].extra.first { $0.key == "headers" }?.value == "{ User-Agent: \"Mozilla/5.0\", Cookie: \"session=abc\" }")
        #expect(result.entries[2].select == "xpath: //div[@id='price']")
        #expect(result.skipped == 2)
        for note in ["job 3 (Disk space): a shell command job", "filter grep:Price: not supported", "ignore_cached: not needed", "scheme 'ftp' is not supported",
                     "filter html2text: not needed"] {
            #expect(result.notes.contains { $0.contains(note) }, "\(note) in \(result.notes)")
        }
        // The converted entries make a watchlist that loads.
        var watchlist = ""
        for entry in result.entries { watchlist = try WatchlistEditor.adding(entry, to: watchlist) }
        let list = try WatchlistLoader().load(text: watchlist, file: "imported.yaml")
        #expect(list.watch(named: "b")?.headers["Cookie"] == "session=abc")
        #expect(list.watch(named: "front-page")?.remove.map(\.source) == ["div.ads"])
    }
}

extension Watchlist {
    var webhooksCount: Int { Set(watches.flatMap(\.webhooks).map(\.url)).count }
}
