import Foundation
import NewswatchCore

/// What is at a --store path, so read commands can refuse a typo and writers never scatter
/// objects into a directory that holds something else.
enum StoreLocation: Equatable {
    /// The SQLite store (`newswatch.db`).
    case store
    /// A store of the file layout written before the SQLite store, to be migrated.
    case fileLayout
    case missing
    case emptyDirectory
    case notAStore(String)

    static func inspect(_ path: String) -> StoreLocation {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return .missing }
        guard isDirectory.boolValue else { return .notAStore("it is a file") }
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: path) else { return .notAStore("it cannot be read") }
        if entries.contains(SQLiteStore.fileName) { return .store }
        if entries.contains(where: StoreMigration.legacyNames.contains) { return .fileLayout }
        if entries.allSatisfy({ $0 == "lock" || $0 == "tmp" || $0 == "schedule.json" || $0.hasPrefix(".") }) { return .emptyDirectory }
        return .notAStore("it holds other files and no newswatch.db")
    }
}
