import Foundation

/// The outbox in the store's database: entries in `outbox`, markers in `alerted`. A hook is
/// named by the hash of its configuration and its URL is kept masked (a Slack or Discord
/// hook URL is itself the secret): URL, secret and headers come from the watchlist at send
/// time, so nothing secret rests in the store.
final class SQLiteOutboxStorage: OutboxStorage, @unchecked Sendable {
    private let store: SQLiteStore

    init(store: SQLiteStore) { self.store = store }

    func loadEntries() -> [OutboxEntry] {
        ((try? store.query("SELECT entry FROM outbox ORDER BY sequence")) ?? []).compactMap {
            guard case .blob(let data) = $0[0] else { return nil }
            return try? JSONCoding.decoder.decode(OutboxEntry.self, from: data)
        }
    }

    func save(_ entry: OutboxEntry) throws {
        var stored = entry
        stored.hookURL = WebhookConfig.masked(entry.hookURL)
        try store.query("INSERT OR REPLACE INTO outbox(sequence, entry) VALUES (?1, ?2)",
                        [.integer(Int64(entry.sequence)), .blob(try JSONCoding.encoder.encode(stored))])
    }

    func remove(_ entry: OutboxEntry) {
        _ = try? store.query("DELETE FROM outbox WHERE sequence = ?1", [.integer(Int64(entry.sequence))])
    }

    func loadMarkers() -> [String: Int]? {
        guard let rows = try? store.query("SELECT watch, version FROM alerted") else { return [:] }
        // The row for "" records that markers exist at all (an outbox that alerted nothing yet).
        guard !rows.isEmpty else { return nil }
        var markers: [String: Int] = [:]
        for row in rows {
            if case .text(let watch) = row[0], case .integer(let version) = row[1], !watch.isEmpty { markers[watch] = Int(version) }
        }
        return markers
    }

    func saveMarkers(_ markers: [String: Int], changed: Set<String>) throws {
        try store.transaction {
            try store.query("INSERT OR IGNORE INTO alerted(watch, version) VALUES ('', 0)")
            for watch in changed {
                guard let version = markers[watch] else { continue }
                try store.query("INSERT OR REPLACE INTO alerted(watch, version) VALUES (?1, ?2)", [.text(watch), .integer(Int64(version))])
            }
        }
    }
}
