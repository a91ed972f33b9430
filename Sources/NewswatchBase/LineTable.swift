#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension TextDiff {
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
}
