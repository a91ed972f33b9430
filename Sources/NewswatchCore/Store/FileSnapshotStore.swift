import Foundation

/// The embedded default store, laid out like git's object database:
///
///     objects/ab/cdef…          immutable, zlib-deflated, named by SHA-256 of their content
///     watches/NAME/versions.jsonl  the history log: one JSON record per version
///     watches/NAME/state.json      last checked, validators, errors, next due
///     lock                      flock held by the one writer
///     tmp/                      write-temp-then-rename staging
///
/// Objects are written before the log line that names them, so a crash at any point leaves
/// at worst an unreferenced object, never a listed version that cannot be read.
public final class FileSnapshotStore: SnapshotStore, @unchecked Sendable {
    public let root: String
    private let lockFileName = "lock"

    public init(root: String) {
        self.root = root
    }

    private var objectsDirectory: String { path("objects") }
    private var temporaryDirectory: String { path("tmp") }
    private func path(_ components: String...) -> String {
        components.reduce(root) { ($0 as NSString).appendingPathComponent($1) }
    }

    private func watchDirectory(_ watch: String) throws -> String {
        guard Self.isSafeName(watch) else { throw StoreError.invalidWatchName(watch) }
        return path("watches", watch)
    }

    /// A name can never climb out of the store: no separators, no dot-only names.
    static func isSafeName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 128 && !name.hasPrefix(".")
            && name.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) && $0.isASCII || "._-".unicodeScalars.contains($0) }
    }

    private func ensureDirectories(_ extra: String? = nil) throws {
        for directory in [root, objectsDirectory, temporaryDirectory] + (extra.map { [$0] } ?? []) {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw StoreError.io(path: directory, reason: "cannot create directory: \(error.localizedDescription)")
            }
        }
    }

    // MARK: Objects

    func objectPath(_ id: String) -> String {
        path("objects", String(id.prefix(2)), String(id.dropFirst(2)))
    }

    /// Stores content and returns its id; content already present is not written again.
    func putObject(_ content: Data) throws -> String {
        let id = Digest.sha256(content).hexString
        let target = objectPath(id)
        if FileManager.default.fileExists(atPath: target) { return id }
        let directory = (target as NSString).deletingLastPathComponent
        try ensureDirectories(directory)
        try AtomicFile.write(try Zlib.compress(content, level: 9), to: target, temporaryDirectory: temporaryDirectory)
        return id
    }

    func getObject(_ id: String) throws -> Data {
        guard let compressed = FileManager.default.contents(atPath: objectPath(id)) else { throw StoreError.missingObject(id: id) }
        let content: Data
        do {
            content = try Zlib.decompress(compressed)
        } catch {
            throw StoreError.corruptObject(id: id, reason: "\(error)")
        }
        guard Digest.sha256(content).hexString == id else { throw StoreError.corruptObject(id: id, reason: "content does not match its hash") }
        return content
    }

    // MARK: SnapshotStore

    public static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()

    public func versions(of watch: String) throws -> [VersionRecord] {
        let logPath = (try watchDirectory(watch) as NSString).appendingPathComponent("versions.jsonl")
        guard let data = FileManager.default.contents(atPath: logPath) else { return [] }
        var records: [VersionRecord] = []
        for (index, line) in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() where !line.isEmpty {
            do {
                records.append(try Self.decoder.decode(VersionRecord.self, from: Data(line)))
            } catch {
                throw StoreError.corruptLog(path: logPath, line: index + 1, reason: "not a valid version record")
            }
        }
        return records
    }

    public func article(of version: VersionRecord) throws -> Article {
        let data = try getObject(version.article)
        do {
            return try Self.decoder.decode(Article.self, from: data)
        } catch {
            throw StoreError.corruptObject(id: version.article, reason: "not an article record")
        }
    }

    public func html(of version: VersionRecord) throws -> Data {
        try getObject(version.html)
    }

    public func append(_ snapshot: Snapshot, to watch: String) throws -> VersionRecord {
        let directory = try watchDirectory(watch)
        try ensureDirectories(directory)
        let existing = try versions(of: watch)
        let articleID = try putObject(try Self.encoder.encode(snapshot.article))
        let htmlID = try putObject(snapshot.html)
        let record = VersionRecord(
            number: (existing.last?.number ?? 0) + 1, fetchedAt: snapshot.fetchedAt,
            requestedURL: snapshot.requestedURL, finalURL: snapshot.finalURL, status: snapshot.status,
            etag: snapshot.etag, lastModified: snapshot.lastModified, contentType: snapshot.contentType,
            charset: snapshot.charset, extractorVersion: snapshot.extractorVersion, article: articleID,
            html: htmlID, storyHash: Self.storyHash(snapshot.article), title: snapshot.article.title)
        let logPath = (directory as NSString).appendingPathComponent("versions.jsonl")
        var log = FileManager.default.contents(atPath: logPath) ?? Data()
        if let last = log.last, last != UInt8(ascii: "\n") { log.append(UInt8(ascii: "\n")) }
        log.append(try Self.encoder.encode(record))
        log.append(UInt8(ascii: "\n"))
        try AtomicFile.write(log, to: logPath, temporaryDirectory: temporaryDirectory)
        return record
    }

    public static func storyHash(_ article: Article) -> String {
        Digest.sha256(Data(article.storyText.utf8)).hexString
    }

    public func state(of watch: String) throws -> WatchState {
        let statePath = (try watchDirectory(watch) as NSString).appendingPathComponent("state.json")
        guard let data = FileManager.default.contents(atPath: statePath) else { return WatchState() }
        // A damaged state file only costs a conditional request; never fail a check over it.
        return (try? Self.decoder.decode(WatchState.self, from: data)) ?? WatchState()
    }

    public func save(_ state: WatchState, for watch: String) throws {
        let directory = try watchDirectory(watch)
        try ensureDirectories(directory)
        try AtomicFile.write(try Self.encoder.encode(state), to: (directory as NSString).appendingPathComponent("state.json"),
                             temporaryDirectory: temporaryDirectory)
    }

    public func watchNames() throws -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path("watches"))) ?? []
        return names.filter(Self.isSafeName).sorted()
    }

    public func withWriterLock<T>(wait: TimeInterval?, _ body: () async throws -> T) async throws -> T {
        try ensureDirectories()
        let lock = try FileLock(path: path(lockFileName))
        try await lock.lock(wait: wait)
        defer { lock.unlock() }
        return try await body()
    }
}
