import Foundation

/// One event to tell the outside world about. `id` is derived from what happened, so the
/// same event always carries the same id and receivers can drop duplicates.
public struct Alert: Sendable, Codable {
    public enum Kind: String, Sendable, Codable { case new, changed, removed, restored, error }

    public struct VersionRef: Sendable, Codable {
        public var number: Int
        public var id: String
        public var fetchedAt: Date
    }

    public var id: String
    public var type: Kind
    public var watch: String
    public var url: String
    public var finalURL: String?
    public var title: String?
    /// When the headline changed: the one before and after, and which of the page's headlines
    /// moved ("headline" for the visible one, or "og:title", "JSON-LD headline", "<title>").
    public var oldHeadline: String?
    public var newHeadline: String?
    public var headlineSource: String?
    /// The id of the story's first alert (its `new` event), so mail can thread its updates.
    public var storyAlertID: String?
    public var oldVersion: VersionRef?
    public var newVersion: VersionRef?
    public var summary: String
    public var diff: String?
    public var addedParagraphs: [String]
    public var removedParagraphs: [String]
    /// The structured change (ops with ranges and words) and its classification.
    public var change: DiffRenderer.Document?
    public var createdAt: Date
    /// For a story found by a `follow:` source: the source's name, and when the feed or
    /// sitemap says it was published.
    public var source: String?
    public var published: Date?

    public static func changed(_ change: Change, at date: Date = Date()) -> Alert {
        Alert(id: eventID(change.watch, "changed", change.old.storyHash, change.new.storyHash, "\(change.new.number)"),
              type: .changed, watch: change.watch, url: change.url, finalURL: change.new.finalURL,
              title: change.newArticle.title, oldHeadline: change.summary.oldHeadline, newHeadline: change.summary.newHeadline,
              headlineSource: change.summary.headlineSource, storyAlertID: nil, oldVersion: ref(change.old), newVersion: ref(change.new),
              summary: change.summary.description, diff: change.unified(),
              addedParagraphs: change.addedParagraphs, removedParagraphs: change.removedParagraphs,
              change: change.renderer.document(summary: change.summary, diff: change.diff), createdAt: date)
    }

    public static func new(watch: String, url: String, version: VersionRecord, article: Article, at date: Date = Date()) -> Alert {
        var alert = Alert(id: eventID(watch, "new", version.storyHash, "\(version.number)"), type: .new, watch: watch, url: url,
              finalURL: version.finalURL, title: article.title, oldHeadline: nil, newHeadline: nil, headlineSource: nil, storyAlertID: nil, oldVersion: nil, newVersion: ref(version),
              summary: "new: \(ChangeSummary.paragraphs(article.blocks.count))", diff: nil,
              addedParagraphs: [], removedParagraphs: [], change: nil, createdAt: date)
        alert.storyAlertID = alert.id
        return alert
    }

    /// The id the `new` alert of a story whose first stored version is `first` has.
    public static func firstAlertID(watch: String, first: VersionRecord) -> String {
        eventID(watch, "new", first.storyHash, "\(first.number)")
    }

    public static func removed(watch: String, url: String, last: VersionRecord, status: Int, at date: Date = Date()) -> Alert {
        // The date is part of the id: a story removed, restored and removed again is news twice.
        Alert(id: eventID(watch, "removed", last.storyHash, "\(last.number)", "\(date.timeIntervalSince1970)"), type: .removed, watch: watch, url: url,
              finalURL: last.finalURL, title: last.title, oldHeadline: nil, newHeadline: nil, headlineSource: nil,
              storyAlertID: nil, oldVersion: ref(last), newVersion: nil, summary: "removed: the page answers HTTP \(status)", diff: nil, addedParagraphs: [], removedParagraphs: [],
              change: nil, createdAt: date)
    }

    /// A removed story answers again; `change` when it came back with other wording.
    public static func restored(watch: String, url: String, last: VersionRecord, change: Change?, at date: Date = Date()) -> Alert {
        let summary = "restored: the page answers again" + (change.map { "; \($0.summary)" } ?? " with the same story")
        return Alert(id: eventID(watch, "restored", last.storyHash, "\(last.number)", "\(date.timeIntervalSince1970)"), type: .restored,
                     watch: watch, url: url, finalURL: change?.new.finalURL ?? last.finalURL, title: change?.newArticle.title ?? last.title,
                     oldHeadline: change?.summary.oldHeadline, newHeadline: change?.summary.newHeadline,
                     headlineSource: change?.summary.headlineSource, storyAlertID: nil, oldVersion: change.map { ref($0.old) } ?? ref(last), newVersion: change.map { ref($0.new) },
                     summary: summary, diff: change?.unified(), addedParagraphs: change?.addedParagraphs ?? [],
                     removedParagraphs: change?.removedParagraphs ?? [],
                     change: change.map { $0.renderer.document(summary: $0.summary, diff: $0.diff) }, createdAt: date)
    }

    /// A watch started failing (sent once per run of failures, not on every failed check).
    public static func error(watch: String, url: String, reason: String, last: VersionRecord?, at date: Date = Date()) -> Alert {
        Alert(id: eventID(watch, "error", reason, "\(date.timeIntervalSince1970)"), type: .error, watch: watch, url: url,
              finalURL: nil, title: last?.title, oldHeadline: nil, newHeadline: nil, headlineSource: nil,
              storyAlertID: nil, oldVersion: last.map(ref), newVersion: nil,
              summary: "error: " + reason, diff: nil, addedParagraphs: [], removedParagraphs: [], change: nil, createdAt: date)
    }

    static func ref(_ version: VersionRecord) -> VersionRef {
        VersionRef(number: version.number, id: version.article, fetchedAt: version.fetchedAt)
    }

    static func eventID(_ parts: String...) -> String {
        "evt_" + Digest.sha256(Data(parts.joined(separator: "\u{1F}").utf8)).hexString.prefix(32)
    }

    public var event: WebhookConfig.Event {
        switch type {
        case .new: return .new
        case .changed: return .changed
        case .removed: return .removed
        case .restored: return .restored
        case .error: return .error
        }
    }
}
