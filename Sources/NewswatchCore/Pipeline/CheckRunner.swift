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
    /// Where the run reads and records: set for another backend; by default the store and
    /// its outbox (`StoreRepository`).
    public var customRepository: (any Repository)?
    var repository: any Repository { customRepository ?? StoreRepository(store: store, outbox: outbox) }

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
        if let outbox { report.storeErrors += await queueMissedAlerts(watches, outbox: outbox, now: now) }
        // In slices, so memory holds a slice of pages, states and versions, not the whole
        // watchlist's. Three stages overlap: while one slice is recorded (one thread), the
        // next is extracted (the other cores) and the one after it fetched.
        let slices = stride(from: 0, to: watches.count, by: Self.sliceSize).map { $0..<min($0 + Self.sliceSize, watches.count) }
        let pipeline = SlicePipeline(runner: self, watches: watches, slices: slices)
        var pending = pipeline.start()
        for (number, range) in slices.enumerated() {
            let (inputs, extracted, nextFetch) = await pending!.value
            pending = nextFetch.map { pipeline.stage(number + 1, fetch: $0) }
            await decideAndRecord(Array(watches[range]), inputs: inputs, extracted: extracted, now: now, into: &report, emit: emit)
        }
        if let outbox, deliversAlerts {
            let hooks = Array(Set(watches.flatMap(\.webhooks) + knownHooks))
            report.deliveries += await outbox.deliver(hooks: hooks, notifier: notifier, now: now)
        }
        return report
    }

    /// One watch decided: its event and the outcome to record.
    struct Checked {
        var watch: Watch
        var result: Result<FetchResult, FetchError>
        /// The decided state, before scheduling after the event.
        var decided: WatchState
        var event: CheckEvent
        var outcome: WatchOutcome
    }

    /// The decide and record stages for one slice: every watch decided (pure) and planned,
    /// the slice's outcomes committed in one transaction, then its events handed on. A crash
    /// leaves each watch as it was before the slice or as after it; one sync serves the slice.
    private func decideAndRecord(_ watches: [Watch], inputs: SliceInputs, extracted: [Extracted], now: Date,
                                 into report: inout CheckReport, emit: ((CheckEvent, Bool) -> Bool)?) async {
        var checked: [Checked] = []
        for (index, (watch, result)) in zip(watches, inputs.results).enumerated() {
            // Aborted by a shutdown: nothing happened to this watch; it stays due.
            if case .failure(.cancelled) = result { report.cancelled.append(watch.name); continue }
            if case .sameStory = extracted[index] { report.recognisedUnparsed.insert(watch.name) }
            let latest = inputs.start.latest[watch.name] ?? .success(nil)
            var reread: Article?
            if let previous = needsReread(extracted[index], latest: latest) { reread = await self.reread(previous, watch: watch) }
            let input = Decision.Input(watch: watch, result: result, extracted: extracted[index], latest: latest,
                                       reread: reread, extractorVersion: extractor.version, now: now)
            let decision = Decision.decide(input, state: inputs.start.states[watch.name] ?? WatchState())
            let (event, version) = await plan(decision, watch: watch, latest: latest)
            let outcome = await outcome(of: event, version: version, decided: decision.state, watch: watch, result: result, latest: latest, now: now)
            checked.append(Checked(watch: watch, result: result, decided: decision.state, event: event, outcome: outcome))
        }
        let recorded = await repository.record(checked.map(\.outcome), now: now)
        report.storeErrors += recorded.problems
        if let sliceError = recorded.sliceError {
            // Nothing of the slice was recorded: its stored versions are not news, only failures.
            report.storeErrors.append(sliceError)
            checked = checked.map { item in
                guard item.outcome.version != nil else { return item }
                var failed = item
                failed.event = .failed(watch: item.watch, reason: "store: \(sliceError)")
                return failed
            }
        } else if !recorded.notStored.isEmpty {
            // A version that could not be stored fails its watch alone, recorded as that failure.
            var failures: [Checked] = []
            for (index, item) in checked.enumerated() {
                guard let reason = recorded.notStored[item.watch.name] else { continue }
                let event = CheckEvent.failed(watch: item.watch, reason: "store: \(reason)")
                let latest = inputs.start.latest[item.watch.name] ?? .success(nil)
                checked[index].event = event
                checked[index].outcome = await outcome(of: event, version: nil, decided: item.decided, watch: item.watch,
                                                       result: item.result, latest: latest, now: now)
                failures.append(checked[index])
            }
            let again = await repository.record(failures.map(\.outcome), now: now)
            report.storeErrors += again.problems + [again.sliceError].compactMap { $0 }
        }
        if outbox == nil && recorded.sliceError == nil {
            for item in checked { for queued in item.outcome.alerts where queued.alert != nil && !queued.hooks.isEmpty {
                report.deliveries += await notifier.deliver(queued.alert!, to: queued.hooks)
            } }
        }
        for item in checked {
            if item.watch.follow != nil, let canonical = item.event.storedArticle?.canonicalURL, !canonical.isEmpty {
                report.canonicals.append((item.watch.name, canonical))
            }
            report.add(item.event.slimmed(), parsed: !report.recognisedUnparsed.contains(item.watch.name), emit: emit)
        }
    }

    /// A decided watch's outcome: its state scheduled after the event, and the alerts it
    /// raises (an `error` alert on the first of a run of failures; the event's own alert for
    /// the hooks that want it; for a stored version, the outbox's note that it was announced).
    private func outcome(of event: CheckEvent, version: PlannedVersion?, decided: WatchState, watch: Watch,
                         result: Result<FetchResult, FetchError>, latest: Result<VersionRecord?, Error>, now: Date) async -> WatchOutcome {
        var state = Decision.scheduled(decided, after: event, result: result, watch: watch, now: now)
        if case .failed(_, let reason) = event, reason.hasPrefix("store: ") {
            // Nothing was stored: the next check must fetch and compare the page in full.
            state.etag = nil
            state.lastModified = nil
            state.storyFingerprint = nil
        }
        var alerts: [QueuedAlert] = []
        if case .failed(_, let reason) = event, state.consecutiveFailures == 1 {
            let hooks = watch.webhooks.filter { $0.wants(.error) }
            if !hooks.isEmpty {
                let last: VersionRecord? = if case .success(let stored) = latest { stored } else { nil }
                alerts.append(QueuedAlert(alert: Alert.error(watch: watch.name, url: watch.url, reason: reason, last: last, at: now), hooks: hooks, version: nil))
            }
        }
        // Alerts are built only for watches with a hook that wants this kind of event. Every
        // alert goes through the outbox when there is one: removals and restorations too, so
        // a hook that is down gets them later and `alerts` shows them.
        let wanted = event.alertEvent.map { kind in watch.webhooks.filter { $0.wants(kind) } } ?? []
        let alert = wanted.isEmpty ? nil : await alert(for: event, planned: version?.record, latest: latest, now: now)
        let hooks = alert == nil ? [] : wanted
        if let stored = event.storedVersion {
            alerts.append(QueuedAlert(alert: alert, hooks: hooks, version: stored))
        } else if alert != nil {
            alerts.append(QueuedAlert(alert: alert, hooks: hooks, version: nil))
        }
        return WatchOutcome(watch: watch.name, version: version, state: state, alerts: alerts)
    }

    /// A slice as fetched: what it started from (each watch's stored state and latest
    /// version, read when the slice is fetched, not for the whole watchlist up front) and
    /// its pages.
    struct SliceInputs: Sendable {
        var start: SliceStart
        var results: [Result<FetchResult, FetchError>]
    }

    /// Reads a slice's starting point and fetches its pages (with validators when a version
    /// exists to fall back on).
    func fetchSlice(_ watches: [Watch]) async -> SliceInputs {
        let start = await repository.start(watches.map(\.name))
        let requests = watches.map { watch in
            let state = start.states[watch.name] ?? WatchState()
            var limits = FetchLimits()
            limits.allowFileScheme = watch.isFileURL
            limits.blockPrivateNetworks = watch.blockPrivateNetworks
            let hasVersion = ((try? start.latest[watch.name]?.get()) ?? nil) != nil
            return FetchRequest(url: watch.url, headers: watch.headers, etag: hasVersion ? state.etag : nil,
                                lastModified: hasVersion ? state.lastModified : nil, limits: limits, proxy: watch.proxy)
        }
        return SliceInputs(start: start, results: await fetcher.fetch(requests))
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
                let extracted = await runner.extractAll(Array(watches[slices[index]]), inputs.results,
                                                        states: inputs.start.states, latest: inputs.start.latest)
                return (inputs, extracted, next)
            }
        }
    }

    /// Versions stored by a run that died before queueing their alerts get them now. A new
    /// outbox starts from the versions already stored (no alerts for old history).
    private func queueMissedAlerts(_ watches: [Watch], outbox: Outbox, now: Date) async -> [String] {
        let alerted = outbox.alertedVersions()
        let fresh = outbox.isFresh
        guard let newestNumbers = try? await repository.latestVersionNumbers() else { return ["cannot read the store's latest versions"] }
        var problems: [String] = []
        for watch in watches {
            // The whole history is read only for a watch whose latest version lacks its alerts.
            guard let newest = newestNumbers[watch.name] else { continue }
            if !fresh && newest <= (alerted[watch.name] ?? 0) { continue }
            guard let versions = try? await repository.versions(of: watch.name), let last = versions.last else { continue }
            let done = fresh ? last.number : (alerted[watch.name] ?? 0)
            for (index, version) in versions.enumerated() where version.number > done {
                let event: CheckEvent
                if index == 0 {
                    guard let article = try? await repository.article(of: version) else { continue }
                    event = .new(watch: watch, version: version, article: article)
                } else {
                    guard let old = try? await repository.article(of: versions[index - 1]),
                          let new = try? await repository.article(of: version) else { continue }
                    event = .changed(watch: watch, change: Change(watch: watch.name, url: watch.url, old: versions[index - 1], new: version,
                                                                  oldArticle: old, newArticle: new, options: watch.diffOptions))
                }
                let alert = await alert(for: event, planned: nil, latest: .success(last), now: version.fetchedAt)
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

    /// The alert an event raises. `planned` is the version this check is about to record
    /// (the story's first, for a new watch); `latest` the newest version before it.
    private func alert(for event: CheckEvent, planned: VersionRecord?, latest: Result<VersionRecord?, Error>, now: Date) async -> Alert? {
        let last = (try? latest.get()) ?? nil
        guard var alert = plainAlert(for: event, last: last, now: now) else { return nil }
        alert.source = event.watch.follow?.source
        alert.published = event.watch.follow?.published
        // Mail threads a story's updates under its first alert.
        if alert.storyAlertID == nil, event.watch.webhooks.contains(where: { $0.email != nil }),
           let first = last == nil ? planned : (try? await repository.versions(of: event.watch.name))?.first {
            alert.storyAlertID = Alert.firstAlertID(watch: event.watch.name, first: first)
        }
        return alert
    }

    private func plainAlert(for event: CheckEvent, last: VersionRecord?, now: Date) -> Alert? {
        switch event {
        case .new(let watch, let version, let article): return Alert.new(watch: watch.name, url: watch.url, version: version, article: article, at: now)
        case .removed(let watch, let status):
            guard let last else { return nil }
            return Alert.removed(watch: watch.name, url: watch.url, last: last, status: status, at: now)
        case .changed(let watch, let change):
            // Every version is stored; only real wording changes are worth waking someone for.
            guard change.summary.isSubstantive || watch.alertOn == .any else { return nil }
            return Alert.changed(change, at: now)
        case .restored(let watch, let change):
            guard let last = change?.old ?? last else { return nil }
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
                : repository.prepareVersion(of: watch.name, article: article, html: response.body, finalURL: response.finalURL, after: latest)
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
    func reread(_ version: VersionRecord, watch: Watch) async -> Article? {
        guard let html = try? await repository.html(of: version) else { return nil }
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

    /// Plans what a decision calls for: the event it makes and the version it stores (not
    /// yet recorded: numbered and named ahead, see `PlannedVersion`).
    private func plan(_ decision: Decision, watch: Watch, latest: Result<VersionRecord?, Error>) async -> (CheckEvent, PlannedVersion?) {
        switch decision.action {
        case .report(let event):
            return (decision.restoring ? .restored(watch: watch, change: nil) : event.withoutControlCharacters(), nil)
        case .store(let snapshot, let prepared, let oldArticle, let onlyExtractorChanged):
            do {
                let previous = try latest.get()
                let version = try PlannedVersion(snapshot: snapshot, prepared: prepared, after: previous)
                guard let previous else { return (.new(watch: watch, version: version.record, article: snapshot.article), version) }
                if onlyExtractorChanged { return (.rebaselined(watch: watch, version: version.record), version) }
                let old: Article = if let oldArticle { oldArticle } else { try await repository.article(of: previous) }
                let change = Change(watch: watch.name, url: watch.url, old: previous, new: version.record,
                                    oldArticle: old, newArticle: snapshot.article, options: watch.diffOptions)
                return (decision.restoring ? .restored(watch: watch, change: change) : .changed(watch: watch, change: change), version)
            } catch {
                return (.failed(watch: watch, reason: ControlCharacters.strip("store: \(error)")), nil)
            }
        }
    }
}
