import Foundation

/// One pass of the pipeline: Watch -> FetchResult -> Article -> Snapshot -> Change -> Alert.
/// Each stage is a protocol, so any of them can be swapped without touching this file.
public struct CheckRunner: Sendable {
    public var store: any SnapshotStore
    public var fetcher: any Fetcher
    public var extractor: any ArticleExtractor
    public var notifier: any Notifier
    /// Where alerts wait until delivered; without one, alerts are sent once, directly.
    public var outbox: Outbox?
    /// Every hook of the watchlist, not only those of the watches checked in a run: alerts
    /// still pending for other watches are delivered (never given up as "no longer in the
    /// watchlists" because their watch was not due).
    public var knownHooks: [WebhookConfig] = []
    /// Recognise a fetch whose story bytes are those of the stored version without parsing
    /// it (see `StoryFingerprint`); false re-extracts every page.
    public var recogniseUnchanged = true
    /// Deliver the outbox at the end of a run. Workers sharing a database turn this off and
    /// deliver under a lock of their own, so each alert is sent by one of them.
    public var deliversAlerts = true
    /// Every so many checks a watch is extracted in full even when its bytes match: a change
    /// that moved the story somewhere the fingerprint does not look is found within that many.
    public static let fullExtractionEvery = 12

    public init(store: any SnapshotStore, fetcher: any Fetcher = CurlFetcher(),
                extractor: any ArticleExtractor = ReadabilityExtractor(), notifier: any Notifier = WebhookNotifier(),
                outbox: Outbox? = nil) {
        self.store = store
        self.fetcher = fetcher
        self.extractor = extractor
        self.notifier = notifier
        self.outbox = outbox
    }

    /// Pages fetched, extracted and stored per slice of a run.
    static let sliceSize = 96

    /// Watches whose next due time has passed (never-checked watches are due).
    public func dueWatches(_ watches: [Watch], now: Date) -> [Watch] {
        let dueTimes = (try? store.dueTimes()) ?? [:]
        return watches.filter { watch in
            guard let due = dueTimes[watch.name] else { return true }
            return due <= now
        }
    }

