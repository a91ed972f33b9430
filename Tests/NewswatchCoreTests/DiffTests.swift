import Foundation
import Testing
@testable import NewswatchCore
import NewswatchDemo

@Suite("Line diff")
struct DiffTests {
    @Test func identicalTextsHaveNoDiff() {
        let diff = TextDiff(old: "a\nb\n", new: "a\nb\n")
        #expect(!diff.hasChanges)
        #expect(diff.unified(oldLabel: "a", newLabel: "b") == "")
    }

    @Test func unifiedDiffFormat() {
        let old = (1...10).map { "line \($0)" }.joined(separator: "\n") + "\n"
        let new = old.replacingOccurrences(of: "line 5\n", with: "line five\n")
        let diff = TextDiff(old: old, new: new)
        #expect(diff.unified(oldLabel: "old", newLabel: "new") == """
        --- old
        +++ new
        @@ -2,7 +2,7 @@
         line 2
         line 3
         line 4
        -line 5
        +line five
         line 6
         line 7
         line 8

        """)
        #expect(diff.insertedLines == 1 && diff.deletedLines == 1)
    }

    /// Edits real article paragraphs at random, then checks `patch(1)` rebuilds the new text.
    @Test func patchReproducesNewText() throws {
        let paragraphs = DemoParagraphs.all
        var generator = SeededGenerator(seed: 42)
        let directory = Fixtures.temporaryDirectory()
        for round in 0..<40 {
            var old = (0..<Int.random(in: 3...12, using: &generator)).map { _ in paragraphs.randomElement(using: &generator)! }
            var new = old
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                let position = Int.random(in: 0...new.count, using: &generator)
                switch Int.random(in: 0..<3, using: &generator) {
                case 0: new.insert(paragraphs.randomElement(using: &generator)!, at: position)
                case 1: if !new.isEmpty { new.remove(at: min(position, new.count - 1)) }
                default: if !new.isEmpty { new[min(position, new.count - 1)] += " (updated)" }
                }
            }
            if round % 7 == 0 { old = [] }
            let oldText = old.isEmpty ? "" : old.joined(separator: "\n") + "\n"
            let newText = new.isEmpty ? "" : new.joined(separator: "\n") + "\n"
            let patchText = TextDiff(old: oldText, new: newText).unified(oldLabel: "a/story", newLabel: "b/story")
            let file = directory + "/story-\(round).txt"
            try oldText.write(toFile: file, atomically: true, encoding: .utf8)
            try patchText.write(toFile: file + ".patch", atomically: true, encoding: .utf8)
            if patchText.isEmpty { continue }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["patch", "--quiet", "--force", file, file + ".patch"]
            try process.run()
            process.waitUntilExit()
            #expect(process.terminationStatus == 0, "patch failed in round \(round)")
            #expect(try String(contentsOfFile: file, encoding: .utf8) == newText, "round \(round)")
        }
    }

    @Test func summaryNamesHeadlineAndParagraphs() {
        let old = Article(title: "Leader to visit", modified: "18.06.2024 13:12",
                          blocks: ["Visit planned.", "Talks expected.", "Treaty unlikely to be signed."].map { .init(.paragraph, $0) })
        let new = Article(title: "Leader arrives, signs treaty", modified: "19.06.2024 09:40",
                          blocks: ["Visit planned.", "Leader arrived on Tuesday.", "Talks were held.", "Treaty signed."].map { .init(.paragraph, $0) })
        let summary = ChangeSummary(old: old, new: new, story: StoryDiff(TextDiff(old: old.storyText, new: new.storyText)))
        #expect(summary.headlineChanged)
        #expect(summary.added + summary.edited == 3)
        #expect(summary.description.hasPrefix("headline changed: \u{201C}Leader to visit\u{201D} -> \u{201C}Leader arrives, signs treaty\u{201D}; "))
        #expect(ChangeSummary.paragraphs(1) == "1 paragraph" && ChangeSummary.paragraphs(3) == "3 paragraphs")
        #expect(Alert.new(watch: "w", url: "https://e.org", version: VersionRecord(number: 1, fetchedAt: Date(), requestedURL: "", finalURL: "", status: 200,
                                                                                   extractorVersion: "", article: "", html: "", storyHash: "", title: nil),
                          article: Article(blocks: [.init(.paragraph, "One.")])).summary == "new: 1 paragraph")
        #expect(summary.description.hasSuffix("modified 18.06.2024 13:12 -> 19.06.2024 09:40"))
    }

    @Test func costBoundFallsBackToReplace() {
        // The same 300 lines in reverse order: every line has a match, none can be kept in
        // order but one, and finding that takes more than 50 edits.
        let a = (0..<300).map { "line \($0)" }, b = Array(a.reversed())
        let edits = Myers.diff(a, b, maxCost: 50)
        #expect(edits.map(\.kind) == [.delete, .insert])
        #expect(Myers.diff(a, b).filter { $0.kind == .equal }.reduce(0) { $0 + $1.old.count } == 1)
    }

    /// Lines with no match on the other side are set aside before the search; the scripts
    /// must stay minimal: as many lines kept as the longest common subsequence has (checked by
    /// dynamic programming), on sequences mixing repeated and one-sided lines.
    @Test func scriptsKeepALongestCommonSubsequence() {
        var random = SeededGenerator(seed: 5)
        for round in 0..<400 {
            func sequence(_ side: String) -> [String] {
                (0..<Int.random(in: 0...40, using: &random)).map { index in
                    Int.random(in: 0..<3, using: &random) == 0 ? "\(side)-only \(round).\(index)" : "shared \(Int.random(in: 0..<6, using: &random))"
                }
            }
            let a = sequence("old"), b = sequence("new")
            var table = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
            for i in stride(from: a.count - 1, through: 0, by: -1) {
                for j in stride(from: b.count - 1, through: 0, by: -1) {
                    table[i][j] = a[i] == b[j] ? table[i + 1][j + 1] + 1 : max(table[i + 1][j], table[i][j + 1])
                }
            }
            var ids: [String: Int] = [:]
            func id(_ line: String) -> Int {
                if let known = ids[line] { return known }
                ids[line] = ids.count
                return ids.count - 1
            }
            let edits = Myers.diff(ids: a.map(id), b.map(id), setAsideUnmatched: true)
            let kept = edits.filter { $0.kind == .equal }
            #expect(kept.reduce(0) { $0 + $1.old.count } == table[0][0], "\(a) \(b)")
            #expect(kept.allSatisfy { zip(a[$0.old], b[$0.new]).allSatisfy(==) })
            // The runs tile both sides in order.
            var x = 0, y = 0
            for edit in edits {
                #expect(edit.old.lowerBound == x && edit.new.lowerBound == y)
                x = edit.old.upperBound
                y = edit.new.upperBound
            }
            #expect(x == a.count && y == b.count)
        }
    }

    @Test func timestampsMatchFoundationsRFC3339() {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        var random = SeededGenerator(seed: 11)
        let dates = [Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: -1), Date(timeIntervalSince1970: 951_782_400.999)]
            + (0..<500).map { _ in Date(timeIntervalSince1970: Double.random(in: -2_000_000_000...4_000_000_000, using: &random)) }
        for date in dates { #expect(Timestamp.display(date) == formatter.string(from: date), "\(date.timeIntervalSince1970)") }
    }
}

enum DemoParagraphs {
    static let all: [String] = {
        let html = DemoStory.page(version: 1, date: Date(), request: 0) + DemoStory.page(version: 2, date: Date(), request: 0)
        return html.components(separatedBy: "<p>").dropFirst().compactMap { $0.components(separatedBy: "</p>").first }
    }()
}

struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E3779B97F4A7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
        z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
        return z ^ (z >> 31)
    }
}
