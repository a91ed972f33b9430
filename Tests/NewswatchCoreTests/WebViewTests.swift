import Foundation
import Testing
@testable import NewswatchCore

/// `newswatch serve` in a real browser (headless Chromium), its Atom feeds through
/// feedparser, and its headers, tokens and conditional GETs over HTTP.
@Suite("Web view and feeds", .serialized)
struct WebViewTests {
    static let hostileHeadline = "Storm <script>document.title='pwned'</script> hits the coast"

    /// A store with one story in two versions: a hostile headline, then a death toll edit.
    static func makeStore() throws -> (root: String, store: String, watchlist: String, server: TestServer) {
        let root = Fixtures.temporaryDirectory()
        let server = try TestServer(root: root)
        func page(_ toll: String) -> String {
            let escaped = hostileHeadline.replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
            return "<html><head><title>\(escaped)</title></head><body><article><h1>\(escaped)</h1>"
                + "<p>The storm reached the coast on Monday night, officials said, and the damage was worse than expected in the north.</p>"
                + "<p>Officials said \(toll) people had died, according to the regional authority, which published its figures at noon.</p>"
                + "<p>Rescue teams from three neighbouring regions were sent to the area, and more were expected on Tuesday.</p></article></body></html>"
        }
        try page("120").write(toFile: root + "/story.html", atomically: true, encoding: .utf8)
        let watchlist = root + "/w.yaml"
        try "watches:\n  - name: storm\n    url: \(server.url("/site/story.html"))\n".write(toFile: watchlist, atomically: true, encoding: .utf8)
        let store = root + "/store"
        #expect(try runCLI(["check", "--watchlists", watchlist, "--store", store, "--all"]).status == 0)
        try page("1,200").write(toFile: root + "/story.html", atomically: true, encoding: .utf8)
        #expect(try runCLI(["check", "--watchlists", watchlist, "--store", store, "--all"]).status == 0)
        return (root, store, watchlist, server)
    }

