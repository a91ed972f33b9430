import Foundation
import Testing
@testable import NewswatchCore

/// A publication of our own (a feed, a sitemap index, a front page and stories that get
/// edited), served from 127.0.0.1 and driven over two simulated days with `check --now`.
@Suite("Follow: a simulated publication", .serialized)
struct FollowSimulationTests {
    /// Stories appear every 3 hours from 1h30 in; each is edited 2, 5 and 11 hours later.
    struct Publication {
        let root: String
        let base: String
        let start: Date
        static let storyCount = 8
        static let editOffsets: [TimeInterval] = [2 * 3600, 5 * 3600, 11 * 3600]

        func appearance(_ index: Int) -> Date { start.addingTimeInterval(5400 + Double(index) * 3 * 3600) }
        func slug(_ index: Int) -> String { ["storm-hits-the-coast", "council-votes-on-budget", "talks-resume-in-geneva", "harbour-reopens-after-repairs",
                                             "rail-strike-called-off", "new-bridge-opens-downtown", "museum-returns-artefacts", "markets-rally-on-rate-cut"][index] }
        func storyURL(_ index: Int) -> String { "\(base)/stories/\(slug(index)).html" }

        func edits(_ index: Int, at time: Date) -> Int {
            Self.editOffsets.filter { appearance(index).addingTimeInterval($0) <= time }.count
        }

        func write(at time: Date, feedBroken: Bool) throws {
            try FileManager.default.createDirectory(atPath: root + "/stories", withIntermediateDirectories: true)
            let live = (0..<Self.storyCount).filter { appearance($0) <= time }
            let latest = Array(live.reversed())
            for index in live {
                var paragraphs = [
                    "Officials said on Monday that \(slug(index).replacingOccurrences(of: "-", with: " ")) after a long night, and that residents should stay informed.",
                    "The report, seen by this newspaper, describes the events in detail, with figures from the regional authority and witnesses.",
                    "Further details were expected later in the day, a spokesperson said, adding that the situation was being monitored closely.",
                ]
                for edit in 0..<edits(index, at: time) {
                    paragraphs.append("Update \(edit + 1): the authority revised its figures, saying \(120 * (edit + 2)) people were affected, not \(120 * (edit + 1)) as first reported.")
                }
                let html = "<html><head><title>\(slug(index))</title></head><body><nav><a href=\"/\">Home</a></nav><article><h1>\(slug(index))</h1>"
                    + paragraphs.map { "<p>\($0)</p>" }.joined() + "</article><aside><h2>Latest</h2><a href=\"/x\">Other news at \(Timestamp.display(time))</a></aside></body></html>"
                try write("stories/\(slug(index)).html", html)
            }
            func rfc822(_ date: Date) -> String {
                let formatter = DateFormatter()
                formatter.locale = Locale(identifier: "en_US_POSIX")
                formatter.timeZone = TimeZone(identifier: "UTC")
                formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
                return formatter.string(from: date)
            }
            var rss = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Pub</title><link>\(base)/</link>"
            for index in latest.prefix(4) {
                rss += "<item><title>\(slug(index))</title><link>\(storyURL(index))?utm_source=rss&amp;utm_medium=feed</link><pubDate>\(rfc822(appearance(index)))</pubDate></item>"
            }
            rss += "</channel></rss>"
            try write("rss.xml", feedBroken ? String(rss.prefix(rss.count / 2)) : rss)
            var sitemap = "<?xml version=\"1.0\"?><urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:news=\"http://www.google.com/schemas/sitemap-news/0.9\">"
            for index in latest.prefix(4) {
                sitemap += "<url><loc>\(storyURL(index))</loc><news:news><news:publication_date>\(Timestamp.display(appearance(index)))</news:publication_date></news:news></url>"
            }
            try write("news-sitemap.xml", sitemap + "</urlset>")
            // The index lists itself too: the loop must be stopped.
            try write("sitemap-index.xml", "<?xml version=\"1.0\"?><sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"
                      + "<sitemap><loc>\(base)/news-sitemap.xml</loc></sitemap><sitemap><loc>\(base)/sitemap-index.xml</loc></sitemap></sitemapindex>")
            var front = "<html><head><title>Pub</title></head><body><nav><a href=\"about.html\">About</a> <a href=\"world/\">World</a></nav><main>"
            for index in latest.prefix(3) { front += "<h2><a href=\"stories/\(slug(index)).html#comments\">\(slug(index))</a></h2>" }
            try write("index.html", front + "</main></body></html>")
        }

