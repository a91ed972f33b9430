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
/// and live loose in `objects/ab/cdef…` or inside a pack, `packs/pack-….pack`:
/// `NWPACK1\n` then entries of 32 raw id bytes, varint length, object bytes. Packs are
/// written whole (temp, fsync, rename) and never changed; repacking writes a new one.
///
/// Delta chains are at most `maxChain` long, so reading any object costs at most that many
/// inflates and delta applications. The name is the hash of the content however it is
/// encoded, so identical content is stored once and every read is checked against its name.
final class ObjectDatabase: @unchecked Sendable {
    let root: String
    let maxChain: Int

    static let fullTag = UInt8(ascii: "F")
    static let deltaTag = UInt8(ascii: "D")
    static let packMagic = Data("NWPACK1\n".utf8)

    init(root: String, maxChain: Int = 48) {
        self.root = root
        self.maxChain = maxChain
    }

    private var looseDirectory: String { (root as NSString).appendingPathComponent("objects") }
    private var packDirectory: String { (root as NSString).appendingPathComponent("packs") }
    private var temporaryDirectory: String { (root as NSString).appendingPathComponent("tmp") }

    func loosePath(_ id: String) -> String {
        (looseDirectory as NSString).appendingPathComponent(String(id.prefix(2)) + "/" + String(id.dropFirst(2)))
    }

    // MARK: Packs

    private struct PackEntry {
        var pack: Int
        var range: Range<Int>
    }

    private var packIndex: [String: PackEntry]?
    private var packData: [Data] = []
    private(set) var packFiles: [String] = []

    var packCount: Int { loadPacks(); return packFiles.count }

    private func loadPacks() {
        guard packIndex == nil else { return }
        var index: [String: PackEntry] = [:]
        packData = []
        packFiles = ((try? FileManager.default.contentsOfDirectory(atPath: packDirectory)) ?? [])
            .filter { $0.hasSuffix(".pack") }.sorted().map { (packDirectory as NSString).appendingPathComponent($0) }
        for (number, file) in packFiles.enumerated() {
            let data = (try? Data(contentsOf: URL(fileURLWithPath: file), options: .alwaysMapped)) ?? Data()
            packData.append(data)
            guard data.starts(with: Self.packMagic) else { continue }  // verify reports it
            var cursor = Self.packMagic.count
            let bytes = [UInt8](data)
            while cursor + 33 <= bytes.count {
                let id = Data(bytes[cursor..<(cursor + 32)]).hexString
                cursor += 32
                guard let length = try? Delta.readVarint(bytes, &cursor), length <= bytes.count - cursor else { break }
                index[id] = PackEntry(pack: number, range: cursor..<(cursor + length))
                cursor += length
            }
        }
        packIndex = index
    }

    /// Problems in pack files themselves (bad magic, truncated entries), for `verify`.
    func packProblems() -> [String] {
        loadPacks()
        var problems: [String] = []
        for (number, file) in packFiles.enumerated() {
            let data = packData[number]
            guard data.starts(with: Self.packMagic) else { problems.append("\(file): not a newswatch pack"); continue }
            var cursor = Self.packMagic.count
            let bytes = [UInt8](data)
            while cursor < bytes.count {
                guard cursor + 33 <= bytes.count else { problems.append("\(file): truncated entry at byte \(cursor)"); break }
                cursor += 32
                guard let length = try? Delta.readVarint(bytes, &cursor), length <= bytes.count - cursor else {
                    problems.append("\(file): truncated entry at byte \(cursor)")
                    break
                }
                cursor += length
            }
        }
        return problems
    }

    /// The stored bytes of an object (loose file or pack entry).
    private func raw(_ id: String) throws -> Data {
        if let file = FileManager.default.contents(atPath: loosePath(id)) { return file }
        loadPacks()
        if let entry = packIndex?[id] {
            let data = packData[entry.pack]
            return data.subdata(in: (data.startIndex + entry.range.lowerBound)..<(data.startIndex + entry.range.upperBound))
        }
        throw StoreError.missingObject(id: id)
    }

    func exists(_ id: String) -> Bool {
        if FileManager.default.fileExists(atPath: loosePath(id)) { return true }
        loadPacks()
        return packIndex?[id] != nil
    }

    // MARK: Writing