    /// `newswatch serve` on a free port; returns the process and its base URL.
    static func serve(_ store: String, _ extra: [String] = []) throws -> (Process, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: (Fixtures.productsDirectory as NSString).appendingPathComponent("newswatch"))
        process.arguments = ["serve", "--store", store, "--listen", "127.0.0.1:0"] + extra
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        var line = Data()
        while true {
            let byte = output.fileHandleForReading.readData(ofLength: 1)
            if byte.isEmpty || byte == Data("\n".utf8) { break }
            line.append(byte)
        }
        let url = String(decoding: line, as: UTF8.self)
        guard url.hasPrefix("http://") else { process.terminate(); throw CLIFailure(message: "serve did not start: \(url)") }
        return (process, url)
    }

    struct CLIFailure: Error { var message: String }

    static func stop(_ process: Process) {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    static func get(_ url: String, headers: [String: String] = [:]) async throws -> FetchResult {
        try await CurlFetcher().fetch(FetchRequest(url: url, headers: headers)).get()
    }

    /// The DOM after Chromium loaded the page.
    static func browserDOM(_ url: String) throws -> String {
        let profile = Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: profile) }
        let result = try runCLI(["/usr/bin/env", "chromium", "--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=\(profile)",
                                 "--dump-dom", url], raw: true)
        #expect(result.status == 0, "chromium: \(result.stderr.suffix(500))")
        return result.stdout
    }

    @Test func pagesInAHeadlessBrowser() async throws {
        let (root, store, _, server) = try Self.makeStore()
        defer { server.stop(); try? FileManager.default.removeItem(atPath: root) }
        let (process, base) = try Self.serve(store)
        defer { Self.stop(process) }

        let index = try Self.browserDOM(base)
        #expect(index.contains(">storm</a>"), "the index lists the watch")
        // The hostile headline is text: escaped in the DOM, no script element, title untouched.
        #expect(index.contains("Storm &lt;script&gt;document.title='pwned'&lt;/script&gt; hits the coast"))
        #expect(!index.lowercased().contains("<script"))
        #expect(!index.contains("<title>pwned"))

        let diff = try Self.browserDOM(base + "w/storm/diff/1/2")
        #expect(diff.contains("<del>120</del>"), "\(diff)")
        #expect(diff.contains("<ins>1,200</ins>"))
        #expect(!diff.lowercased().contains("<script"))
        let side = try Self.browserDOM(base + "w/storm/diff/1/2?view=side")
        #expect(side.contains("class=\"side\"") && side.contains("<del>120</del>") && side.contains("<ins>1,200</ins>"))

        let timeline = try Self.browserDOM(base + "w/storm")
        #expect(timeline.contains("href=\"/w/storm/diff/1/2\"") && timeline.contains("1 paragraph edited"), "\(timeline)")
        let version = try Self.browserDOM(base + "w/storm/v/1")
        #expect(version.contains("Officials said 120 people had died"))
    }

    @Test func atomFeedsParseCleanlyWithFeedparser() async throws {
        let python = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(".build/pyvenv/bin/python").path
        try #require(FileManager.default.isExecutableFile(atPath: python), "scripts/setup --tests installs feedparser into .build/pyvenv")
        let (root, store, _, server) = try Self.makeStore()
        defer { server.stop(); try? FileManager.default.removeItem(atPath: root) }
        let (process, base) = try Self.serve(store)
        defer { Self.stop(process) }
        let script = """
        import feedparser, json, sys
        out = []
        for url in sys.argv[1:]:
            d = feedparser.parse(url)
            out.append({"bozo": int(d.bozo), "error": str(d.get("bozo_exception", "")), "version": d.version,
                        "ids": [e.id for e in d.entries], "titles": [e.title for e in d.entries],
                        "content": [e.content[0].value if "content" in e else "" for e in d.entries], "updated": d.feed.get("updated", "")})
        print(json.dumps(out))
        """
        let feeds = [base + "feed.atom", base + "w/storm/feed.atom"]
        let result = try runCLI([python, "-c", script] + feeds, raw: true)
        #expect(result.status == 0, "\(result.stderr)")
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        for feed in parsed {
            #expect(feed["bozo"] as? Int == 0, "feedparser flagged: \(feed["error"] ?? "")")
            #expect(feed["version"] as? String == "atom10")
            #expect((feed["ids"] as? [String])?.count == 1)
            #expect(((feed["content"] as? [String])?.first ?? "").contains("<ins>1,200</ins>"))
            #expect(((feed["titles"] as? [String])?.first ?? "").contains("1 paragraph edited"))
        }
        // Stable entry ids: the same in both feeds and on a second read.
        let again = try runCLI([python, "-c", script] + feeds, raw: true)
        let reparsed = try #require(try JSONSerialization.jsonObject(with: Data(again.stdout.utf8)) as? [[String: Any]])
        #expect(parsed.map { $0["ids"] as? [String] ?? [] } == reparsed.map { $0["ids"] as? [String] ?? [] })
        #expect(parsed[0]["ids"] as? [String] == parsed[1]["ids"] as? [String])
        // Advertised on the pages.
        let index = try await Self.get(base)
        #expect(String(decoding: index.body, as: UTF8.self).contains("<link rel=\"alternate\" type=\"application/atom+xml\""))
    }

    @Test func headersTokensAndConditionalGets() async throws {
        let (root, store, _, server) = try Self.makeStore()
        defer { server.stop(); try? FileManager.default.removeItem(atPath: root) }
        let (process, base) = try Self.serve(store)
        defer { Self.stop(process) }
        let feed = try await Self.get(base + "feed.atom")
        #expect(feed.status == 200 && feed.headers["content-type"]?.hasPrefix("application/atom+xml") == true)
        let etag = try #require(feed.etag)
        #expect(try await Self.get(base + "feed.atom", headers: ["If-None-Match": etag]).status == 304)
        let page = try await Self.get(base + "w/storm")
        #expect(page.headers["content-security-policy"]?.contains("default-src 'none'") == true)
        #expect(page.headers["x-content-type-options"] == "nosniff")
        // The page as fetched: text, sandboxed, never a document of our origin.
        let raw = try await Self.get(base + "w/storm/v/1/page")
        #expect(raw.headers["content-type"]?.hasPrefix("text/plain") == true && raw.headers["content-security-policy"] == "sandbox")
        #expect(String(decoding: raw.body, as: UTF8.self).contains("&lt;script&gt;"))
        #expect(try await Self.get(base + "w/nosuch").status == 404)
        #expect(try await Self.get(base + "w/storm/diff/1/9").status == 404)
        // The JSON API mirrors the CLI's --json.
        let list = try await Self.get(base + "api/list")
        let rows = try #require(try JSONSerialization.jsonObject(with: list.body) as? [[String: Any]])
        #expect(rows.map { $0["name"] as? String } == ["storm"] && rows.first?["versions"] as? Int == 2)
        let apiDiff = try await Self.get(base + "api/diff/storm/1/2")
        let cli = try runCLI(["diff", "storm", "1", "2", "--json", "--store", store, "--watchlists", root + "/w.yaml"])
        let fromAPI = try #require(try JSONSerialization.jsonObject(with: apiDiff.body) as? [String: Any])
        let fromCLI = try #require(try JSONSerialization.jsonObject(with: Data(cli.stdout.utf8)) as? [String: Any])
        #expect(fromAPI["summary"] as? String == fromCLI["summary"] as? String && fromAPI["summary"] != nil)
        let show = try await Self.get(base + "api/show/storm/2")
        #expect(String(decoding: show.body, as: UTF8.self).contains("1,200 people"))

        // Beyond loopback a token is required; with one, requests without it are refused.
        let open = try runCLI(["serve", "--store", store, "--listen", "0.0.0.0:0"])
        #expect(open.status != 0 && open.stderr.contains("--token"))
        let (guarded, guardedBase) = try Self.serve(store, ["--token", "s3cret"])
        defer { Self.stop(guarded) }
        #expect(try await Self.get(guardedBase).status == 401)
        #expect(try await Self.get(guardedBase, headers: ["Authorization": "Bearer wrong"]).status == 401)
        #expect(try await Self.get(guardedBase, headers: ["Authorization": "Bearer s3cret"]).status == 200)
        let basic = "Basic " + Data("reader:s3cret".utf8).base64EncodedString()
        #expect(try await Self.get(guardedBase + "feed.atom", headers: ["Authorization": basic]).status == 200)
    }

    @Test func pagesAnswerWhileACheckHoldsTheWriter() async throws {
        let (root, store, _, server) = try Self.makeStore()
        defer { server.stop(); try? FileManager.default.removeItem(atPath: root) }
        let (process, base) = try Self.serve(store)
        defer { Self.stop(process) }
        // A write transaction open in another connection, as during a check's slice.
        let writer = try SQLiteStore(root: store)
        try writer.beginBatch()
        try writer.saveStates(["storm": WatchState()])
        let index = try await Self.get(base)
        let diff = try await Self.get(base + "w/storm/diff/1/2")
        writer.rollbackBatch()
        #expect(index.status == 200 && diff.status == 200)
        #expect(String(decoding: diff.body, as: UTF8.self).contains("<ins>1,200</ins>"))
    }
}
