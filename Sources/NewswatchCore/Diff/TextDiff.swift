import Foundation

/// A line diff of two texts with unified-diff rendering (what `patch` applies).
public struct TextDiff: Sendable {
    public let oldLines: [String]
    public let newLines: [String]
    public let oldEndsWithNewline: Bool
    public let newEndsWithNewline: Bool
    public let edits: [Edit]

    public init(old: String, new: String) {
        (oldLines, oldEndsWithNewline) = Self.lines(old)
        (newLines, newEndsWithNewline) = Self.lines(new)
        // A last line without a newline differs from the same text with one (as in diff(1)),
        // so it is compared under a key that says so.
        func keys(_ lines: [String], _ endsWithNewline: Bool) -> [String] {
            guard !endsWithNewline, let last = lines.last else { return lines }
            return lines.dropLast() + [last + "\u{0}no-newline"]
        }
        let edits = Myers.diff(keys(oldLines, oldEndsWithNewline), keys(newLines, newEndsWithNewline))
        self.edits = edits
    }

    static func lines(_ text: String) -> ([String], Bool) {
        if text.isEmpty { return ([], true) }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let endsWithNewline = text.hasSuffix("\n")
        if endsWithNewline { lines.removeLast() }
        return (lines, endsWithNewline)
    }

    public var hasChanges: Bool { edits.contains { $0.kind != .equal } }
    public var insertedLines: Int { edits.filter { $0.kind == .insert }.reduce(0) { $0 + $1.new.count } }
    public var deletedLines: Int { edits.filter { $0.kind == .delete }.reduce(0) { $0 + $1.old.count } }

    /// Unified diff with `context` lines around each change; empty when nothing changed.
    public func unified(oldLabel: String, newLabel: String, context: Int = 3, style: TerminalStyle = .plain) -> String {
        guard hasChanges else { return "" }
        var out = style.header("--- \(oldLabel)") + "\n" + style.header("+++ \(newLabel)") + "\n"
        for hunk in hunks(context: context) {
            let oldStart = hunk.oldCount == 0 ? hunk.oldStart : hunk.oldStart + 1
            let newStart = hunk.newCount == 0 ? hunk.newStart : hunk.newStart + 1
            out += style.hunk("@@ -\(oldStart),\(hunk.oldCount) +\(newStart),\(hunk.newCount) @@") + "\n"
            for line in hunk.lines {
                switch line.kind {
                case .equal: out += " " + oldLines[line.index] + "\n"
                case .delete: out += style.deleted("-" + oldLines[line.index]) + "\n"
                case .insert: out += style.inserted("+" + newLines[line.index]) + "\n"
                }
                let isLastWithoutNewline = line.kind == .insert
                    ? line.index == newLines.count - 1 && !newEndsWithNewline
                    : line.index == oldLines.count - 1 && !oldEndsWithNewline
                if isLastWithoutNewline { out += "\\ No newline at end of file\n" }
            }
        }
        return out
    }

    struct HunkLine {
        var kind: Edit.Kind
        /// Index into old lines for equal/delete, new lines for insert.
        var index: Int
    }

    struct Hunk {
        var oldStart = 0, oldCount = 0, newStart = 0, newCount = 0
        var lines: [HunkLine] = []
    }

    func hunks(context: Int) -> [Hunk] {
        // Flatten to per-line operations with positions, then cut around changes.
        var ops: [(kind: Edit.Kind, old: Int, new: Int)] = []
        for edit in edits {
            switch edit.kind {
            case .equal: for i in 0..<edit.old.count { ops.append((.equal, edit.old.lowerBound + i, edit.new.lowerBound + i)) }
            case .delete: for i in edit.old { ops.append((.delete, i, edit.new.lowerBound)) }
            case .insert: for j in edit.new { ops.append((.insert, edit.old.lowerBound, j)) }
            }
        }
        let changed = ops.indices.filter { ops[$0].kind != .equal }
        guard !changed.isEmpty else { return [] }
        var ranges: [ClosedRange<Int>] = []
        for index in changed {
            let range = max(0, index - context)...min(ops.count - 1, index + context)
            if let last = ranges.last, range.lowerBound <= last.upperBound + 1 {
                ranges[ranges.count - 1] = last.lowerBound...max(last.upperBound, range.upperBound)
            } else {
                ranges.append(range)
            }
        }
        return ranges.map { range in
            var hunk = Hunk()
            hunk.oldStart = ops[range.lowerBound].old
            hunk.newStart = ops[range.lowerBound].new
            for op in ops[range] {
                switch op.kind {
                case .equal:
                    hunk.oldCount += 1; hunk.newCount += 1
                    hunk.lines.append(HunkLine(kind: .equal, index: op.old))
                case .delete:
                    hunk.oldCount += 1
                    hunk.lines.append(HunkLine(kind: .delete, index: op.old))
                case .insert:
                    hunk.newCount += 1
                    hunk.lines.append(HunkLine(kind: .insert, index: op.new))
                }
            }
            return hunk
        }
    }
}
