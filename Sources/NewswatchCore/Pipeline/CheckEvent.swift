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

    /// The story as this event stored it, if it stored one with a new reading.
    public var storedArticle: Article? {
        switch self {
        case .new(_, _, let article): return article
        case .changed(_, let change): return change.newArticle
        case .restored(_, let change): return change?.newArticle
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
    /// The events kept: all of them, unless the run was given an `emit` sink, which takes
    /// each slice's events as they are committed and keeps only those it asks to.
    public var events: [CheckEvent] = []
    /// Counts over every event of the run, kept or emitted.
    public var tally = Tally()
    /// `rel=canonical` URLs of followed stories' pages seen in the run (for `FollowStep.reconcile`).
    public var canonicals: [(watch: String, canonical: String)] = []
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

    /// Counts of a run's events by kind.
    public struct Tally: Sendable, Equatable {
        public var checked = 0
        public var changed = 0
        public var failed = 0

        public mutating func count(_ event: CheckEvent) {
            checked += 1
            switch event {
            case .changed: changed += 1
            case .failed: failed += 1
            default: break
            }
        }
    }

    /// Adds an event: counted, and kept unless `emit` takes it.
    mutating func add(_ event: CheckEvent, parsed: Bool, emit: ((CheckEvent, Bool) -> Bool)?) {
        tally.count(event)
        if emit?(event, parsed) ?? true { events.append(event) }
    }

    public var failures: [CheckEvent] { events.filter { if case .failed = $0 { return true } else { return false } } }
    public var changes: [Change] { events.compactMap { if case .changed(_, let change) = $0 { return change } else { return nil } } }
}
