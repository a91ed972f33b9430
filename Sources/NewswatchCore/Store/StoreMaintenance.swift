import Foundation

/// What `verify` found. Empty `problems` means every object re-hashed to its name and every
/// history entry resolves.
public struct StoreVerification: Sendable {
    public var objectsChecked = 0
    public var versionsChecked = 0
    public var problems: [String] = []
    public var isHealthy: Bool { problems.isEmpty }
}

/// Figures for `stats`.
public struct StoreStatistics: Sendable, Codable {
    public struct WatchFigures: Sendable, Codable {
        public var name: String
        public var versions: Int
        public var storyBytes: Int
        public var htmlBytes: Int
    }

    public var watches: [WatchFigures] = []
    public var versions = 0
    public var objects = 0
    public var deltaObjects = 0
    /// Bytes of all files under the store.
    public var diskBytes = 0
    /// Bytes of the versions' article JSON and HTML, uncompressed.
    public var contentBytes = 0
    public var ratio: Double { diskBytes == 0 ? 0 : Double(contentBytes) / Double(diskBytes) }
}

/// Which versions `prune` keeps.
public struct PrunePolicy: Sendable {
    public var keepLast: Int?
    public var olderThan: TimeInterval?
    /// The first version is the baseline of every later diff: kept unless this is set.
    public var includeFirst = false

    public init(keepLast: Int? = nil, olderThan: TimeInterval? = nil, includeFirst: Bool = false) {
        self.keepLast = keepLast
        self.olderThan = olderThan
        self.includeFirst = includeFirst
    }

    /// With both limits a version goes only when it is beyond the last N *and* old enough.
    func keeps(_ record: VersionRecord, index: Int, count: Int, now: Date) -> Bool {
        if index == 0 && !includeFirst { return true }
        if index == count - 1 { return true }  // the latest is what the next check compares with
        let beyondLast = keepLast.map { index < count - $0 }
        let tooOld = olderThan.map { now.timeIntervalSince(record.fetchedAt) > $0 }
        switch (beyondLast, tooOld) {
        case (nil, nil): return true
        case (let beyond?, nil): return !beyond
        case (nil, let old?): return !old
        case (let beyond?, let old?): return !(beyond && old)
        }
    }
}

public struct PruneResult: Sendable {
    public var versionsRemoved = 0
    public var objectsRemoved = 0
    public var bytesFreed = 0
}

/// Store upkeep: integrity checks, pruning and figures. A server-backed store would answer
/// the same questions its own way.
public protocol MaintainableStore: SnapshotStore {
    func verify() -> StoreVerification
    func statistics() throws -> StoreStatistics
    func prune(_ policy: PrunePolicy, watches: [String]?, now: Date, dryRun: Bool) throws -> PruneResult
    /// Re-runs `extractor` over every stored page of `watch`, replacing the articles.
    /// Re-reads every stored page of a watch with `extractor`, applying the watch's own
    /// `select:`/`remove:` exactly as `check` does.
    func reextract(_ watch: String, with extractor: any ArticleExtractor, select: ContentSelector?,
                   remove: [ContentSelector]) throws -> (versions: Int, changed: Int)
}

/// What a store built on an `ObjectDatabase` provides so that verify, stats, prune and
/// reextract are written once for every such store.
protocol ObjectBackedStore: MaintainableStore {
    var objects: ObjectDatabase { get }
    /// Replaces a watch's history in one atomic step (prune, reextract).
    func replaceHistory(_ records: [VersionRecord], for watch: String) throws
    /// Drops every object not in `live`.
    func collectGarbage(keeping live: Set<String>) throws
    /// Damage the storage itself reports (pack files, the database's integrity check).
    func storageProblems() -> [String]
    /// Bytes the store occupies on disk.
    var diskBytes: Int { get }
}

extension FileSnapshotStore: ObjectBackedStore {
    func replaceHistory(_ records: [VersionRecord], for watch: String) throws { try writeLog(records, for: watch) }
    func collectGarbage(keeping live: Set<String>) throws { try files.pack(keeping: live) }
    func storageProblems() -> [String] { files.packProblems() }
    var diskBytes: Int { Self.diskUsage(root) }

    static func diskUsage(_ path: String) -> Int {
        var total = 0
        let enumerator = FileManager.default.enumerator(atPath: path)
        while let relative = enumerator?.nextObject() as? String {
            let attributes = try? FileManager.default.attributesOfItem(atPath: (path as NSString).appendingPathComponent(relative))
            if attributes?[.type] as? FileAttributeType == .typeRegular { total += attributes?[.size] as? Int ?? 0 }
        }
        return total
    }
}