        private func write(_ name: String, _ text: String) throws {
            let path = root + "/" + name
            // Unchanged files keep their bytes (and so their ETag).
            if let old = try? String(contentsOfFile: path, encoding: .utf8), old == text { return }
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        }
    }

    struct Event: Decodable {
        var type: String
        var watch: String
        var url: String
        var source: String?
        var published: String?
        var at: String
    }

    @Test func followsAPublicationOverTwoSimulatedDays() async throws {
        let root = Fixtures.temporaryDirectory()
        let server = try TestServer(root: root)
        defer { server.stop() }
        let start = try #require(SimulatedClock.parse("2026-03-02T00:00:00Z"))
        let publication = Publication(root: root + "/pub", base: server.url("/site/pub"), start: start)
        let watchlist = root + "/watchlist.yaml"
        try """
        follow:
          - name: pub-feed
            feed: \(publication.base)/rss.xml
            every: 15m
            follow_for: 1d
          - name: pub-map
            sitemap: \(publication.base)/sitemap-index.xml
            every: 30m
            follow_for: 1d
          - name: pub-front
            front: \(publication.base)/index.html
            links: "/stories/"
            every: 15m
            follow_for: 1d
        """.write(toFile: watchlist, atomically: true, encoding: .utf8)
        let store = root + "/store"
        var firstSeen: [String: Date] = [:]       // story URL -> run that reported it new
        var changes: [String: Int] = [:]          // story URL -> changed events
        var names: [String: String] = [:]         // story URL -> watch name
        var feedFailures = 0
        var changesWhileFeedBroken = 0
        let runs = 49
        for hour in 0..<runs {
            let now = start.addingTimeInterval(Double(hour) * 3600)
            let broken = (10...12).contains(hour)
            try publication.write(at: now, feedBroken: broken)
            let result = try runCLI(["check", "--watchlists", watchlist, "--store", store, "--now", Timestamp.display(now), "--json"])
            let events = result.stdout.split(separator: "\n").compactMap { try? JSONDecoder().decode(Event.self, from: Data($0.utf8)) }
            #expect(events.count == result.stdout.split(separator: "\n").count, "every line is a JSON event: \(result.stdout)")
            for event in events {
                switch event.type {
                case "new":
                    #expect(firstSeen[event.url] == nil, "\(event.url) reported new twice")
                    #expect(["pub-feed", "pub-map", "pub-front"].contains(event.source ?? ""), "new story carries its source: \(event)")
                    if event.source != "pub-front" {
                        // Feeds and sitemaps give the publication time.
                        let index = (0..<Publication.storyCount).first { publication.storyURL($0) == event.url }
                        #expect(event.published == index.map { Timestamp.display(publication.appearance($0)) }, "\(event)")
                    }
                    #expect(event.at == Timestamp.display(now))
                    firstSeen[event.url] = now
                    names[event.url] = event.watch
                case "changed":
                    changes[event.url, default: 0] += 1
                    if broken { changesWhileFeedBroken += 1 }
                case "failed":
                    #expect(event.watch == "pub-feed" && broken, "only the broken feed fails: \(event) at hour \(hour)")
                    feedFailures += 1
                default: break
                }
            }
            #expect(result.status == (broken ? 1 : 0), "hour \(hour): \(result.stderr)")
        }
        // Every story watched once, under its canonical URL, promptly after it appeared.
        #expect(firstSeen.count == Publication.storyCount)
        for index in 0..<Publication.storyCount {
            let url = publication.storyURL(index)
            let seen = try #require(firstSeen[url], "story \(index) never reported: \(firstSeen.keys.sorted())")
            #expect(seen.timeIntervalSince(publication.appearance(index)) <= 3600, "story \(index) found \(seen.timeIntervalSince(publication.appearance(index)))s late")
            // Every edit reported, each once.
            #expect(changes[url] == Publication.editOffsets.count, "story \(index): \(changes[url] ?? 0) changes")
        }
        #expect(feedFailures == 3)
        #expect(changesWhileFeedBroken > 0, "stories kept being checked while their feed was broken")

        // All retired after follow_for (1 day); history kept.
        let listed = try runCLI(["list", "--watchlists", watchlist, "--store", store, "--json", "--retired"])
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]])
        let stories = rows.filter { $0["type"] as? String == "story" }
        #expect(stories.count == Publication.storyCount)
        #expect(stories.allSatisfy { $0["retired"] is String && ($0["versions"] as? Int ?? 0) == 4 })
        #expect(Set(stories.compactMap { $0["url"] as? String }) == Set(firstSeen.keys))
        let active = try runCLI(["list", "--watchlists", watchlist, "--store", store, "--json"])
        let activeRows = try #require(try JSONSerialization.jsonObject(with: Data(active.stdout.utf8)) as? [[String: Any]])
        #expect(activeRows.filter { $0["type"] as? String == "story" }.isEmpty)
        let log = try runCLI(["log", names[publication.storyURL(0)] ?? "?", "--store", store, "--watchlists", watchlist])
        #expect(log.status == 0 && log.stdout.contains("4"), "\(log.stderr)")

        // Far fewer story fetches than polling every story at every run; never more than
        // the per-host limit (2) of requests at once.
        let requests = try await server.requestLog()
        let storyFetches = requests.filter { $0.hasPrefix("/site/pub/stories/") }.count
        print("follow simulation: \(storyFetches) story fetches in \(runs) runs of \(Publication.storyCount) stories (polling all every run: \(runs * Publication.storyCount))")
        #expect(storyFetches < runs * Publication.storyCount / 2, "\(storyFetches) story fetches")
        let peak = try await CurlFetcher().fetch(FetchRequest(url: server.url("/connections"))).get()
        #expect(Int(String(decoding: peak.body, as: UTF8.self)) ?? 99 <= 2)
        try? FileManager.default.removeItem(atPath: root)
    }

    /// Our links against feedparser's and ultimate-sitemap-parser's on the same documents.
    @Test func findsTheLinksFeedparserAndUltimateSitemapParserFind() async throws {
        let python = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(".build/pyvenv/bin/python").path
        try #require(FileManager.default.isExecutableFile(atPath: python), "scripts/setup installs feedparser and ultimate-sitemap-parser into .build/pyvenv")
        let root = Fixtures.temporaryDirectory()
        let server = try TestServer(root: root)
        defer { server.stop() }
        try FileManager.default.createDirectory(atPath: root + "/follow", withIntermediateDirectories: true)
        for name in try FileManager.default.contentsOfDirectory(atPath: Fixtures.path("follow")) {
            var data = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("follow/" + name)))
            if !name.hasSuffix(".gz") { data = Data(String(decoding: data, as: UTF8.self).replacingOccurrences(of: "SERVER", with: server.base).utf8) }
            try data.write(to: URL(fileURLWithPath: root + "/follow/" + name))
        }
        // The fixture server sends every file as text/html: a feed with the wrong content
        // type is still read as a feed.
        let served = try await CurlFetcher().fetch(FetchRequest(url: server.url("/site/follow/rss2.xml"))).get()
        #expect(served.contentType?.hasPrefix("text/html") == true)
        for (kind, name, expected) in [("feed", "rss2.xml", 4), ("feed", "rdf.xml", 2), ("feed", "atom.xml", 2), ("sitemap", "sitemap-index.xml", 5), ("sitemap", "robots.txt", 5)] {
            let url = server.url("/site/follow/" + name)
            let ours = try runCLI(["discover", url, "--json"])
            #expect(ours.status == 0, "\(name): \(ours.stderr)")
            let ourRows = try #require(try JSONSerialization.jsonObject(with: Data(ours.stdout.utf8)) as? [[String: Any]])
            let reference = try runCLI([python, Fixtures.path("reference_links.py"), kind, url], raw: true)
            #expect(reference.status == 0, "\(name): \(reference.stderr)")
            let theirs = try #require(try JSONSerialization.jsonObject(with: Data(reference.stdout.utf8)) as? [String])
            let theirCanonical = Set(theirs.compactMap { StoryURL.canonical($0) })
            #expect(Set(ourRows.compactMap { $0["url"] as? String }) == theirCanonical, "\(name)")
            #expect(theirCanonical.count == expected, "\(name): \(theirs)")
        }
        try? FileManager.default.removeItem(atPath: root)
    }

    /// Sources that are not feeds, too big, bombs or loops: an error for that source only,
    /// in bounded memory; the good source's story is still found.
    @Test func badSourcesFailAloneInBoundedMemory() throws {
        let root = Fixtures.temporaryDirectory()
        let server = try TestServer(root: root)
        defer { server.stop() }
        let bad = root + "/bad"
        try FileManager.default.createDirectory(atPath: bad, withIntermediateDirectories: true)
        func write(_ name: String, _ text: String) throws { try text.write(toFile: bad + "/" + name, atomically: true, encoding: .utf8) }
        try write("error.xml", "<!DOCTYPE html><html><head><title>503</title></head><body><h1>Service unavailable</h1></body></html>")
        try write("truncated.xml", "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><item><link>\(server.url("/site/bad/story-a-long-slug-here.html"))</link></item><item><li")
        try write("empty.xml", "")
        var big = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>big</title>"
        for index in 0..<100_000 { big += "<item><link>https://elsewhere.invalid/news/\(index)</link><pubDate>Mon, 02 Mar 2026 00:00:00 GMT</pubDate></item>" }
        try write("big.xml", big + "</channel></rss>")
        var bomb = "<?xml version=\"1.0\"?>\n<!DOCTYPE rss [\n<!ENTITY lol \"lol\">\n"
        for level in 1...9 { bomb += "<!ENTITY lol\(level) \"" + String(repeating: "&lol\(level == 1 ? "" : String(level - 1));", count: 10) + "\">\n" }
        try write("bomb.xml", bomb + "]>\n<rss version=\"2.0\"><channel><item><title>&lol9;</title><link>&lol9;</link></item></channel></rss>")
        try write("loop.xml", "<?xml version=\"1.0\"?><sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\"><sitemap><loc>\(server.url("/site/bad/loop.xml"))</loc></sitemap></sitemapindex>")
        let zeros = bad + "/zeros.xml"
        FileManager.default.createFile(atPath: zeros, contents: Data(count: 120 * 1024 * 1024))
        let gzip = Process()
        gzip.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        gzip.arguments = ["gzip", "-1", "-f", zeros]
        try gzip.run()
        gzip.waitUntilExit()
        try write("good.xml", "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><item><link>\(server.url("/site/bad/story-a-long-slug-here.html"))</link></item></channel></rss>")
        try write("story-a-long-slug-here.html", "<html><head><title>A story</title></head><body><article><h1>A story</h1>"
                  + String(repeating: "<p>The council said on Monday that the plan would go ahead, despite the objections raised by residents.</p>", count: 4)
                  + "</article></body></html>")
        let sources: [(String, String, String)] = [
            ("error-page", "feed", "error.xml"), ("truncated", "feed", "truncated.xml"), ("empty", "feed", "empty.xml"),
            ("bomb", "feed", "bomb.xml"), ("loop", "sitemap", "loop.xml"), ("gzip-bomb", "sitemap", "zeros.xml.gz"),
            ("big", "feed", "big.xml"), ("good", "feed", "good.xml"),
        ]
        let watchlist = root + "/w.yaml"
        try ("follow:\n" + sources.map { "  - name: \($0.0)\n    \($0.1): \(server.url("/site/bad/" + $0.2))\n    max_new: 5\n" }.joined())
            .write(toFile: watchlist, atomically: true, encoding: .utf8)
        // Peak memory of the check, measured by its parent.
        let measure = "import resource, subprocess, sys\nr = subprocess.run(sys.argv[1:])\nprint('peak-kb', resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)\nsys.exit(r.returncode)"
        let newswatch = (Fixtures.productsDirectory as NSString).appendingPathComponent("newswatch")
        let result = try runCLI(["/usr/bin/env", "python3", "-c", measure, newswatch, "check", "--watchlists", watchlist, "--store", root + "/store",
                                 "--now", "2026-03-02T06:00:00Z"], raw: true)
        #expect(result.status == 1)
        for name in ["error-page", "truncated", "empty", "loop", "gzip-bomb"] {
            #expect(result.stderr.contains("newswatch: \(name): "), "\(name) reported: \(result.stderr)")
        }
        #expect(result.stdout.contains("new: good.story-a-long-slug-here"), "\(result.stdout)")
        // The 100,000-item feed is read; max_new takes 5 of its stories (they fail to fetch:
        // elsewhere.invalid does not resolve), the rest wait.
        #expect(result.stderr.contains("big.") , "\(result.stderr)")
        let peakKB = result.stderr.split(separator: "\n").last { $0.hasPrefix("peak-kb") }.flatMap { Int($0.split(separator: " ").last ?? "") } ?? 0
        print("bad sources: check peaked at \(peakKB) KB")
        #expect(peakKB > 0 && peakKB < 150 * 1024, "peak RSS \(peakKB) KB")
        try? FileManager.default.removeItem(atPath: root)
    }
}