    /// Stores `content`, as a delta against `base` when that is smaller, and returns its id.
    @discardableResult
    func put(_ content: Data, base: String? = nil) throws -> String {
        let id = Digest.sha256(content).hexString
        if exists(id) { return id }
        var encoded: Data?
        if let base, base != id, let baseHeader = try? header(base), baseHeader.depth < maxChain,
           let baseContent = try? self.base(base) {
            let delta = try Zlib.compress(Delta.encode(base: baseContent, target: content), level: 6)
            var deltified = Data([Self.deltaTag, UInt8(baseHeader.depth + 1)])
            deltified.append(Self.rawID(base))
            deltified.append(delta)
            // zlib -6 leaves a page at a quarter of its size or more (HTML and article JSON
            // alike), so a smaller delta wins without compressing the full copy (the
            // costlier step); only a larger one is weighed against it.
            if deltified.count * 4 < content.count {
                encoded = deltified
            } else {
                var full = Data([Self.fullTag])
                full.append(try Zlib.compress(content, level: 6))
                encoded = deltified.count < full.count ? deltified : full
            }
        }
        if encoded == nil {
            var full = Data([Self.fullTag])
            full.append(try Zlib.compress(content, level: 6))
            encoded = full
        }
        guard let encoded else { throw CocoaError(.fileWriteUnknown) }
        let target = loosePath(id)
        try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try AtomicFile.write(encoded, to: target, temporaryDirectory: temporaryDirectory)
        remember(id, content)
        return id
    }

    /// Moves every loose object into one new pack; with `live`, rewrites everything into one
    /// pack of just the live objects and drops the rest with the old packs. The new pack is
    /// durable (fsync, rename) before anything it replaces is removed.
    func pack(keeping live: Set<String>? = nil) throws {
        loadPacks()
        let loose = looseIDs()
        let oldPacks = live == nil ? [] : packFiles
        let ids: [String]
        if let live { ids = Set(loose).union(packIndex?.keys ?? [:].keys).intersection(live).sorted() } else { ids = loose }
        var newPack: String?
        if !ids.isEmpty {
            var pack = Self.packMagic
            for id in ids {
                let bytes = try raw(id)
                pack.append(Self.rawID(id))
                Delta.appendVarint(bytes.count, to: &pack)
                pack.append(bytes)
            }
            try FileManager.default.createDirectory(atPath: packDirectory, withIntermediateDirectories: true)
            let file = (packDirectory as NSString).appendingPathComponent("pack-\(Digest.sha256(pack).hexString.prefix(20)).pack")
            try AtomicFile.write(pack, to: file, temporaryDirectory: temporaryDirectory)
            newPack = file
        }
        for file in oldPacks where file != newPack { try? FileManager.default.removeItem(atPath: file) }
        for id in loose { try? FileManager.default.removeItem(atPath: loosePath(id)) }
        for folder in (try? FileManager.default.contentsOfDirectory(atPath: looseDirectory)) ?? [] {
            // Only empty fan-out folders go; removing a non-empty one fails, as intended.
            _ = rmdir((looseDirectory as NSString).appendingPathComponent(folder))
        }
        AtomicFile.syncDirectory(looseDirectory)
        AtomicFile.syncDirectory(packDirectory)
        packIndex = nil
    }

    // MARK: Reading

    struct Header {
        /// 0 for a full copy.
        var depth: Int
        var base: String?
    }

    func header(_ id: String) throws -> Header {
        if let handle = FileHandle(forReadingAtPath: loosePath(id)) {
            defer { try? handle.close() }
            return try Self.parseHeader(handle.readData(ofLength: 34), id: id)
        }
        return try Self.parseHeader(try raw(id).prefix(34), id: id)
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
        let file = try raw(id)
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

    func looseIDs() -> [String] {
        var ids: [String] = []
        let folders = (try? FileManager.default.contentsOfDirectory(atPath: looseDirectory)) ?? []
        for folder in folders.sorted() where folder.count == 2 {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: (looseDirectory as NSString).appendingPathComponent(folder))) ?? []
            ids += names.sorted().filter { $0.count == 62 }.map { folder + $0 }
        }
        return ids
    }

    /// Every object id present, loose or packed.
    func allIDs() -> [String] {
        loadPacks()
        return Array(Set(looseIDs()).union(packIndex?.keys ?? [:].keys)).sorted()
    }

    func size(_ id: String) -> Int { (try? raw(id).count) ?? 0 }

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