    /// Fetches, extracts, stores and alerts for `watches` (all of them, due or not: the
    /// caller chooses). Call inside the store's writer lock. `emit`, when given, receives
    /// each slice's events once the slice is committed (with whether the page was parsed)
    /// and returns whether the report should keep the event too: a caller that prints as it
    /// goes keeps memory bounded by a slice, not by the watchlist.
    public func run(_ watches: [Watch], now: Date = Date(), emit: ((CheckEvent, Bool) -> Bool)? = nil) async -> CheckReport {
        var report = CheckReport()
        outbox?.refresh()
        if let outbox { report.storeErrors += queueMissedAlerts(watches, outbox: outbox, now: now) }
        // In slices, so memory holds a slice of pages, states and versions, not the whole
        // watchlist's. Three stages overlap: while one slice is stored (one thread), the next
        // is extracted (the other cores) and the one after it fetched.
        let slices = stride(from: 0, to: watches.count, by: Self.sliceSize).map { $0..<min($0 + Self.sliceSize, watches.count) }
        let prepared = SlicePipeline(runner: self, watches: watches, slices: slices)
        var pending = prepared.start()
        for (number, range) in slices.enumerated() {
        let sliceWatches = Array(watches[range])
        let (fetched, extracted, nextFetch) = await pending!.value
        let results = fetched.results
        var states = fetched.states
        let latest = fetched.latest
        pending = nextFetch.map { prepared.stage(number + 1, fetch: $0) }
        // A slice's versions, states and alerts commit together: a crash leaves each watch as
        // it was before the slice or as after it, and one sync serves the whole slice.
        do { try store.beginBatch() } catch { report.storeErrors.append("cannot start writing: \(error)"); break }
        var sliceEvents: [CheckEvent] = []
        for (index, (watch, result)) in zip(sliceWatches, results).enumerated() {
            // Aborted by a shutdown: nothing happened to this watch; it stays due.
            if case .failure(.cancelled) = result { report.cancelled.append(watch.name); continue }
            let watchLatest = latest[watch.name] ?? .success(nil)
            let previousToReread = needsReread(extracted[index], latest: watchLatest)
            let input = Decision.Input(watch: watch, result: result, extracted: extracted[index], latest: watchLatest,
                                       reread: previousToReread.flatMap { self.reread($0, watch: watch) },
                                       extractorVersion: extractor.version, now: now)
            let decision = Decision.decide(input, state: states[watch.name] ?? WatchState())
            let event = record(decision, watch: watch, latest: watchLatest).withoutControlCharacters()
            var state = Decision.scheduled(decision.state, after: event, result: result, watch: watch, now: now)
            if case .failed(_, let reason) = event, reason.hasPrefix("store: ") {
                // Nothing was stored: the next check must fetch and compare the page in full.
                state.etag = nil
                state.lastModified = nil
                state.storyFingerprint = nil
            }
            if case .sameStory = extracted[index] { report.recognisedUnparsed.insert(watch.name) }
            if watch.follow != nil, let canonical = event.storedArticle?.canonicalURL, !canonical.isEmpty {
                report.canonicals.append((watch.name, canonical))
            }
            // The first failure of a run of them raises an `error` alert, once.
            if case .failed(_, let reason) = event, state.consecutiveFailures == 1 {
                let hooks = watch.webhooks.filter { $0.wants(.error) }
                if !hooks.isEmpty {
                    let last: VersionRecord? = if case .success(let stored) = watchLatest { stored } else { nil }
                    let alert = Alert.error(watch: watch.name, url: watch.url, reason: reason, last: last, at: now)
                    if let outbox {
                        do { try outbox.enqueue(alert, hooks: hooks, now: now) } catch {
                            report.storeErrors.append("\(watch.name): cannot queue alert: \(error)")
                        }
                    } else {
                        report.deliveries += await notifier.deliver(alert, to: hooks)
                    }
                }
            }
            states[watch.name] = state
            // Alerts are built only for watches with a hook that wants this kind of event.
            let wanted = event.alertEvent.map { kind in watch.webhooks.filter { $0.wants(kind) } } ?? []
            let alert = wanted.isEmpty ? nil : alert(for: event, now: now)
            let hooks = alert == nil ? [] : wanted
            // Every alert goes through the outbox when there is one: removals and restorations
            // too, so a hook that is down gets them later and `alerts` shows them.
            if let outbox {
                do {
                    if let version = event.storedVersion {
                        try outbox.enqueue(alert, hooks: hooks, watch: watch.name, version: version, now: now)
                    } else if alert != nil {
                        try outbox.enqueue(alert, hooks: hooks, now: now)
                    }
                } catch {
                    report.storeErrors.append("\(watch.name): cannot queue alert: \(error)")
                }
            } else if let alert, !hooks.isEmpty {
                report.deliveries += await notifier.deliver(alert, to: hooks)
            }
            sliceEvents.append(event.slimmed())
        }
        if let outbox {
            do { try outbox.flushMarkers() } catch { report.storeErrors.append("cannot record queued alerts: \(error)") }
        }
        do {
            try store.saveStates(Dictionary(sliceWatches.compactMap { watch in states[watch.name].map { (watch.name, $0) } }, uniquingKeysWith: { $1 }))
            try store.commitBatch()
        } catch {
            store.rollbackBatch()
            outbox?.refresh()
            report.storeErrors.append("cannot save this slice's checks: \(error)")
        }
        for event in sliceEvents { report.add(event, parsed: !report.recognisedUnparsed.contains(event.watch.name), emit: emit) }
        }
        if let outbox, deliversAlerts {
            let hooks = Array(Set(watches.flatMap(\.webhooks) + knownHooks))
            report.deliveries += await outbox.deliver(hooks: hooks, notifier: notifier, now: now)
        }
        return report
    }

    /// What a slice starts from: each watch's stored state and latest version, read when the
    /// slice is fetched (not for the whole watchlist up front).
    struct SliceInputs: Sendable {
        var states: [String: WatchState]
        var latest: [String: Result<VersionRecord?, Error>]
        var results: [Result<FetchResult, FetchError>]
    }

