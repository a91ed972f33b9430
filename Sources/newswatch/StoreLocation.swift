import Foundation

/// What is at a --store path, so read commands can refuse a typo and writers never scatter
/// objects into a directory that holds something else.
enum StoreLocation: Equatable {
    case store
    case missing
    case emptyDirectory
    case notAStore(String)

    /// Files and directories only a newswatch store has at its top.
    static let markers = ["state.json", "watches", "objects", "packs"]

    static func inspect(_ path: String) -> StoreLocation {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return .missing }
        guard isDirectory.boolValue else { return .notAStore("it is a file") }
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: path) else { return .notAStore("it cannot be read") }
        if entries.contains(where: markers.contains) { return .store }
        if entries.allSatisfy({ $0 == "lock" || $0 == "tmp" || $0.hasPrefix(".") }) { return .emptyDirectory }
        return .notAStore("it holds other files and no objects/, watches/ or state.json")
    }
}
