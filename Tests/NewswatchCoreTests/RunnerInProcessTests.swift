import Foundation
import Testing
@testable import NewswatchCore

/// Serves canned pages by URL, with an ETag; a URL it does not know answers 404.
final class CannedFetcher: Fetcher, @unchecked Sendable {
    private let lock = NSLock()
    private var pages: [String: String] = [:]
    private(set) var requests: [FetchRequest] = []

    func publish(_ url: String, _ html: String) { lock.lock(); pages[url] = html; lock.unlock() }

    func fetch(_ requests: [FetchRequest]) async -> [Result<FetchResult, FetchError>] {
        lock.withLock {
        self.requests += requests
        return requests.map { request in
            guard let html = pages[request.url] else {
                return .success(FetchResult(requestedURL: request.url, finalURL: request.url, status: 404, headers: [:], body: Data(), elapsed: 0))
            }
            return .success(FetchResult(requestedURL: request.url, finalURL: request.url, status: 200,
                                        headers: ["content-type": "text/html; charset=utf-8", "etag": "\"\(html.utf8.count)\""],
                                        body: Data(html.utf8), elapsed: 0))
        }
        }
    }
}

/// Records what it was asked to send; fails while `down`.
final class RecordingNotifier: Notifier, @unchecked Sendable {
    private let lock = NSLock()
    private(set) var sent: [Alert] = []
    var down = false

    func send(_ alert: Alert, to hook: WebhookConfig) async -> NotifierResult {
        lock.withLock {
            if down { return NotifierResult(delivered: false, error: "HTTP 500") }
            sent.append(alert)
            return NotifierResult(delivered: true)
        }
    }
}

/// The whole runner in-process: canned pages, a store in memory, a notifier that records.
@Suite("Runner in process")
struct RunnerInProcessTests {
    func page(_ paragraphs: [String]) -> String {
        "<html><head><title>Flood</title></head><body><nav><a href=/>Home</a></nav><article><h1>River floods the old town</h1>"
            + paragraphs.map { "<p>\($0)</p>" }.joined() + "</article><aside>Latest news: other stories</aside></body></html>"
    }

    @Test func newThenChangedThenTakenDownWithAlertsInOrder() async throws {
        let url = "https://news.example.org/flood"
        let hook = WebhookConfig(url: "https://hooks.example.org/h", on: [.new, .changed, .removed])
        let watch = Watch(name: "flood", url: url, webhooks: [hook])
        let store = MemoryStore(), fetcher = CannedFetcher(), notifier = RecordingNotifier()
        var runner = CheckRunner(store: store, fetcher: fetcher, notifier: notifier, outbox: store.makeOutbox())
        runner.recogniseUnchanged = false
        let first = ["The river rose two metres overnight, officials said, and 120 people were evacuated.",
                     "Rescue teams worked through the night, and schools will stay closed on Monday."]
        fetcher.publish(url, page(first))
        var report = await runner.run([watch])
        guard case .new = report.events.first else { Issue.record("\(report.events)"); return }

        fetcher.publish(url, page(first.map { $0.replacingOccurrences(of: "120", with: "1,200") }))
        report = await runner.run([watch])
        guard case .changed(_, let change) = report.events.first else { Issue.record("\(report.events)"); return }
        #expect(change.summary.isSubstantive, "a death toll or evacuation count changing is news")

        fetcher.publish(url, page(first.map { $0.replacingOccurrences(of: "120", with: "1,200") }))
        report = await runner.run([watch])
        guard case .unchanged = report.events.first else { Issue.record("\(report.events)"); return }

        // Taken down: held at the first 404, announced at the second.
        let missing = CannedFetcher()
        runner.fetcher = missing
        report = await runner.run([watch])
        guard case .held = report.events.first else { Issue.record("\(report.events)"); return }
        report = await runner.run([watch])
        guard case .removed = report.events.first else { Issue.record("\(report.events)"); return }

        #expect(try store.versions(of: "flood").count == 2)
        #expect(notifier.sent.map(\.type) == [.new, .changed, .removed])
        #expect(store.makeOutbox().entries().allSatisfy { $0.status == .delivered })
        #expect(try store.states()["flood"]?.isRemoved == true)
    }

