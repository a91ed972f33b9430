#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CPrefetch

extension TextDiff {
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
}
