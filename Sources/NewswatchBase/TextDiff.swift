#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CPrefetch

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

    /// The same over UTF-8 bytes.
    public init(oldBytes: [UInt8], newBytes: [UInt8]) {
        self.init(old: Lines(oldBytes), new: Lines(newBytes))
    }

    /// One side's text split into lines and hashed, ready to compare.
    public struct Lines: Sendable {
        let table: LineTable
        public init(_ bytes: [UInt8]) { table = LineTable(bytes) }
    }

    public init(old: Lines, new: Lines) {
        oldTable = old.table
        newTable = new.table
        oldEndsWithNewline = oldTable.endsWithNewline
        newEndsWithNewline = newTable.endsWithNewline
        // Lines are interned to integers by a 64-bit hash of their bytes (checked against the
        // text on every hit, so a collision costs a fresh id, never a wrong diff). A last line
        // without a newline differs from the same text with one, as in diff(1).
        let (oldIDs, newIDs) = LineInterner.ids(old: oldTable, new: newTable)
        let edits = Myers.diff(ids: oldIDs, newIDs, setAsideUnmatched: true)
        self.edits = edits
    }

    /// A text's bytes and where each line starts and ends, with a hash per line; Strings are
    /// made only for lines someone asks for.
    final class LineTable: @unchecked Sendable {
        let bytes: [UInt8]
        let count: Int
        /// Per line: where it starts and ends in `bytes` (its newline, or the text's end) and
        /// its hash. Owned by the table (plain memory: filling arrays line by line cost more
        /// in capacity and uniqueness checks than scanning the text).
        let starts: UnsafeMutablePointer<Int>
        let ends: UnsafeMutablePointer<Int>
        let hashes: UnsafeMutablePointer<UInt64>
        let endsWithNewline: Bool
        private var strings: [String]?
        private let lock = Lock()

        init(_ bytes: [UInt8]) {
            self.bytes = bytes
            var capacity = max(16, bytes.count / 32)
            var starts = UnsafeMutablePointer<Int>.allocate(capacity: capacity)
            var ends = UnsafeMutablePointer<Int>.allocate(capacity: capacity)
            var hashes = UnsafeMutablePointer<UInt64>.allocate(capacity: capacity)
            var count = 0
            bytes.withUnsafeBytes { raw in
                var start = 0
                while start < raw.count {
                    if count == capacity {
                        capacity *= 2
                        starts = Self.moved(starts, count, to: capacity)
                        ends = Self.moved(ends, count, to: capacity)
                        hashes = Self.moved(hashes, count, to: capacity)
                    }
                    let (end, hash) = Self.scanLine(raw, from: start)
                    starts[count] = start
                    ends[count] = end
                    hashes[count] = hash
                    count += 1
                    start = end + 1
                }
            }
            self.count = count
            self.starts = starts
            self.ends = ends
            self.hashes = hashes
            // A text ending in "\n" ends exactly at the last line's end + 1.
            endsWithNewline = bytes.isEmpty || bytes.last == 0x0A
        }

        deinit {
            starts.deallocate()
            ends.deallocate()
            hashes.deallocate()
        }

        private static func moved<T>(_ values: UnsafeMutablePointer<T>, _ count: Int, to capacity: Int) -> UnsafeMutablePointer<T> {
            let bigger = UnsafeMutablePointer<T>.allocate(capacity: capacity)
            bigger.moveInitialize(from: values, count: count)
            values.deallocate()
            return bigger
        }

        /// The end of the line starting at `start` (its newline, or the text's end) and its hash.
        /// One pass finds the newline and hashes eight bytes at a time: a word with no newline
        /// byte is mixed in whole, the word holding the newline only up to it (zero-padded, as
        /// the short tail of a text is).
        @inline(__always) static func scanLine(_ raw: UnsafeRawBufferPointer, from start: Int) -> (end: Int, hash: UInt64) {
            let total = raw.count
            var hash: UInt64 = 0xcbf29ce484222325
            var offset = start
            while offset + 8 <= total {
                let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
                let flipped = word ^ 0x0A0A_0A0A_0A0A_0A0A
                let newlines = (flipped &- 0x0101_0101_0101_0101) & ~flipped & 0x8080_8080_8080_8080
                if newlines == 0 {
                    hash = mix(hash, word)
                    offset += 8
                    continue
                }
                let before = newlines.trailingZeroBitCount / 8  // the lowest flag is exact
                if before > 0 { hash = mix(hash, word & ((1 << UInt64(before * 8)) - 1)) }
                return (offset + before, mix(hash, UInt64(offset + before - start)))
            }
            var word: UInt64 = 0, before = 0  // under eight bytes left in the text
            while offset + before < total, raw[offset + before] != 0x0A {
                word |= UInt64(raw[offset + before]) << UInt64(before * 8)
                before += 1
            }
            if before > 0 { hash = mix(hash, word) }
            return (offset + before, mix(hash, UInt64(offset + before - start)))
        }

        /// One multiply per word: equal lines must hash equal and unequal ones rarely; the
        /// interner spreads the bits before use and compares bytes on every hash match.
        @inline(__always) static func mix(_ hash: UInt64, _ word: UInt64) -> UInt64 {
            (hash ^ word) &* 0x100000001b3
        }

        func withView<R>(_ body: (LineView) -> R) -> R {
            bytes.withUnsafeBufferPointer { bytes in
                withUnsafePointer(to: UInt8(0)) { noByte in  // an empty array may have no storage
                    body(LineView(bytes: bytes.baseAddress ?? noByte, starts: starts, ends: ends, hashes: hashes,
                                  count: count, endsWithNewline: endsWithNewline))
                }
            }
        }

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

    }

    /// The raw storage of a line table, for loops that would otherwise pay for bounds checks
    /// and reference counting on every line.
    struct LineView {
        let bytes: UnsafePointer<UInt8>
        let starts: UnsafePointer<Int>
        let ends: UnsafePointer<Int>
        let hashes: UnsafePointer<UInt64>
        let count: Int
        let endsWithNewline: Bool

        /// A last line without a newline hashes apart from the same bytes with one.
        @inline(__always) func hash(_ index: Int) -> UInt64 {
            isLastWithoutNewline(index) ? (hashes[index] ^ 0xFF) &* 0x100000001b3 : hashes[index]
        }

        @inline(__always) func isLastWithoutNewline(_ index: Int) -> Bool { !endsWithNewline && index == count - 1 }
    }

    /// Interns lines to integers by their hash, checking the bytes on every hit, so a hash
    /// collision costs a fresh id, never a wrong diff. A last line without a newline is a
    /// different line from the same text with one, as in diff(1).
    enum LineInterner {
        static func ids(old: LineTable, new: LineTable) -> ([Int], [Int]) {
            old.withView { oldView in
                new.withView { newView in ids(oldView, newView) }
            }
        }

        /// Open addressing (Swift's SipHash would dominate the time) in a table of 8-byte
        /// slots: the top half of a line's spread hash beside its id + 1 (0: empty). Sized for
        /// every line distinct, so it never fills.
        private static func ids(_ old: LineView, _ new: LineView) -> ([Int], [Int]) {
            let capacity = old.count + new.count
            var size = 64
            while size < capacity + capacity / 4 { size <<= 1 }
            let mask = size - 1
            let slots = UnsafeMutablePointer<UInt64>.allocate(capacity: size)
            slots.initialize(repeating: 0, count: size)
            // Per id: the full hash, and the first line seen with it (old lines as their
            // index, new lines as -1 - index).
            let idHashes = UnsafeMutablePointer<UInt64>.allocate(capacity: max(capacity, 1))
            let idLines = UnsafeMutablePointer<Int>.allocate(capacity: max(capacity, 1))
            defer {
                slots.deallocate()
                idHashes.deallocate()
                idLines.deallocate()
            }
            var count = 0

            func isSame(_ id: Int, _ view: LineView, _ index: Int) -> Bool {
                let line = idLines[id]
                let (other, otherIndex) = line >= 0 ? (old, line) : (new, -1 - line)
                let start = view.starts[index], length = view.ends[index] - start
                let otherStart = other.starts[otherIndex]
                return other.ends[otherIndex] - otherStart == length
                    && other.isLastWithoutNewline(otherIndex) == view.isLastWithoutNewline(index)
                    && (length == 0 || memcmp(view.bytes + start, other.bytes + otherStart, length) == 0)
            }

            func intern(_ view: LineView, isOld: Bool) -> [Int] {
                [Int](unsafeUninitializedCapacity: view.count) { output, initialized in
                    let lookahead = 12
                    for index in 0..<view.count {
                        // Starting a later line's table read now overlaps the cache misses of
                        // the table's random reads instead of stalling on each in turn.
                        if index + lookahead < view.count {
                            newswatch_prefetch(slots + (Int(truncatingIfNeeded: spread(view.hashes[index + lookahead])) & mask))
                        }
                        let hash = view.hash(index)
                        let spread = spread(hash)
                        let tag = spread & 0xFFFF_FFFF_0000_0000
                        var slot = Int(truncatingIfNeeded: spread) & mask
                        var found = -1
                        while slots[slot] != 0 {
                            let entry = slots[slot]
                            if entry & 0xFFFF_FFFF_0000_0000 == tag {
                                let id = Int(entry & 0xFFFF_FFFF) - 1
                                if idHashes[id] == hash {
                                    if isSame(id, view, index) { found = id }
                                    break  // same hash, other bytes: a collision; a fresh id below
                                }
                            }
                            slot = (slot + 1) & mask
                        }
                        if found < 0 {
                            found = count
                            idHashes[count] = hash
                            idLines[count] = isOld ? index : -1 - index
                            count += 1
                            if slots[slot] == 0 { slots[slot] = tag | UInt64(found + 1) }
                        }
                        output[index] = found
                    }
                    initialized = view.count
                }
            }
            let oldIDs = intern(old, isOld: true)
            return (oldIDs, intern(new, isOld: false))
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
