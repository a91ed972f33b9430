import Foundation

/// The decide stage: what one check of one watch means, from what was fetched and extracted
/// and what was known before. Pure (no I/O: the stored story it may compare with is read
/// beforehand), so each rule is tested directly; the record stage carries the decision out.
public struct Decision: Sendable {
    public enum Action: Sendable {
        /// Nothing to store; this is what happened.
        case report(CheckEvent)
        /// Store `snapshot` as the watch's next version. `oldArticle` is the previous version
        /// as this extractor reads it, when it was read again; `onlyExtractorChanged` when
        /// that re-reading is the whole difference (an upgrade of newswatch is not news).
        case store(Snapshot, prepared: PreparedVersion?, oldArticle: Article?, onlyExtractorChanged: Bool)
    }

    public var action: Action
    /// The watch's state after this check (before scheduling, see `scheduled`).
    public var state: WatchState
    /// A story that was taken down answers with its story again.
    public var restoring = false

    /// What the extract stage produced, with what decide needs of the previous version.
    public struct Input: Sendable {
        var watch: Watch
        var result: Result<FetchResult, FetchError>
        var extracted: CheckRunner.Extracted
        var latest: Result<VersionRecord?, Error>
        /// The previous version read again by this extractor (see `CheckRunner.needsReread`).
        var reread: Article?
        var extractorVersion: String
        var now: Date

        /// Whether the watch has a stored version (a store error counts as none).
        var hadVersion: Bool {
            guard case .success(let record) = latest else { return false }
            return record != nil
        }
    }

    /// Decides one check.
    public static func decide(_ input: Input, state before: WatchState) -> Decision {
        var state = before
        let watch = input.watch, now = input.now
        // A story that existed and now answers 404/410: announced once, after a second look.
        if case .success(let response) = input.result, response.status == 404 || response.status == 410, input.hadVersion {
            // Taken down and already announced: quiet, and not a failure.
            if state.isRemoved {
                state.removedSince = state.removedSince ?? state.goneSince ?? now
                return Decision(action: .report(.stillRemoved(watch: watch)), state: state)
            }
            if state.goneSince == nil {
                state.goneSince = now
                return Decision(action: .report(.held(watch: watch, reason: "HTTP \(response.status); a removal is announced if the next check confirms it")), state: state)
            }
            state.removedSince = now
            state.lifecycle = (state.lifecycle ?? []) + [LifecycleEntry(event: .removed, at: now, status: response.status)]
            return Decision(action: .report(.removed(watch: watch, status: response.status)), state: state)
        }
        var decision = story(input, state: state)
        restore(&decision, input)
        return decision
    }

    /// A removed story that answers with its story again is restored (with the change, if
    /// its wording changed meanwhile); anything else leaves the removal as it is.
    private static func restore(_ decision: inout Decision, _ input: Input) {
        guard decision.state.isRemoved else { return }
        switch decision.action {
        case .report(.unchanged): break
        case .store(_, _, _, let onlyExtractorChanged):
            guard !onlyExtractorChanged, input.hadVersion else { return }
        default: return
        }
        let status = (try? input.result.get().status) ?? 200
        decision.restoring = true
        decision.state.removedSince = nil
        decision.state.removalAnnounced = nil
        decision.state.lifecycle = (decision.state.lifecycle ?? []) + [LifecycleEntry(event: .restored, at: input.now, status: status)]
    }

    /// For a page that answered with a story (or failed to).
    private static func story(_ input: Input, state before: WatchState) -> Decision {
        var state = before
        let watch = input.watch, now = input.now
        let response: FetchResult, article: Article, fingerprint: StoryFingerprint?, prepared: PreparedVersion?
        switch input.extracted {
        case .event(let event):
            return Decision(action: .report(event), state: state)
        case .sameStory(let fetched):
            state.goneSince = nil
            state.etag = fetched.etag
            state.lastModified = fetched.lastModified
            state.quickChecks = (state.quickChecks ?? 0) + 1
            return Decision(action: .report(.unchanged(watch: watch)), state: state)
        case .article(let fetched, let extractedArticle, let extractedFingerprint, let preparedVersion):
            (response, article, fingerprint, prepared) = (fetched, extractedArticle, extractedFingerprint, preparedVersion)
        }
        state.goneSince = nil
        // A fingerprint always describes the stored version's story: set below only when
        // this page's story is (or becomes) that version.
        state.storyFingerprint = nil
        state.quickChecks = 0
        let previous: VersionRecord?
        do { previous = try input.latest.get() } catch {
            return Decision(action: .report(.failed(watch: watch, reason: "store: \(error)")), state: state)
        }
        let hash = StoreFormat.storyHash(article)
        if let previous, previous.storyHash == hash {
            state.suspectHash = nil
            state.etag = response.etag
            state.lastModified = response.lastModified
            state.storyFingerprint = fingerprint
            return Decision(action: .report(.unchanged(watch: watch)), state: state)
        }
        // A story stored by an older extractor was read again with this one: a real edit made
        // meanwhile shows as itself, not mixed with what the new extractor reads differently.
        let onlyExtractorChanged = input.reread.map { StoreFormat.storyHash($0) == hash } ?? false
        // An error page served with 200, a consent wall, or a story that collapsed to a
        // fraction of itself is held until the next check shows the same thing again.
        if !onlyExtractorChanged, let previous, let reason = CheckRunner.suspicion(article, previousLength: previous.storyLength), state.suspectHash != hash {
            // Validators are not kept either, so the next check really fetches the page again.
            state.suspectHash = hash
            return Decision(action: .report(.held(watch: watch, reason: reason + "; stored only if the next check sees it again")), state: state)
        }
        state.suspectHash = nil
        state.etag = response.etag
        state.lastModified = response.lastModified
        state.lastChanged = now
        state.storyFingerprint = fingerprint
        let snapshot = Snapshot(fetchedAt: now, requestedURL: watch.url, finalURL: response.finalURL, status: response.status,
                                etag: response.etag, lastModified: response.lastModified, contentType: response.contentType,
                                charset: response.charset, extractorVersion: input.extractorVersion, article: article, html: response.body)
        return Decision(action: .store(snapshot, prepared: prepared, oldArticle: input.reread, onlyExtractorChanged: onlyExtractorChanged), state: state)
    }

    /// The state after `event`: when checked, failures counted, when due next (servers that
    /// say when to come back, 429/503 with Retry-After, are taken at their word).
    public static func scheduled(_ before: WatchState, after event: CheckEvent, result: Result<FetchResult, FetchError>,
                                 watch: Watch, now: Date) -> WatchState {
        var state = before
        state.lastChecked = now
        state.firstChecked = state.firstChecked ?? now
        let retryAfter: TimeInterval? = {
            guard case .success(let response) = result, response.status == 429 || response.status == 503 else { return nil }
            return response.headers["retry-after"].flatMap(WebhookNotifier.parseRetryAfter)
        }()
        switch event {
        case .failed(_, let reason):
            state.lastError = reason
            state.consecutiveFailures += 1
        case .held(_, let reason):
            state.lastError = "held: " + reason
        default:
            state.lastError = nil
            state.consecutiveFailures = 0
        }
        state.nextDue = Scheduler.nextDue(for: watch, state: state, failed: state.consecutiveFailures > 0, retryAfter: retryAfter, now: now)
        return state
    }
}
