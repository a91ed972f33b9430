import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Immutable content-addressed objects, as in git, named by the SHA-256 of their content.
/// An object's bytes are either
///
///     'F' zlib(content)                                  a full copy (a keyframe)
///     'D' depth:u8 base-id:32 bytes zlib(delta)          a `Delta` against another object
///
/// and are kept by an `ObjectStorage` (files and packs, or a table of the SQLite store).
///
/// Delta chains are at most `maxChain` long, so reading any object costs at most that many
/// inflates and delta applications. The name is the hash of the content however it is
/// encoded, so identical content is stored once and every read is checked against its name.
final class ObjectDatabase: @unchecked Sendable {
    let storage: any ObjectStorage
    let maxChain: Int

    static let fullTag = UInt8(ascii: "F")
    static let deltaTag = UInt8(ascii: "D")

    init(storage: any ObjectStorage, maxChain: Int = 48) {
        self.storage = storage
        self.maxChain = maxChain
    }

    /// The file layout's database (loose objects and packs under `root`).
    convenience init(root: String, maxChain: Int = 48) {
        self.init(storage: PackedFileStorage(root: root), maxChain: maxChain)
    }

    /// The files behind a file-layout database (packing, loose objects), nil for other storage.
    var files: PackedFileStorage? { storage as? PackedFileStorage }

    // MARK: Writing

    /// An object encoded and ready to write: the costly part of storing (delta, deflate),
    /// which may run on any thread ahead of the write.
    struct Encoded: Sendable {
        var id: String
        /// nil when the object was already stored.
        var bytes: Data?
        var base: String?
    }

    /// Stores `content`, as a delta against `base` when that is smaller, and returns its id.
    @discardableResult
    func put(_ content: Data, base: String? = nil) throws -> String {
        let encoded = try encode(content, base: base)
        guard let bytes = encoded.bytes else { return encoded.id }  // encode just found it stored
        try storage.write(encoded.id, bytes)
        remember(encoded.id, content)
        return encoded.id
    }

    /// Writes an object `encode` prepared earlier (skipped when it is stored by now).
    @discardableResult
    func write(_ encoded: Encoded, content: Data? = nil) throws -> String {
        guard let bytes = encoded.bytes, !exists(encoded.id) else { return encoded.id }
        try storage.write(encoded.id, bytes)
        if let content { remember(encoded.id, content) }
        return encoded.id
    }

    /// A delta base given with its content, for a base not stored yet (the HTML of the
    /// version an article is encoded with).
    struct Base {
        var id: String
        var content: Data
        /// Its chain depth (0 for a full copy).
        var depth: Int
    }

    /// Encodes `content` as a delta against `base` when that is smaller, else as a full copy.
    func encode(_ content: Data, base: String?) throws -> Encoded {
        let id = Digest.sha256(content).hexString
        if exists(id) { return Encoded(id: id, bytes: nil, base: base) }
        guard let base, base != id, let header = try? header(base), let baseContent = try? self.base(base) else {
            return try encode(content, id: id, against: nil)
        }
        return try encode(content, id: id, against: Base(id: base, content: baseContent, depth: header.depth))
    }

    /// The depth a blob `encode` produced has in its chain (read from the store when it
    /// was stored already).
    func depth(of encoded: Encoded) -> Int? {
        guard let bytes = encoded.bytes else { return try? header(encoded.id).depth }
        return bytes.first == Self.deltaTag && bytes.count > 1 ? Int(bytes[bytes.startIndex + 1]) : 0
    }

    /// `encode(_:base:)` against a base given with its content.
    func encode(_ content: Data, against base: Base?) throws -> Encoded {
        let id = Digest.sha256(content).hexString
        if exists(id) { return Encoded(id: id, bytes: nil, base: base?.id) }
        return try encode(content, id: id, against: base)
    }

