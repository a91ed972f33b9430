import Foundation

/// What a check found for one watch.
public enum CheckEvent: Sendable {
    /// First sight of the page: its first version was stored.
    case new(watch: Watch, version: VersionRecord, article: Article)
    /// The story changed: a new version was stored.
    case changed(watch: Watch, change: Change)
    /// Fetched, and the story is the same (the rest of the page may have changed).
    case unchanged(watch: Watch)
    /// The server answered 304 Not Modified.
    case notModified(watch: Watch)
    /// Nothing was stored; the reason is one line.
    case failed(watch: Watch, reason: String)
    /// A suspicious answer (an error or consent page, a collapsed story, a first 404) held
    /// back; it becomes a version or a removal only if the next check sees it again.
    case held(watch: Watch, reason: String)
    /// The story answered 404/410 twice in a row: it was taken down.
    case removed(watch: Watch, status: Int)
    /// The story as a newer extractor reads it, stored so later checks compare like with like;
    /// the page itself did not change (its last version reads the same with this extractor).
    case rebaselined(watch: Watch, version: VersionRecord)
    /// A removed story still answers 404/410: quiet, not a failure.
    case stillRemoved(watch: Watch)
    /// A removed story answers again; `change` when it came back with other wording (a new
    /// version was stored).
    case restored(watch: Watch, change: Change?)

    /// The version this event stored, if it stored one.
    public var storedVersion: Int? {
        switch self {
        case .new(_, let version, _): return version.number
        case .changed(_, let change): return change.new.number
        case .restored(_, let change): return change?.new.number
        case .rebaselined(_, let version): return version.number
        default: return nil
        }
    }

    /// The kind of webhook alert this event can raise, if any.
    public var alertEvent: WebhookConfig.Event? {
        switch self {
        case .new: return .new
        case .changed: return .changed
        case .removed: return .removed
        case .restored: return .restored
        default: return nil
        }
    }

    /// The event as the run's report keeps it once its alerts are queued: articles without
    /// their texts (titles, metadata, paragraph kinds and extraction quality stay; a change
    /// keeps its diff), so a run's memory does not grow with every story it stored.
    public func slimmed() -> CheckEvent {
        switch self {
        case .new(let watch, let version, let article): return .new(watch: watch, version: version, article: article.outline)
        case .changed(let watch, var change):
            change.oldArticle = change.oldArticle.outline
            change.newArticle = change.newArticle.outline
            return .changed(watch: watch, change: change)
        default: return self
        }
    }

    /// Reasons quote servers (types, URLs, statuses): stripped of control characters.
    func withoutControlCharacters() -> CheckEvent {
        switch self {
        case .failed(let watch, let reason): return .failed(watch: watch, reason: ControlCharacters.strip(reason))
        case .held(let watch, let reason): return .held(watch: watch, reason: ControlCharacters.strip(reason))
        default: return self
        }
    }

    public var watch: Watch {
        switch self {
        case .new(let watch, _, _), .changed(let watch, _), .unchanged(let watch), .notModified(let watch), .failed(let watch, _),
             .held(let watch, _), .removed(let watch, _), .stillRemoved(let watch), .restored(let watch, _),
             .rebaselined(let watch, _):
            return watch
        }
    }
}

/// Everything one `check` did.
public struct CheckReport: Sendable {
    public var events: [CheckEvent] = []
    public var deliveries: [DeliveryOutcome] = []
    /// Watches skipped because they were not yet due.
    public var notDue: Int = 0
    /// Store problems not tied to one watch.
    public var storeErrors: [String] = []
    /// Watches whose story was recognised as unchanged from its bytes, without parsing.
    public var recognisedUnparsed: Set<String> = []
    /// Watches whose fetch a shutdown aborted: untouched, still due.
    public var cancelled: [String] = []

    public init() {}

    public var failures: [CheckEvent] { events.filter { if case .failed = $0 { return true } else { return false } } }
    public var changes: [Change] { events.compactMap { if case .changed(_, let change) = $0 { return change } else { return nil } } }
}
