import Foundation

/// A copy/insert delta of one byte string against another, in the spirit of git's pack
/// deltas: the base is indexed in 16-byte blocks, the target is scanned for runs found in
/// the base (extended both ways), and what is not found is inserted literally. A small edit
/// to a 100 KB page becomes a few dozen bytes, wherever in the page it is, which a zlib
/// preset dictionary (32 KB window) cannot do for pages larger than the window.
///
/// Encoding: varint(base length) varint(target length), then ops:
/// `0x00 varint(n) bytes` inserts n bytes; `0x01 varint(offset) varint(n)` copies from base.
public enum Delta {
    public enum Error: Swift.Error, CustomStringConvertible {
        case malformed(String)
        public var description: String { switch self { case .malformed(let why): return "malformed delta: \(why)" } }
    }

    static let block = 16

    public static func encode(base: Data, target: Data) -> Data {
        let baseBytes = [UInt8](base), targetBytes = [UInt8](target)
        var out = Data()
        appendVarint(baseBytes.count, to: &out)
        appendVarint(targetBytes.count, to: &out)
        // Index every block-aligned 16-byte window of the base in a flat open-addressing table
        // (a Dictionary of arrays allocated per key and cost more than everything else).
        var size = 1024
        while size < (baseBytes.count / block) * 2 { size <<= 1 }
        let mask = size - 1
        var tableStorage = [Int32](repeating: -1, count: size)
        var keyStorage = [UInt32](repeating: 0, count: size)
        // Unchecked buffers: this loop runs once per byte of every stored page.
        baseBytes.withUnsafeBufferPointer { b in
        targetBytes.withUnsafeBufferPointer { t in
        tableStorage.withUnsafeMutableBufferPointer { table in
        keyStorage.withUnsafeMutableBufferPointer { keys in
            if b.count >= block {
                var position = 0
                while position + block <= b.count {
                    let key = window(b, position)
                    var slot = Int(key &* 2654435761) & mask
                    var probes = 0
                    while table[slot] >= 0 && keys[slot] != key && probes < 8 { slot = (slot + 1) & mask; probes += 1 }
                    table[slot] = Int32(position)  // the latest occurrence wins
                    keys[slot] = key
                    position += block
                }
            }
            var pendingStart = 0  // start of bytes not yet emitted
            var i = 0
            if b.count >= block {
                // A rolling hash over the target's 16-byte windows: O(1) per position.
                var rolling: UInt32 = i + block <= t.count ? window(t, 0) : 0
                while i + block <= t.count {
                    var best = (offset: 0, length: 0, backward: 0)
                    var slot = Int(rolling &* 2654435761) & mask
                    var probes = 0
                    while table[slot] >= 0 && probes < 8 {
                        if keys[slot] == rolling {
                            let candidate = Int(table[slot])
                            var length = 0
                            while candidate + length < b.count, i + length < t.count, b[candidate + length] == t[i + length] { length += 1 }
                            if length >= block {
                                var backward = 0
                                while backward < i - pendingStart, backward < candidate, b[candidate - backward - 1] == t[i - backward - 1] { backward += 1 }
                                if length + backward > best.length + best.backward { best = (candidate, length, backward) }
                            }
                        }
                        slot = (slot + 1) & mask
                        probes += 1
                    }
                    if best.length >= block {
                        let start = i - best.backward
                        emitInsert(t, pendingStart, start, to: &out)
                        out.append(0x01)
                        appendVarint(best.offset - best.backward, to: &out)
                        appendVarint(best.length + best.backward, to: &out)
                        i += best.length
                        pendingStart = i
                        if i + block <= t.count { rolling = window(t, i) }
                    } else {
                        if i + block < t.count { rolling = roll(rolling, out: t[i], in: t[i + block]) }
                        i += 1
                    }
                }
            }
            emitInsert(t, pendingStart, t.count, to: &out)
        }
        }
        }
        }
        return out
    }

    // Rabin-Karp style polynomial hash of a 16-byte window, updatable one byte at a time.
    private static let multiplier: UInt32 = 257
    private static let outFactor: UInt32 = {
        var f: UInt32 = 1
        for _ in 0..<(block - 1) { f = f &* multiplier }
        return f
    }()

    @inline(__always)
    private static func window(_ bytes: UnsafeBufferPointer<UInt8>, _ at: Int) -> UInt32 {
        var h: UInt32 = 0
        for k in at..<(at + block) { h = h &* multiplier &+ UInt32(bytes[k]) }
        return h
    }

    @inline(__always)
    private static func roll(_ h: UInt32, out: UInt8, in next: UInt8) -> UInt32 {
        (h &- UInt32(out) &* outFactor) &* multiplier &+ UInt32(next)
    }

    public static func apply(_ delta: Data, to base: Data) throws -> Data {
        let d = [UInt8](delta)
        var cursor = 0
        let baseLength = try readVarint(d, &cursor)
        guard baseLength == base.count else { throw Error.malformed("base is \(base.count) bytes, delta expects \(baseLength)") }
        let targetLength = try readVarint(d, &cursor)
        guard targetLength <= 1 << 31 else { throw Error.malformed("target length \(targetLength)") }
        var out = Data()
        out.reserveCapacity(targetLength)
        while cursor < d.count {
            let op = d[cursor]
            cursor += 1
            switch op {
            case 0x00:
                let n = try readVarint(d, &cursor)
                guard n <= d.count - cursor else { throw Error.malformed("insert past the end") }
                out.append(contentsOf: d[cursor..<(cursor + n)])
                cursor += n
            case 0x01:
                let offset = try readVarint(d, &cursor)
                let n = try readVarint(d, &cursor)
                guard offset <= base.count, n <= base.count - offset else { throw Error.malformed("copy outside the base") }
                out.append(base[(base.startIndex + offset)..<(base.startIndex + offset + n)])
            default:
                throw Error.malformed("unknown op \(op)")
            }
            guard out.count <= targetLength else { throw Error.malformed("output longer than declared") }
        }
        guard out.count == targetLength else { throw Error.malformed("output is \(out.count) bytes, expected \(targetLength)") }
        return out
    }

    private static func emitInsert(_ t: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int, to out: inout Data) {
        guard to > from else { return }
        out.append(0x00)
        appendVarint(to - from, to: &out)
        out.append(UnsafeBufferPointer(rebasing: t[from..<to]))
    }

    static func appendVarint(_ value: Int, to out: inout Data) {
        var v = UInt64(value)
        while v >= 0x80 {
            out.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        out.append(UInt8(v))
    }

    static func readVarint(_ d: [UInt8], _ cursor: inout Int) throws -> Int {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard cursor < d.count else { throw Error.malformed("truncated number") }
            let byte = d[cursor]
            cursor += 1
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { break }
            shift += 7
            guard shift < 63 else { throw Error.malformed("number too long") }
        }
        return Int(result)
    }
}