    private func encode(_ content: Data, id: String, against base: Base?) throws -> Encoded {
        if let base, base.id != id, base.depth < maxChain {
            let delta = Delta.encode(base: base.content, target: content)
            // One deflate per object, never two. The delta is deflated whenever it copies
            // anything worth having (a tenth of the page): deflating only what the base lacks
            // is faster than deflating the page (the template's long repeats are what make
            // zlib -6 slow), and the result is within 2% of the smaller of the two. Deflating
            // both ways to keep the smaller cost a first check of 1,000 pages 7.9 s of CPU
            // against 6.0 s; deflating whole pages whenever the base saved less than half, 12 s.
            if delta.count * 10 <= content.count * 9 {
                var deltified = Data([Self.deltaTag, UInt8(base.depth + 1)])
                deltified.append(Self.rawID(base.id))
                deltified.append(try Zlib.compress(delta, level: 6))
                return Encoded(id: id, bytes: deltified, base: base.id)
            }
        }
        var full = Data([Self.fullTag])
        full.append(try Zlib.compress(content, level: 6))
        return Encoded(id: id, bytes: full, base: nil)
    }

    // MARK: Reading

    struct Header {
        /// 0 for a full copy.
        var depth: Int
        var base: String?
    }

    func header(_ id: String) throws -> Header {
        try Self.parseHeader(try storage.prefix(id, 34), id: id)
    }

    private static func parseHeader(_ data: Data, id: String) throws -> Header {
        guard let tag = data.first else { throw StoreError.corruptObject(id: id, reason: "empty object") }
        switch tag {
        case fullTag: return Header(depth: 0, base: nil)
        case deltaTag:
            guard data.count >= 34 else { throw StoreError.corruptObject(id: id, reason: "truncated delta header") }
            let bytes = [UInt8](data.prefix(34))
            return Header(depth: Int(bytes[1]), base: Data(bytes[2..<34]).hexString)
        default:
            throw StoreError.corruptObject(id: id, reason: "unknown object type \(tag)")
        }
    }

    /// Recently read or written contents: a new version's delta base is usually the object
    /// stored or read just before it, and rebuilding it through its chain each time is waste.
    private var cache: [String: Data] = [:]
    private var cacheOrder: [String] = []
    private let cacheLock = NSLock()

    private func remember(_ id: String, _ content: Data) {
        cacheLock.lock()
        defer { cacheLock.unlock() }
        if cache[id] == nil {
            cacheOrder.append(id)
            if cacheOrder.count > 32 { cache.removeValue(forKey: cacheOrder.removeFirst()) }
        }
        cache[id] = content
    }

    private func cached(_ id: String) -> Data? {
        cacheLock.lock()
        defer { cacheLock.unlock() }
        return cache[id]
    }

    /// The content of an object, read from disk and checked against its name, so damage is
    /// always seen.
    func get(_ id: String) throws -> Data {
        try get(id, depth: 0)
    }

    /// The content of a delta base: from the cache when it was just written or read.
    private func base(_ id: String) throws -> Data {
        if let content = cached(id) { return content }
        let content = try get(id, depth: 0)
        remember(id, content)
        return content
    }

    private func get(_ id: String, depth: Int) throws -> Data {
        guard depth <= maxChain + 1 else { throw StoreError.corruptObject(id: id, reason: "delta chain too long (a loop?)") }
        let file = try storage.raw(id)
        let header = try Self.parseHeader(file, id: id)
        let content: Data
        do {
            if let base = header.base {
                let delta = try Zlib.decompress(file.dropFirst(34))
                content = try Delta.apply(delta, to: try get(base, depth: depth + 1))
            } else {
                content = try Zlib.decompress(file.dropFirst(1))
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError.corruptObject(id: id, reason: "\(error)")
        }
        guard Digest.sha256(content).hexString == id else {
            throw StoreError.corruptObject(id: id, reason: "content does not match its SHA-256 name")
        }
        return content
    }

    /// Every object id present.
    func allIDs() -> [String] { storage.allIDs() }

    func size(_ id: String) -> Int { (try? storage.raw(id).count) ?? 0 }

    func exists(_ id: String) -> Bool { storage.contains(id) }

    static func rawID(_ hex: String) -> Data {
        var data = Data(capacity: 32)
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            data.append(UInt8(hex[index..<next], radix: 16) ?? 0)
            index = next
        }
        return data
    }
}
