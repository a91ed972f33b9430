/// Many short byte strings looked for at once, in one pass over a line: each position's two
/// bytes pick the few needles that can start there (a 64 K-bit table says whether any does).
/// The line tests ask every short line of a story about dozens of phrases; one memchr per
/// phrase cost more than the rest of the test.
struct NeedleSet {
    private let needles: [[UInt8]]
    /// Needle indexes by their first byte, in list order (for prefixes).
    private let byFirstByte: [[Int]]
    /// Needle indexes by their first two bytes (first byte << 8 | second), in list order.
    private let byFirstTwo: [Int: [Int]]
    private var hasFirstTwo = [UInt64](repeating: 0, count: 1024)
    /// One-byte needles, tested at every position.
    private let single: [Int]

    init(_ needles: [[UInt8]]) {
        precondition(needles.allSatisfy { !$0.isEmpty }, "needles are never empty")
        self.needles = needles
        var byFirstByte = [[Int]](repeating: [], count: 256)
        var byFirstTwo: [Int: [Int]] = [:]
        var single: [Int] = []
        for (index, needle) in needles.enumerated() {
            byFirstByte[Int(needle[0])].append(index)
            if needle.count == 1 { single.append(index); continue }
            let key = Int(needle[0]) << 8 | Int(needle[1])
            byFirstTwo[key, default: []].append(index)
            hasFirstTwo[key >> 6] |= 1 << UInt64(key & 63)
        }
        (self.byFirstByte, self.byFirstTwo, self.single) = (byFirstByte, byFirstTwo, single)
    }

    /// The first needle in list order that `bytes` starts with.
    func firstPrefix(of bytes: [UInt8]) -> Int? {
        guard let first = bytes.first else { return nil }
        return byFirstByte[Int(first)].first { bytes.starts(with: needles[$0]) }
    }

    /// The first needle in list order found anywhere in `bytes`.
    func firstContained(in bytes: [UInt8]) -> Int? {
        var best: Int?
        bytes.withUnsafeBufferPointer { h in
            let n = h.count
            var i = 0
            while i < n {
                for index in single where h[i] == needles[index][0] && index < (best ?? Int.max) { best = index }
                if i + 1 < n {
                    let key = Int(h[i]) << 8 | Int(h[i + 1])
                    if hasFirstTwo[key >> 6] & (1 << UInt64(key & 63)) != 0 {
                        for index in byFirstTwo[key]! where index < (best ?? Int.max) && matches(needles[index], in: h, at: i) {
                            best = index
                            break
                        }
                    }
                }
                i += 1
            }
        }
        return best
    }

    private func matches(_ needle: [UInt8], in haystack: UnsafeBufferPointer<UInt8>, at offset: Int) -> Bool {
        guard offset + needle.count <= haystack.count else { return false }
        for k in 2..<needle.count where haystack[offset + k] != needle[k] { return false }
        return true
    }
}