    /// Reads a slice's states and latest versions and fetches its pages (with validators
    /// when a version exists to fall back on).
    func fetchSlice(_ watches: [Watch]) async -> SliceInputs {
        let stored = (try? store.states(of: watches.map(\.name))) ?? [:]
        var latest: [String: Result<VersionRecord?, Error>] = [:]
        var states: [String: WatchState] = [:]
        var requests: [FetchRequest] = []
        for watch in watches {
            let state = stored[watch.name] ?? WatchState()
            states[watch.name] = state
            let newest = Result { try store.latestVersion(of: watch.name) }
            latest[watch.name] = newest
            var limits = FetchLimits()
            limits.allowFileScheme = watch.isFileURL
            limits.blockPrivateNetworks = watch.blockPrivateNetworks
            let hasVersion = ((try? newest.get()) ?? nil) != nil
            requests.append(FetchRequest(url: watch.url, headers: watch.headers,
                                         etag: hasVersion ? state.etag : nil,
                                         lastModified: hasVersion ? state.lastModified : nil, limits: limits, proxy: watch.proxy))
        }
        return SliceInputs(states: states, latest: latest, results: await fetcher.fetch(requests))
    }

    /// Fetching and extraction of a run's slices, each slice's stage started while the one
    /// before it is being stored.
    struct SlicePipeline: Sendable {
        typealias Stage = Task<(SliceInputs, [Extracted], Task<SliceInputs, Never>?), Never>
        let runner: CheckRunner
        let watches: [Watch]
        let slices: [Range<Int>]

        func start() -> Stage? { slices.isEmpty ? nil : stage(0, fetch: fetch(0)) }

        func fetch(_ index: Int) -> Task<SliceInputs, Never> {
            Task { [runner, watches, slices] in await runner.fetchSlice(Array(watches[slices[index]])) }
        }

        /// Waits for slice `index`'s pages, starts fetching the next slice, extracts this one.
        func stage(_ index: Int, fetch: Task<SliceInputs, Never>) -> Stage {
            Task {
                let inputs = await fetch.value
                let next = index + 1 < slices.count ? self.fetch(index + 1) : nil
                let extracted = await runner.extractAll(Array(watches[slices[index]]), inputs.results, states: inputs.states, latest: inputs.latest)
                return (inputs, extracted, next)
            }
        }
    }

    /// Versions stored by a run that died before queueing their alerts get them now. A new
    /// outbox starts from the versions already stored (no alerts for old history).
    private func queueMissedAlerts(_ watches: [Watch], outbox: Outbox, now: Date) -> [String] {
        let alerted = outbox.alertedVersions()
        let fresh = outbox.isFresh
        guard let newestNumbers = try? store.latestVersionNumbers() else { return ["cannot read the store's latest versions"] }
        var problems: [String] = []
        for watch in watches {
            // The whole history is read only for a watch whose latest version lacks its alerts.
            guard let newest = newestNumbers[watch.name] else { continue }
            if !fresh && newest <= (alerted[watch.name] ?? 0) { continue }
            guard let versions = try? store.versions(of: watch.name), let last = versions.last else { continue }
            let done = fresh ? last.number : (alerted[watch.name] ?? 0)
            for (index, version) in versions.enumerated() where version.number > done {
                let event: CheckEvent
                if index == 0 {
                    guard let article = try? store.article(of: version) else { continue }
                    event = .new(watch: watch, version: version, article: article)
                } else {
                    guard let old = try? store.article(of: versions[index - 1]), let new = try? store.article(of: version) else { continue }
                    event = .changed(watch: watch, change: Change(watch: watch.name, url: watch.url, old: versions[index - 1], new: version,
                                                                  oldArticle: old, newArticle: new, options: watch.diffOptions))
                }
                let alert = alert(for: event, now: version.fetchedAt)
                let hooks = alert.map { alert in watch.webhooks.filter { $0.wants(alert.event) } } ?? []
                do { try outbox.enqueue(alert, hooks: hooks, watch: watch.name, version: version.number, now: now) } catch {
                    problems.append("\(watch.name): cannot queue alert: \(error)")
                }
            }
            if fresh { try? outbox.enqueue(nil, hooks: [], watch: watch.name, version: last.number, now: now) }
        }
        do { try outbox.flushMarkers() } catch { problems.append("cannot record queued alerts: \(error)") }
        return problems
    }

