import Foundation

/// Immutable content-addressed objects, as in git: `objects/ab/cdef…`, named by the SHA-256
/// of their content. An object file is either
///
///     'F' zlib(content)                                  a full copy (a keyframe)
///     'D' depth:u8 base-id:32 bytes zlib(delta)          a `Delta` against another object
///
/// Delta chains are at most `maxChain` long, so reading any object costs at most that many
/// inflates and delta applications. The name is the hash of the content however it is
/// encoded, so identical content is stored once and every read is checked against its name.
final class ObjectDatabase: @unchecked Sendable {
    let directory: String
    let temporaryDirectory: String
    /// Longest delta chain: a keyframe at least every `maxChain + 1` versions.
    let maxChain: Int

    static let fullTag = UInt8(ascii: "F")
    static let deltaTag = UInt8(ascii: "D")

    init(directory: String, temporaryDirectory: String, maxChain: Int = 32) {
        self.directory = directory
        self.temporaryDirectory = temporaryDirectory
        self.maxChain = maxChain
    }

    func path(_ id: String) -> String {
        (directory as NSString).appendingPathComponent(String(id.prefix(2)) + "/" + String(id.dropFirst(2)))
    }

    func exists(_ id: String) -> Bool { FileManager.default.fileExists(atPath: path(id)) }

    /// Stores `content`, as a delta against `base` when that is smaller, and returns its id.
    @discardableResult
    func put(_ content: Data, base: String? = nil) throws -> String {
        let id = Digest.sha256(content).hexString
        if exists(id) { return id }
        var encoded = Data([Self.fullTag])
        encoded.append(try Zlib.compress(content, level: 9))
        if let base, base != id, let baseHeader = try? header(base), baseHeader.depth < maxChain,
           let baseContent = try? get(base) {
            let delta = try Zlib.compress(Delta.encode(base: baseContent, target: content), level: 9)
            if delta.count + 34 < encoded.count {
                encoded = Data([Self.deltaTag, UInt8(baseHeader.depth + 1)])
                encoded.append(Self.rawID(base))
                encoded.append(delta)
            }
        }
        let target = path(id)
        let folder = (target as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try AtomicFile.write(encoded, to: target, temporaryDirectory: temporaryDirectory)
        return id
    }

    struct Header {
        /// 0 for a full copy.
        var depth: Int
        var base: String?
    }

    func header(_ id: String) throws -> Header {
        guard let handle = FileHandle(forReadingAtPath: path(id)) else { throw StoreError.missingObject(id: id) }
        defer { try? handle.close() }
        let prefix = handle.readData(ofLength: 34)
        return try Self.parseHeader(prefix, id: id)
    }

    private static func parseHeader(_ data: Data, id: String) throws -> Header {
        guard let tag = data.first else { throw StoreError.corruptObject(id: id, reason: "empty file") }
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

    /// The content of an object, checked against its name.
    func get(_ id: String) throws -> Data {
        try get(id, depth: 0)
    }

    private func get(_ id: String, depth: Int) throws -> Data {
        guard depth <= maxChain + 1 else { throw StoreError.corruptObject(id: id, reason: "delta chain too long (a loop?)") }
        guard let file = FileManager.default.contents(atPath: path(id)) else { throw StoreError.missingObject(id: id) }
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

    /// Every object id present, from the file names.
    func allIDs() -> [String] {
        var ids: [String] = []
        let folders = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        for folder in folders.sorted() where folder.count == 2 {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: (directory as NSString).appendingPathComponent(folder))) ?? []
            ids += names.sorted().filter { $0.count == 62 }.map { folder + $0 }
        }
        return ids
    }

    func size(_ id: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path(id)))?[.size] as? Int) ?? 0
    }

    func delete(_ id: String) throws {
        try FileManager.default.removeItem(atPath: path(id))
    }

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
