import Foundation

/// The ways a change is shown: word diff (terminal), side by side, HTML, JSON and a stat.
/// The unified diff, the one `patch` applies, is `TextDiff.unified`.
public struct DiffRenderer: Sendable {
    public let story: StoryDiff
    public var style: TerminalStyle
    /// Unchanged paragraphs shown around each change.
    public var context: Int

    public init(story: StoryDiff, style: TerminalStyle = .plain, context: Int = 1) {
        self.story = story
        self.style = style
        self.context = context
    }

    // MARK: Word diff

    /// Like `git diff --word-diff`: with color, deleted words red and struck through, added
    /// words green; without, `[-deleted-]` and `{+added+}`.
    public func wordDiff() -> String {
        var out = ""
        let operations = story.operations
        for (index, operation) in operations.enumerated() {
            switch operation {
            case .equal(let old, _):
                let shown = unchangedContext(old, at: index)
                for line in shown.before { out += style.dim(line) + "\n" }
                if shown.elided > 0 { out += style.hunk("  … \(shown.elided) unchanged paragraph(s)") + "\n" }
                for line in shown.after { out += style.dim(line) + "\n" }
            case .delete(let range, _):
                for i in range { out += deleted(story.oldLines[i]) + "\n" }
            case .insert(let range, _):
                for j in range { out += inserted(story.newLines[j]) + "\n" }
            case .edit(_, _, let words):
                out += words.runs.map { run -> String in
                    switch run.op {
                    case .equal: return run.text
                    case .delete: return deleted(run.text)
                    case .insert: return inserted(run.text)
                    }
                }.joined() + "\n"
            }
        }
        return out
    }

    /// Of an unchanged run (operation `index`), the `context` lines that follow the change
    /// before it, the `context` lines that lead into the change after it, and how many go unshown.
    private func unchangedContext(_ range: Range<Int>, at index: Int) -> (before: ArraySlice<String>, after: ArraySlice<String>, elided: Int) {
        let lines = Array(story.oldLines[range])
        let head = index > 0 ? min(context, lines.count) : 0
        let tail = index < story.operations.count - 1 ? min(context, lines.count - head) : 0
        return (lines.prefix(head), lines.suffix(tail), lines.count - head - tail)
    }

    private func deleted(_ text: String) -> String {
        style.enabled ? "\u{1B}[31;9m\(text)\u{1B}[0m" : "[-\(text)-]"
    }

    private func inserted(_ text: String) -> String {
        style.enabled ? "\u{1B}[32m\(text)\u{1B}[0m" : "{+\(text)+}"
    }

    // MARK: Side by side

    /// Old on the left, new on the right, each paragraph wrapped to half of `width`.
    public func sideBySide(width: Int) -> String {
        let column = max(20, (width - 3) / 2)
        var out = ""
        func row(_ left: String, _ right: String, _ marker: String, leftStyle: (String) -> String, rightStyle: (String) -> String) {
            let l = wrap(left, column), r = wrap(right, column)
            for n in 0..<max(l.count, r.count) {
                let a = n < l.count ? l[n] : "", b = n < r.count ? r[n] : ""
                let padded = a + String(repeating: " ", count: max(0, column - a.count))
                out += leftStyle(padded) + " \(n == 0 ? marker : " ") " + rightStyle(b) + "\n"
            }
        }
        let operations = story.operations
        for (index, operation) in operations.enumerated() {
            switch operation {
            case .equal(let old, _):
                let shown = unchangedContext(old, at: index)
                for line in shown.before { row(line, line, " ", leftStyle: style.dim, rightStyle: style.dim) }
                if shown.elided > 0 { out += style.hunk("… \(shown.elided) unchanged") + "\n" }
                for line in shown.after { row(line, line, " ", leftStyle: style.dim, rightStyle: style.dim) }
            case .delete(let range, _):
                for i in range { row(story.oldLines[i], "", "<", leftStyle: style.deleted, rightStyle: { $0 }) }
            case .insert(let range, _):
                for j in range { row("", story.newLines[j], ">", leftStyle: { $0 }, rightStyle: style.inserted) }
            case .edit(let i, let j, _):
                row(story.oldLines[i], story.newLines[j], "|", leftStyle: style.deleted, rightStyle: style.inserted)
            }
        }
        return out
    }

