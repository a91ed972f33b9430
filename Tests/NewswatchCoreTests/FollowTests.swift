import Foundation
import Testing
@testable import NewswatchCore

/// Reading feeds, sitemaps and front pages, and naming their stories once.
@Suite("Follow: sources and story URLs")
struct FollowTests {
    func fixture(_ name: String) throws -> Data {
        try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("follow/" + name)))
    }

    func stories(_ listing: SourceListing) -> [DiscoveredLink] {
        if case .stories(let links) = listing { return links }
        Issue.record("expected stories, got \(listing)")
        return []
    }

    @Test func canonicalURLsDropTrackingFragmentsAndDefaultPorts() {
        let cases: [(String, String?, String?)] = [
            ("https://Wire.Example:443/a/b.html?utm_source=rss&utm_medium=x&id=3#top", nil, "https://wire.example/a/b.html?id=3"),
            ("http://wire.example:80/a?fbclid=1&gclid=2&mc_cid=3", nil, "http://wire.example/a"),
            ("../news/x.html?ocid=rss", "https://wire.example/world/index.html", "https://wire.example/news/x.html"),
            ("/x?Page=2&UTM_Campaign=y", "https://wire.example/", "https://wire.example/x?Page=2"),
            ("https://wire.example", nil, "https://wire.example/"),
            ("https://wire.example:8443/a", nil, "https://wire.example:8443/a"),
            ("mailto:desk@wire.example", nil, nil),
            ("javascript:void(0)", "https://wire.example/", nil),
            ("", "https://wire.example/", nil),
            ("ftp://wire.example/file", nil, nil),
        ]
        for (link, base, expected) in cases {
            #expect(StoryURL.canonical(link, base: base) == expected, "\(link)")
        }
        // keep_params keeps a parameter that would otherwise go.
        #expect(StoryURL.canonical("https://wire.example/a?ref_src=x&utm_id=1", keep: ["ref_src"]) == "https://wire.example/a?ref_src=x")
    }

    @Test func storyNamesAreReadableAndUnique() {
        var taken: Set<String> = ["wire.storm-hits-the-coast"]
        let name = StoryURL.storyName(source: "wire", url: "https://wire.example/news/2026/11/storm-hits-the-coast.html") { taken.contains($0) }
        #expect(name == "wire.storm-hits-the-coast-2")
        taken.insert(name)
        #expect(StoryURL.storyName(source: "wire", url: "https://wire.example/a/b/index.html") { taken.contains($0) } == "wire.a-b")
        let long = StoryURL.storyName(source: "wire", url: "https://wire.example/" + String(repeating: "word-", count: 60)) { _ in false }
        #expect(long.count <= 128)
        #expect(WatchlistLoader.namePattern.firstMatch(in: long, range: NSRange(long.startIndex..., in: long)) != nil)
    }

    @Test func readsRSS2WithRelativeLinksGuidsAndDates() throws {
        let links = stories(try FeedReader.read(try fixture("rss2.xml"), url: "https://wire.example/world/rss.xml"))
        #expect(links.map(\.url) == [
            "https://wire.example/world/news/2026/11/storm-hits-the-coast.html?utm_source=rss&utm_medium=feed",
            "https://wire.example/news/2026/11/council-votes-on-budget.html#comments",
            "https://wire.example/news/2026/11/talks-resume-in-geneva.html?fbclid=abc123&page=2",
            "https://WIRE.example:443/news/2026/11/harbour-reopens.html?gclid=x&id=7",
        ])
        #expect(links[0].published == Date(timeIntervalSince1970: 1_796_000_400))  // Mon, 30 Nov 2026 01:00:00 GMT
        #expect(links[1].published == Date(timeIntervalSince1970: 1_795_995_000))  // 00:30+01:00
        #expect(links[3].published == Date(timeIntervalSince1970: 1_796_000_400))  // 20:00 EST
    }

    @Test func readsRDFAndAtomWithXMLBase() throws {
        let rdf = stories(try FeedReader.read(try fixture("rdf.xml"), url: "https://wire.example/rdf"))
        #expect(rdf.map(\.url) == ["https://wire.example/news/2026/11/rail-strike-called-off.html",
                                   "https://wire.example/news/2026/11/new-bridge-opens.html?utm_campaign=x"])
        let atom = stories(try FeedReader.read(try fixture("atom.xml"), url: "https://elsewhere.example/feed"))
        #expect(atom.map(\.url) == ["https://wire.example/news/2026/11/election-results-certified.html",
                                    "https://wire.example/science/2026/11/probe-reaches-orbit?ocid=rss"])
        #expect(atom[0].published == Date(timeIntervalSince1970: 1_796_002_200))  // published, not updated
        #expect(atom[1].published != nil)
    }

    @Test func readsSitemapsIndexesGzipAndRobots() throws {
        let news = stories(try FeedReader.read(try fixture("news-sitemap.xml"), url: "https://wire.example/news-sitemap.xml"))
        #expect(news.count == 3)
        #expect(news[0].published == Date(timeIntervalSince1970: 1_796_000_400))
        let archive = stories(try FeedReader.read(try fixture("archive-sitemap.xml.gz"), url: "https://wire.example/a.xml.gz"))
        #expect(archive.map(\.url) == ["https://wire.example/news/2026/10/old-story-one.html", "https://wire.example/news/2026/10/old-story-two.html"])
        guard case .sitemaps(let children) = try FeedReader.read(try fixture("sitemap-index.xml"), url: "https://wire.example/i.xml") else {
            Issue.record("an index lists sitemaps"); return
        }
        #expect(children.count == 3)
        guard case .sitemaps(let fromRobots) = try FeedReader.read(try fixture("robots.txt"), url: "https://wire.example/robots.txt") else {
            Issue.record("robots.txt lists sitemaps"); return
        }
        #expect(fromRobots.count == 2)
    }

    @Test func feedDatesMatchFoundationsFormatters() {
        var random = SeededGenerator(seed: 5)
        func formatter(_ format: String, zone: TimeZone) -> DateFormatter {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = zone
            formatter.dateFormat = format
            return formatter
        }
        for _ in 0..<400 {
            let date = Date(timeIntervalSince1970: Double(Int.random(in: -1_000_000_000...4_000_000_000, using: &random)))
            let zone = TimeZone(secondsFromGMT: Int.random(in: -48...56, using: &random) * 900)!
            for format in ["EEE, dd MMM yyyy HH:mm:ss Z", "dd MMM yyyy HH:mm:ss Z", "yyyy-MM-dd'T'HH:mm:ssXXXXX", "yyyy-MM-dd'T'HH:mm:ssZ", "yyyy-MM-dd'T'HH:mm:ss.SSSXXXXX"] {
                let text = formatter(format, zone: zone).string(from: date)
                #expect(FeedDate.parse(text) == date, "\(text)")
            }
            let gmt = formatter("EEE, dd MMM yyyy HH:mm:ss 'GMT'", zone: TimeZone(identifier: "UTC")!).string(from: date)
            #expect(FeedDate.parse(gmt) == date, "\(gmt)")
        }
        let fixed: [(String, Double?)] = [
            ("Sun, 29 Nov 2026 20:00:00 EST", 1_796_000_400), ("29 Nov 26 20:00 EST", 1_796_000_400), ("  2026-11-30T01:00Z\n", 1_796_000_400),
            ("2026-11-30", 1_795_996_800), ("2026-11-30T02:00:00.5+01:00", 1_796_000_400.5), ("yesterday", nil), ("2026-13-01", nil),
            ("Mon, 30 Nov 2026 25:00:00 GMT", nil), ("2026-11-30T01:00:00 nonsense", nil), ("", nil),
        ]
        for (text, expected) in fixed { #expect(FeedDate.parse(text)?.timeIntervalSince1970 == expected, "\(text)") }
    }

    @Test func refusesWhatIsNotAFeed() {
        let cases: [(String, Data)] = [
            ("an HTML error page", Data("<!DOCTYPE html><html><head><title>Error</title></head><body><p>Service unavailable</p></body></html>".utf8)),
            ("truncated XML", Data("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><item><link>https://wire.example/a</link></item><item><li".utf8)),
            ("an empty body", Data()),
            ("JSON", Data("{\"items\": []}".utf8)),
            ("another XML vocabulary", Data("<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\"/>".utf8)),
        ]
        for (what, body) in cases {
            #expect(throws: FeedReader.ReadError.self, "\(what)") { try FeedReader.read(body, url: "https://wire.example/feed") }
        }
    }

    @Test func entityBombIsNeverExpanded() throws {
        var bomb = "<?xml version=\"1.0\"?>\n<!DOCTYPE rss [\n<!ENTITY lol \"lol\">\n"
        for level in 1...9 { bomb += "<!ENTITY lol\(level) \"" + String(repeating: "&lol\(level == 1 ? "" : String(level - 1));", count: 10) + "\">\n" }
        bomb += "]>\n<rss version=\"2.0\"><channel><item><title>&lol9;</title><link>https://wire.example/news/a-story</link></item></channel></rss>"
        // Either refused or read without the expansion (a billion "lol"s would be 3 GB).
        if case .stories(let links) = try? FeedReader.read(Data(bomb.utf8), url: "https://wire.example/feed") {
            #expect(links.map(\.url) == ["https://wire.example/news/a-story"])
        }
    }

    @Test func gzipBombIsCutAt50MB() throws {
        let zeros = Data(count: 200 * 1024 * 1024)
        var compressed = try gzip(zeros)
        #expect(compressed.count < 1024 * 1024)
        #expect(throws: FeedReader.ReadError.self) { try FeedReader.read(compressed, url: "https://wire.example/sitemap.xml.gz") }
        compressed = Data()
    }

    @Test func feedOf100000ItemsIsCappedAtTheProtocolsLimit() throws {
        var xml = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>big</title>"
        for index in 0..<100_000 { xml += "<item><link>https://wire.example/news/\(index)</link></item>" }
        xml += "</channel></rss>"
        let links = stories(try FeedReader.read(Data(xml.utf8), url: "https://wire.example/feed"))
        #expect(links.count == FeedReader.maxURLs)
        #expect(links.first?.url == "https://wire.example/news/0")
    }

    @Test func registryWatchesEachStoryOnceAcrossSources() throws {
        let template = Watch(name: "", url: "")
        let feed = FollowSource(name: "wire-feed", kind: .feed, url: "https://wire.example/rss", storyTemplate: template,
                                location: SourceLocation(file: "t", line: 1, column: 1))
        var front = FollowSource(name: "wire-front", kind: .front, url: "https://wire.example/", storyTemplate: template,
                                 location: SourceLocation(file: "t", line: 2, column: 1))
        front.maxNew = 1
        let now = Date(timeIntervalSince1970: 1_796_000_000)
        let reads = [
            SourceReader.Read(source: feed, outcome: .found([DiscoveredLink(url: "https://wire.example/a-story-here?utm_source=rss"),
                                                             DiscoveredLink(url: "https://wire.example/configured-story")]), fetches: 1),
            SourceReader.Read(source: front, outcome: .found([DiscoveredLink(url: "https://WIRE.example/a-story-here#top"),
                                                              DiscoveredLink(url: "https://wire.example/b-story"),
                                                              DiscoveredLink(url: "https://wire.example/c-story")]), fetches: 1),
        ]
        let configured = [Watch(name: "mine", url: "https://wire.example/configured-story")]
        let update = FollowRegistry.apply(reads, states: [:], configured: configured, now: now)
        #expect(update.discovered.map(\.url) == ["https://wire.example/a-story-here", "https://wire.example/b-story"])
        #expect(update.discovered.map { $0.follow?.source } == ["wire-feed", "wire-front"])
        #expect(update.deferred == 1)  // c-story waits for the next read (max_new 1)
        #expect(update.states["wire-feed"]?.nextDue == now.addingTimeInterval(900))
        // Retired after follow_for, and then no longer a watch.
        let states = update.states
        let later = now.addingTimeInterval(feed.followFor.seconds + 1)
        let retired = FollowRegistry.retiring([feed, front], states: states, now: later)
        #expect(Set(retired.keys) == Set(update.discovered.map(\.name)))
        #expect(FollowRegistry.storyWatches([feed, front], states: states.merging(retired) { $1 }).isEmpty)
        #expect(FollowRegistry.storyWatches([feed, front], states: states).count == 2)
    }

    @Test func storiesWithOneCanonicalAreMergedIntoTheFirstFound() {
        let feed = FollowSource(name: "wire", kind: .feed, url: "https://wire.example/rss", storyTemplate: Watch(name: "", url: ""),
                                location: SourceLocation(file: "t", line: 1, column: 1))
        let now = Date(timeIntervalSince1970: 1_796_000_000)
        func story(_ url: String, _ minutes: Double) -> WatchState {
            var state = WatchState()
            state.followed = FollowedStory(source: "wire", url: url, discovered: now.addingTimeInterval(minutes * 60), published: nil)
            return state
        }
        let states = ["wire.a": story("https://wire.example/news/a-story", 0),
                      "wire.a-amp": story("https://wire.example/amp/a-story", 5),
                      "wire.b": story("https://wire.example/news/b-story", 0)]
        let pages = [(watch: "wire.a-amp", canonical: "/news/a-story?utm_source=amp"),
                     (watch: "wire.b", canonical: "https://other.example/b-story")]  // another site: ignored
        let (changed, merged) = FollowRegistry.reconcileCanonicals(pages, sources: [feed], states: states, now: now)
        #expect(merged == ["wire.a-amp": "wire.a"])
        #expect(changed["wire.a-amp"]?.followed?.retired == now)
        #expect(changed["wire.a-amp"]?.followed?.canonical == "https://wire.example/news/a-story")
        #expect(changed["wire.b"] == nil)
        // A later listing of the canonical URL is not a new story.
        let read = SourceReader.Read(source: feed, outcome: .found([DiscoveredLink(url: "https://wire.example/news/a-story")]), fetches: 1)
        #expect(FollowRegistry.apply([read], states: states.merging(changed) { $1 }, configured: [], now: now).discovered.isEmpty)
    }

    @Test func watchlistFollowEntriesAreValidated() throws {
        let good = """
        defaults:
          every: 30m
        webhooks:
          - url: https://hooks.example/x
        follow:
          - name: wire-world
            feed: https://example.org/world/rss.xml
          - name: wire-front
            front: https://example.org/world/
            links: "/news/\\\\d{4}/"
            every: 15m
            follow_for: 2d
            max_new: 20
            keep_params: [id]
        """
        let list = try WatchlistLoader().load(text: good, file: "good.yaml")
        #expect(list.watches.isEmpty)
        #expect(list.follows.map(\.name) == ["wire-world", "wire-front"])
        let front = try #require(list.follow(named: "wire-front"))
        #expect(front.every.seconds == 900 && front.followFor.seconds == 2 * 86400 && front.maxNew == 20 && front.keepParams == ["id"])
        #expect(front.storyTemplate.webhooks.count == 1)
        #expect(list.follows[0].followFor.seconds == 7 * 86400)
        #expect(!list.follows[0].storyTemplate.adaptive)  // the defaults name an interval
        #expect(list.follows[0].storyTemplate.every.seconds == 1800)
        let plain = try WatchlistLoader().load(text: "follow:\n  - name: w\n    feed: https://x.example/f\n", file: "plain.yaml")
        #expect(plain.follows[0].storyTemplate.adaptive)

        let bad: [(String, String)] = [
            ("follow:\n  - name: a\n", "needs one of feed, sitemap or front"),
            ("follow:\n  - name: a\n    feed: https://x.example/f\n    sitemap: https://x.example/s\n", "give one per entry"),
            ("follow:\n  - name: a\n    feed: https://x.example/f\n    links: x\n", "links applies to front pages only"),
            ("follow:\n  - name: a\n    front: https://x.example/\n    links: \"(\"\n", "not a valid regular expression"),
            ("follow:\n  - name: a\n    feed: https://x.example/f\n    folow_for: 2d\n", "did you mean 'follow_for'"),
            ("follow:\n  - name: a\n    feed: https://x.example/f\n    max_new: lots\n", "is not a number"),
            ("follow:\n  - name: a\n    feed: ftp://x.example/f\n", "not supported"),
            ("watches:\n  - name: a\n    url: https://x.example/\nfollow:\n  - name: a\n    feed: https://x.example/f\n", "duplicate"),
        ]
        for (text, message) in bad {
            do {
                _ = try WatchlistLoader().load(text: text, file: "bad.yaml")
                Issue.record("accepted: \(text)")
            } catch let errors as ConfigErrors {
                #expect(errors.description.contains(message), "\(errors.description)")
                #expect(errors.description.contains("bad.yaml:"), "names the file and line: \(errors.description)")
            }
        }
    }

    private func gzip(_ data: Data) throws -> Data {
        let directory = Fixtures.temporaryDirectory()
        let path = (directory as NSString).appendingPathComponent("zeros")
        try data.write(to: URL(fileURLWithPath: path))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["gzip", "-1", "-f", path]
        try process.run()
        process.waitUntilExit()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        return try Data(contentsOf: URL(fileURLWithPath: path + ".gz"))
    }
}