    private func alert(for event: CheckEvent, now: Date) -> Alert? {
        guard var alert = plainAlert(for: event, now: now) else { return nil }
        alert.source = event.watch.follow?.source
        alert.published = event.watch.follow?.published
        // Mail threads a story's updates under its first alert.
        if alert.storyAlertID == nil, event.watch.webhooks.contains(where: { $0.email != nil }),
           let first = (try? store.versions(of: event.watch.name))?.first {
            alert.storyAlertID = Alert.firstAlertID(watch: event.watch.name, first: first)
        }
        return alert
    }

    private func plainAlert(for event: CheckEvent, now: Date) -> Alert? {
        switch event {
        case .new(let watch, let version, let article): return Alert.new(watch: watch.name, url: watch.url, version: version, article: article, at: now)
        case .removed(let watch, let status):
            guard let last = (try? store.latestVersion(of: watch.name)) ?? nil else { return nil }
            return Alert.removed(watch: watch.name, url: watch.url, last: last, status: status, at: now)
        case .changed(let watch, let change):
            // Every version is stored; only real wording changes are worth waking someone for.
            guard change.summary.isSubstantive || watch.alertOn == .any else { return nil }
            return Alert.changed(change, at: now)
        case .restored(let watch, let change):
            guard let last = change?.old ?? ((try? store.latestVersion(of: watch.name)) ?? nil) else { return nil }
            return Alert.restored(watch: watch.name, url: watch.url, last: last, change: change, at: now)
        default: return nil
        }
    }

    /// The extract stage's outcome for one watch: CPU-only, so it runs on all cores at once.
    enum Extracted: Sendable {
        /// With the version's blobs encoded ahead when the story differs from the stored one.
        case article(FetchResult, Article, StoryFingerprint?, PreparedVersion?)
        /// The story's bytes match the stored version's: nothing was parsed.
        case sameStory(FetchResult)
        case event(CheckEvent)
    }

    func extract(_ watch: Watch, _ result: Result<FetchResult, FetchError>, state: WatchState?, latest: VersionRecord?) -> Extracted {
        let hasVersion = latest != nil
        let response: FetchResult
        switch result {
        case .failure(let error): return .event(.failed(watch: watch, reason: "\(watch.url): \(error)"))
        case .success(let value): response = value
        }
        if response.isNotModified { return .event(.notModified(watch: watch)) }
        guard response.isSuccess else { return .event(.failed(watch: watch, reason: "HTTP \(response.status) from \(response.finalURL)")) }
        if let kind = response.binaryKind {
            return .event(.failed(watch: watch, reason: "not an HTML page: the server sent \(kind) (as \(response.contentType ?? "no type"))"))
        }
        let input = ExtractionInput(html: response.body, url: response.finalURL, charset: response.charset,
                                    select: watch.select, remove: watch.remove)
        var previous: StoryFingerprint?
        if recogniseUnchanged, hasVersion, let state, state.suspectHash == nil, (state.quickChecks ?? 0) < Self.fullExtractionEvery - 1 {
            previous = state.storyFingerprint
        }
        do {
            guard case .article(let article, let fingerprint) = try extractor.extract(input, unlessSameAs: previous) else {
                return .sameStory(response)
            }
            guard !article.blocks.isEmpty else { return .event(.failed(watch: watch, reason: "no article text found in the page (nothing stored)")) }
            let prepared = latest?.storyHash == StoreFormat.storyHash(article) ? nil
                : store.prepareVersion(of: watch.name, article: article, html: response.body, finalURL: response.finalURL, after: latest)
            return .article(response, article, fingerprint, prepared)
        } catch {
            return .event(.failed(watch: watch, reason: "extraction failed: \(error)"))
        }
    }

