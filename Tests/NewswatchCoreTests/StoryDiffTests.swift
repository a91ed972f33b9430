import Foundation
import Testing
@testable import NewswatchCore
import NewswatchDemo

@Suite("Story diffs")
struct StoryDiffTests {
    /// Article-like texts: the demo story's paragraphs, their words shuffled into more.
    static let corpus: [String] = {
        var random = SeededGenerator(seed: 5)
        let words = DemoParagraphs.all.joined(separator: " ").split(separator: " ").map(String.init)
        return DemoParagraphs.all + (0..<200).map { _ in
            (0..<Int.random(in: 5...60, using: &random)).map { _ in words.randomElement(using: &random)! }.joined(separator: " ")
        }
    }()

    static func mutate(_ lines: [String], random: inout SeededGenerator) -> [String] {
        var new = lines
        for _ in 0..<Int.random(in: 0...6, using: &random) {
            let at = Int.random(in: 0...new.count, using: &random)
            switch Int.random(in: 0..<6, using: &random) {
            case 0: new.insert(corpus.randomElement(using: &random)!, at: at)
            case 1: if !new.isEmpty { new.remove(at: min(at, new.count - 1)) }
            case 2: if !new.isEmpty { new[min(at, new.count - 1)] += ", officials said." }
            case 3:
                if !new.isEmpty {
                    var words = new[min(at, new.count - 1)].split(separator: " ").map(String.init)
                    if !words.isEmpty { words[Int.random(in: 0..<words.count, using: &random)] = "rewritten" }
                    new[min(at, new.count - 1)] = words.joined(separator: " ")
                }
            case 4: if new.count > 2 { new.swapAt(0, new.count - 1) }
            default: new.insert("", at: at)  // blank lines too
            }
        }
        return new
    }

    @Test func unifiedDiffAndJSONOpsReproduceTheTextsExactly() throws {
        var random = SeededGenerator(seed: 2024)
        for round in 0..<3000 {
            let old = (0..<Int.random(in: 0...14, using: &random)).map { _ in Self.corpus.randomElement(using: &random)! }
            let new = Self.mutate(old, random: &random)
            let oldNewline = round % 5 != 0, newNewline = round % 7 != 0
            let oldText = old.isEmpty ? "" : old.joined(separator: "\n") + (oldNewline ? "\n" : "")
            let newText = new.isEmpty ? "" : new.joined(separator: "\n") + (newNewline ? "\n" : "")
            let diff = TextDiff(old: oldText, new: newText)
            let patch = diff.unified(oldLabel: "a", newLabel: "b", context: Int.random(in: 0...3, using: &random))
            let patched = try UnifiedPatch.apply(patch, to: oldText)
            #expect(patched == newText, "round \(round)")
            if patched != newText {
                let lines = patched.split(separator: "\n", omittingEmptySubsequences: false).count
                Issue.record("old \(old.count) lines nl=\(oldNewline), new \(new.count) nl=\(newNewline), patched \(lines)\nPATCH:\n\(patch.prefix(3000))\nOLD:\(oldText.debugDescription.prefix(400))")
            }
            let summary = ChangeSummary(old: Article(), new: Article(), story: StoryDiff(diff))
            let document = DiffRenderer(story: StoryDiff(diff)).document(summary: summary, diff: diff)
            let encoded = try JSONEncoder().encode(document)
            let decoded = try JSONDecoder().decode(DiffRenderer.Document.self, from: encoded)
            let rebuilt = decoded.reconstruct()
            #expect(rebuilt.old == oldText && rebuilt.new == newText, "round \(round)")
            if patched != newText || rebuilt.old != oldText || rebuilt.new != newText { break }
        }
    }

