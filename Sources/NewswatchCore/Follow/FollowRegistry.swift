import Foundation

/// Turns what sources listed into story watches, and retires stories after `follow_for`.
/// Pure: states in, states out; the caller saves them.
public enum FollowRegistry {
    public struct Update: Sendable {
        /// Changed states: each read source's own, and each new story's.
        public var states: [String: WatchState] = [:]
        /// New story watches, in discovery order.
        public var discovered: [Watch] = []
        /// Sources that could not be read, with why.
        public var failures: [(source: FollowSource, reason: String)] = []
        /// Links listed but left for a later read by `max_new`.
        public var deferred = 0
    }

    /// Records each read: the source's schedule and validators, and a state for every story
    /// not yet watched (by canonical URL, across all sources and the configured watches).
    public static func apply(_ reads: [SourceReader.Read], states: [String: WatchState], configured: [Watch], now: Date) -> Update {
        var update = Update()
        var knownURLs = Set(configured.compactMap { StoryURL.canonical($0.url) })
        var takenNames = Set(configured.map(\.name)).union(states.keys)
        for state in states.values {
            if let story = state.followed {
                knownURLs.insert(story.url)
                if let canonical = story.canonical { knownURLs.insert(canonical) }
            }
        }
        for read in reads {
            let source = read.source
            var sourceState = states[source.name] ?? WatchState()
            sourceState.firstChecked = sourceState.firstChecked ?? now
            sourceState.lastChecked = now
            sourceState.nextDue = now.addingTimeInterval(source.every.seconds)
            switch read.outcome {
            case .failed(let reason):
                sourceState.consecutiveFailures += 1
                sourceState.lastError = reason
                update.failures.append((source, reason))
            case .notModified:
                sourceState.consecutiveFailures = 0
                sourceState.lastError = nil
            case .found(let links):
                sourceState.consecutiveFailures = 0
                sourceState.lastError = nil
                sourceState.etag = read.etag
                sourceState.lastModified = read.lastModified
                var taken = 0
                for link in newestFirst(links) {
                    guard let url = StoryURL.canonical(link.url, keep: source.keepParams), !knownURLs.contains(url) else { continue }
                    // Already past its follow window when found: nothing left to watch.
                    if let published = link.published, published.addingTimeInterval(source.followFor.seconds) < now { continue }
                    guard taken < source.maxNew else { update.deferred += 1; continue }
                    taken += 1
                    knownURLs.insert(url)
                    let name = StoryURL.storyName(source: source.name, url: url) { takenNames.contains($0) }
                    takenNames.insert(name)
                    var state = WatchState()
                    state.followed = FollowedStory(source: source.name, url: url, discovered: now, published: link.published)
                    update.states[name] = state
                    update.discovered.append(source.storyWatch(named: name, url: url, published: link.published))
                }
            }
            update.states[source.name] = sourceState
        }
        return update
    }

    /// Newest first when every link has a date (sitemaps list oldest first as often as not);
    /// otherwise the source's own order, which for feeds and front pages is newest first.
    static func newestFirst(_ links: [DiscoveredLink]) -> [DiscoveredLink] {
        guard !links.isEmpty, links.allSatisfy({ $0.published != nil }) else { return links }
        return links.enumerated().sorted { a, b in
            a.element.published! != b.element.published! ? a.element.published! > b.element.published! : a.offset < b.offset
        }.map(\.element)
    }

    /// States of stories whose `follow_for` has passed, marked retired at `now`.
    public static func retiring(_ sources: [FollowSource], states: [String: WatchState], now: Date) -> [String: WatchState] {
        let byName = Dictionary(sources.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var retired: [String: WatchState] = [:]
        for (name, state) in states {
            guard var story = state.followed, story.retired == nil, let source = byName[story.source] else { continue }
            if story.discovered.addingTimeInterval(source.followFor.seconds) <= now {
                story.retired = now
                var changed = state
                changed.followed = story
                changed.nextDue = nil
                retired[name] = changed
            }
        }
        return retired
    }

    /// The watches of every story still followed (source in the watchlist, not retired).
    public static func storyWatches(_ sources: [FollowSource], states: [String: WatchState]) -> [Watch] {
        let byName = Dictionary(sources.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        return states.compactMap { name, state -> Watch? in
            guard let story = state.followed, story.retired == nil, let source = byName[story.source] else { return nil }
            return source.storyWatch(named: name, url: story.url, published: story.published)
        }.sorted { $0.name < $1.name }
    }

    /// Sources whose next read is due (never-read sources are due).
    public static func dueSources(_ sources: [FollowSource], states: [String: WatchState], now: Date) -> [FollowSource] {
        sources.filter { (states[$0.name]?.nextDue ?? .distantPast) <= now }
    }

    /// Stories whose fetched page names a `rel=canonical` (same site) other than their URL:
    /// the canonical is recorded, and a story whose canonical is another active story's URL
    /// or canonical is merged into the one found first. Returns the changed states and the
    /// merged watch names (with the watch each was merged into).
    public static func reconcileCanonicals(_ pages: [(watch: String, canonical: String)], sources: [FollowSource],
                                           states: [String: WatchState], now: Date) -> (states: [String: WatchState], merged: [String: String]) {
        let byName = Dictionary(sources.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var current = states
        var changed: [String: WatchState] = [:]
        var merged: [String: String] = [:]
        for (name, rawCanonical) in pages {
            guard var state = current[name], var story = state.followed, story.retired == nil,
                  let source = byName[story.source],
                  let canonical = StoryURL.canonical(rawCanonical, base: story.url, keep: source.keepParams),
                  canonical != story.url, StoryURL.siteHost(canonical) == StoryURL.siteHost(story.url) else { continue }
            story.canonical = canonical
            // Another active story that is this page: the earlier-found one carries on.
            let twin = current.filter { other in
                guard other.key != name, let theirs = other.value.followed, theirs.retired == nil else { return false }
                return theirs.url == canonical || theirs.canonical == canonical
            }.min { ($0.value.followed!.discovered, $0.key) < ($1.value.followed!.discovered, $1.key) }
            if let twin {
                let (keep, drop) = (twin.value.followed!.discovered, twin.key) <= (story.discovered, name) ? (twin.key, name) : (name, twin.key)
                if drop == name {
                    story.retired = now
                    story.mergedInto = keep
                    state.nextDue = nil
                } else if var other = current[drop], var theirs = other.followed {
                    theirs.retired = now
                    theirs.mergedInto = keep
                    other.followed = theirs
                    other.nextDue = nil
                    current[drop] = other
                    changed[drop] = other
                }
                merged[drop] = keep
            }
            state.followed = story
            current[name] = state
            changed[name] = state
        }
        return (changed, merged)
    }
}
