import Foundation

/// All watches loaded from one or more watchlist files.
public struct Watchlist: Sendable {
    public var watches: [Watch]
    /// Publications followed through feeds, sitemaps and section pages.
    public var follows: [FollowSource] = []
    public var files: [String]
    /// Non-fatal findings such as unknown keys, with a "did you mean".
    public var warnings: [String]

    public init(watches: [Watch] = [], follows: [FollowSource] = [], files: [String] = [], warnings: [String] = []) {
        self.watches = watches
        self.follows = follows
        self.files = files
        self.warnings = warnings
    }

    public func watch(named name: String) -> Watch? { watches.first { $0.name == name } }
    public func follow(named name: String) -> FollowSource? { follows.first { $0.name == name } }
}
