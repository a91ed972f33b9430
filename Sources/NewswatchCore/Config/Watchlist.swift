import Foundation

/// All watches loaded from one or more watchlist files.
public struct Watchlist: Sendable {
    public var watches: [Watch]
    public var files: [String]
    /// Non-fatal findings such as unknown keys, with a "did you mean".
    public var warnings: [String]

    public init(watches: [Watch] = [], files: [String] = [], warnings: [String] = []) {
        self.watches = watches
        self.files = files
        self.warnings = warnings
    }

    public func watch(named name: String) -> Watch? { watches.first { $0.name == name } }
}
