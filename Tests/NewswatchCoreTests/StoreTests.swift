import Foundation
import Testing
@testable import NewswatchCore

@Suite("Snapshot store")
struct StoreTests {
    /// A story's first article is stored as a delta against its own page, from which its
    /// text was extracted: a fraction of the article deflated on its own, and read back whole.
    @Test func aFirstArticleIsADeltaAgainstItsOwnPage() throws {
        let store = try SQLiteStore(root: Fixtures.temporaryDirectory())
        // Varied prose (repeated sentences would deflate to nothing on their own).
        let words = ["council", "bridge", "river", "repairs", "evening", "debate", "engineers", "traffic", "closure", "weeks",
                     "residents", "ferry", "budget", "inspection", "cracks", "mayor", "vote", "detour", "schools", "market"]
        var seed: UInt64 = 42
        let paragraphs = (1...12).map { number in
            "Paragraph \(number): " + (0..<40).map { _ -> String in
                seed = seed &* 6364136223846793005 &+ 1442695040888963407
                return words[Int(seed >> 33) % words.count]
            }.joined(separator: " ") + "."
        }
        let html = "<html><head><title>Bridge</title></head><body><nav>Home News Sport</nav><article><h1>Council closes the bridge</h1>"
            + paragraphs.map { "<p>\($0)</p>" }.joined() + "</article><footer>© Example News</footer></body></html>"
        let record = try store.append(snapshot("Council closes the bridge", paragraphs, html: html), to: "bridge")
        let header = try store.objects.header(record.article)
        #expect(header.depth >= 1 && header.base == record.html, "based on the version's own page")
        let json = try JSONCoding.encoder.encode(try store.article(of: record))
        #expect(try store.article(of: record).blocks.map(\.text) == paragraphs)
        let fullSize = try Zlib.compress(json, level: 6).count
        let rawSize = try store.objects.storage.raw(record.article).count
        #expect(rawSize * 3 < fullSize, "\(rawSize) bytes stored against \(fullSize) for the article deflated alone")
    }

    /// The blob seam: content in, its SHA-256 name out; a delta against a base reads back
    /// whole; a name nothing was stored under is an error, not empty content.
    @Test func objectStoreNamesBlobsByTheirContent() throws {
        let store = try SQLiteStore(root: Fixtures.temporaryDirectory())
        let objects = store.objectStore
        let first = Data(String(repeating: "The river rose two metres overnight. ", count: 200).utf8)
        var second = first
        second.append(Data("Officials now count 1,200 evacuated.".utf8))
        let firstID = try objects.put(first, base: nil)
        let secondID = try objects.put(second, base: firstID)
        #expect(firstID == Digest.sha256(first).hexString && secondID == Digest.sha256(second).hexString)
        #expect(try objects.get(firstID) == first && objects.get(secondID) == second)
        #expect(objects.exists(secondID))
        #expect(throws: StoreError.self) { try objects.get(String(repeating: "0", count: 64)) }
    }

    func snapshot(_ title: String, _ paragraphs: [String], html: String = "<html>page</html>") -> Snapshot {
        Snapshot(fetchedAt: Date(timeIntervalSince1970: 1_718_700_000), requestedURL: "https://example.org/a", finalURL: "https://example.org/a",
                 status: 200, etag: "\"abc\"", extractorVersion: "test", article: Article(title: title, blocks: paragraphs.map { .init(.paragraph, $0) }),
                 html: Data(html.utf8))
    }

    @Test func roundTripsVersions() throws {
        let store = try SQLiteStore(root: Fixtures.temporaryDirectory())
        let first = try store.append(snapshot("Headline", ["First paragraph of the story."]), to: "story")
        let second = try store.append(snapshot("Headline 2", ["First paragraph of the story.", "Second."], html: "<html>v2</html>"), to: "story")
        #expect(first.number == 1)
        #expect(second.number == 2)
        let versions = try store.versions(of: "story")
        #expect(versions == [first, second])
        #expect(try store.article(of: versions[1]).blocks.map(\.text) == ["First paragraph of the story.", "Second."])
        #expect(String(decoding: try store.html(of: versions[1]), as: UTF8.self) == "<html>v2</html>")
        #expect(try store.watchNames() == ["story"])
    }

