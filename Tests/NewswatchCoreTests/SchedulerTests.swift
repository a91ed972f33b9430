import Foundation
import Testing
@testable import NewswatchCore
#if canImport(Glibc)
import Glibc
#endif

@Suite("Scheduling")
struct SchedulerTests {
    let now = Date(timeIntervalSince1970: 1_718_700_000)

    @Test func fixedIntervalsGetASmallStableJitter() {
        let watch = Watch(name: "story-1", url: "https://e.org", every: Interval(seconds: 900))
        let due = Scheduler.nextDue(for: watch, state: WatchState(), failed: false, retryAfter: nil, now: now)
        let wait = due.timeIntervalSince(now)
        #expect(wait >= 900 && wait < 990)
        #expect(Scheduler.nextDue(for: watch, state: WatchState(), failed: false, retryAfter: nil, now: now) == due)
        let spread = Set((0..<50).map { Scheduler.jitter("story-\($0)", 900) })
        #expect(spread.count > 40, "names spread over the jitter window")
    }

    @Test func adaptiveFollowsTheStorysLife() {
        var watch = Watch(name: "s", url: "https://e.org")
        watch.adaptive = true
        var state = WatchState()
        state.firstChecked = now
        state.lastChanged = now
        #expect(Scheduler.interval(for: watch, state: state, now: now) == 120)
        #expect(Scheduler.interval(for: watch, state: state, now: now.addingTimeInterval(3600)) == 360)
        #expect(Scheduler.interval(for: watch, state: state, now: now.addingTimeInterval(2 * 86400)) == 17280)
        #expect(Scheduler.interval(for: watch, state: state, now: now.addingTimeInterval(6 * 86400)) == 51840)
        #expect(Scheduler.interval(for: watch, state: state, now: now.addingTimeInterval(8 * 86400)) == nil)
        watch.adaptiveStop = Interval(seconds: 30 * 86400)
        #expect(Scheduler.interval(for: watch, state: state, now: now.addingTimeInterval(12 * 86400)) == 86400)
        watch.adaptiveStop = Interval(seconds: 7 * 86400)
        #expect(Scheduler.nextDue(for: watch, state: state, failed: false, retryAfter: nil, now: now.addingTimeInterval(8 * 86400)) == .distantFuture)
        // A change makes it frequent again.
        state.lastChanged = now.addingTimeInterval(2 * 86400)
        #expect(Scheduler.interval(for: watch, state: state, now: now.addingTimeInterval(2 * 86400 + 60)) == 120)
    }

    @Test func failuresBackOffAndRetryAfterIsHonoured() {
        let watch = Watch(name: "s", url: "https://e.org", every: Interval(seconds: 600))
        var state = WatchState()
        var waits: [TimeInterval] = []
        for failures in 1...5 {
            state.consecutiveFailures = failures
            waits.append(Scheduler.nextDue(for: watch, state: state, failed: true, retryAfter: nil, now: now).timeIntervalSince(now))
        }
        #expect(waits == [600, 1200, 2400, 4800, 9600])
        state.consecutiveFailures = 30
        #expect(Scheduler.nextDue(for: watch, state: state, failed: true, retryAfter: nil, now: now).timeIntervalSince(now) == 86400)
        state.consecutiveFailures = 1
        #expect(Scheduler.nextDue(for: watch, state: state, failed: true, retryAfter: 7200, now: now).timeIntervalSince(now) == 7200)
        #expect(WebhookNotifier.parseRetryAfter("120") == 120)
    }

    @Test func checkFetchesOnlyWhatIsDueAndHonours503RetryAfter() throws {
        let server = try TestServer()
        defer { server.stop() }
        let work = Fixtures.temporaryDirectory()
        try "<html><body><article><p>A story paragraph that is long enough, with commas, to be the article.</p></article></body></html>"
            .write(toFile: server.root + "/a.html", atomically: true, encoding: .utf8)
        try """
        watches:
          - { name: a, url: "\(server.url("/site/a.html"))", every: 1h }
          - { name: busy, url: "\(server.url("/status/503"))", every: 10m }
        """.write(toFile: work + "/w.yaml", atomically: true, encoding: .utf8)
        let args = ["check", "--watchlists", work + "/w.yaml", "--store", work + "/store"]
        let first = try runCLI(args)
        #expect(first.stdout.contains("new: a"))
        #expect(first.stderr.contains("busy: HTTP 503"))
        let second = try runCLI(args)  // nothing due: no fetch, no output
        #expect(second.stdout.isEmpty && second.stderr.isEmpty && second.status == 0)
        let states = try SQLiteStore(root: work + "/store").states()
        let wait = try #require(states["busy"]?.nextDue).timeIntervalSince(try #require(states["busy"]?.lastChecked))
        #expect(wait >= 600, "a failing watch waits at least its interval")
    }

