import Foundation

/// One pass of the pipeline: Watch -> FetchResult -> Article -> Snapshot -> Change -> Alert.
/// Each stage is a protocol, so any of them can be swapped without touching this file.
public struct CheckRunner: Sendable {
    public var store: any SnapshotStore
    public var fetcher: any Fetcher
    public var extractor: any ArticleExtractor
    public var notifier: any Notifier

    public init(store: any SnapshotStore, fetcher: any Fetcher = CurlFetcher(),
                extractor: any ArticleExtractor = ReadabilityExtractor(), notifier: any Notifier = WebhookNotifier()) {
        self.store = store
        self.fetcher = fetcher
        self.extractor = extractor
        self.notifier = notifier
    }

    /// Watches whose next due time has passed (never-checked watches are due).
    public func dueWatches(_ watches: [Watch], now: Date) -> [Watch] {
        let states = (try? store.states()) ?? [:]
        return watches.filter { watch in
            guard let due = states[watch.name]?.nextDue else { return true }
            return due <= now
        }
    }

    /// Fetches, extracts, stores and alerts for `watches` (all of them, due or not: the
    /// caller chooses). Call inside the store's writer lock.
    public func run(_ watches: [Watch], now: Date = Date()) async -> CheckReport {
        var report = CheckReport()
        let stored = (try? store.states()) ?? [:]
        var states: [String: WatchState] = [:]
        var requests: [FetchRequest] = []
        for watch in watches {
            let state = stored[watch.name] ?? WatchState()
            states[watch.name] = state
            var limits = FetchLimits()
            limits.allowFileScheme = watch.isFileURL
            // Validators only make sense when a version exists to fall back on.
            let hasVersion = ((try? store.latestVersion(of: watch.name)) ?? nil) != nil
            requests.append(FetchRequest(url: watch.url, headers: watch.headers,
                                         etag: hasVersion ? state.etag : nil,
                                         lastModified: hasVersion ? state.lastModified : nil, limits: limits))
        }
        let results = await fetcher.fetch(requests)
        for (watch, result) in zip(watches, results) {
            var state = states[watch.name] ?? WatchState()
            let event = process(watch, result, state: &state, now: now)
            state.lastChecked = now
            if case .failed(_, let reason) = event {
                state.lastError = reason
                state.consecutiveFailures += 1
                // Back off a failing page: 1, 2, 4 … intervals, at most a day.
                let backoff = min(watch.every.seconds * pow(2, Double(min(state.consecutiveFailures - 1, 10))), max(watch.every.seconds, 86400))
                state.nextDue = now.addingTimeInterval(backoff)
            } else {
                state.lastError = nil
                state.consecutiveFailures = 0
                state.nextDue = now.addingTimeInterval(watch.every.seconds)
            }
            states[watch.name] = state
            report.events.append(event)
            if let alert = alert(for: event, now: now) {
                let hooks = watch.webhooks.filter { $0.on.contains(alert.event) }
                if !hooks.isEmpty { report.deliveries += await notifier.deliver(alert, to: hooks) }
            }
        }
        do {
            try store.saveStates(states)
        } catch {
            report.storeErrors.append("cannot save watch state: \(error)")
        }
        return report
    }

    private func alert(for event: CheckEvent, now: Date) -> Alert? {
        switch event {
        case .new(let watch, let version, let article): return Alert.new(watch: watch.name, url: watch.url, version: version, article: article, at: now)
        case .changed(let watch, let change):
            // Every version is stored; only real wording changes are worth waking someone for.
            guard change.summary.isSubstantive || watch.alertOn == .any else { return nil }
            return Alert.changed(change, at: now)
        default: return nil
        }
    }

    private func process(_ watch: Watch, _ result: Result<FetchResult, FetchError>, state: inout WatchState, now: Date) -> CheckEvent {
        let response: FetchResult
        switch result {
        case .failure(let error): return .failed(watch: watch, reason: "\(error)")
        case .success(let value): response = value
        }
        if response.isNotModified { return .notModified(watch: watch) }
        guard response.isSuccess else { return .failed(watch: watch, reason: "HTTP \(response.status) from \(response.finalURL)") }
        let article: Article
        do {
            article = try extractor.extract(ExtractionInput(html: response.body, url: response.finalURL, charset: response.charset,
                                                            select: watch.select, remove: watch.remove))
        } catch {
            return .failed(watch: watch, reason: "extraction failed: \(error)")
        }
        guard !article.blocks.isEmpty else { return .failed(watch: watch, reason: "no article text found in the page (nothing stored)") }
        state.etag = response.etag
        state.lastModified = response.lastModified
        do {
            let previous = try store.latestVersion(of: watch.name)
            if let previous, previous.storyHash == FileSnapshotStore.storyHash(article) {
                return .unchanged(watch: watch)
            }
            let snapshot = Snapshot(fetchedAt: now, requestedURL: watch.url, finalURL: response.finalURL, status: response.status,
                                    etag: response.etag, lastModified: response.lastModified, contentType: response.contentType,
                                    charset: response.charset, extractorVersion: extractor.version, article: article, html: response.body)
            let record = try store.append(snapshot, to: watch.name)
            state.lastChanged = now
            guard let previous else { return .new(watch: watch, version: record, article: article) }
            let oldArticle = try store.article(of: previous)
            return .changed(watch: watch, change: Change(watch: watch.name, url: watch.url, old: previous, new: record,
                                                         oldArticle: oldArticle, newArticle: article, options: watch.diffOptions))
        } catch {
            return .failed(watch: watch, reason: "store: \(error)")
        }
    }
}