    @Test func seedStyleUpdateShowsWordLevelChangesAndNamesThem() throws {
        let extractor = ReadabilityExtractor()
        let old = try extractor.extract(ExtractionInput(html: Data(DemoStory.page(version: 1, date: Date(), request: 1).utf8)))
        let new = try extractor.extract(ExtractionInput(html: Data(DemoStory.page(version: 2, date: Date(), request: 2).utf8)))
        let record = VersionRecord(number: 1, fetchedAt: Date(), requestedURL: "u", finalURL: "u", status: 200, extractorVersion: "t",
                                   article: "a", html: "h", storyHash: "s", title: nil)
        let change = Change(watch: "visit", url: "u", old: record, new: record, oldArticle: old, newArticle: new)
        let words = change.renderer.wordDiff()
        #expect(words.contains("[-Valdorian President To Pay First State Visit To Kestria In 18 Years-]"))
        #expect(words.contains("{+Valdorian President Arrives In Kestria, Signs Partnership Treaty After Talks+}"))
        #expect(words.contains("Valdorian President Anton Merrow [-is due-]{+arrived in Kestria late+} on Tuesday"))
        #expect(words.contains("{+Prime Minister Jonas Varga greeted Merrow"))
        #expect(words.contains("was unlikely to be [-signed-]{+ready+} during this visit."))
        #expect(change.summary.description.hasPrefix("headline changed: \u{201C}Valdorian President To Pay First State Visit To Kestria In 18 Years\u{201D} -> \u{201C}Valdorian President Arrives In Kestria, Signs Partnership Treaty After Talks\u{201D}; 1 paragraph added"), "\(change.summary)")
        #expect(change.summary.description.contains("edited"))
        #expect(change.summary.description.hasSuffix("modified 2024-06-18T13:12:00+03:00 -> 2024-06-19T09:40:00+03:00"))
        #expect(change.summary.isSubstantive)
        let html = change.renderer.html(title: new.title, summary: change.summary.description)
        #expect(html.contains("<ins style=") && html.contains("<del style=") && !html.contains("<script"))
    }

    func classify(_ old: [String], _ new: [String]) -> StoryDiff.Classification {
        let diff = TextDiff(old: old.joined(separator: "\n") + "\n", new: new.joined(separator: "\n") + "\n")
        return ChangeSummary(old: Article(), new: Article(), story: StoryDiff(diff)).classification
    }

    @Test func classifiesBoringAndSubstantiveChanges() {
        let body = "The council voted on Tuesday to approve the new budget, officials said."
        #expect(classify([body], [body]) == .none)
        #expect(classify([body], [body.replacingOccurrences(of: "budget,", with: "budget ,")]) == .whitespace)
        #expect(classify(["Updated 5 minutes ago", body], ["Updated 7 minutes ago", body]) == .timestamp)
        #expect(classify(["Comments (12)", body], ["Comments (15)", body]) == .number)
        #expect(classify([body], [body.replacingOccurrences(of: "approve", with: "reject")]) == .substantive)
        #expect(classify([body], [body, "A new paragraph reports the mayor resigned."]) == .substantive)
    }

    @Test func movedParagraphsAreRecognised() {
        let a = "The first paragraph of the story is long enough to count as a move when it moves."
        let b = "The second paragraph is different and stays where it was in the original text."
        let c = "A third paragraph closes the story with a quote from the minister about the plan."
        let diff = TextDiff(old: [a, b, c].joined(separator: "\n") + "\n", new: [b, c, a].joined(separator: "\n") + "\n")
        let summary = ChangeSummary(old: Article(), new: Article(), story: StoryDiff(diff))
        #expect(summary.moved == 1)
        #expect(summary.added == 0 && summary.removed == 0)
    }

    @Test func noIndexComparesTextFilesByteForByte() throws {
        let work = Fixtures.temporaryDirectory()
        try "alpha\nbeta\ngamma\n".write(toFile: work + "/old.txt", atomically: true, encoding: .utf8)
        try "alpha\nbeta, revised\ngamma\ndelta".write(toFile: work + "/new.txt", atomically: true, encoding: .utf8)
        let result = try runCLI(["diff", "--no-index", work + "/old.txt", work + "/new.txt", "--color", "never"])
        #expect(result.status == 1, "files that differ exit 1, as with diff(1): \(result.stderr)")
        #expect(try UnifiedPatch.apply(result.stdout, to: "alpha\nbeta\ngamma\n") == "alpha\nbeta, revised\ngamma\ndelta")
        let words = try runCLI(["diff", "--no-index", work + "/old.txt", work + "/new.txt", "--word-diff", "--color", "never"])
        #expect(words.stdout.contains("beta{+, revised+}"))
        try "alpha\nbeta, revised\ngamma\ndelta\n".write(toFile: work + "/new2.txt", atomically: true, encoding: .utf8)
        let ignoring = try runCLI(["diff", "--no-index", work + "/old.txt", work + "/new2.txt", "--summary", "--ignore-lines", "^(beta|delta)"])
        #expect(ignoring.stdout.contains("no visible change"))
    }

    @Test func boundedCostOnUnrelatedTexts() {
        var random = SeededGenerator(seed: 9)
        let a = (0..<20_000).map { _ in String(UInt64.random(in: 0...UInt64.max, using: &random), radix: 36) }
        let b = (0..<20_000).map { _ in String(UInt64.random(in: 0...UInt64.max, using: &random), radix: 36) }
        let diff = TextDiff(old: a.joined(separator: "\n") + "\n", new: b.joined(separator: "\n") + "\n")
        #expect(diff.deletedLines == 20_000 && diff.insertedLines == 20_000)
    }
}
