#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A line diff of two texts with unified-diff rendering (what `patch` applies).
public struct TextDiff: Sendable {
    private let oldTable: LineTable
    private let newTable: LineTable
    /// The texts' lines (without their newlines). Built on first use: a unified diff of two
    /// large texts only ever needs the lines in its hunks.
    public var oldLines: [String] { oldTable.all }
    public var newLines: [String] { newTable.all }
    public let oldEndsWithNewline: Bool
    public let newEndsWithNewline: Bool
    public let edits: [Edit]

    public init(old: String, new: String) {
        self.init(oldBytes: Array(old.utf8), newBytes: Array(new.utf8))
    }

    /// The same over UTF-8 bytes (the launcher diffs files without making Strings).
    public init(oldBytes: [UInt8], newBytes: [UInt8]) {
        oldTable = LineTable(oldBytes)
        newTable = LineTable(newBytes)
        oldEndsWithNewline = oldTable.endsWithNewline
        newEndsWithNewline = newTable.endsWithNewline
        // Lines are interned to integers by a 64-bit hash of their bytes (checked against the
        // text on every hit, so a collision costs a fresh id, never a wrong diff). A last line
        // without a newline differs from the same text with one, as in diff(1).
        let (oldIDs, newIDs) = LineInterner.ids(old: oldTable, new: newTable)
        edits = Myers.diff(ids: oldIDs, newIDs, setAsideUnmatched: true)
    }

    package static func lines(_ text: String) -> ([String], Bool) {
        let table = LineTable(Array(text.utf8))
        return (table.all, table.endsWithNewline)
    }

    public var hasChanges: Bool { edits.contains { $0.kind != .equal } }
    public var insertedLines: Int { edits.filter { $0.kind == .insert }.reduce(0) { $0 + $1.new.count } }
    public var deletedLines: Int { edits.filter { $0.kind == .delete }.reduce(0) { $0 + $1.old.count } }

    /// Unified diff with `context` lines around each change; empty when nothing changed.
    public func unified(oldLabel: String, newLabel: String, context: Int = 3, style: TerminalStyle = .plain) -> String {
        String(decoding: unifiedBytes(oldLabel: oldLabel, newLabel: newLabel, context: context, style: style), as: UTF8.self)
    }

    /// The same as UTF-8 bytes, written line by line from the texts' bytes (no String per line).
    public func unifiedBytes(oldLabel: String, newLabel: String, context: Int = 3, style: TerminalStyle = .plain) -> [UInt8] {
        guard hasChanges else { return [] }
        var out: [UInt8] = []
        out.reserveCapacity(4_096)
        func styled(_ code: String?, _ body: (inout [UInt8]) -> Void) {
            if style.enabled, let code { out += Array("\u{1B}[\(code)m".utf8) }
            body(&out)
            if style.enabled, code != nil { out += [0x1B, 0x5B, 0x30, 0x6D] }  // ESC [ 0 m
            out.append(0x0A)
        }
        styled(TerminalStyle.Code.header) { $0 += Array("--- \(oldLabel)".utf8) }
        styled(TerminalStyle.Code.header) { $0 += Array("+++ \(newLabel)".utf8) }
        oldTable.bytes.withUnsafeBufferPointer { oldBytes in
            newTable.bytes.withUnsafeBufferPointer { newBytes in
                for hunk in hunks(context: context) {
                    let oldStart = hunk.oldCount == 0 ? hunk.oldStart : hunk.oldStart + 1
                    let newStart = hunk.newCount == 0 ? hunk.newStart : hunk.newStart + 1
                    styled(TerminalStyle.Code.hunk) { $0 += Array("@@ -\(oldStart),\(hunk.oldCount) +\(newStart),\(hunk.newCount) @@".utf8) }
                    for line in hunk.lines {
                        let (table, bytes) = line.kind == .insert ? (newTable, newBytes) : (oldTable, oldBytes)
                        let text = UnsafeBufferPointer(rebasing: bytes[table.starts[line.index]..<table.ends[line.index]])
                        switch line.kind {
                        case .equal: styled(nil) { $0.append(0x20); $0 += text }
                        case .delete: styled(TerminalStyle.Code.deleted) { $0.append(0x2D); $0 += text }
                        case .insert: styled(TerminalStyle.Code.inserted) { $0.append(0x2B); $0 += text }
                        }
                        let isLastWithoutNewline = line.kind == .insert
                            ? line.index == newTable.count - 1 && !newEndsWithNewline
                            : line.index == oldTable.count - 1 && !oldEndsWithNewline
                        if isLastWithoutNewline { out += Array("\\ No newline at end of file\n".utf8) }
                    }
                }
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

    /// Hunks straight from the edit runs (never a per-line pass over unchanged text).
    func hunks(context: Int) -> [Hunk] {
        var hunks: [Hunk] = []
        var current: Hunk?
        func appendEqual(_ edit: Edit, from: Int, count: Int) {
            for k in 0..<count { current!.lines.append(HunkLine(kind: .equal, index: edit.old.lowerBound + from + k)) }
            current!.oldCount += count
            current!.newCount += count
        }
        for (index, edit) in edits.enumerated() {
            if edit.kind == .equal {
                guard current != nil else { continue }
                let n = edit.old.count
                if index == edits.count - 1 {
                    appendEqual(edit, from: 0, count: min(context, n))
                } else if n <= 2 * context {
                    appendEqual(edit, from: 0, count: n)
                    continue
                } else {
                    appendEqual(edit, from: 0, count: context)
                }
                hunks.append(current!)
                current = nil
                continue
            }
            if current == nil {
                var hunk = Hunk()
                if index > 0, edits[index - 1].kind == .equal {
                    let previous = edits[index - 1]
                    let lead = min(context, previous.old.count)
                    hunk.oldStart = previous.old.upperBound - lead
                    hunk.newStart = previous.new.upperBound - lead
                    current = hunk
                    appendEqual(previous, from: previous.old.count - lead, count: lead)
                } else {
                    hunk.oldStart = edit.old.lowerBound
                    hunk.newStart = edit.new.lowerBound
                    current = hunk
                }
            }
            if edit.kind == .delete {
                for i in edit.old { current!.lines.append(HunkLine(kind: .delete, index: i)) }
                current!.oldCount += edit.old.count
            } else {
                for j in edit.new { current!.lines.append(HunkLine(kind: .insert, index: j)) }
                current!.newCount += edit.new.count
            }
        }
        if let current { hunks.append(current) }
        return hunks
    }
}
