import Foundation
import Testing
@testable import NewswatchCore
#if canImport(Glibc)
import Glibc
#endif

/// Alerts survive a receiver that refuses connections, answers 500, times out, and a
/// `check` killed mid-delivery: every produced event arrives, in order per watch.
@Suite("Webhook outbox", .serialized)
struct OutboxTests {
    typealias Received = HookRequest

    func story(_ n: Int, extra: [String]) -> String {
        let paragraphs = ["Story \(n) begins: the committee met on Monday, members said, to discuss the report."] + extra
        return "<html><head><title>Story \(n)</title></head><body><article><h1>Story \(n)</h1>"
            + paragraphs.map { "<p>\($0)</p>" }.joined() + "</article></body></html>"
    }

    @Test func everyAlertArrivesInOrderThroughFailures() async throws {
        let site = try TestServer()
        defer { site.stop() }
        let work = Fixtures.temporaryDirectory()
        let log = work + "/hook.log"
        // Learn a free port for the receiver, then leave it closed: connections are refused.
        let probe = try TestServer()
        let port = probe.port
        probe.stop()
        var extras = [1: [String](), 2: [String](), 3: [String]()]
        func publish() throws { for n in 1...3 { try story(n, extra: extras[n]!).write(toFile: "\(site.root)/s\(n).html", atomically: true, encoding: .utf8) } }
        try publish()
        try """
        webhooks: [ { url: "http://127.0.0.1:\(port)/hook", on: [new, changed], timeout: 1s, secret: "s" } ]
        watches:
        \((1...3).map { "  - { name: s\($0), url: \"\(site.url("/site/s\($0).html"))\" }" }.joined(separator: "\n"))
        """.write(toFile: work + "/w.yaml", atomically: true, encoding: .utf8)
        let check = ["check", "--all", "--watchlists", work + "/w.yaml", "--store", work + "/store"]
        let retry = ["alerts", "retry", "--watchlists", work + "/w.yaml", "--store", work + "/store"]

        // 1: receiver down (refused). The check still succeeds and says so on stderr.
        let first = try runCLI(check)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stderr.contains("not delivered yet"))

        // 2: receiver answers 500; a story changes meanwhile.
        let receiver500 = try TestServer(port: port, hookLog: log, hookMode: "500")
        extras[1]!.append("Update one: the committee approved the report, its chair said, after a long debate.")
        try publish()
        _ = try runCLI(check)
        #expect(try runCLI(retry).status == 1)
        receiver500.stop()

        // 3: receiver times out.
        let receiverSlow = try TestServer(port: port, hookLog: log, hookMode: "slow")
        extras[2]!.append("Update two: the vote was postponed until Thursday, according to a spokesman.")
        try publish()
        _ = try runCLI(check)
        #expect(try runCLI(retry).status == 1)
        receiverSlow.stop()

        // 4: receiver accepts: everything owed arrives.
        let receiverOK = try TestServer(port: port, hookLog: log, hookMode: "ok")
        defer { receiverOK.stop() }
        extras[1]!.append("Update three: the report will be published next week, officials confirmed.")
        try publish()
        let last = try runCLI(check)
        #expect(last.status == 0)
        _ = try? runCLI(retry)  // anything still backing off goes now

        let outbox = try SQLiteStore(root: work + "/store").makeOutbox()
        let produced = outbox.entries()
        #expect(produced.count == 3 + 3)  // 3 new + 3 changed
        #expect(produced.allSatisfy { $0.status == .delivered }, "\(produced.map { ($0.id, $0.status, $0.lastError ?? "") })")
        let all = try received(log)
        let accepted = all.filter { $0.mode == "ok" }
        let producedIDs = Set(produced.map(\.alert.id))
        #expect(Set(accepted.compactMap(\.id)) == producedIDs, "each event id arrives at least once")
        #expect(Set(all.compactMap(\.id)).isSubset(of: producedIDs), "no event id that was not produced")
        #expect(all.allSatisfy { $0.id == $0.header_id })
        // In order per watch: s1's events arrive as new, changed, changed.
        let s1 = accepted.filter { $0.watch == "s1" }.map(\.id)
        let expected = produced.filter { $0.alert.watch == "s1" }.sorted { $0.sequence < $1.sequence }.map(\.alert.id)
        var firstSeen: [String] = []
        for id in s1 { if let id, !firstSeen.contains(id) { firstSeen.append(id) } }
        #expect(firstSeen == expected)

