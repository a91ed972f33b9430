import Foundation
import Testing
@testable import NewswatchCore
import NewswatchDemo

/// Runs the real `newswatch` executable against pages served on 127.0.0.1.
@Suite("check end to end", .serialized)
struct CheckEndToEndTests {
    func storyPage(_ index: Int, edited: Bool, sidebarTick: Int) -> String {
        let paragraphs = (1...6).map { "Story \(index), paragraph \($0): officials said the talks, which began on Monday, would continue through the week, according to people familiar with the plans." }
        var body = paragraphs
        if edited { body.insert("Story \(index) update: the talks ended early on Wednesday with a signed agreement, officials confirmed.", at: 3) }
        return """
        <html><head><title>Story \(index) headline - Example News</title></head><body>
        <div class="menu"><a href="/">Home</a> <a href="/world">World</a></div>
        <div class="clock">Updated \(sidebarTick) minutes ago</div>
        <div class="article"><h1>Story \(index) headline</h1>\(body.map { "<p>\($0)</p>" }.joined())</div>
        <div class="sidebar"><h3>Latest News</h3><ul><li><a href="/x\(sidebarTick)">Other story \(sidebarTick)</a></li></ul></div>
        </body></html>
        """
    }

    @Test func twentyPagesThenTwoEditsThenNothing() throws {
        let server = try TestServer()
        defer { server.stop() }
        let work = Fixtures.temporaryDirectory()
        for index in 1...20 {
            try storyPage(index, edited: false, sidebarTick: 1).write(toFile: "\(server.root)/story\(index).html", atomically: true, encoding: .utf8)
        }
        let watchlist = "watches:\n" + (1...20).map { "  - name: story-\($0)\n    url: \(server.url("/site/story\($0).html"))\n" }.joined()
        try watchlist.write(toFile: work + "/watchlist.yaml", atomically: true, encoding: .utf8)
        let arguments = ["check", "--all", "--watchlists", work + "/watchlist.yaml", "--store", work + "/store", "--color", "never"]

        let run1 = try runCLI(arguments)
        #expect(run1.status == 0, "stderr: \(run1.stderr)")
        #expect(run1.stdout.split(separator: "\n").filter { $0.hasPrefix("new: ") }.count == 20)

        // Sidebars change on every page; the story changes on two.
        for index in 1...20 {
            try storyPage(index, edited: index == 4 || index == 17, sidebarTick: 2)
                .write(toFile: "\(server.root)/story\(index).html", atomically: true, encoding: .utf8)
        }
        let run2 = try runCLI(arguments)
        #expect(run2.status == 0, "stderr: \(run2.stderr)")
        let changed = run2.stdout.split(separator: "\n").filter { $0.hasPrefix("changed: ") }
        #expect(changed.count == 2)
        // Like `new:`, a `changed:` line names the headline and gives the link (cron mail).
        #expect(changed.contains { $0 == "changed: story-4: Story 4 headline: 1 paragraph added (version 2) \(server.url("/site/story4.html"))" }, "\(changed)")
        #expect(changed.contains { $0.hasPrefix("changed: story-17: ") })
        #expect(run2.stdout.components(separatedBy: "\n+++ ").count - 1 == 2)
        #expect(run2.stdout.contains("+Story 4 update: the talks ended early on Wednesday"))

        let run3 = try runCLI(arguments)
        #expect(run3.status == 0)
        #expect(run3.stdout == "")

        // Not due yet: a plain check fetches nothing and prints nothing.
        let notDue = try runCLI(Array(arguments.filter { $0 != "--all" }))
        #expect(notDue.stdout == "")

        let log = try runCLI(["log", "story-4", "--store", work + "/store", "--color", "never", "--no-pager"])
        #expect(log.stdout.contains("version 2"))
        #expect(log.stdout.contains("1 paragraph added"))
        let diff = try runCLI(["diff", "story-4", "--store", work + "/store", "--color", "never", "--no-pager"])
        #expect(diff.stdout.contains("+Story 4 update"))
        let show = try runCLI(["show", "story-4", "1", "--store", work + "/store", "--color", "never", "--no-pager"])
        #expect(show.stdout.contains("Story 4 headline"))
        #expect(!show.stdout.contains("Story 4 update"))

        // No snapshot file holds the article text in plain form.
        let enumerator = FileManager.default.enumerator(atPath: work + "/store")!
        while let relative = enumerator.nextObject() as? String {
            let data = FileManager.default.contents(atPath: work + "/store/" + relative) ?? Data()
            #expect(!String(decoding: data, as: UTF8.self).contains("officials said the talks"), "plain text in \(relative)")
        }
    }