    @Test func sharesIdenticalContent() throws {
        let root = Fixtures.temporaryDirectory()
        let store = try SQLiteStore(root: root)
        let a = try store.append(snapshot("Same", ["Same text."]), to: "one")
        let b = try store.append(snapshot("Same", ["Same text."]), to: "two")
        #expect(a.article == b.article)
        #expect(a.html == b.html)
    }

    @Test func storesNothingInPlainText() throws {
        let root = Fixtures.temporaryDirectory()
        let store = try SQLiteStore(root: root)
        let secretLine = "This distinctive paragraph must never appear uncompressed on disk."
        _ = try store.append(snapshot("Title", [secretLine], html: "<p>\(secretLine)</p>"), to: "story")
        let enumerator = FileManager.default.enumerator(atPath: root)!
        var checked = 0
        while let relative = enumerator.nextObject() as? String {
            guard let data = FileManager.default.contents(atPath: root + "/" + relative) else { continue }
            #expect(!String(decoding: data, as: UTF8.self).contains("distinctive paragraph"), "plain text in \(relative)")
            checked += 1
        }
        #expect(checked >= 1)
    }

    @Test func detectsCorruptObjects() throws {
        let root = Fixtures.temporaryDirectory()
        let store = try SQLiteStore(root: root)
        let record = try store.append(snapshot("Title", ["Body."]), to: "story")
        try store.flipByte(inObject: record.article)
        #expect(throws: StoreError.self) { try store.article(of: record) }
    }

    @Test func reportsCorruptLogLine() throws {
        let root = Fixtures.temporaryDirectory()
        let store = try SQLiteStore(root: root)
        _ = try store.append(snapshot("Title", ["Body."]), to: "story")
        _ = try store.append(snapshot("Title", ["Body, edited."]), to: "story")
        try store.truncateRecord(of: "story", number: 2)
        #expect(throws: StoreError.corruptLog(path: store.databasePath + " (versions of story)", line: 2, reason: "not a valid version record")) {
            try store.versions(of: "story")
        }
    }

    @Test func rejectsNamesThatEscapeTheStore() throws {
        let store = try SQLiteStore(root: Fixtures.temporaryDirectory())
        for name in ["../evil", "..", "a/b", ".hidden", ""] {
            #expect(throws: StoreError.self) { try store.append(snapshot("T", ["B"]), to: name) }
        }
    }

    @Test func oneWriterAtATime() async throws {
        let root = Fixtures.temporaryDirectory()
        let holder = try SQLiteStore(root: root)
        let other = try SQLiteStore(root: root)
        try await holder.withWriterLock(wait: nil) {
            await #expect(throws: StoreError.locked(path: root + "/lock")) {
                try await other.withWriterLock(wait: 0.3) { }
            }
        }
        // Released: the other writer gets in now.
        let got = try await other.withWriterLock(wait: nil) { true }
        #expect(got)
    }

    @Test func zlibRoundTripAndDictionary() throws {
        let text = Data(String(repeating: "Story paragraph with some words. ", count: 200).utf8)
        let plain = try Zlib.compress(text)
        #expect(try Zlib.decompress(plain) == text)
        var edited = text
        edited.append(Data(" One more sentence.".utf8))
        let delta = try Zlib.compress(edited, dictionary: text)
        #expect(delta.count < plain.count)
        #expect(try Zlib.decompress(delta, dictionary: text) == edited)
        #expect(throws: Zlib.Error.self) { try Zlib.decompress(plain, limit: 100) }
        #expect(throws: Zlib.Error.self) { try Zlib.decompress(plain.prefix(plain.count / 2)) }
    }

    @Test func sha256KnownVector() {
        #expect(Digest.sha256(Data("abc".utf8)).hexString == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        // RFC 4231 test case 2.
        #expect(Digest.hmacSHA256(key: Data("Jefe".utf8), message: Data("what do ya want for nothing?".utf8)).hexString
                == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }
}
