import Foundation

/// The part of a check that comes before fetching stories: retire stories past their
/// `follow_for`, read the sources that are due, and register the stories they list. Returns
/// every watch of the run (the configured ones and the followed stories).
public struct FollowStep: Sendable {
    public var store: any SnapshotStore
    public var reader: SourceReader

    public init(store: any SnapshotStore, fetcher: any Fetcher) {
        self.store = store
        self.reader = SourceReader(fetcher: fetcher)
    }

    public struct Outcome: Sendable {
        /// Configured watches, then followed stories (new ones included).
        public var watches: [Watch] = []
        public var discovered: [Watch] = []
        public var retired: [String] = []
        /// One `failed` event per source that could not be read.
        public var failures: [CheckEvent] = []
        public var sourcesRead = 0
        public var fetches = 0
        public var deferred = 0
        public var storeErrors: [String] = []
    }

    /// Which sources a run reads.
    public enum Sources: Sendable { case due, all, none }

    /// Call inside the writer lock.
    public func prepare(_ list: Watchlist, now: Date, sources: Sources = .due) async -> Outcome {
        var outcome = Outcome()
        guard !list.follows.isEmpty else {
            outcome.watches = list.watches
            return outcome
        }
        var states: [String: WatchState]
        do { states = try store.states() } catch {
            outcome.storeErrors.append("cannot read watch states: \(error)")
            outcome.watches = list.watches
            return outcome
        }
        let retiring = FollowRegistry.retiring(list.follows, states: states, now: now)
        outcome.retired = retiring.keys.sorted()
        states.merge(retiring) { $1 }
        let due: [FollowSource] = switch sources {
        case .all: list.follows
        case .due: FollowRegistry.dueSources(list.follows, states: states, now: now)
        case .none: []
        }
        let reads = await reader.read(due, states: states)
        let update = FollowRegistry.apply(reads, states: states, configured: list.watches, now: now)
        do {
            try store.saveStates(retiring.merging(update.states) { $1 })
        } catch {
            outcome.storeErrors.append("cannot save followed stories: \(error)")
        }
        states.merge(update.states) { $1 }
        outcome.discovered = update.discovered
        outcome.deferred = update.deferred
        outcome.sourcesRead = reads.count
        outcome.fetches = reads.reduce(0) { $0 + $1.fetches }
        outcome.failures = update.failures.map { CheckEvent.failed(watch: $0.source.sourceWatch, reason: $0.reason) }
        outcome.watches = list.watches + FollowRegistry.storyWatches(list.follows, states: states)
        return outcome
    }

    /// After the run: records the `rel=canonical` of followed stories' pages and merges
    /// stories that turn out to be one; the merged watch's `new` event is dropped from the
    /// report (the story is announced once). Returns merged watch -> the watch kept.
    public func reconcile(_ report: inout CheckReport, list: Watchlist, now: Date) -> [String: String] {
        guard !list.follows.isEmpty else { return [:] }
        let pages = report.canonicals
        guard !pages.isEmpty, let states = try? store.states() else { return [:] }
        let (changed, merged) = FollowRegistry.reconcileCanonicals(pages, sources: list.follows, states: states, now: now)
        do { try store.saveStates(changed) } catch {
            report.storeErrors.append("cannot record canonical URLs of followed stories: \(error)")
            return [:]
        }
        report.events.removeAll { event in
            if case .new(let watch, _, _) = event { return merged[watch.name] != nil }
            return false
        }
        return merged
    }

    /// When the next source read is owed (for the schedule hint and `watch`'s sleep).
    public static func nextSourceRead(_ list: Watchlist, dueTimes: [String: Date]) -> Date? {
        list.follows.map { dueTimes[$0.name] ?? .distantPast }.min()
    }
}