    /// A page whose story bytes are unchanged is answered without parsing, except every
    /// `fullExtractionEvery`th check; `--extract-all` parses every page.
    @Test func unchangedStoriesAreRecognisedWithoutParsing() throws {
        let server = try TestServer()
        defer { server.stop() }
        let work = Fixtures.temporaryDirectory()
        try "watches:\n  - name: story\n    url: \(server.url("/site/story.html"))\n".write(toFile: work + "/watchlist.yaml", atomically: true, encoding: .utf8)
        let arguments = ["check", "--all", "--json", "--watchlists", work + "/watchlist.yaml", "--store", work + "/store"]
        func check(tick: Int, edited: Bool = false, extra: [String] = []) throws -> String {
            try storyPage(1, edited: edited, sidebarTick: tick).write(toFile: "\(server.root)/story.html", atomically: true, encoding: .utf8)
            let run = try runCLI(arguments + extra)
            #expect(run.status == 0, "stderr: \(run.stderr)")
            return run.stdout
        }
        #expect(try check(tick: 1).contains("\"event\":\"new\""))
        let quick = CheckRunner.fullExtractionEvery - 1
        for tick in 2...(quick + 1) {
            #expect(try check(tick: tick).contains("\"parsed\":false"), "check \(tick) parsed the page")
        }
        #expect(try check(tick: quick + 2).contains("\"parsed\":true"), "the periodic full extraction did not happen")
        #expect(try check(tick: quick + 3).contains("\"parsed\":false"))
        #expect(try check(tick: quick + 4, extra: ["--extract-all"]).contains("\"parsed\":true"))
        let changed = try check(tick: quick + 5, edited: true)
        #expect(changed.contains("\"event\":\"changed\""))
        #expect(changed.contains("Story 1 update: the talks ended early"))
    }

    @Test func failuresGoToStderrAndExitNonZero() throws {
        let server = try TestServer()
        defer { server.stop() }
        let work = Fixtures.temporaryDirectory()
        try storyPage(1, edited: false, sidebarTick: 1).write(toFile: "\(server.root)/ok.html", atomically: true, encoding: .utf8)
        try """
        watches:
          - { name: fine, url: "\(server.url("/site/ok.html"))" }
          - { name: gone, url: "\(server.url("/status/404"))" }
        """.write(toFile: work + "/w.yaml", atomically: true, encoding: .utf8)
        let result = try runCLI(["check", "--watchlists", work + "/w.yaml", "--store", work + "/store"])
        #expect(result.status == 1)
        #expect(result.stdout.contains("new: fine"))
        #expect(!result.stdout.contains("gone"))
        #expect(result.stderr.contains("gone: HTTP 404"))
        let list = try runCLI(["list", "--watchlists", work + "/w.yaml", "--store", work + "/store"])
        #expect(list.stdout.contains("failing: HTTP 404"))
    }

    @Test func configErrorsExitTwoNamingTheSpot() throws {
        let work = Fixtures.temporaryDirectory()
        try "watches:\n  - name: a\n    url: https://example.org\n    every: sometimes\n".write(toFile: work + "/w.yaml", atomically: true, encoding: .utf8)
        let result = try runCLI(["check", "--watchlists", work + "/w.yaml", "--store", work + "/store"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("w.yaml:4:12: watches[0].every: 'sometimes' is not a duration"))
    }

    @Test func secondWriterExits75() async throws {
        let work = Fixtures.temporaryDirectory()
        try "watches:\n  - name: a\n    url: file:///dev/null\n".write(toFile: work + "/w.yaml", atomically: true, encoding: .utf8)
        let store = try SQLiteStore(root: work + "/store")
        try await store.withWriterLock(wait: nil) {
            let result = try runCLI(["check", "--watchlists", work + "/w.yaml", "--store", work + "/store"])
            #expect(result.status == 75)
            #expect(result.stderr.contains("another newswatch process is writing to the store"))
        }
    }

    @Test func demoPrintsTheStoryDiffAndTheWebhook() throws {
        let result = try runCLI(["demo", "--color", "never"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout.contains("-Valdorian President To Pay First State Visit To Kestria In 18 Years"))
        #expect(result.stdout.contains("+Valdorian President Arrives In Kestria, Signs Partnership Treaty After Talks"))
        #expect(result.stdout.contains("+Merrow and Varga signed a treaty on comprehensive strategic partnership"))
        #expect(result.stdout.contains("changed: valdoria-state-visit: headline changed: \u{201C}Valdorian President To Pay"), "\(result.stdout)")
        #expect(result.stdout.contains("X-Newswatch-Event: changed  signature verified"))
    }
}
