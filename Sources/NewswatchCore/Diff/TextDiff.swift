import Foundation
#if canImport(Glibc)
import Glibc
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
        oldTable = LineTable(old)
        newTable = LineTable(new)
        oldEndsWithNewline = oldTable.endsWithNewline
        newEndsWithNewline = newTable.endsWithNewline
        // Lines are interned to integers by a 64-bit hash of their bytes (checked against the
        // text on every hit, so a collision costs a fresh id, never a wrong diff). A last line
        // without a newline differs from the same text with one, as in diff(1).
        var interner = LineInterner(capacity: oldTable.count + newTable.count)
        let oldIDs = interner.ids(oldTable)
        let newIDs = interner.ids(newTable)
        let edits = Myers.diff(ids: oldIDs, newIDs)
        self.edits = edits
    }

    /// A text's bytes and where each line starts and ends, with a hash per line; Strings are
    /// made only for lines someone asks for.
    final class LineTable: @unchecked Sendable {
        let bytes: [UInt8]
        let starts: [Int]
        let ends: [Int]
        let hashes: [UInt64]
        let endsWithNewline: Bool
        private var strings: [String]?
        private let lock = NSLock()

        init(_ text: String) {
            bytes = Array(text.utf8)
            var starts: [Int] = [], ends: [Int] = [], hashes: [UInt64] = []
            let estimate = bytes.count / 32 + 1
            starts.reserveCapacity(estimate); ends.reserveCapacity(estimate); hashes.reserveCapacity(estimate)
            var start = 0
            bytes.withUnsafeBytes { raw in
                guard let base = raw.baseAddress else { return }
                let total = raw.count
                while start < total {
                    // memchr finds the newline (vectorised in libc); the line is then hashed
                    // eight bytes at a time.
                    let end: Int
                    if let hit = memchr(base + start, 0x0A, total - start) { end = base.distance(to: UnsafeRawPointer(hit)) } else { end = total }
                    var hash: UInt64 = 0xcbf29ce484222325 ^ UInt64(end - start)
                    var offset = start
                    while offset + 8 <= end {
                        hash = (hash ^ raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) &* 0x100000001b3
                        hash ^= hash >> 29
                        offset += 8
                    }
                    while offset < end {
                        hash = (hash ^ UInt64(raw[offset])) &* 0x100000001b3
                        offset += 1
                    }
                    starts.append(start); ends.append(end); hashes.append(hash)
                    start = end + 1
                }
            }
            // A text ending in "\n" ends exactly at the last line's end + 1.
            endsWithNewline = bytes.isEmpty || bytes.last == 0x0A
            self.starts = starts
            self.ends = ends
            self.hashes = hashes
        }

        var count: Int { starts.count }
        var all: [String] {
            lock.lock()
            defer { lock.unlock() }
            if let strings { return strings }
            let made = (0..<count).map { self[$0] }
            strings = made
            return made
        }

        subscript(index: Int) -> String {
            bytes.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[starts[index]..<ends[index]]), as: UTF8.self) }
        }

        func sameBytes(_ index: Int, as other: LineTable, _ otherIndex: Int) -> Bool {
            let length = ends[index] - starts[index]
            guard length == other.ends[otherIndex] - other.starts[otherIndex] else { return false }
            return bytes.withUnsafeBufferPointer { a in
                other.bytes.withUnsafeBufferPointer { b in
                    memcmp(a.baseAddress! + starts[index], b.baseAddress! + other.starts[otherIndex], length) == 0
                }
            }
        }
    }

    /// Interns lines to integers by their hash, checking the bytes on every hit, so a hash
    /// collision costs a fresh id, never a wrong diff. A last line without a newline is a
    /// different line from the same text with one, as in diff(1).
    struct LineInterner {
        // Open addressing on the 64-bit line hashes (Swift's SipHash would dominate the time).
        private var keys: [UInt64]
        private var values: [Int]
        private var mask: Int
        private var representatives: [(table: LineTable, index: Int, noNewline: Bool)] = []

        init(capacity: Int) {
            var size = 16
            while size < capacity * 2 { size <<= 1 }
            keys = [UInt64](repeating: 0, count: size)
            values = [Int](repeating: -1, count: size)
            mask = size - 1
        }

        /// The line hashes mix upwards only (FNV's multiply), so lines that differ in their last
        /// bytes, numbered lines for one, share low bits; a final avalanche spreads them over the
        /// table before masking, or the probing runs turn quadratic.
        @inline(__always) static func spread(_ hash: UInt64) -> UInt64 {
            var h = hash
            h ^= h >> 33; h = h &* 0xff51afd7ed558ccd
            h ^= h >> 33; h = h &* 0xc4ceb9fe1a85ec53
            return h ^ (h >> 33)
        }

        mutating func ids(_ table: LineTable) -> [Int] {
            var result: [Int] = []
            result.reserveCapacity(table.count)
            for index in 0..<table.count {
                let noNewline = !table.endsWithNewline && index == table.count - 1
                let hash = noNewline ? (table.hashes[index] ^ 0xFF) &* 0x100000001b3 : table.hashes[index]
                var slot = Int(truncatingIfNeeded: Self.spread(hash)) & mask
                var found = -1
                while values[slot] >= 0 {
                    if keys[slot] == hash {
                        let id = values[slot]
                        let representative = representatives[id]
                        if representative.noNewline == noNewline && table.sameBytes(index, as: representative.table, representative.index) {
                            found = id
                        }
                        break  // same hash, other bytes: a collision; the line gets a fresh id below
                    }
                    slot = (slot + 1) & mask
                }
                if found >= 0 { result.append(found); continue }
                if values[slot] < 0 {
                    keys[slot] = hash
                    values[slot] = representatives.count
                }
                representatives.append((table, index, noNewline))
                result.append(representatives.count - 1)
            }
            return result
        }
    }

    static func lines(_ text: String) -> ([String], Bool) {
        let table = LineTable(text)
        return (table.all, table.endsWithNewline)
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
                case .equal: out += " " + oldTable[line.index] + "\n"
                case .delete: out += style.deleted("-" + oldTable[line.index]) + "\n"
                case .insert: out += style.inserted("+" + newTable[line.index]) + "\n"
                }
                let isLastWithoutNewline = line.kind == .insert
                    ? line.index == newTable.count - 1 && !newEndsWithNewline
                    : line.index == oldTable.count - 1 && !oldEndsWithNewline
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
