import Foundation

/// One fetched-and-extracted version of a page, before it is stored.
public struct Snapshot: Sendable {
    public var fetchedAt: Date
    public var requestedURL: String
    public var finalURL: String
    public var status: Int
    public var etag: String?
    public var lastModified: String?
    public var contentType: String?
    public var charset: String?
    public var extractorVersion: String
    public var article: Article
    public var html: Data

    public init(fetchedAt: Date, requestedURL: String, finalURL: String, status: Int, etag: String? = nil,
                lastModified: String? = nil, contentType: String? = nil, charset: String? = nil,
                extractorVersion: String, article: Article, html: Data) {
        self.fetchedAt = fetchedAt
        self.requestedURL = requestedURL
        self.finalURL = finalURL
        self.status = status
        self.etag = etag
        self.lastModified = lastModified
        self.contentType = contentType
        self.charset = charset
        self.extractorVersion = extractorVersion
        self.article = article
        self.html = html
    }
}

/// A stored version as listed in a watch's history log. Content lives in objects named
/// by their SHA-256, so equal content is stored once.
public struct VersionRecord: Codable, Sendable, Hashable {
    /// 1-based, in order of storage.
    public var number: Int
    public var fetchedAt: Date
    public var requestedURL: String
    public var finalURL: String
    public var status: Int
    public var etag: String?
    public var lastModified: String?
    public var contentType: String?
    public var charset: String?
    public var extractorVersion: String
    /// Object id of the extracted article (JSON).
    public var article: String
    /// Object id of the raw HTML as fetched.
    public var html: String
    /// SHA-256 of the article's story text: equal hashes mean an unchanged story.
    public var storyHash: String
    public var title: String?
    /// Bytes of the story text, to notice a page that collapsed (absent in old records).
    public var storyLength: Int?
    /// How the story was found and how sure the extractor was (absent in old records), so
    /// `list` can flag an uncertain watch without reading its article.
    public var extraction: ExtractionQuality?

    public init(number: Int, fetchedAt: Date, requestedURL: String, finalURL: String, status: Int, etag: String? = nil,
                lastModified: String? = nil, contentType: String? = nil, charset: String? = nil, extractorVersion: String,
                article: String, html: String, storyHash: String, title: String?) {
        self.number = number
        self.fetchedAt = fetchedAt
        self.requestedURL = requestedURL
        self.finalURL = finalURL
        self.status = status
        self.etag = etag
        self.lastModified = lastModified
        self.contentType = contentType
        self.charset = charset
        self.extractorVersion = extractorVersion
        self.article = article
        self.html = html
        self.storyHash = storyHash
        self.title = title
    }

    /// The record of `snapshot` stored as version `number` with these object ids.
    init(snapshot: Snapshot, number: Int, article: String, html: String) {
        self.init(number: number, fetchedAt: snapshot.fetchedAt, requestedURL: snapshot.requestedURL, finalURL: snapshot.finalURL,
                  status: snapshot.status, etag: snapshot.etag, lastModified: snapshot.lastModified, contentType: snapshot.contentType,
                  charset: snapshot.charset, extractorVersion: snapshot.extractorVersion, article: article, html: html,
                  storyHash: StoreFormat.storyHash(snapshot.article), title: snapshot.article.title)
        storyLength = snapshot.article.storyText.utf8.count
        extraction = snapshot.article.extraction
    }
}

/// Small mutable per-watch state: what the next check needs to know.
public struct WatchState: Codable, Sendable, Hashable {
    public var lastChecked: Date?
    public var firstChecked: Date?
    public var lastChanged: Date?
    public var etag: String?
    public var lastModified: String?
    public var lastError: String?
    public var consecutiveFailures: Int = 0
    /// Story hash of a suspicious page (collapsed, error-like) held back until seen twice.
    public var suspectHash: String?
    /// When the page started answering 404/410, and whether its removal was announced.
    public var goneSince: Date?
    /// Written by earlier releases when a removal was announced; read, never written now
    /// (`removedSince` says the same with a date).
    public var removalAnnounced: Bool?
    /// Set while the story is taken down (a confirmed 404/410): checked rarely and quietly
    /// until it answers again, which is a `restored` event.
    public var removedSince: Date?
    /// Removals and restorations, oldest first, for `log`.
    public var lifecycle: [LifecycleEntry]?

    /// True when the story's removal was confirmed and it has not come back.
    public var isRemoved: Bool { removedSince != nil || removalAnnounced == true }
    public var nextDue: Date?
    /// The bytes the stored story was last read from; a fetch with the same bytes there is
    /// known unchanged without parsing. Nil until a page's story is stored or confirmed.
    public var storyFingerprint: StoryFingerprint?
    /// Checks answered by the fingerprint since the last full extraction.
    public var quickChecks: Int?
    /// Set for a story a `follow:` source found: the watch exists only through this state.
    public var followed: FollowedStory?

    public init() {}
}

/// A story taken down or put back, kept with the watch's state (versions record wording only).
public struct LifecycleEntry: Codable, Sendable, Hashable {
    public enum Event: String, Codable, Sendable { case removed, restored }
    public var event: Event
    public var at: Date
    /// The HTTP status that showed it (404/410 for a removal, 200 for a restoration).
    public var status: Int

    public init(event: Event, at: Date, status: Int) {
        self.event = event
        self.at = at
        self.status = status
    }
}

/// A story found by a `follow:` source, kept with its watch's state.
public struct FollowedStory: Codable, Sendable, Hashable {
    public var source: String
    /// Canonical URL (see `StoryURL`).
    public var url: String
    public var discovered: Date
    public var published: Date?
    /// Set once `follow_for` has passed: no more fetches; the history stays.
    public var retired: Date?
    /// The page's own `rel=canonical` (same site), once fetched, when it differs from `url`.
    public var canonical: String?
    /// Set when the page turned out to be another followed story (same canonical URL):
    /// that watch carries on, this one is retired.
    public var mergedInto: String?

    public init(source: String, url: String, discovered: Date, published: Date?) {
        self.source = source
        self.url = url
        self.discovered = discovered
        self.published = published
    }
}
