import Foundation
import Testing
@testable import NewswatchCore
import NewswatchDemo

/// Thousands of random and mutated documents: the extractor and the watchlist loader must
/// return (an article, an empty article, or an error) and never crash or hang.
@Suite("Fuzzing")
struct FuzzTests {
    static let fragments = ["<div>", "</div>", "<p>", "</p>", "<script>", "</script>", "<!--", "-->", "<![CDATA[", "&amp;", "&#xFFFF;",
                            "<article class=story>", "<meta charset=\"shift_jis\">", "<svg><foreignObject>", "\u{0}", "\u{FEFF}", "<",
                            "<table><tr><td>", "<a href=javascript:x>", "<script type=\"application/ld+json\">{\"@type\":\"NewsArticle\",\"headline\":",
                            "<html lang=", "<br/>", "<li>", "<nav>", "\"", "'", ">", "<!DOCTYPE html>"]

    func mutate(_ bytes: [UInt8], _ random: inout SeededGenerator) -> [UInt8] {
        var out = bytes
        for _ in 0..<Int.random(in: 1...20, using: &random) {
            let at = out.isEmpty ? 0 : Int.random(in: 0..<out.count, using: &random)
            switch Int.random(in: 0..<5, using: &random) {
            case 0: if !out.isEmpty { out[at] = UInt8.random(in: 0...255, using: &random) }
            case 1: out.insert(contentsOf: Array(Self.fragments.randomElement(using: &random)!.utf8), at: at)
            case 2: if !out.isEmpty { out.removeSubrange(at..<min(out.count, at + Int.random(in: 1...500, using: &random))) }
            case 3: out = Array(out.prefix(at))
            default: out.insert(contentsOf: (0..<Int.random(in: 1...64, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }, at: at)
            }
        }
        return out
    }

    /// Every result is a well-formed article: no control characters, no empty blocks, the same
    /// article for the same bytes; and small damage to a real page mostly leaves its story
    /// readable (a robustness floor, not only "did not crash").
    @Test func extractorSurvivesMutatedPages() throws {
        var random = SeededGenerator(seed: 404)
        let seed = Array(DemoStory.page(version: 1, date: Date(), request: 0).utf8)
        let extractor = ReadabilityExtractor()
        let original = try extractor.extract(ExtractionInput(html: Data(seed)))
        let firstParagraph = try #require(original.blocks.first?.text)
        let paragraphBytes = Data(firstParagraph.utf8)
        var mutated = 0, storyKept = 0
        for round in 0..<2000 {
            let random_ = round % 10 == 0
            let input = random_
                ? (0..<Int.random(in: 0...4000, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
                : mutate(seed, &random)
            let charset = round % 7 == 0 ? ["utf-8", "windows-1254", "shift_jis", "bogus-charset", "utf-16"].randomElement(using: &random) : nil
            let extraction = ExtractionInput(html: Data(input), charset: charset)
            guard let article = try? extractor.extract(extraction) else { continue }
            #expect(!ControlCharacters.present(in: article.storyText + (article.byline ?? "")), "round \(round): control characters")
            #expect(article.blocks.allSatisfy { !$0.text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }, "round \(round): an empty block")
            if round % 20 == 0 { #expect(try extractor.extract(extraction) == article, "round \(round): not deterministic") }
            // Pages whose first paragraph survived the mutations byte for byte.
            if !random_ && charset == nil && Data(input).range(of: paragraphBytes) != nil {
                mutated += 1
                if article.text.contains(firstParagraph) { storyKept += 1 }
            }
        }
        // Damage elsewhere in the page (tags cut, bytes flipped, garbage inserted) should mostly
        // leave an intact paragraph in the article.
        print("fuzz: \(storyKept) of \(mutated) damaged pages with the paragraph intact kept it")
        #expect(mutated > 100)
        #expect(storyKept * 10 >= mutated * 8, "only \(storyKept) of \(mutated) damaged pages with the paragraph intact kept it")
    }

    @Test func loaderSurvivesMutatedWatchlists() {
        var random = SeededGenerator(seed: 405)
        let seed = Array("""
        defaults: { every: 15m, ignore_lines: ["^Updated"] }
        webhooks: [ { url: "https://hooks.example.org/x", secret: "${SECRET}", format: slack, on: [changed, new], timeout: 5s } ]
        watches:
          - name: a
            url: https://example.org/a
            every: adaptive
            select: "article > p.lead, #main"
            remove: [".ad", "xpath: //aside"]
          - { name: b, url: "file:///tmp/b.html", every: 2h, headers: { Cookie: "x=1" }, block_private_networks: true }
        """.utf8)
        let loader = WatchlistLoader(environment: ["SECRET": "s"])
        var loaded = 0, rejected = 0
        for _ in 0..<3000 {
            let text = String(decoding: mutate(seed, &random), as: UTF8.self)
            do {
                // Whatever loads is a usable watchlist: unique valid names, valid URLs, sane intervals.
                let list = try loader.load(text: text, file: "fuzz.yaml")
                #expect(Set(list.watches.map(\.name)).count == list.watches.count)
                for watch in list.watches {
                    #expect(StoreFormat.isSafeName(watch.name), "\(watch.name)")
                    #expect(WatchlistLoader.urlProblem(watch.url) == nil, "\(watch.url)")
                    #expect(watch.every.seconds >= 10)
                }
                loaded += 1
            } catch let errors as ConfigErrors {
                // Every error names the file, and a line and column wherever YAML gave one.
                #expect(errors.errors.allSatisfy { $0.description.hasPrefix("fuzz.yaml") })
                #expect(errors.errors.allSatisfy { $0.location == nil || $0.description.hasPrefix("fuzz.yaml:\($0.location!.line):") })
                rejected += 1
            } catch {
                Issue.record("unexpected error type: \(error)")
            }
        }
        #expect(loaded + rejected == 3000)
        #expect(rejected > 0 && loaded > 0, "both outcomes exercised: \(loaded) loaded, \(rejected) rejected")
    }
}
