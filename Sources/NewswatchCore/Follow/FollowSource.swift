import Foundation

/// A publication followed through a feed, a sitemap or a section page (`follow:` in a
/// watchlist): every story it lists becomes a watch of its own for `followFor`.
public struct FollowSource: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, CaseIterable { case feed, sitemap, front }

    /// Unique across watches and sources; its stories are named `<name>.<slug>`.
    public var name: String
    public var kind: Kind
    public var url: String
    /// Which links of a front page are stories (feeds and sitemaps list only stories).
    public var links: LinkFilter?
    /// How often the source itself is read.
    public var every = Interval(seconds: 900)
    /// A story stops being fetched this long after it was discovered (its history stays).
    public var followFor = Interval(seconds: 7 * 86400)
    /// At most this many new stories are taken per read; the rest wait for the next read.
    public var maxNew = 100
    /// Query parameters kept although they look like tracking (`keep_params:`).
    public var keepParams: Set<String> = []
    /// What every story watch inherits: the file's defaults, webhooks and email; `adaptive`
    /// schedule unless the defaults name an interval.
    public var storyTemplate: Watch
    public var location: SourceLocation

    public init(name: String, kind: Kind, url: String, storyTemplate: Watch, location: SourceLocation) {
        self.name = name
        self.kind = kind
        self.url = url
        self.storyTemplate = storyTemplate
        self.location = location
    }

    /// The watch for one of this source's stories.
    public func storyWatch(named name: String, url: String, published: Date?) -> Watch {
        var watch = storyTemplate
        watch.name = name
        watch.url = url
        watch.follow = FollowInfo(source: self.name, published: published)
        return watch
    }

    /// The source read as a page: its request settings come from the defaults.
    public var sourceWatch: Watch {
        var watch = storyTemplate
        watch.name = name
        watch.url = url
        watch.every = every
        watch.adaptive = false
        return watch
    }
}

/// Which links of a front page are stories: a regular expression over the absolute URL, or
/// a CSS selector (`css: "h2 a.headline"`) for the links (or the elements holding them).
public enum LinkFilter: Sendable, Hashable {
    case pattern(String)
    case css(ContentSelector)

    public struct Invalid: Error, CustomStringConvertible {
        public var description: String
    }

    /// `css: SELECTOR` (checked as `select:` is), or else a regular expression.
    public init(parsing text: String) throws {
        if text.lowercased().hasPrefix("css:") {
            let selector = try ContentSelector(parsing: text.dropFirst(4).trimmingCharacters(in: .whitespaces))
            try HTMLDocument.validate(selector)
            self = .css(selector)
        } else if (try? NSRegularExpression(pattern: text)) == nil {
            throw Invalid(description: "'\(text)' is not a valid regular expression (or write css: SELECTOR)")
        } else {
            self = .pattern(text)
        }
    }
}

/// Where a story watch came from.
public struct FollowInfo: Sendable, Hashable, Codable {
    /// The `follow:` entry's name.
    public var source: String
    /// The publication time the feed or sitemap gave, if any.
    public var published: Date?

    public init(source: String, published: Date?) {
        self.source = source
        self.published = published
    }
}

/// `check --now`: the time a run pretends it is, for tests and replays.
public enum SimulatedClock {
    public static func parse(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)
    }
}
