import Foundation

/// What lets a cron-driven `check` with nothing to do return at once: the watchlist files'
/// sizes and modification times when the schedule was last computed, and the earliest next
/// due time over all their watches. If the files are unchanged and that time has not come,
/// nothing can be due, without parsing thousands of watches or reading their state.
public struct ScheduleHint: Codable, Sendable, Equatable {
    public var fingerprint: [String: String]
    public var earliestDue: Date

    public init(fingerprint: [String: String], earliestDue: Date) {
        self.fingerprint = fingerprint
        self.earliestDue = earliestDue
    }

    /// Size and modification time of the watchlist file, or of each YAML file in the directory.
    public static func fingerprint(of path: String) -> [String: String] {
        var files = [path]
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            files = ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [])
                .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.map { (path as NSString).appendingPathComponent($0) }
            files.append(path)  // a file added or removed changes the directory's time
        }
        var result: [String: String] = [:]
        for file in files {
            let attributes = try? FileManager.default.attributesOfItem(atPath: file)
            let modified = (attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
            result[file] = "\(attributes?[.size] as? Int ?? -1)@\(modified)"
        }
        return result
    }

    static func path(in store: String) -> String { (store as NSString).appendingPathComponent("schedule.json") }

    public static func load(store: String) -> ScheduleHint? {
        guard let data = FileManager.default.contents(atPath: path(in: store)) else { return nil }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        return try? decoder.decode(ScheduleHint.self, from: data)
    }

    public func save(store: String) throws {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        // Staged beside the store's files, in a folder of its own (the SQLite store has no other use for one).
        let staging = (store as NSString).appendingPathComponent("tmp")
        try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try AtomicFile.write(try encoder.encode(self), to: Self.path(in: store), temporaryDirectory: staging)
    }
}
