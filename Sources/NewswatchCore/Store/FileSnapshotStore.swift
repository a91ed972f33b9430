import Foundation

/// The embedded default store, laid out like git's object database:
///
///     objects/ab/cdef…       loose objects: immutable, zlib-deflated (or deltified), named by
///                            the SHA-256 of their content
///     packs/pack-….pack      objects gathered into one file after a check (like `git gc`)
///     watches/NAME.jsonl     a watch's history: one JSON record per version
///     state.json             per-watch schedule state: last checked, validators, errors, next due
///     sites.json             per-host ref to the latest page stored, the delta base for new watches
///     lock                   flock held by the one writer
///     tmp/                   write-temp-fsync-rename staging
///
/// Objects are written before the log line that names them and packs before the loose
/// objects they replace are removed, so a crash at any point leaves at worst an unreferenced
/// object or a duplicate, never a listed version that cannot be read.
public final class FileSnapshotStore: SnapshotStore, @unchecked Sendable {
    public let root: String
    let objects: ObjectDatabase
    let files: PackedFileStorage
    /// Loose objects that trigger packing at the end of a check.
    public var packThreshold = 64

    public init(root: String) {
        self.root = root
        files = PackedFileStorage(root: root)
        objects = ObjectDatabase(storage: files)
    }

    var temporaryDirectory: String { path("tmp") }
    func path(_ components: String...) -> String {
        components.reduce(root) { ($0 as NSString).appendingPathComponent($1) }
    }

    private func logPath(_ watch: String) throws -> String {
        guard StoreFormat.isSafeName(watch) else { throw StoreError.invalidWatchName(watch) }
        return path("watches", watch + ".jsonl")
    }

    private var directoriesReady = false

