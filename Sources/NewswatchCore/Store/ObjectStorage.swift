import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Where an `ObjectDatabase` keeps encoded objects: it stores and returns bytes by id and
/// knows nothing of deltas or compression, so the database's encoding, delta chains and
/// checks are the same whatever holds the bytes (files here, an SQLite table, later a
/// bucket).
protocol ObjectStorage: AnyObject, Sendable {
    /// The stored bytes of an object; `StoreError.missingObject` when absent.
    func raw(_ id: String) throws -> Data
    /// The first `count` stored bytes (the header), cheaper than `raw` where storage allows.
    func prefix(_ id: String, _ count: Int) throws -> Data
    func contains(_ id: String) -> Bool
    /// Stores an object's encoded bytes under its id (durably, or within the caller's transaction).
    func write(_ id: String, _ bytes: Data) throws
    /// Every object id present, sorted.
    func allIDs() -> [String]
}

extension ObjectStorage {
    func prefix(_ id: String, _ count: Int) throws -> Data { try raw(id).prefix(count) }
}

/// The file layout of stores written before the SQLite store (and by `FileSnapshotStore`):
/// loose objects in `objects/ab/cdef…`, and packs, `packs/pack-….pack`: `NWPACK1\n` then
/// entries of 32 raw id bytes, varint length, object bytes. Packs are written whole (temp,
/// fsync, rename) and never changed; repacking writes a new one.
final class PackedFileStorage: ObjectStorage, @unchecked Sendable {
    let root: String
    static let packMagic = Data("NWPACK1\n".utf8)

    init(root: String) { self.root = root }

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
    func raw(_ id: String) throws -> Data {
        if let file = FileManager.default.contents(atPath: loosePath(id)) { return file }
        loadPacks()
        if let entry = packIndex?[id] {
            let data = packData[entry.pack]
            return data.subdata(in: (data.startIndex + entry.range.lowerBound)..<(data.startIndex + entry.range.upperBound))
        }
        throw StoreError.missingObject(id: id)
    }

    func contains(_ id: String) -> Bool {
        if FileManager.default.fileExists(atPath: loosePath(id)) { return true }
        loadPacks()
        return packIndex?[id] != nil
    }

    func prefix(_ id: String, _ count: Int) throws -> Data {
        if let handle = FileHandle(forReadingAtPath: loosePath(id)) {
            defer { try? handle.close() }
            return handle.readData(ofLength: count)
        }
        return try raw(id).prefix(count)
    }

    func write(_ id: String, _ bytes: Data) throws {
        let target = loosePath(id)
        try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try AtomicFile.write(bytes, to: target, temporaryDirectory: temporaryDirectory)
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
                pack.append(ObjectDatabase.rawID(id))
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

}
