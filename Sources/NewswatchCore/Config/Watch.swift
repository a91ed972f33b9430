import Foundation

/// One page to monitor, as configured in a watchlist.
public struct Watch: Sendable, Hashable {
    /// Unique across all loaded watchlists; used on the command line and as the store key.
    public var name: String
    public var url: String
    public var every: Interval
    /// `every: adaptive`: often while the story is young or just changed, then less and
    /// less as it settles, stopping after `adaptiveStop`.
    public var adaptive = false
    public var adaptiveStop = Interval(seconds: 7 * 86400)
    public var headers: [String: String]
    /// Narrows extraction to part of the page: a CSS selector (subset) or `xpath:` expression.
    public var select: ContentSelector?
    /// Elements removed before extraction.
    public var remove: [ContentSelector]
    public var webhooks: [WebhookConfig]
    /// Lines (regular expressions) that never count as changes, e.g. "^Updated \\d+ minutes ago$".
    public var ignoreLines: [String] = []
    /// `substantive` (default): alert only on real wording changes; `any`: on every new version.
    public var alertOn: AlertPolicy = .substantive
    /// Refuse pages on loopback, private, link-local or metadata addresses.
    public var blockPrivateNetworks = false
    /// A proxy for this watch's requests (`proxy:`); the environment's proxies are never used.
    public var proxy: String?
    /// Where the watch was defined, for error messages.
    public var source: SourceLocation
    /// Set for a story found by a `follow:` source.
    public var follow: FollowInfo?

    public init(
        name: String, url: String, every: Interval = Interval(seconds: 900), headers: [String: String] = [:],
        select: ContentSelector? = nil, remove: [ContentSelector] = [], webhooks: [WebhookConfig] = [],
        source: SourceLocation = SourceLocation(file: "<memory>", line: 0, column: 0)
    ) {
        self.name = name
        self.url = url
        self.every = every
        self.headers = headers
        self.select = select
        self.remove = remove
        self.webhooks = webhooks
        self.source = source
    }

    public enum AlertPolicy: String, Sendable, Hashable { case substantive, any }

    public var diffOptions: DiffOptions { DiffOptions(ignoreLines: ignoreLines) }

    /// A watch may read local files only when its own URL says so.
    public var isFileURL: Bool { url.lowercased().hasPrefix("file://") }
}

public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    public var description: String { "\(file):\(line):\(column)" }
}