extension ObjectBackedStore {
    public func verify() -> StoreVerification {
        var report = StoreVerification()
        report.problems += storageProblems()
        var bad: [String: String] = [:]
        for id in objects.allIDs() {
            report.objectsChecked += 1
            do {
                _ = try objects.get(id)
            } catch {
                let reason = "\(error)"
                bad[id] = reason
                report.problems.append("object \(id): \(reason)")
            }
        }
        for watch in (try? watchNames()) ?? [] {
            let records: [VersionRecord]
            do {
                records = try versions(of: watch)
            } catch {
                report.problems.append("\(error)")
                continue
            }
            for record in records {
                report.versionsChecked += 1
                for (kind, id) in [("article", record.article), ("html", record.html)] {
                    if let reason = bad[id] {
                        report.problems.append("\(watch)@\(record.number): \(kind) object \(id) is unreadable (\(reason))")
                    } else if !objects.exists(id) {
                        report.problems.append("\(watch)@\(record.number): \(kind) object \(id) is missing")
                    }
                }
            }
        }
        return report
    }

    public func statistics() throws -> StoreStatistics {
        var figures = StoreStatistics()
        for watch in try watchNames() {
            let records = try versions(of: watch)
            var entry = StoreStatistics.WatchFigures(name: watch, versions: records.count, storyBytes: 0, htmlBytes: 0)
            for record in records {
                entry.storyBytes += (try? objects.get(record.article).count) ?? 0
                entry.htmlBytes += (try? objects.get(record.html).count) ?? 0
            }
            figures.versions += records.count
            figures.contentBytes += entry.storyBytes + entry.htmlBytes
            figures.watches.append(entry)
        }
        for id in objects.allIDs() {
            figures.objects += 1
            if ((try? objects.header(id).depth) ?? 0) > 0 { figures.deltaObjects += 1 }
        }
        figures.diskBytes = diskBytes
        return figures
    }

    public func prune(_ policy: PrunePolicy, watches: [String]?, now: Date, dryRun: Bool) throws -> PruneResult {
        var result = PruneResult()
        let selected = Set(try watches ?? watchNames())
        var histories: [String: [VersionRecord]] = [:]
        for watch in try watchNames() {
            let records = try versions(of: watch)
            guard selected.contains(watch) else { histories[watch] = records; continue }
            let kept = records.enumerated().filter { policy.keeps($1, index: $0, count: records.count, now: now) }.map(\.element)
            result.versionsRemoved += records.count - kept.count
            histories[watch] = kept
            if !dryRun && kept.count != records.count { try replaceHistory(kept, for: watch) }
        }
        // Collect garbage: objects no kept version names, directly or as a delta base.
        var live = Set<String>()
        for record in histories.values.joined() {
            for id in [record.article, record.html] {
                var next: String? = id
                while let current = next, live.insert(current).inserted {
                    next = try? objects.header(current).base
                }
            }
        }
        for id in objects.allIDs() where !live.contains(id) {
            result.objectsRemoved += 1
            result.bytesFreed += objects.size(id)
        }
        if !dryRun { try collectGarbage(keeping: live) }
        return result
    }

    public func reextract(_ watch: String, with extractor: any ArticleExtractor, select: ContentSelector?,
                          remove: [ContentSelector]) throws -> (versions: Int, changed: Int) {
        let records = try versions(of: watch)
        try beginBatch()
        defer { rollbackBatch() }
        var updated: [VersionRecord] = []
        var changed = 0
        var previousArticle: String?
        for var record in records {
            let html = try objects.get(record.html)
            let article = try extractor.extract(ExtractionInput(html: html, url: record.finalURL, charset: record.charset,
                                                                select: select, remove: remove))
            let id = try objects.put(try JSONCoding.encoder.encode(article), base: previousArticle)
            if id != record.article { changed += 1 }
            record.article = id
            record.storyHash = StoreFormat.storyHash(article)
            record.title = article.title
            record.extractorVersion = extractor.version
            previousArticle = id
            updated.append(record)
        }
        try replaceHistory(updated, for: watch)
        // The fingerprint described the story as the old extraction saw it.
        var states = try states()
        if var state = states[watch], state.storyFingerprint != nil {
            state.storyFingerprint = nil
            state.quickChecks = 0
            states[watch] = state
            try saveStates([watch: state])
        }
        try commitBatch()
        return (records.count, changed)
    }
}