        let listing = try runCLI(["alerts", "--store", work + "/store"])
        #expect(listing.stdout.contains("delivered"))
        // A Slack or Discord hook URL is itself a secret: the listing shows scheme and host only.
        #expect(!listing.stdout.contains("/hook"), "the hook's path was shown: \(listing.stdout.prefix(300))")
        #expect(listing.stdout.contains("http://127.0.0.1:"))
        // The store keeps the URL masked; the full one comes from the watchlist.
        #expect(try runCLI(["alerts", "--show-urls", "--watchlists", work + "/w.yaml", "--store", work + "/store"]).stdout.contains("/hook"))
        #expect(try runCLI(["alerts", "--show-urls", "--store", work + "/store"]).stdout.contains("(no longer in the watchlists)"))
    }

    /// A hook that never answers costs one timeout per run, not one (plus retries) per alert:
    /// 50 new stories with a 2 s timeout finish in seconds, every alert pending; once the
    /// hook answers, all 50 arrive, each once.
    @Test func aHookThatNeverAnswersCostsOneTimeoutPerRun() throws {
        let site = try TestServer()
        defer { site.stop() }
        let work = Fixtures.temporaryDirectory()
        let log = work + "/hook.log"
        let receiver = try TestServer(hookLog: log, hookMode: "slow")
        defer { receiver.stop() }
        for n in 1...50 { try story(n, extra: []).write(toFile: "\(site.root)/s\(n).html", atomically: true, encoding: .utf8) }
        try """
        webhooks: [ { url: "http://127.0.0.1:\(receiver.port)/hook", on: [new, changed], timeout: 2s } ]
        watches:
        \((1...50).map { "  - { name: s\($0), url: \"\(site.url("/site/s\($0).html"))\" }" }.joined(separator: "\n"))
        """.write(toFile: work + "/w.yaml", atomically: true, encoding: .utf8)
        let common = ["--watchlists", work + "/w.yaml", "--store", work + "/store"]
        let started = Date()
        let check = try runCLI(["check", "--all"] + common)
        let took = Date().timeIntervalSince(started)
        #expect(check.status == 0, "\(check.stderr)")
        #expect(took < 30, "the check took \(took) s")
        let pending = try SQLiteStore(root: work + "/store").makeOutbox().entries()
        #expect(pending.count == 50 && pending.allSatisfy { $0.status == .pending })
        #expect(try received(log).count == 1, "one attempt reached the hanging hook, not one per alert")

        _ = try Data(contentsOf: URL(string: receiver.url("/mode/ok"))!)
        let retry = try runCLI(["alerts", "retry"] + common)
        #expect(retry.status == 0 && retry.stdout.contains("50 delivered, 0 still failing"), "\(retry.stdout) \(retry.stderr)")
        let accepted = try received(log).filter { $0.mode == "ok" }
        #expect(accepted.count == 50 && Set(accepted.compactMap(\.id)).count == 50, "each alert once: \(accepted.count)")
        #expect(Set(accepted.compactMap(\.id)) == Set(pending.map(\.alert.id)))
    }

    /// A pending alert stays pending when a later check covers only other watches: the outbox
    /// knows every hook of the watchlist, not only those of the watches checked this time.
    @Test func pendingAlertsSurviveChecksOfOtherWatches() throws {
        let site = try TestServer()
        defer { site.stop() }
        let work = Fixtures.temporaryDirectory()
        let log = work + "/hook.log"
        let receiver = try TestServer(hookLog: log, hookMode: "500")
        defer { receiver.stop() }
        for n in 1...2 { try story(n, extra: []).write(toFile: "\(site.root)/s\(n).html", atomically: true, encoding: .utf8) }
        try """
        watches:
          - { name: s1, url: "\(site.url("/site/s1.html"))", webhooks: [ { url: "http://127.0.0.1:\(receiver.port)/hook", on: [new] } ] }
          - { name: s2, url: "\(site.url("/site/s2.html"))", webhooks: [ { url: "http://127.0.0.1:\(receiver.port)/other", on: [new] } ] }
        """.write(toFile: work + "/w.yaml", atomically: true, encoding: .utf8)
        let common = ["--watchlists", work + "/w.yaml", "--store", work + "/store"]
        #expect(try runCLI(["check", "--watch", "s1"] + common).status == 0)
        #expect(try runCLI(["check", "--watch", "s2"] + common).status == 0)
        let entries = try SQLiteStore(root: work + "/store").makeOutbox().entries()
        let s1 = entries.filter { $0.alert.watch == "s1" }
        #expect(s1.count == 1 && s1.allSatisfy { $0.status == .pending }, "\(s1.map { ($0.status, $0.lastError ?? "") })")
    }

    /// Under cron, `check` wakes for an alert's retry as for a due watch: the schedule hint
    /// holds the earlier of the two, and a run with no watch due delivers what is owed.
    @Test func cronCheckWakesForDueRetries() throws {
        let site = try TestServer()
        defer { site.stop() }
        let work = Fixtures.temporaryDirectory()
        let log = work + "/hook.log"
        let receiver = try TestServer(hookLog: log, hookMode: "500")
        defer { receiver.stop() }
        try story(1, extra: []).write(toFile: "\(site.root)/s1.html", atomically: true, encoding: .utf8)
        try """
        webhooks: [ { url: "http://127.0.0.1:\(receiver.port)/hook", on: [new] } ]
        watches: [ { name: s1, url: "\(site.url("/site/s1.html"))", every: 1d } ]
        """.write(toFile: work + "/w.yaml", atomically: true, encoding: .utf8)
        let common = ["--watchlists", work + "/w.yaml", "--store", work + "/store"]
        #expect(try runCLI(["check"] + common).status == 0)
        let outbox = try SQLiteStore(root: work + "/store").makeOutbox()
        let retryAt = try #require(outbox.nextRetry())
        let hint = try #require(ScheduleHint.load(store: work + "/store"))
        #expect(abs(hint.earliestDue.timeIntervalSince(retryAt)) < 1, "the hint wakes cron for the retry, not only for the watch (a day away)")
        // The retry's time comes (made due now, as `alerts retry` does without sending); the
        // hook has recovered; a plain `check` with no watch due delivers it.
        _ = try Data(contentsOf: URL(string: receiver.url("/mode/ok"))!)
        try outbox.retry(nil)
        try ScheduleHint(fingerprint: hint.fingerprint, earliestDue: Date().addingTimeInterval(-1)).save(store: work + "/store")
        let run = try runCLI(["check"] + common)
        #expect(run.status == 0 && run.stdout.isEmpty, "\(run.stdout) \(run.stderr)")
        #expect(try received(log).filter { $0.mode == "ok" }.count == 1)
        #expect(outbox.entries().first?.status == .delivered)
    }

    /// Two hooks with one URL and different secrets are two hooks: each alert goes to both,
    /// each signed with its own secret.
    @Test func hooksWithOneURLAndTwoSecretsAreTwoHooks() throws {
        let site = try TestServer()
        defer { site.stop() }
        let receiver = try TestServer()
        defer { receiver.stop() }
        let work = Fixtures.temporaryDirectory()
        try story(1, extra: []).write(toFile: "\(site.root)/s1.html", atomically: true, encoding: .utf8)
        try """
        webhooks:
          - { url: "\(receiver.url("/webhook"))", secret: "first-secret", on: [new] }
          - { url: "\(receiver.url("/webhook"))", secret: "second-secret", on: [new] }
        watches: [ { name: s1, url: "\(site.url("/site/s1.html"))" } ]
        """.write(toFile: work + "/w.yaml", atomically: true, encoding: .utf8)
        #expect(try runCLI(["check", "--watchlists", work + "/w.yaml", "--store", work + "/store"]).status == 0)
        let log = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(string: receiver.url("/webhook-log"))!)) as! [[String: Any]]
        #expect(log.count == 2)
        var verified: Set<String> = []
        for entry in log {
            let headers = entry["headers"] as! [String: String], body = Data((entry["body"] as! String).utf8)
            let signature = try #require(headers["x-newswatch-signature"])
            let timestamp = Int(signature.split(separator: ",")[0].dropFirst(2))!
            for secret in ["first-secret", "second-secret"] where WebhookNotifier.signature(secret: secret, timestamp: timestamp, body: body) == signature {
                verified.insert(secret)
            }
        }
        #expect(verified == ["first-secret", "second-secret"], "each hook signed with its own secret")
    }

    /// Delivered alerts are kept for `alerts` for a while, then removed from the outbox.
    @Test func deliveredAlertsArePrunedAfterTheirRetention() async throws {
        let work = Fixtures.temporaryDirectory()
        let outbox = try SQLiteStore(root: work).makeOutbox()
        let hook = WebhookConfig(url: "http://127.0.0.1:9/hook")
        let old = Date().addingTimeInterval(-8 * 86400)
        try outbox.enqueue(WebhookTests().sampleAlert(), hooks: [hook], now: old)
        try outbox.enqueue(Alert.error(watch: "w", url: "https://e.org", reason: "x", last: nil, at: Date()), hooks: [hook], now: Date())
        var entries = outbox.entries()
        entries[0].status = .delivered
        entries[0].deliveredAt = old
        entries[1].status = .delivered
        entries[1].deliveredAt = Date()
        for entry in entries { try outbox.save(entry) }
        _ = await outbox.deliver(hooks: [hook], notifier: WebhookNotifier())
        #expect(outbox.entries().map(\.alert.type) == [.error], "the week-old delivered alert is gone, the recent one kept")
    }

    @Test func killedDuringDeliveryThenDelivered() async throws {
        let site = try TestServer()
        defer { site.stop() }
        let work = Fixtures.temporaryDirectory()
        let log = work + "/hook.log"
        let receiver = try TestServer(hookLog: log, hookMode: "slow")
        try story(1, extra: []).write(toFile: "\(site.root)/s1.html", atomically: true, encoding: .utf8)
        try """
        webhooks: [ { url: "http://127.0.0.1:\(receiver.port)/hook", on: [new, changed], timeout: 20s } ]
        watches: [ { name: s1, url: "\(site.url("/site/s1.html"))" } ]
        """.write(toFile: work + "/w.yaml", atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: (Fixtures.productsDirectory as NSString).appendingPathComponent("newswatch"))
        process.arguments = ["check", "--watchlists", work + "/w.yaml", "--store", work + "/store"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Wait until the receiver has the request in hand: stored, queued, being delivered.
        for _ in 0..<100 where (try received(log)).isEmpty { try await Task.sleep(nanoseconds: 50_000_000) }
        #expect(!(try received(log)).isEmpty)
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        receiver.stop()

        // Also lose the queue marker and entry, as a store of the older file layout could be
        // left when killed between storing and queueing: the next run queues them again.
        let store = try SQLiteStore(root: work + "/store", create: false)
        try store.query("DELETE FROM outbox")
        try store.query("UPDATE alerted SET version = 0 WHERE watch = 's1'")

        let okReceiver = try TestServer(port: receiver.port, hookLog: log, hookMode: "ok")
        defer { okReceiver.stop() }
        let next = try runCLI(["check", "--all", "--watchlists", work + "/w.yaml", "--store", work + "/store"])
        #expect(next.status == 0, "\(next.stderr)")
        let delivered = try received(log).filter { $0.mode == "ok" }
        #expect(delivered.count == 1)
        #expect(delivered.first?.type == "new")
    }
}
