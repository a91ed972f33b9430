import Foundation
#if canImport(Glibc)
import Glibc
#endif

enum ByteSearch {
    /// Whether `needle` occurs in `haystack`: memchr to each candidate first byte, memcmp
    /// for the rest, both vectorised in libc.
    static func contains(_ haystack: UnsafeRawBufferPointer, _ needle: UnsafeRawBufferPointer) -> Bool {
        needle.isEmpty || firstIndex(of: needle, in: haystack, from: 0) != nil
    }

    /// The first offset at or after `start` where `needle` occurs in `haystack`.
    static func firstIndex(of needle: UnsafeRawBufferPointer, in haystack: UnsafeRawBufferPointer, from start: Int) -> Int? {
        guard !needle.isEmpty, start >= 0, needle.count <= haystack.count, let base = haystack.baseAddress,
              let pattern = needle.baseAddress else { return nil }
        let first = Int32(needle[0])
        let last = haystack.count - needle.count
        var offset = start
        while offset <= last {
            guard let hit = memchr(base + offset, first, last - offset + 1) else { return nil }
            let position = base.distance(to: UnsafeRawPointer(hit))
            if memcmp(hit, pattern, needle.count) == 0 { return position }
            offset = position + 1
        }
        return nil
    }
}

extension StringProtocol {
    /// Exact substring search on UTF-8 bytes. Foundation's `contains` goes through
    /// locale-aware comparison, which showed up in extraction profiles; markup attribute
    /// values and class names only ever need bytes compared.
    func containsBytes(_ needle: StaticString) -> Bool {
        let pattern = UnsafeRawBufferPointer(start: needle.utf8Start, count: needle.utf8CodeUnitCount)
        if let found = utf8.withContiguousStorageIfAvailable({ ByteSearch.contains(UnsafeRawBufferPointer($0), pattern) }) {
            return found
        }
        return String(self).containsBytes(needle)
    }
}