    func ensureDirectories() throws {
        if directoriesReady { return }
        for directory in [root, path("objects"), path("watches"), temporaryDirectory] {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw StoreError.io(path: directory, reason: "cannot create directory: \(error.localizedDescription)")
            }
        }
        directoriesReady = true
    }

    func objectPath(_ id: String) -> String { files.loosePath(id) }

    func getObject(_ id: String) throws -> Data { try objects.get(id) }

    // MARK: History

    public static var encoder: JSONEncoder { JSONCoding.encoder }
    static var decoder: JSONDecoder { JSONCoding.decoder }

    public func versions(of watch: String) throws -> [VersionRecord] {
        let file = try logPath(watch)
        guard let data = FileManager.default.contents(atPath: file) else { return [] }
        var records: [VersionRecord] = []
        for (index, line) in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() where !line.isEmpty {
            do {
                records.append(try Self.decoder.decode(VersionRecord.self, from: Data(line)))
            } catch {
                throw StoreError.corruptLog(path: file, line: index + 1, reason: "not a valid version record")
            }
        }
        return records
    }

    public func article(of version: VersionRecord) throws -> Article {
        let data = try objects.get(version.article)
        do {
            return try Self.decoder.decode(Article.self, from: data)
        } catch {
            throw StoreError.corruptObject(id: version.article, reason: "not an article record")
        }
    }

    public func html(of version: VersionRecord) throws -> Data {
        try objects.get(version.html)
    }

    /// Replaces a watch's history log in one atomic step (append, prune, reextract).
    /// Decodes only the last record of a log: what every check needs, at the cost of one
    /// line rather than the whole history. (`versions(of:)` and `verify` read every line.)
    public func latestVersion(of watch: String) throws -> VersionRecord? {
        let file = try logPath(watch)
        guard let data = FileManager.default.contents(atPath: file) else { return nil }
        return try lastRecord(in: data, file: file)
    }

    private func lastRecord(in log: Data, file: String) throws -> VersionRecord? {
        let newline = UInt8(ascii: "\n")
        var end = log.endIndex
        while end > log.startIndex && log[end - 1] == newline { end -= 1 }
        guard end > log.startIndex else { return nil }
        let start = log[..<end].lastIndex(of: newline).map { $0 + 1 } ?? log.startIndex
        do {
            return try Self.decoder.decode(VersionRecord.self, from: Data(log[start..<end]))
        } catch {
            let line = log[..<start].reduce(1) { $1 == newline ? $0 + 1 : $0 }
            throw StoreError.corruptLog(path: file, line: line, reason: "not a valid version record")
        }
    }

    func writeLog(_ records: [VersionRecord], for watch: String) throws {
        var log = Data()
        for record in records {
            log.append(try Self.encoder.encode(record))
            log.append(UInt8(ascii: "\n"))
        }
        try AtomicFile.write(log, to: try logPath(watch), temporaryDirectory: temporaryDirectory)
    }

    public func append(_ snapshot: Snapshot, to watch: String) throws -> VersionRecord {
        let logFile = try logPath(watch)
        try ensureDirectories()
        let log = FileManager.default.contents(atPath: logFile) ?? Data()
        // Objects first, each a delta against the previous version's when that is smaller. A
        // watch's first page is deltified against the latest page stored from the same site:
        // news sites share one template, so even a first version costs little.
        let previous = try lastRecord(in: log, file: logFile)
        let host = URLComponents(string: snapshot.finalURL)?.host?.lowercased()
        let siteBase = previous == nil ? host.flatMap { siteReferences()[$0] }.flatMap { objects.exists($0) ? $0 : nil } : nil
        let articleID = try objects.put(try Self.encoder.encode(snapshot.article), base: previous?.article)
        let htmlID = try objects.put(snapshot.html, base: previous?.html ?? siteBase)
        let record = VersionRecord(snapshot: snapshot, number: (previous?.number ?? 0) + 1, article: articleID, html: htmlID)
        // The log gains one line; earlier lines are carried over byte for byte (a whole new
        // file still replaces the old one by rename, so a crash leaves one or the other).
        var newLog = log
        if let last = newLog.last, last != UInt8(ascii: "\n") { newLog.append(UInt8(ascii: "\n")) }
        newLog.append(try Self.encoder.encode(record))
        newLog.append(UInt8(ascii: "\n"))
        try AtomicFile.write(newLog, to: logFile, temporaryDirectory: temporaryDirectory)
        // Any recent page of the site serves as a base for the next new watch there: the
        // reference moves to a fresh page once per site per process, not on every version.
        if let host, !refreshedSites.contains(host) {
            refreshedSites.insert(host)
            try? saveSiteReference(htmlID, for: host)
        }
        return record
    }

    public func watchNames() throws -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path("watches"))) ?? []
        return names.filter { $0.hasSuffix(".jsonl") }.map { String($0.dropLast(6)) }.filter(StoreFormat.isSafeName).sorted()
    }

    // MARK: Small mutable files

    private var cachedSites: [String: String]?
    private var refreshedSites: Set<String> = []

    private func siteReferences() -> [String: String] {
        if let cachedSites { return cachedSites }
        let data = FileManager.default.contents(atPath: path("sites.json")) ?? Data("{}".utf8)
        let sites = (try? JSONDecoder().decode([String: String].self, from: data)) ?? [:]
        cachedSites = sites
        return sites
    }

    /// The site references as stored (for migration).
    func siteReferencesOnDisk() -> [String: String] { siteReferences() }

    private func saveSiteReference(_ id: String, for host: String) throws {
        var sites = siteReferences()
        sites[host] = id
        cachedSites = sites
        try AtomicFile.write(try Self.encoder.encode(sites), to: path("sites.json"), temporaryDirectory: temporaryDirectory)
    }

    public func states() throws -> [String: WatchState] {
        guard let data = FileManager.default.contents(atPath: path("state.json")) else { return [:] }
        // A damaged state file only costs conditional requests and due times; never fail over it.
        return (try? StoreFormat.stateDecoder.decode([String: WatchState].self, from: data)) ?? [:]
    }

    public func saveStates(_ updates: [String: WatchState]) throws {
        guard !updates.isEmpty else { return }
        try ensureDirectories()
        var all = try states()
        all.merge(updates) { _, new in new }
        try AtomicFile.write(try StoreFormat.stateEncoder.encode(all), to: path("state.json"), temporaryDirectory: temporaryDirectory)
    }

    // MARK: Writer lock and housekeeping

    public func withWriterLock<T>(wait: TimeInterval?, _ body: () async throws -> T) async throws -> T {
        try ensureDirectories()
        let lock = try FileLock(path: path("lock"))
        try await lock.lock(wait: wait)
        defer { lock.unlock() }
        removeStaleTemporaryFiles()
        cachedSites = nil
        return try await body()
    }

    public func makeOutbox() -> Outbox { Outbox(storeRoot: root) }

    /// Gathers loose objects into a pack when there are enough of them (call under the lock).
    public func packIfNeeded() throws {
        if files.looseIDs().count >= packThreshold || files.packCount > 16 { try files.pack() }
    }

    /// Temporary files left by a writer that was killed mid-write; safe to remove while we
    /// hold the writer lock, since nobody else writes.
    private func removeStaleTemporaryFiles() {
        for name in (try? FileManager.default.contentsOfDirectory(atPath: temporaryDirectory)) ?? [] where name.hasPrefix("tmp-") {
            try? FileManager.default.removeItem(atPath: (temporaryDirectory as NSString).appendingPathComponent(name))
        }
    }
}
