import Foundation
import Testing
@testable import NewswatchCore

/// The decide stage on its own: no server, no store, no extractor run.
@Suite("Decide")
struct DecisionTests {
    let watch = Watch(name: "vote", url: "https://news.example.org/vote")
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    let story = Article(title: "Council vote", blocks: [.init(.paragraph, String(repeating: "The council met on Tuesday, officials said, and voted. ", count: 20))])

    func page(_ status: Int = 200, etag: String? = "\"e1\"", headers: [String: String] = [:]) -> Result<FetchResult, FetchError> {
        var all = headers
        if let etag { all["etag"] = etag }
        return .success(FetchResult(requestedURL: watch.url, finalURL: watch.url, status: status, headers: all, body: Data("<html>page</html>".utf8), elapsed: 0.01))
    }

    func stored(_ article: Article, extractor: String = "readability/2") -> VersionRecord {
        var record = VersionRecord(number: 3, fetchedAt: now.addingTimeInterval(-3600), requestedURL: watch.url, finalURL: watch.url, status: 200,
                                   extractorVersion: extractor, article: "a", html: "h", storyHash: StoreFormat.storyHash(article), title: article.title)
        record.storyLength = article.storyText.utf8.count
        return record
    }

    func decide(_ result: Result<FetchResult, FetchError>, _ article: Article?, previous: VersionRecord?, reread: Article? = nil,
                state: WatchState = WatchState()) -> Decision {
        let extracted: CheckRunner.Extracted
        if let article, case .success(let response) = result { extracted = .article(response, article, nil, nil) } else {
            extracted = .event(.failed(watch: watch, reason: "HTTP error"))
        }
        let input = Decision.Input(watch: watch, result: result, extracted: extracted, latest: .success(previous), reread: reread,
                                   extractorVersion: "readability/2", now: now)
        return Decision.decide(input, state: state)
    }

    @Test func aFirstPageIsStoredAndTheSameStoryIsNot() {
        let first = decide(page(), story, previous: nil)
        guard case .store(let snapshot, _, let oldArticle, let onlyExtractorChanged) = first.action else { Issue.record("\(first.action)"); return }
        #expect(snapshot.article.title == "Council vote" && oldArticle == nil && !onlyExtractorChanged)
        #expect(first.state.lastChanged == now && first.state.etag == "\"e1\"")
        let again = decide(page(etag: "\"e2\""), story, previous: stored(story), state: first.state)
        guard case .report(.unchanged) = again.action else { Issue.record("\(again.action)"); return }
        #expect(again.state.etag == "\"e2\"" && again.state.lastChanged == now)
    }

    @Test func aCollapsedStoryIsHeldOnceThenStored() {
        let stub = Article(title: "Council vote", blocks: [.init(.paragraph, "Subscribe to continue reading.")])
        let held = decide(page(), stub, previous: stored(story))
        guard case .report(.held(_, let reason)) = held.action else { Issue.record("\(held.action)"); return }
        #expect(reason.contains("shrank"))
        #expect(held.state.etag != "\"e1\"", "the held page's validators are not kept, so the next check fetches it again")
        let confirmed = decide(page(), stub, previous: stored(story), state: held.state)
        guard case .store = confirmed.action else { Issue.record("\(confirmed.action)"); return }
        #expect(confirmed.state.suspectHash == nil)
    }

    @Test func aNewExtractorReadingTheSameStoryIsNotNews() {
        let reread = Article(title: "Council vote", blocks: [.init(.paragraph, "Short.")])
        // The story reads shorter with this extractor, and the old version reads the same with it.
        let decision = decide(page(), reread, previous: stored(story, extractor: "readability/1"), reread: reread)
        guard case .store(_, _, _, let onlyExtractorChanged) = decision.action else { Issue.record("\(decision.action)"); return }
        #expect(onlyExtractorChanged, "rebaselined, neither held as a collapse nor announced as a change")
    }

    @Test func aTakenDownStoryIsAnnouncedOnceAndRestoredWhenItReturns() {
        var state = WatchState()
        let first = decide(page(404), nil, previous: stored(story), state: state)
        guard case .report(.held) = first.action else { Issue.record("\(first.action)"); return }
        state = first.state
        let second = decide(page(410), nil, previous: stored(story), state: state)
        guard case .report(.removed(_, 410)) = second.action else { Issue.record("\(second.action)"); return }
        state = second.state
        let third = decide(page(404), nil, previous: stored(story), state: state)
        guard case .report(.stillRemoved) = third.action else { Issue.record("\(third.action)"); return }
        let back = decide(page(), story, previous: stored(story), state: third.state)
        #expect(back.restoring)
        #expect(!back.state.isRemoved)
        #expect(back.state.lifecycle?.map(\.event) == [.removed, .restored])
    }

    @Test func schedulingCountsFailuresAndHonoursRetryAfter() {
        var state = WatchState()
        let failed = CheckEvent.failed(watch: watch, reason: "HTTP 503")
        state = Decision.scheduled(state, after: failed, result: page(503, headers: ["retry-after": "7200"]), watch: watch, now: now)
        #expect(state.consecutiveFailures == 1 && state.lastError == "HTTP 503")
        #expect((state.nextDue ?? now).timeIntervalSince(now) >= 7200, "Retry-After: 2 hours")
        state = Decision.scheduled(state, after: .unchanged(watch: watch), result: page(), watch: watch, now: now)
        #expect(state.consecutiveFailures == 0 && state.lastError == nil && state.lastChecked == now)
        #expect((state.nextDue ?? now).timeIntervalSince(now) < 7200)
    }
}
