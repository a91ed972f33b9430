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
    let objects: ObjectDatabase

    public init(root: String) {
        self.root = root
        objects = ObjectDatabase(directory: (root as NSString).appendingPathComponent("objects"),
                                 temporaryDirectory: (root as NSString).appendingPathComponent("tmp"))
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

    func objectPath(_ id: String) -> String { objects.path(id) }

    func getObject(_ id: String) throws -> Data { try objects.get(id) }

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

    /// Replaces a watch's history log in one atomic step (prune, reextract).
    func writeLog(_ records: [VersionRecord], for watch: String) throws {
        let directory = try watchDirectory(watch)
        var log = Data()
        for record in records {
            log.append(try Self.encoder.encode(record))
            log.append(UInt8(ascii: "\n"))
        }
        try AtomicFile.write(log, to: (directory as NSString).appendingPathComponent("versions.jsonl"), temporaryDirectory: temporaryDirectory)
    }

    public func append(_ snapshot: Snapshot, to watch: String) throws -> VersionRecord {
        let directory = try watchDirectory(watch)
        try ensureDirectories(directory)
        let existing = try versions(of: watch)
        // Objects first, each as a delta against the previous version's when smaller;
        // the log line that names them comes last.
        let previous = existing.last
        let articleID = try objects.put(try Self.encoder.encode(snapshot.article), base: previous?.article)
        let htmlID = try objects.put(snapshot.html, base: previous?.html)
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
        removeStaleTemporaryFiles()
        return try await body()
    }

    /// Temporary files left by a writer that was killed mid-write; safe to remove while we
    /// hold the writer lock, since nobody else writes.
    private func removeStaleTemporaryFiles() {
        for name in (try? FileManager.default.contentsOfDirectory(atPath: temporaryDirectory)) ?? [] where name.hasPrefix("tmp-") {
            try? FileManager.default.removeItem(atPath: (temporaryDirectory as NSString).appendingPathComponent(name))
        }
    }
}
