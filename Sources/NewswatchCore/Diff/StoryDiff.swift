import Foundation

/// How a story changed, paragraph by paragraph: lines kept, paragraphs added and removed,
/// paragraphs edited (with their word-level changes) and paragraphs moved. This is what the
/// word diff, side-by-side, JSON and HTML outputs show, and what the change summary counts.
public struct StoryDiff: Sendable {
    public enum Operation: Sendable {
        case equal(old: Range<Int>, new: Range<Int>)
        case delete(old: Range<Int>, at: Int)
        case insert(new: Range<Int>, at: Int)
        case edit(old: Int, new: Int, words: WordDiff)
    }

    /// Why a change may not be worth an alert.
    public enum Classification: String, Sendable, Codable, Comparable {
        case none, whitespace, timestamp, number, substantive

        public static func < (a: Self, b: Self) -> Bool { a.rank < b.rank }
        private var rank: Int { [Self.none, .whitespace, .timestamp, .number, .substantive].firstIndex(of: self)! }
    }

    public let oldLines: [String]
    public let newLines: [String]
    public let operations: [Operation]
    /// Removed paragraphs that reappear as added ones: (old index, new index).
    public let moves: [(old: Int, new: Int)]

    public init(_ diff: TextDiff) {
        oldLines = diff.oldLines
        newLines = diff.newLines
        var operations: [Operation] = []
        var index = 0
        let edits = diff.edits
        while index < edits.count {
            let edit = edits[index]
            switch edit.kind {
            case .equal:
                operations.append(.equal(old: edit.old, new: edit.new))
            case .insert:
                operations.append(.insert(new: edit.new, at: edit.old.lowerBound))
            case .delete:
                if index + 1 < edits.count, edits[index + 1].kind == .insert {
                    operations += Self.pair(deleted: edit.old, inserted: edits[index + 1].new, old: diff.oldLines, new: diff.newLines)
                    index += 1
                } else {
                    operations.append(.delete(old: edit.old, at: edit.new.lowerBound))
                }
            }
            index += 1
        }
        self.operations = operations
        // Moves: a removed paragraph that is added back elsewhere, word for word.
        var added: [String: Int] = [:]
        for case .insert(let range, _) in operations { for j in range { added[diff.newLines[j]] = j } }
        var moves: [(Int, Int)] = []
        for case .delete(let range, _) in operations {
            for i in range where diff.oldLines[i].count > 40 { if let j = added[diff.oldLines[i]] { moves.append((i, j)) } }
        }
        self.moves = moves
    }

    /// Within a replaced block, pairs old and new paragraphs that are versions of each other
    /// (similar wording, in order); the rest are removed or added paragraphs.
    static func pair(deleted: Range<Int>, inserted: Range<Int>, old: [String], new: [String]) -> [Operation] {
        var result: [Operation] = []
        var j = inserted.lowerBound
        var pendingDeleteStart = deleted.lowerBound
        // Each paragraph is split into words once, however many candidates it is held against;
        // a bag-of-words bound rules most unrelated pairs out before any alignment.
        var newWords: [Int: (words: [String], bag: [String: Int])] = [:]
        func wordsOfNew(_ k: Int) -> (words: [String], bag: [String: Int]) {
            if let cached = newWords[k] { return cached }
            let words = WordDiff.words(new[k])
            let entry = (words, words.reduce(into: [String: Int]()) { $0[$1, default: 0] += 1 })
            newWords[k] = entry
            return entry
        }
        for i in deleted {
            // The best match among the next few new paragraphs.
            var best: (index: Int, score: Double)?
            let oldWords = WordDiff.words(old[i])
            var k = j
            while k < inserted.upperBound && k < j + 6 {
                let candidate = wordsOfNew(k)
                if WordDiff.similarityBound(oldWords, candidate.words, bag: candidate.bag) >= max(0.5, best?.score ?? 0) {
                    let score = WordDiff.similarity(words: oldWords, candidate.words)
                    if score >= 0.5 && score > (best?.score ?? 0) { best = (k, score) }
                }
                k += 1
            }
            guard let match = best else { continue }
            if pendingDeleteStart < i { result.append(.delete(old: pendingDeleteStart..<i, at: j)) }
            if j < match.index { result.append(.insert(new: j..<match.index, at: i)) }
            result.append(.edit(old: i, new: match.index, words: WordDiff(old: old[i], new: new[match.index])))
            j = match.index + 1
            pendingDeleteStart = i + 1
        }
        if pendingDeleteStart < deleted.upperBound { result.append(.delete(old: pendingDeleteStart..<deleted.upperBound, at: j)) }
        if j < inserted.upperBound { result.append(.insert(new: j..<inserted.upperBound, at: deleted.upperBound)) }
        return result
    }

    public var added: Int { operations.reduce(0) { if case .insert(let r, _) = $1 { return $0 + r.count }; return $0 } - moves.count }
    public var removed: Int { operations.reduce(0) { if case .delete(let r, _) = $1 { return $0 + r.count }; return $0 } - moves.count }
    public var edited: Int { operations.reduce(0) { if case .edit = $1 { return $0 + 1 }; return $0 } }

    /// The most substantive kind of change present; `none` when nothing changed.
    public func classification() -> Classification {
        var worst = Classification.none
        func note(_ c: Classification) { if c > worst { worst = c } }
        // Nothing ranks above substantive: stop at the first one.
        for operation in operations where worst != .substantive {
            switch operation {
            case .equal: continue
            case .delete(let range, _): for i in range { note(Self.classifyLine(oldLines[i])) }
            case .insert(let range, _): for j in range { note(Self.classifyLine(newLines[j])) }
            case .edit(let i, let j, let words):
                let changed = words.changedTokens
                if changed.allSatisfy({ $0.allSatisfy { !$0.isLetter && !$0.isNumber } }) {
                    note(.whitespace)
                } else {
                    // Minor only when both sides are clocks or counters by their whole shape;
                    // a number edited inside prose is news.
                    let old = Self.classifyLine(oldLines[i]), new = Self.classifyLine(newLines[j])
                    note(old == .substantive || new == .substantive ? .substantive : max(old, new))
                }
            }
        }
        return worst
    }

    /// What a whole line added, removed or edited counts as (see `NewsLines`).
    static func classifyLine(_ line: String) -> Classification {
        switch NewsLines.kind(of: line) {
        case .blank: return .whitespace
        case .stamp: return .timestamp
        case .counter: return .number
        case .prose: return .substantive
        }
    }
}
