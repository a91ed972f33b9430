import Foundation

/// `newswatch migrate --to postgres://...`: copies an SQLite store into a PostgreSQL one as
/// it is (blobs byte for byte, version records, states, site bases, the outbox and its
/// markers), in one transaction on the PostgreSQL side. The SQLite store is only read.
public enum StoreCopy {
    public struct Summary: Sendable {
        public var watches = 0
        public var versions = 0
        public var objects = 0
        public var alerts = 0
    }

    public enum CopyError: Error, CustomStringConvertible {
        case targetNotEmpty
        public var description: String { "the database already holds a newswatch history; copy only into an empty one" }
    }

    public static func copy(from source: SQLiteStore, to target: PostgresStore) throws -> Summary {
        guard try target.watchNames().isEmpty else { throw CopyError.targetNotEmpty }
        var summary = Summary()
        try target.transaction {
            let sourceObjects = source.objects.storage, targetObjects = target.objects.storage
            for id in sourceObjects.allIDs() {
                try targetObjects.write(id, try sourceObjects.raw(id))
                summary.objects += 1
            }
            for watch in try source.watchNames() {
                let versions = try source.versions(of: watch)
                for record in versions { try target.insert(record, for: watch) }
                summary.watches += 1
                summary.versions += versions.count
            }
            try target.saveStates(try source.states())
            for row in try source.query("SELECT host, object FROM sites") {
                guard case .text(let host) = row[0], case .text(let object) = row[1] else { continue }
                try target.query("INSERT INTO newswatch_sites(host, object) VALUES ($1, $2) ON CONFLICT (host) DO UPDATE SET object = EXCLUDED.object",
                                 [.text(host), .text(object)])
            }
            let from = SQLiteOutboxStorage(store: source), to = PostgresOutboxStorage(store: target)
            for entry in from.loadEntries() {
                try to.save(entry)
                summary.alerts += 1
            }
            if let markers = from.loadMarkers() { try to.saveMarkers(markers, changed: Set(markers.keys)) }
        }
        return summary
    }
}
