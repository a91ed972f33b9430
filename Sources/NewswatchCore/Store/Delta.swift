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
        let b = [UInt8](base), t = [UInt8](target)
        var out = Data()
        appendVarint(b.count, to: &out)
        appendVarint(t.count, to: &out)
        // Index every block-aligned 16-byte window of the base (the last few occurrences).
        var index: [UInt64: [Int]] = [:]
        if b.count >= block {
            index.reserveCapacity(b.count / block)
            var position = 0
            while position + block <= b.count {
                let key = hash(b, position)
                index[key, default: []].append(position)
                position += block
            }
        }
        var pendingStart = 0  // start of bytes not yet emitted
        var i = 0
        while i + block <= t.count {
            var best = (offset: 0, length: 0, backward: 0)
            if let candidates = index[hash(t, i)] {
                for candidate in candidates.suffix(8) {
                    var length = 0
                    while candidate + length < b.count, i + length < t.count, b[candidate + length] == t[i + length] { length += 1 }
                    guard length >= block else { continue }
                    var backward = 0
                    while backward < i - pendingStart, backward < candidate, b[candidate - backward - 1] == t[i - backward - 1] { backward += 1 }
                    if length + backward > best.length + best.backward { best = (candidate, length, backward) }
                }
            }
            if best.length >= block {
                let start = i - best.backward
                emitInsert(t, pendingStart, start, to: &out)
                out.append(0x01)
                appendVarint(best.offset - best.backward, to: &out)
                appendVarint(best.length + best.backward, to: &out)
                i += best.length
                pendingStart = i
            } else {
                i += 1
            }
        }
        emitInsert(t, pendingStart, t.count, to: &out)
        return out
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

    @inline(__always)
    private static func hash(_ bytes: [UInt8], _ at: Int) -> UInt64 {
        var h: UInt64 = 0xcbf29ce484222325
        for k in at..<(at + block) { h = (h ^ UInt64(bytes[k])) &* 0x100000001b3 }
        return h
    }

    private static func emitInsert(_ t: [UInt8], _ from: Int, _ to: Int, to out: inout Data) {
        guard to > from else { return }
        out.append(0x00)
        appendVarint(to - from, to: &out)
        out.append(contentsOf: t[from..<to])
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
