import Foundation

/// Word-level differences inside one edited paragraph. Tokens are runs of letters and
/// digits, runs of white space, and single other characters, so punctuation edits show as
/// exactly the characters that changed and joining the tokens gives back the text.
public struct WordDiff: Sendable {
    public struct Run: Sendable, Codable, Equatable {
        public var op: Edit.Kind
        public var text: String
    }

    public let runs: [Run]

    public init(old: String, new: String) {
        let a = Self.tokenize(old), b = Self.tokenize(new)
        let raw = Myers.diff(a, b, maxCost: 2_000).map { edit in
            switch edit.kind {
            case .equal: return Run(op: .equal, text: a[edit.old].joined())
            case .delete: return Run(op: .delete, text: a[edit.old].joined())
            case .insert: return Run(op: .insert, text: b[edit.new].joined())
            }
        }
        runs = Self.readable(raw)
    }

    /// Semantic cleanup, as readers want it: a space or a one-letter word left "unchanged"
    /// between two changes is folded into them, and each stretch of changes is shown as one
    /// deletion followed by one insertion ("[-is due to-]{+arrived in+}"), not word salad.
    static func readable(_ runs: [Run]) -> [Run] {
        var expanded: [Run] = []
        for (index, run) in runs.enumerated() {
            let between = index > 0 && index < runs.count - 1 && runs[index - 1].op != .equal && runs[index + 1].op != .equal
            let trivial = run.text.allSatisfy(\.isWhitespace) || (run.text.count <= 2 && !run.text.contains(where: \.isNumber))
            if run.op == .equal && between && trivial {
                expanded.append(Run(op: .delete, text: run.text))
                expanded.append(Run(op: .insert, text: run.text))
            } else {
                expanded.append(run)
            }
        }
        var result: [Run] = []
        var deleted = "", inserted = ""
        func flush() {
            if !deleted.isEmpty { result.append(Run(op: .delete, text: deleted)) }
            if !inserted.isEmpty { result.append(Run(op: .insert, text: inserted)) }
            deleted = ""
            inserted = ""
        }
        for run in expanded {
            switch run.op {
            case .delete: deleted += run.text
            case .insert: inserted += run.text
            case .equal:
                flush()
                if let last = result.last, last.op == .equal { result[result.count - 1].text += run.text } else { result.append(run) }
            }
        }
        flush()
        return result
    }

    public var oldText: String { runs.filter { $0.op != .insert }.map(\.text).joined() }
    public var newText: String { runs.filter { $0.op != .delete }.map(\.text).joined() }

    public var changedTokens: [String] {
        runs.filter { $0.op != .equal }.flatMap { Self.tokenize($0.text) }
    }

    static func tokenize(_ text: String) -> [String] {
        var tokens: [String] = []
        var current = ""
        var currentClass = 0  // 1 word, 2 space
        for character in text {
            let cls = character.isLetter || character.isNumber ? 1 : character.isWhitespace ? 2 : 3
            if cls == currentClass && cls != 3 {
                current.append(character)
            } else {
                if !current.isEmpty { tokens.append(current) }
                current = String(character)
                currentClass = cls
            }
        }
        if !current.isEmpty { tokens.append(current) }
        return tokens
    }

    /// Similarity of two paragraphs in [0, 1]: the share of their words in common, in order.
    static func similarity(_ a: String, _ b: String) -> Double {
        let x = tokenize(a).filter { $0.first?.isLetter == true || $0.first?.isNumber == true }
        let y = tokenize(b).filter { $0.first?.isLetter == true || $0.first?.isNumber == true }
        if x.isEmpty && y.isEmpty { return 1 }
        let common = Myers.diff(x, y, maxCost: 500).filter { $0.kind == .equal }.reduce(0) { $0 + $1.old.count }
        return 2 * Double(common) / Double(x.count + y.count)
    }
}