    @Test func alertsWaitWhileTheHookIsDownAndArriveOnceAfter() async throws {
        let hook = WebhookConfig(url: "https://hooks.example.org/h", on: [.new])
        let watches = (1...3).map { Watch(name: "s\($0)", url: "https://news.example.org/s\($0)", webhooks: [hook]) }
        let store = MemoryStore(), fetcher = CannedFetcher(), notifier = RecordingNotifier()
        for watch in watches { fetcher.publish(watch.url, page(["Story \(watch.name): the council met on Tuesday, officials said, and voted on the budget."])) }
        notifier.down = true
        let runner = CheckRunner(store: store, fetcher: fetcher, notifier: notifier, outbox: store.makeOutbox())
        _ = await runner.run(watches)
        #expect(notifier.sent.isEmpty)
        #expect(store.makeOutbox().entries().map(\.status) == [.pending, .pending, .pending])
        notifier.down = false
        _ = try store.makeOutbox().retry(nil)
        _ = await store.makeOutbox().deliver(hooks: [hook], notifier: notifier)
        #expect(notifier.sent.map(\.watch).sorted() == ["s1", "s2", "s3"])
        _ = await runner.run(watches)  // unchanged pages: nothing more to send
        #expect(notifier.sent.count == 3)
    }

    /// Memory follows the work in flight: a caller that prints events as slices commit gets
    /// each one once, before the later slices are fetched, and the report keeps only counts.
    @Test func emittedEventsAreHandedOverSliceBySliceAndNotKept() async throws {
        let store = MemoryStore(), fetcher = CannedFetcher()
        let count = CheckRunner.sliceSize * 3 + 5
        let watches = (0..<count).map { Watch(name: "s\($0)", url: "https://news.example.org/s\($0)") }
        for (index, watch) in watches.enumerated() where index % 7 != 0 {
            fetcher.publish(watch.url, page(["Story \(index): the council met on Tuesday and voted to close the bridge for repairs."]))
        }
        let runner = CheckRunner(store: store, fetcher: fetcher, notifier: RecordingNotifier(), outbox: store.makeOutbox())
        var emitted: [String] = [], requestedAtFirstEmit: Int?
        let report = await runner.run(watches) { event, _ in
            if requestedAtFirstEmit == nil { requestedAtFirstEmit = fetcher.requests.count }
            emitted.append(event.watch.name)
            return false
        }
        #expect(emitted == watches.map(\.name), "every event once, in watchlist order")
        #expect(report.events.isEmpty)
        let failed = watches.indices.filter { $0 % 7 == 0 }.count
        #expect(report.tally == CheckReport.Tally(checked: count, changed: 0, failed: failed))
        #expect((requestedAtFirstEmit ?? count) < count, "the first slice's events come before the last slice is fetched")
    }
}

/// `MemoryStore`, counting how a run reads watch states.
final class StateReadCountingStore: SnapshotStore, @unchecked Sendable {
    let inner = MemoryStore()
    private let lock = NSLock()
    private(set) var wholeReads = 0
    private(set) var sliceReads: [Int] = []
    var root: String { inner.root }
    func versions(of watch: String) throws -> [VersionRecord] { try inner.versions(of: watch) }
    func article(of version: VersionRecord) throws -> Article { try inner.article(of: version) }
    func html(of version: VersionRecord) throws -> Data { try inner.html(of: version) }
    func append(_ snapshot: Snapshot, to watch: String) throws -> VersionRecord { try inner.append(snapshot, to: watch) }
    func states() throws -> [String: WatchState] { lock.withLock { wholeReads += 1 }; return try inner.states() }
    func states(of watches: [String]) throws -> [String: WatchState] {
        lock.withLock { sliceReads.append(watches.count) }
        let all = try inner.states()
        return all.filter { watches.contains($0.key) }
    }
    func saveStates(_ states: [String: WatchState]) throws { try inner.saveStates(states) }
    func watchNames() throws -> [String] { try inner.watchNames() }
    func withWriterLock<T>(wait: TimeInterval?, _ body: () async throws -> T) async throws -> T { try await body() }
    func makeOutbox() -> Outbox { inner.makeOutbox() }
}

