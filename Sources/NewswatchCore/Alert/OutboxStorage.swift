import Foundation

/// Where the outbox keeps its entries and its alerted-version markers. The outbox decides
/// what to send and when; storage only keeps what it is given.
public protocol OutboxStorage: Sendable {
    /// Every entry, in sequence order.
    func loadEntries() -> [OutboxEntry]
    func save(_ entry: OutboxEntry) throws
    func remove(_ entry: OutboxEntry)
    /// The last version of each watch whose alerts were queued; nil when none were ever
    /// recorded (a new outbox, which starts from the versions already stored).
    func loadMarkers() -> [String: Int]?
    /// Records `markers`, of which those of `changed` watches moved since the last save.
    func saveMarkers(_ markers: [String: Int], changed: Set<String>) throws
}

/// The file layout of stores written before the SQLite store: one file per entry
/// (`outbox/SEQUENCE.json`, write-temp-then-rename) plus `outbox/alerted.json`.
public final class FileOutboxStorage: OutboxStorage, @unchecked Sendable {
    public let directory: String
    private let temporaryDirectory: String

    public init(storeRoot: String) {
        directory = (storeRoot as NSString).appendingPathComponent("outbox")
        temporaryDirectory = (storeRoot as NSString).appendingPathComponent("tmp")
    }

    private var markersPath: String { (directory as NSString).appendingPathComponent("alerted.json") }

    private func ensure() throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: temporaryDirectory, withIntermediateDirectories: true)
    }

    private func path(of entry: OutboxEntry) -> String {
        (directory as NSString).appendingPathComponent(String(format: "%012d.json", entry.sequence))
    }

    public func loadEntries() -> [OutboxEntry] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.hasSuffix(".json") && $0 != "alerted.json" }.compactMap { name in
            FileManager.default.contents(atPath: (directory as NSString).appendingPathComponent(name))
                .flatMap { try? JSONCoding.decoder.decode(OutboxEntry.self, from: $0) }
        }.sorted { $0.sequence < $1.sequence }
    }

    public func save(_ entry: OutboxEntry) throws {
        try ensure()
        try AtomicFile.write(try JSONCoding.encoder.encode(entry), to: path(of: entry), temporaryDirectory: temporaryDirectory)
    }

    public func remove(_ entry: OutboxEntry) {
        try? FileManager.default.removeItem(atPath: path(of: entry))
    }

    public func loadMarkers() -> [String: Int]? {
        guard let data = FileManager.default.contents(atPath: markersPath) else { return nil }
        return (try? JSONDecoder().decode([String: Int].self, from: data)) ?? [:]
    }

    public func saveMarkers(_ markers: [String: Int], changed: Set<String>) throws {
        try ensure()
        try AtomicFile.write(try JSONEncoder().encode(markers), to: markersPath, temporaryDirectory: temporaryDirectory)
    }
}