    static let errorPagePhrases = [
        "page not found", "404 not found", "page cannot be found", "access denied", "forbidden", "service unavailable",
        "temporarily unavailable", "under maintenance", "subscribe to continue", "subscribe to read", "sign in to continue",
        "log in to continue", "enable javascript", "please enable cookies", "we value your privacy", "accept cookies",
        "are you a robot", "captcha", "too many requests", "something went wrong",
    ]

    /// Why a page looks like a soft failure rather than a new version of the story, if it does.
    static func suspicion(_ article: Article, previousLength: Int?) -> String? {
        let text = article.storyText
        let length = text.utf8.count
        if let previousLength, previousLength > 0, length * 5 < previousLength {
            return "the story shrank to \(length * 100 / previousLength)% of its last version"
        }
        if length < 2_000 {
            let lower = text.lowercased()
            if let phrase = errorPagePhrases.first(where: lower.contains) { return "the page looks like an error or consent page (\"\(phrase)\")" }
        }
        return nil
    }

    /// Extracts every fetched page, spreading the work over the machine's cores.
    func extractAll(_ watches: [Watch], _ results: [Result<FetchResult, FetchError>], states: [String: WatchState] = [:],
                    latest: [String: Result<VersionRecord?, Error>] = [:]) async -> [Extracted] {
        let workers = max(1, ProcessInfo.processInfo.activeProcessorCount)
        let jobs = Array(zip(watches, results)).map { watch, result in
            (watch, result, states[watch.name], (try? latest[watch.name]?.get()) ?? nil)
        }
        var output = [Extracted?](repeating: nil, count: jobs.count)
        await withTaskGroup(of: [(Int, Extracted)].self) { group in
            for worker in 0..<workers {
                group.addTask {
                    stride(from: worker, to: jobs.count, by: workers).map { ($0, self.extract(jobs[$0].0, jobs[$0].1, state: jobs[$0].2, latest: jobs[$0].3)) }
                }
            }
            for await batch in group { for (index, extracted) in batch { output[index] = extracted } }
        }
        return output.map { $0! }
    }

    /// The page of a stored version as this extractor reads it (with the watch's selectors).
    func reread(_ version: VersionRecord, watch: Watch) -> Article? {
        guard let html = try? store.html(of: version) else { return nil }
        let input = ExtractionInput(html: html, url: version.finalURL, charset: version.charset, select: watch.select, remove: watch.remove)
        return try? extractor.extract(input)
    }

    /// Whether decide needs the previous version read again by this extractor: the story
    /// differs from one stored by another extractor version.
    func needsReread(_ extracted: Extracted, latest: Result<VersionRecord?, Error>) -> VersionRecord? {
        guard case .article(_, let article, _, _) = extracted, case .success(let stored) = latest, let previous = stored,
              previous.extractorVersion != extractor.version, previous.storyHash != StoreFormat.storyHash(article) else { return nil }
        return previous
    }

    /// The record stage: carries out a decision (stores the version it calls for) and says
    /// what happened.
    private func record(_ decision: Decision, watch: Watch, latest: Result<VersionRecord?, Error>) -> CheckEvent {
        switch decision.action {
        case .report(let event):
            return decision.restoring ? .restored(watch: watch, change: nil) : event
        case .store(let snapshot, let prepared, let oldArticle, let onlyExtractorChanged):
            do {
                let previous = try latest.get()
                let version = try store.append(snapshot, to: watch.name, prepared: prepared)
                guard let previous else { return .new(watch: watch, version: version, article: snapshot.article) }
                if onlyExtractorChanged { return .rebaselined(watch: watch, version: version) }
                let change = Change(watch: watch.name, url: watch.url, old: previous, new: version,
                                    oldArticle: try oldArticle ?? store.article(of: previous), newArticle: snapshot.article,
                                    options: watch.diffOptions)
                return decision.restoring ? .restored(watch: watch, change: change) : .changed(watch: watch, change: change)
            } catch {
                return .failed(watch: watch, reason: "store: \(error)")
            }
        }
    }
}