    @Test func sigtermMidCycleLeavesAConsistentStore() async throws {
        let server = try TestServer()
        defer { server.stop() }
        let work = Fixtures.temporaryDirectory()
        for n in 1...6 {
            try "<html><body><article><p>Story \(n): a paragraph long enough, with commas, to be the article text here.</p></article></body></html>"
                .write(toFile: "\(server.root)/s\(n).html", atomically: true, encoding: .utf8)
        }
        // Slow pages keep the first cycle in flight when SIGTERM arrives.
        try (["watches:"] + (1...6).map { "  - { name: s\($0), url: \"\(server.url($0 % 2 == 0 ? "/delay" : "/site/s\($0).html"))\" }" })
            .joined(separator: "\n").write(toFile: work + "/w.yaml", atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: (Fixtures.productsDirectory as NSString).appendingPathComponent("newswatch"))
        process.arguments = ["watch", "--watchlists", work + "/w.yaml", "--store", work + "/store", "--log-level", "debug"]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        try await Task.sleep(nanoseconds: 400_000_000)
        kill(process.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(15)
        while process.isRunning && Date() < deadline { try await Task.sleep(nanoseconds: 100_000_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        let log = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus == 0, "\(log)")
        #expect(log.contains("stopped"))
        let store = try SQLiteStore(root: work + "/store")
        #expect(store.verify().isHealthy)
        // What was fetched before the signal is stored; aborted watches stay due and the next
        // run stores them.
        let next = try runCLI(["check", "--watchlists", work + "/w.yaml", "--store", work + "/store"])
        #expect(next.status == 0, "\(next.stderr)")
        #expect(try store.watchNames().count == 6)
    }

    /// `watch` delivers alerts whose retry is due even when no watch is: a daily story's alert
    /// that failed does not wait a day for the next check of its story.
    @Test func watchDeliversDueRetriesWhenNoWatchIsDue() throws {
        let server = try TestServer()
        defer { server.stop() }
        let hookLog = Fixtures.temporaryDirectory() + "/hooks.jsonl"
        let receiver = try TestServer(hookLog: hookLog, hookMode: "500")
        defer { receiver.stop() }
        let work = Fixtures.temporaryDirectory()
        try "<html><body><article><h1>Daily story</h1><p>A paragraph long enough, with commas, to be the article text of the story.</p></article></body></html>"
            .write(toFile: server.root + "/daily.html", atomically: true, encoding: .utf8)
        try """
        webhooks: [ { url: "\(receiver.url("/hook"))", on: [new] } ]
        watches: [ { name: daily, url: "\(server.url("/site/daily.html"))", every: 1d } ]
        """.write(toFile: work + "/w.yaml", atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: (Fixtures.productsDirectory as NSString).appendingPathComponent("newswatch"))
        process.arguments = ["watch", "--watchlists", work + "/w.yaml", "--store", work + "/store", "--max-sleep", "1"]
        process.standardError = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) }; process.waitUntilExit() }
        func accepted() -> Int { ((try? received(hookLog)) ?? []).filter { $0.mode == "ok" }.count }
        func outbox() -> [OutboxEntry] { (try? SQLiteStore(root: work + "/store", create: false))?.makeOutbox().entries() ?? [] }
        // The first cycle stores the story; its alert fails and waits for a retry.
        var deadline = Date().addingTimeInterval(20)
        while Date() < deadline && outbox().first?.attempts ?? 0 == 0 { Thread.sleep(forTimeInterval: 0.1) }
        #expect(outbox().first?.status == .pending)
        // The hook recovers and the retry falls due (as `alerts retry` makes it, without sending).
        _ = try Data(contentsOf: URL(string: receiver.url("/mode/ok"))!)
        try SQLiteStore(root: work + "/store").makeOutbox().retry(nil)
        deadline = Date().addingTimeInterval(15)
        // The receiver logs the request before `watch` reads the answer and marks the entry, so
        // wait for both.
        func delivered() -> Bool { outbox().first?.status == .delivered }
        while Date() < deadline && (accepted() == 0 || !delivered()) { Thread.sleep(forTimeInterval: 0.1) }
        #expect(accepted() == 1, "the due retry was not delivered while no watch was due")
        #expect(outbox().first?.status == .delivered)
    }

    /// SIGTERM aborts transfers in progress: a page that never answers (30 s timeout) does not
    /// hold the exit back, and the watch is not counted as failed.
    @Test func sigtermAbortsTransfersWithinTwoSeconds() throws {
        let server = try TestServer()
        defer { server.stop() }
        let work = Fixtures.temporaryDirectory()
        try "watches:\n  - { name: silent, url: \"\(server.url("/hostile/silent"))\" }\n"
            .write(toFile: work + "/w.yaml", atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: (Fixtures.productsDirectory as NSString).appendingPathComponent("newswatch"))
        process.arguments = ["watch", "--watchlists", work + "/w.yaml", "--store", work + "/store"]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        // Thread.sleep, not Task.sleep: with other suites blocking the cooperative threads, a
        // task's sleep can outlast the page's 30 s timeout, and the signal would come too late.
        Thread.sleep(forTimeInterval: 1.5)
        let signalled = Date()
        kill(process.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(15)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        let took = Date().timeIntervalSince(signalled)
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        let log = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(took < 2, "exit took \(took) s after SIGTERM")
        #expect(process.terminationStatus == 0, "\(log)")
        let states = try SQLiteStore(root: work + "/store").states()
        #expect(states["silent"]?.consecutiveFailures ?? 0 == 0, "an aborted fetch is not the server's failure: \(states["silent"]?.lastError ?? "") \(log)")
    }
}
