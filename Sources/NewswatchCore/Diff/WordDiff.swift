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
        if let tokens = tokenizeASCII(text) { return tokens }
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

    /// The same tokens for pure-ASCII text, from bytes rather than Unicode properties (most
    /// lines of most stories; `Character.isLetter` costs a table lookup per character).
    private static func tokenizeASCII(_ text: String) -> [String]? {
        var text = text
        return text.withUTF8 { bytes -> [String]? in
            var tokens: [String] = []
            var start = 0
            var currentClass = 0
            for (index, byte) in bytes.enumerated() {
                if byte >= 0x80 { return nil }
                let isWord = (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A)
                let isSpace = byte == 0x20 || (byte >= 0x09 && byte <= 0x0D)
                let cls = isWord ? 1 : isSpace ? 2 : 3
                if cls == currentClass && cls != 3 { continue }
                if index > start { tokens.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)) }
                start = index
                currentClass = cls
            }
            if bytes.count > start { tokens.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[start...]), as: UTF8.self)) }
            return tokens
        }
    }

    /// The words of a paragraph (letters and digits only), as compared by `similarity`.
    static func words(_ text: String) -> [String] {
        tokenize(text).filter { $0.first?.isLetter == true || $0.first?.isNumber == true }
    }

    /// Similarity of two paragraphs in [0, 1]: the share of their words in common, in order.
    static func similarity(_ a: String, _ b: String) -> Double {
        similarity(words: words(a), words(b))
    }

    static func similarity(words x: [String], _ y: [String]) -> Double {
        if x.isEmpty && y.isEmpty { return 1 }
        let common = Myers.diff(x, y, maxCost: 500).filter { $0.kind == .equal }.reduce(0) { $0 + $1.old.count }
        return 2 * Double(common) / Double(x.count + y.count)
    }

    /// An upper bound of `similarity` without aligning: words in common counted as a bag.
    static func similarityBound(_ x: [String], _ y: [String], bag: [String: Int]) -> Double {
        if x.isEmpty && y.isEmpty { return 1 }
        let shorter = min(x.count, y.count)
        if 2 * Double(shorter) / Double(x.count + y.count) < 0.5 { return 0 }
        var remaining = bag
        var common = 0
        for word in x {
            if let count = remaining[word], count > 0 { remaining[word] = count - 1; common += 1 }
        }
        return 2 * Double(common) / Double(x.count + y.count)
    }
}