@Suite("Runner in process: memory")
struct RunnerMemoryTests {
    /// A run over many watches reads their states a slice at a time, never all at once.
    @Test func statesAreReadASliceAtATime() async throws {
        let store = StateReadCountingStore(), fetcher = CannedFetcher()
        let watches = (0..<(CheckRunner.sliceSize * 2 + 1)).map { Watch(name: "w\($0)", url: "https://news.example.org/w\($0)") }
        let runner = CheckRunner(store: store, fetcher: fetcher, notifier: RecordingNotifier())
        let report = await runner.run(watches) { _, _ in false }
        #expect(report.tally.checked == watches.count)
        #expect(store.wholeReads == 0)
        #expect(store.sliceReads.sorted() == [1, CheckRunner.sliceSize, CheckRunner.sliceSize])
    }
}

/// A repository over a `MemoryStore` that records what the runner asks of it and can fail a
/// whole slice's commit.
final class RecordingRepository: Repository, @unchecked Sendable {
    let store = MemoryStore()
    private let lock = NSLock()
    private(set) var recorded: [[WatchOutcome]] = []
    var failCommits = false
    private var inner: StoreRepository { StoreRepository(store: store, outbox: nil) }

    func start(_ watches: [String]) async -> SliceStart { await inner.start(watches) }
    func latestVersionNumbers() async throws -> [String: Int] { try await inner.latestVersionNumbers() }
    func versions(of watch: String) async throws -> [VersionRecord] { try await inner.versions(of: watch) }
    func article(of version: VersionRecord) async throws -> Article { try await inner.article(of: version) }
    func html(of version: VersionRecord) async throws -> Data { try await inner.html(of: version) }
    func prepareVersion(of watch: String, article: Article, html: Data, finalURL: String, after previous: VersionRecord?) -> PreparedVersion? { nil }
    func record(_ outcomes: [WatchOutcome], now: Date) async -> RecordResult {
        lock.withLock { recorded.append(outcomes) }
        if failCommits { return RecordResult(sliceError: "disk I/O error") }
        return await inner.record(outcomes, now: now)
    }
}

@Suite("Runner in process: the repository seam")
struct RepositorySeamTests {
    func page(_ text: String) -> String {
        "<html><body><article><h1>Council votes</h1><p>\(text) The council met on Tuesday and the vote was close, members said afterwards.</p></article></body></html>"
    }

    /// Decide and plan before the transaction; one `record` per slice carries each watch's
    /// version (numbered ahead), state and alerts; what the repository stored is what was planned.
    @Test func oneRecordPerSliceWithVersionsStateAndAlertsTogether() async throws {
        let repository = RecordingRepository(), fetcher = CannedFetcher(), notifier = RecordingNotifier()
        let hook = WebhookConfig(url: "https://hooks.example.org/h", on: [.new, .changed])
        let watches = (0..<(CheckRunner.sliceSize + 3)).map { Watch(name: "w\($0)", url: "https://news.example.org/w\($0)", webhooks: [hook]) }
        for watch in watches { fetcher.publish(watch.url, page("Story \(watch.name).")) }
        var runner = CheckRunner(store: repository.store, fetcher: fetcher, notifier: notifier)
        runner.customRepository = repository
        let report = await runner.run(watches)
        #expect(repository.recorded.map(\.count) == [CheckRunner.sliceSize, 3])
        let first = try #require(repository.recorded.first?.first)
        #expect(first.version?.record.number == 1)
        #expect(first.state.lastChecked != nil)
        #expect(first.alerts.count == 1 && first.alerts.first?.alert?.event == .new && first.alerts.first?.version == 1)
        let stored = try repository.store.latestVersion(of: "w0")
        #expect(stored?.article == first.version?.record.article && stored?.html == first.version?.record.html)
        #expect(report.tally.checked == watches.count && report.tally.failed == 0)
        #expect(notifier.sent.count == watches.count, "without an outbox, alerts go out once their slice is recorded")
    }

