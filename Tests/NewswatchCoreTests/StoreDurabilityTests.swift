import Foundation
import Testing
@testable import NewswatchCore
#if canImport(Glibc)
import Glibc
#endif

@Suite("Store: deltas, packs, verify, crashes", .serialized)
struct StoreDurabilityTests {
    @Test func deltaRoundTripsRandomEdits() throws {
        var random = SeededGenerator(seed: 11)
        let words = DemoParagraphs.all.joined(separator: " ").split(separator: " ").map(String.init)
        for _ in 0..<200 {
            let base = Data((0..<Int.random(in: 0...3000, using: &random)).map { _ in words.randomElement(using: &random)! }.joined(separator: " ").utf8)
            var target = [UInt8](base)
            for _ in 0..<Int.random(in: 0...6, using: &random) {
                let at = Int.random(in: 0...target.count, using: &random)
                switch Int.random(in: 0..<3, using: &random) {
                case 0: target.insert(contentsOf: Array("inserted words here".utf8), at: at)
                case 1: if at < target.count { target.removeSubrange(at..<min(target.count, at + Int.random(in: 1...200, using: &random))) }
                default: target.append(contentsOf: (0..<Int.random(in: 1...50, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) })
                }
            }
            let delta = Delta.encode(base: base, target: Data(target))
            #expect(try Delta.apply(delta, to: base) == Data(target))
        }
        #expect(throws: Delta.Error.self) { try Delta.apply(Data([5, 5, 1, 0, 9]), to: Data("hello".utf8)) }
    }

    func snapshot(_ paragraphs: [String], html: String, url: String = "https://news.example.org/a") -> Snapshot {
        Snapshot(fetchedAt: Date(), requestedURL: url, finalURL: url, status: 200, extractorVersion: "t",
                 article: Article(title: "T", blocks: paragraphs.map { .init(.paragraph, $0) }), html: Data(html.utf8))
    }

    @Test func smallEditsCostLittle() throws {
        let root = Fixtures.temporaryDirectory()
        let store = try SQLiteStore(root: root)
        let page = String(repeating: "<div class=menu>navigation, scripts and styles of a big news page</div>\n", count: 1500)
        var paragraphs = DemoParagraphs.all
        var records: [VersionRecord] = []
        for version in 0..<40 {
            paragraphs[version % paragraphs.count] += " Updated \(version)."
            records.append(try store.append(snapshot(paragraphs, html: page + "<p>\(paragraphs.joined())</p>"), to: "story"))
        }
        let stats = try store.statistics()
        #expect(stats.deltaObjects >= 70)
        #expect(stats.diskBytes * 10 < stats.contentBytes, "40 versions of a 100 KB page should compress far more than 10x")
        #expect(store.verify().isHealthy)
        for record in records { #expect(try store.article(of: record).blocks.count == DemoParagraphs.all.count) }
        #expect(try store.article(of: records[17]).blocks[17 % DemoParagraphs.all.count].text.hasSuffix("Updated 17."))
    }

    @Test func pruneKeepsFirstAndLatestAndCollectsGarbage() throws {
        let root = Fixtures.temporaryDirectory()
        let store = try SQLiteStore(root: root)
        for n in 1...10 { _ = try store.append(snapshot(["Paragraph \(n)."], html: "<p>v\(n)</p>"), to: "story") }
        let result = try store.prune(PrunePolicy(keepLast: 3), watches: nil, now: Date(), dryRun: false)
        #expect(result.versionsRemoved == 6)
        #expect(try store.versions(of: "story").map(\.number) == [1, 8, 9, 10])
        #expect(store.verify().isHealthy)
        #expect(try store.article(of: try store.versions(of: "story")[0]).blocks.first?.text == "Paragraph 1.")
        let again = try store.prune(PrunePolicy(keepLast: 1, includeFirst: true), watches: nil, now: Date(), dryRun: false)
        #expect(again.versionsRemoved == 3)
        #expect(try store.versions(of: "story").map(\.number) == [10])
        #expect(store.verify().isHealthy)
    }

    @Test func verifyNamesAFlippedByteAndATruncatedLogLine() throws {
        let work = Fixtures.temporaryDirectory()
        let store = try SQLiteStore(root: work)
        let record = try store.append(snapshot(["A paragraph of the story."], html: "<html><p>A paragraph of the story.</p></html>"), to: "story")
        _ = try store.append(snapshot(["Another."], html: "<p>Another.</p>"), to: "other")
        var ok = try runCLI(["verify", "--store", work])
        #expect(ok.status == 0, "\(ok.stderr)")

        // Flip one byte in the middle of an object; cut another watch's version record short.
        try store.flipByte(inObject: record.html)
        try store.truncateRecord(of: "other", number: 1)

        let bad = try runCLI(["verify", "--store", work])
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("object \(record.html)"))
        #expect(bad.stderr.contains("story@1: html object \(record.html) is unreadable"))
        #expect(bad.stderr.contains("(versions of other):1: corrupt history entry"), "\(bad.stderr)")
        ok = try runCLI(["log", "story", "--store", work, "--no-pager", "--color", "never"])
        #expect(ok.status == 0)  // the article object is intact, so the history still lists
    }