    func wrap(_ text: String, _ width: Int) -> [String] {
        if text.isEmpty { return [""] }
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: false) {
            if current.count + word.count + 1 > width, !current.isEmpty {
                lines.append(current)
                current = ""
            }
            var piece = Substring(word)
            while piece.count > width {
                lines.append(String(piece.prefix(width)))
                piece = piece.dropFirst(width)
            }
            current += current.isEmpty ? String(piece) : " " + piece
        }
        lines.append(current)
        return lines
    }

    // MARK: HTML

    /// A self-contained fragment (inline styles only) for e-mail and webhooks.
    public func html(title: String? = nil, summary: String? = nil) -> String {
        func escape(_ s: String) -> String {
            s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
        }
        let del = "<del style=\"background:#fee;color:#b00;text-decoration:line-through\">"
        let ins = "<ins style=\"background:#efe;color:#070;text-decoration:none\">"
        var out = "<div class=\"newswatch-diff\" style=\"font-family:Georgia,serif;line-height:1.5;max-width:46em\">\n"
        if let title { out += "<h3 style=\"margin:0 0 .3em\">\(escape(title))</h3>\n" }
        if let summary { out += "<p style=\"color:#555;font-size:90%;margin:0 0 1em\">\(escape(summary))</p>\n" }
        for operation in story.operations {
            switch operation {
            case .equal(let old, _):
                if old.count > 0 { out += "<p style=\"color:#888\">… \(old.count) unchanged paragraph(s)</p>\n" }
            case .delete(let range, _):
                for i in range { out += "<p>\(del)\(escape(story.oldLines[i]))</del></p>\n" }
            case .insert(let range, _):
                for j in range { out += "<p>\(ins)\(escape(story.newLines[j]))</ins></p>\n" }
            case .edit(_, _, let words):
                out += "<p>" + words.runs.map { run -> String in
                    switch run.op {
                    case .equal: return escape(run.text)
                    case .delete: return del + escape(run.text) + "</del>"
                    case .insert: return ins + escape(run.text) + "</ins>"
                    }
                }.joined() + "</p>\n"
            }
        }
        return out + "</div>\n"
    }

    // MARK: JSON

    public struct Document: Codable, Sendable {
        public struct Operation: Codable, Sendable {
            public var op: String
            public var old: [Int]
            public var new: [Int]
            public var lines: [String]?
            public var words: [WordDiff.Run]?
        }

        public var summary: String
        public var classification: StoryDiff.Classification
        public var headlineChanged: Bool
        public var added: Int
        public var removed: Int
        public var edited: Int
        public var moved: Int
        public var oldEndsWithNewline: Bool
        public var newEndsWithNewline: Bool
        public var ops: [Operation]

        /// Rebuilds the two texts from the operations alone.
        public func reconstruct() -> (old: String, new: String) {
            var old: [String] = [], new: [String] = []
            for op in ops {
                switch op.op {
                case "equal": old += op.lines ?? []; new += op.lines ?? []
                case "delete": old += op.lines ?? []
                case "insert": new += op.lines ?? []
                default:
                    let runs = op.words ?? []
                    old.append(runs.filter { $0.op != .insert }.map(\.text).joined())
                    new.append(runs.filter { $0.op != .delete }.map(\.text).joined())
                }
            }
            func text(_ lines: [String], _ newline: Bool) -> String { lines.isEmpty ? "" : lines.joined(separator: "\n") + (newline ? "\n" : "") }
            return (text(old, oldEndsWithNewline), text(new, newEndsWithNewline))
        }
    }

    /// The structured change: ops with old/new line ranges, lines, and words for edits.
    public func document(summary: ChangeSummary, diff: TextDiff) -> Document {
        let ops = story.operations.map { operation -> Document.Operation in
            switch operation {
            case .equal(let old, let new):
                return .init(op: "equal", old: [old.lowerBound, old.upperBound], new: [new.lowerBound, new.upperBound], lines: Array(story.oldLines[old]))
            case .delete(let range, let at):
                return .init(op: "delete", old: [range.lowerBound, range.upperBound], new: [at, at], lines: Array(story.oldLines[range]))
            case .insert(let range, let at):
                return .init(op: "insert", old: [at, at], new: [range.lowerBound, range.upperBound], lines: Array(story.newLines[range]))
            case .edit(let i, let j, let words):
                return .init(op: "edit", old: [i, i + 1], new: [j, j + 1], words: words.runs)
            }
        }
        return Document(summary: summary.description, classification: summary.classification, headlineChanged: summary.headlineChanged,
                        added: summary.added, removed: summary.removed, edited: summary.edited, moved: summary.moved,
                        oldEndsWithNewline: diff.oldEndsWithNewline, newEndsWithNewline: diff.newEndsWithNewline, ops: ops)
    }

    // MARK: Stat

    public static func stat(_ summary: ChangeSummary, name: String) -> String {
        let changes = summary.added + summary.removed + summary.edited
        let bar = String(repeating: "+", count: min(30, summary.addedWords / 5 + (summary.addedWords > 0 ? 1 : 0)))
            + String(repeating: "-", count: min(30, summary.removedWords / 5 + (summary.removedWords > 0 ? 1 : 0)))
        return " \(name) | \(changes) paragraph(s) \(bar)\n +\(summary.addedWords) words, -\(summary.removedWords) words; \(summary)\n"
    }
}

extension DiffRenderer {
    /// The word diff in the given style (convenience for reports).
    public func wordDiffStyled(_ style: TerminalStyle) -> String {
        var copy = self
        copy.style = style
        return copy.wordDiff()
    }
}