    /// A slice whose commit fails leaves nothing behind: no version, no state, no alert, and
    /// its watches are reported failed, not as new stories.
    @Test func aFailedCommitReportsFailuresAndSendsNothing() async throws {
        let repository = RecordingRepository(), fetcher = CannedFetcher(), notifier = RecordingNotifier()
        let hook = WebhookConfig(url: "https://hooks.example.org/h", on: [.new])
        let watch = Watch(name: "w", url: "https://news.example.org/w", webhooks: [hook])
        fetcher.publish(watch.url, page("Story."))
        var runner = CheckRunner(store: repository.store, fetcher: fetcher, notifier: notifier)
        runner.customRepository = repository
        repository.failCommits = true
        let report = await runner.run([watch])
        guard case .failed(_, let reason) = report.events.first else { Issue.record("\(report.events)"); return }
        #expect(reason.contains("disk I/O error"))
        #expect(try repository.store.latestVersion(of: "w") == nil)
        #expect(notifier.sent.isEmpty)
        repository.failCommits = false
        let again = await runner.run([watch])
        guard case .new = again.events.first else { Issue.record("\(again.events)"); return }
        #expect(notifier.sent.count == 1)
    }
}

/// A store whose appends fail (a full disk, say); everything else as `MemoryStore`.
final class AppendFailingStore: SnapshotStore, @unchecked Sendable {
    let inner = MemoryStore()
    var failing = true
    var root: String { inner.root }
    func versions(of watch: String) throws -> [VersionRecord] { try inner.versions(of: watch) }
    func article(of version: VersionRecord) throws -> Article { try inner.article(of: version) }
    func html(of version: VersionRecord) throws -> Data { try inner.html(of: version) }
    func append(_ snapshot: Snapshot, to watch: String) throws -> VersionRecord {
        if failing { throw StoreError.io(path: "(test)", reason: "no space left on device") }
        return try inner.append(snapshot, to: watch)
    }
    func states() throws -> [String: WatchState] { try inner.states() }
    func saveStates(_ states: [String: WatchState]) throws { try inner.saveStates(states) }
    func watchNames() throws -> [String] { try inner.watchNames() }
    func withWriterLock<T>(wait: TimeInterval?, _ body: () async throws -> T) async throws -> T { try await body() }
    func makeOutbox() -> Outbox { inner.makeOutbox() }
}

@Suite("Runner in process: a failing store")
struct FailingStoreTests {
    /// A version that could not be stored is not forgotten: the watch fails, keeps no
    /// validators (so the server cannot answer 304 for a page never stored), and the next
    /// check stores it.
    @Test func aFailedAppendLeavesNoValidatorsAndTheNextCheckStores() async throws {
        let url = "https://news.example.org/vote"
        let watch = Watch(name: "vote", url: url)
        let store = AppendFailingStore(), fetcher = CannedFetcher()
        fetcher.publish(url, "<html><body><article><h1>Vote</h1><p>The council voted on Tuesday, officials said, and the budget passed by 41 votes.</p></article></body></html>")
        var runner = CheckRunner(store: store, fetcher: fetcher, notifier: RecordingNotifier(), outbox: store.makeOutbox())
        runner.recogniseUnchanged = true
        var report = await runner.run([watch])
        guard case .failed(_, let reason) = report.events.first else { Issue.record("\(report.events)"); return }
        #expect(reason.contains("no space left"))
        let state = try #require(try store.states()["vote"])
        #expect(state.etag == nil && state.lastModified == nil && state.storyFingerprint == nil)
        #expect(state.consecutiveFailures == 1)
        store.failing = false
        report = await runner.run([watch])
        guard case .new = report.events.first else { Issue.record("\(report.events)"); return }
        #expect(try store.versions(of: "vote").count == 1)
    }
}
