import Foundation

/// Moves a store of the file layout (loose objects and packs, `watches/*.jsonl`,
/// `state.json`, `sites.json`, `outbox/`) into the SQLite store in the same directory.
///
/// Objects are copied byte for byte (their names and delta encoding are the same in both
/// stores), then every version record, watch state, site reference, outbox entry and alert
/// marker, all in one transaction. The new store is verified before the old files are moved
/// aside into `pre-sqlite-DATE/`; nothing is deleted, and a failure leaves the old store as
/// it was (the half-made database is removed).
public enum StoreMigration {
    public struct Summary: Sendable, Codable {
        public var watches = 0
        public var versions = 0
        public var objects = 0
        public var alerts = 0
        /// Where the old files were moved.
        public var backup = ""

        public init() {}
    }

    /// Top-level names of the file layout.
    public static let legacyNames = ["objects", "packs", "watches", "state.json", "sites.json", "outbox"]

    /// Whether `root` holds a store of the file layout and no database yet.
    public static func needsMigration(_ root: String) -> Bool {
        guard !SQLiteStore.exists(at: root) else { return false }
        return legacyNames.contains { FileManager.default.fileExists(atPath: (root as NSString).appendingPathComponent($0)) }
    }

    /// Migrates the store at `root`. Call as its only writer (under `withWriterLock`).
    public static func migrate(_ root: String, now: Date = Date()) throws -> Summary {
        let legacy = FileSnapshotStore(root: root)
        let problems = legacy.verify().problems
        guard problems.isEmpty else {
            throw StoreError.io(path: root, reason: "the old store has problems; not migrated (run `newswatch verify`):\n  " + problems.prefix(10).joined(separator: "\n  "))
        }
        let store = try SQLiteStore(root: root)
        var summary = Summary()
        do {
            try store.transaction {
                for id in legacy.objects.allIDs() {
                    try store.objects.storage.write(id, try legacy.files.raw(id))
                    summary.objects += 1
                }
                for watch in try legacy.watchNames() {
                    let records = try legacy.versions(of: watch)
                    for record in records { try store.insert(record, for: watch) }
                    summary.watches += 1
                    summary.versions += records.count
                }
                try store.saveStates(try legacy.states())
                for (host, id) in legacy.siteReferencesOnDisk() {
                    try store.query("INSERT OR REPLACE INTO sites(host, object) VALUES (?1, ?2)", [.text(host), .text(id)])
                }
                let oldOutbox = FileOutboxStorage(storeRoot: root)
                let newOutbox = SQLiteOutboxStorage(store: store)
                for entry in oldOutbox.loadEntries() {
                    try newOutbox.save(entry)
                    summary.alerts += 1
                }
                if let markers = oldOutbox.loadMarkers() { try newOutbox.saveMarkers(markers, changed: Set(markers.keys)) }
            }
            let check = store.verify()
            guard check.isHealthy, check.versionsChecked == summary.versions else {
                throw StoreError.io(path: store.databasePath, reason: "the migrated store does not verify: " + check.problems.prefix(5).joined(separator: "; "))
            }
        } catch {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: store.databasePath + suffix) }
            throw error
        }
        summary.backup = try moveAside(root, now: now)
        return summary
    }

    /// Moves the old layout's files into one folder beside the database.
    private static func moveAside(_ root: String, now: Date) throws -> String {
        let stamp = ISO8601DateFormatter().string(from: now).replacingOccurrences(of: ":", with: "")
        let backup = (root as NSString).appendingPathComponent("pre-sqlite-\(stamp)")
        try FileManager.default.createDirectory(atPath: backup, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        for name in legacyNames {
            let source = (root as NSString).appendingPathComponent(name)
            guard FileManager.default.fileExists(atPath: source) else { continue }
            try FileManager.default.moveItem(atPath: source, toPath: (backup as NSString).appendingPathComponent(name))
        }
        return backup
    }
}