    /// SIGKILLs `check` at 30 random moments of runs with edits, every one of them while the run
    /// is still going (a page in the run's last slice answers only after 2 s, so the run is
    /// held open while the first slice's versions are written): every time, `verify` passes,
    /// every listed version can be read, and the next run carries on.
    @Test func survivesSIGKILLAtRandomMoments() throws {
        let server = try TestServer()
        defer { server.stop() }
        let work = Fixtures.temporaryDirectory()
        let count = CheckRunner.sliceSize + 4
        var paragraphs = (1...count).map { id in (1...3).map { "Story \(id), paragraph \($0): the council met again on Tuesday, and the vote, which had been delayed twice, was expected by evening." } }
        func publish(_ indices: some Sequence<Int>) throws {
            for index in indices {
                let html = "<html><head><title>Story \(index + 1)</title></head><body><div class=nav><a href=/>Home</a></div><article><h1>Story \(index + 1)</h1>"
                    + paragraphs[index].map { "<p>\($0)</p>" }.joined() + "</article><aside>" + String(repeating: "<div>\(UUID().uuidString)</div>", count: 40) + "</aside></body></html>"
                try html.write(toFile: "\(server.root)/story\(index + 1).html", atomically: true, encoding: .utf8)
            }
        }
        try publish(0..<count)
        let tail = "  - { name: slow-tail, url: \"\(server.url("/site/story1.html?delay=2"))\" }"
        // A hook that refuses every connection: each stored version's alert must be in the
        // outbox after the kills, none lost.
        try ((["webhooks: [ { url: \"http://127.0.0.1:9/hook\", on: [new, changed] } ]", "watches:"] + (1...count).map { "  - { name: story-\($0), url: \"\(server.url("/site/story\($0).html"))\" }" } + [tail]).joined(separator: "\n"))
            .write(toFile: work + "/w.yaml", atomically: true, encoding: .utf8)
        let executable = (Fixtures.productsDirectory as NSString).appendingPathComponent("newswatch")
        var random = SeededGenerator(seed: 30)
        var killed = 0
        for round in 0..<30 {
            // A third of the stories change each round, so most kills fall among writes.
            let edited = stride(from: round % 3, to: count, by: 3)
            for index in edited { paragraphs[index].append("Round \(round): a new development was reported, officials said, and the story was updated.") }
            try publish(edited)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = ["check", "--all", "--watchlists", work + "/w.yaml", "--store", work + "/store", "--wait", "5"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            // A thread sleep keeps wall time even when other suites hold the cooperative threads.
            Thread.sleep(forTimeInterval: Double(UInt64.random(in: 5_000_000...1_500_000_000, using: &random)) / 1e9)
            if process.isRunning { kill(process.processIdentifier, SIGKILL); killed += 1 }
            process.waitUntilExit()
            let store = try SQLiteStore(root: work + "/store")
            let report = store.verify()
            #expect(report.isHealthy, "round \(round): \(report.problems)")
            for watch in try store.watchNames() {
                for version in try store.versions(of: watch) {
                    _ = try store.article(of: version)
                    _ = try store.html(of: version)
                }
            }
        }
        #expect(killed == 30, "only \(killed) of 30 kills landed while the run was going")
        let final = try runCLI(["check", "--all", "--watchlists", work + "/w.yaml", "--store", work + "/store"])
        #expect(final.status == 0, "\(final.stderr)")
        let store = try SQLiteStore(root: work + "/store")
        let alerts = Dictionary(grouping: store.makeOutbox().entries(), by: { $0.alert.watch })
        for index in 0..<count {
            let latest = try #require(try store.latestVersion(of: "story-\(index + 1)"))
            #expect(try store.article(of: latest).blocks.map(\.text) == paragraphs[index])
            // Every version stored (the first `new`, each edit `changed`) has its alert, once.
            let owed = try store.versions(of: "story-\(index + 1)").map(\.number)
            let queued = (alerts["story-\(index + 1)"] ?? []).compactMap { $0.alert.newVersion?.number }
            #expect(queued.sorted() == owed, "story-\(index + 1): versions \(owed), alerts for \(queued.sorted())")
        }
    }

    @Test func twoChecksStartedTogether() async throws {
        let server = try TestServer()
        defer { server.stop() }
        let work = Fixtures.temporaryDirectory()
        for n in 1...10 {
            try "<html><body><article><h1>S\(n)</h1><p>Story \(n) text, long enough, with commas, to count as a paragraph of news.</p></article></body></html>"
                .write(toFile: "\(server.root)/s\(n).html", atomically: true, encoding: .utf8)
        }
        try (["watches:"] + (1...10).map { "  - { name: s\($0), url: \"\(server.url("/site/s\($0).html"))\" }" }).joined(separator: "\n")
            .write(toFile: work + "/w.yaml", atomically: true, encoding: .utf8)
        async let first = Task.detached { try runCLI(["check", "--all", "--watchlists", work + "/w.yaml", "--store", work + "/store"]) }.value
        async let second = Task.detached { try runCLI(["check", "--all", "--watchlists", work + "/w.yaml", "--store", work + "/store"]) }.value
        let results = try await [first, second]
        let statuses = results.map(\.status).sorted()
        #expect(statuses == [0, 0] || statuses == [0, 75], "statuses \(statuses): \(results.map(\.stderr))")
        let news = results.map { $0.stdout.components(separatedBy: "new: ").count - 1 }.reduce(0, +)
        #expect(news == 10, "each page is new exactly once")
        #expect(try SQLiteStore(root: work + "/store").verify().isHealthy)
    }
}
