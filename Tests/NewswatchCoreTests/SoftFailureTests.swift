import Foundation
import Testing
@testable import NewswatchCore

/// No false "story changed" from a soft failure, and one `removed` event for a story taken down.
@Suite("Soft failures", .serialized)
struct SoftFailureTests {
    let story = (1...10).map { "<p>Paragraph \($0) of the story: the council met on Tuesday, members said, and the vote was delayed again.</p>" }.joined()

    func page(_ body: String, title: String = "Council vote") -> String {
        "<html><head><title>\(title)</title></head><body><article><h1>\(title)</h1>\(body)</article></body></html>"
    }

    @Test func errorPagesAndCollapsedStoriesAreHeldThenStoredIfTheyPersist() throws {
        let server = try TestServer()
        defer { server.stop() }
        let work = Fixtures.temporaryDirectory()
        let file = server.root + "/s.html"
        try page(story).write(toFile: file, atomically: true, encoding: .utf8)
        try "watches: [ { name: s, url: \"\(server.url("/site/s.html"))\" } ]".write(toFile: work + "/w.yaml", atomically: true, encoding: .utf8)
        let check = ["check", "--all", "--watchlists", work + "/w.yaml", "--store", work + "/store", "--color", "never"]
        #expect(try runCLI(check).stdout.contains("new: s"))

        // A 200 error page: held, nothing stored, no diff.
        try page("<p>Sorry, something went wrong. Please try again later.</p>", title: "Error").write(toFile: file, atomically: true, encoding: .utf8)
        var run = try runCLI(check)
        #expect(run.status == 0)
        #expect(run.stdout.isEmpty)
        #expect(run.stderr.contains("s: held:"))
        #expect(try SQLiteStore(root: work + "/store").versions(of: "s").count == 1)

        // The story comes back: nothing happened.
        try page(story).write(toFile: file, atomically: true, encoding: .utf8)
        run = try runCLI(check)
        #expect(run.stdout.isEmpty && run.status == 0)

        // A real cut that persists: held once, stored the second time.
        let cut = (1...1).map { "<p>Paragraph \($0) of the story: the council met on Tuesday, members said, and the vote was delayed again.</p>" }.joined()
        try page(cut).write(toFile: file, atomically: true, encoding: .utf8)
        run = try runCLI(check)
        #expect(run.stdout.isEmpty && run.stderr.contains("shrank"))
        run = try runCLI(check)
        #expect(run.stdout.contains("changed: s: Council vote: 9 paragraphs removed"), "\(run.stdout)")
    }

    @Test func aStoryTakenDownIsAnnouncedOnceAfterConfirmation() throws {
        let server = try TestServer()
        defer { server.stop() }
        let work = Fixtures.temporaryDirectory()
        let file = server.root + "/s.html"
        try page(story).write(toFile: file, atomically: true, encoding: .utf8)
        try """
        webhooks: [ { url: "\(server.url("/webhook"))", on: [removed] } ]
        watches: [ { name: s, url: "\(server.url("/site/s.html"))" } ]
        """.write(toFile: work + "/w.yaml", atomically: true, encoding: .utf8)
        let check = ["check", "--all", "--watchlists", work + "/w.yaml", "--store", work + "/store", "--color", "never"]
        _ = try runCLI(check)
        try FileManager.default.removeItem(atPath: file)
        var run = try runCLI(check)
        #expect(run.stdout.isEmpty && run.stderr.contains("held: HTTP 404"))
        run = try runCLI(check)
        #expect(run.stdout.contains("removed: s: the page now answers HTTP 404"))
        run = try runCLI(check)
        #expect(!run.stdout.contains("removed"))
        let log = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(string: server.url("/webhook-log"))!)) as! [[String: Any]]
        let types = log.compactMap { ($0["body"] as? String).flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }?["type"] as? String }
        #expect(types == ["removed"])
        #expect(try SQLiteStore(root: work + "/store").versions(of: "s").count == 1, "no version deletes every line")
    }

    /// `on: [error]`: one alert when a watch starts failing, none while it keeps failing,
    /// and one again when it fails anew after recovering.
    @Test func aWatchThatStartsFailingRaisesOneErrorAlert() throws {
        let server = try TestServer()
        defer { server.stop() }
        let work = Fixtures.temporaryDirectory()
        let file = server.root + "/s.html"
        try page(story).write(toFile: file, atomically: true, encoding: .utf8)
        try """
        watches:
          - name: s
            url: "\(server.url("/site/s.html"))"
            webhooks: [ { url: "\(server.url("/webhook"))", on: [error] } ]
        """.write(toFile: work + "/w.yaml", atomically: true, encoding: .utf8)
        let check = ["check", "--all", "--watchlists", work + "/w.yaml", "--store", work + "/store", "--color", "never"]
        func errorAlerts() throws -> [[String: Any]] {
            let log = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(string: server.url("/webhook-log"))!)) as! [[String: Any]]
            return log.compactMap { entry in
                (entry["body"] as? String).flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            }.filter { $0["type"] as? String == "error" }
        }
        #expect(try runCLI(check).stdout.contains("new: s"))
        #expect(try errorAlerts().isEmpty)

        // The page now answers a binary file: the check fails, twice.
        try Data([0x25, 0x50, 0x44, 0x46, 0x2D, 0x31, 0x2E, 0x34] + Array(repeating: 0, count: 64)).write(to: URL(fileURLWithPath: file))
        #expect(try runCLI(check).status == 1)
        #expect(try runCLI(check).status == 1)
        var alerts = try errorAlerts()
        #expect(alerts.count == 1, "one alert for a run of failures, got \(alerts.count)")
        #expect((alerts.first?["summary"] as? String)?.contains("not an HTML page") == true)
        #expect(alerts.first?["watch"] as? String == "s")

        // Back, then failing again: a second alert.
        try page(story).write(toFile: file, atomically: true, encoding: .utf8)
        #expect(try runCLI(check).status == 0)
        try Data([0x25, 0x50, 0x44, 0x46, 0x2D] + Array(repeating: 0, count: 64)).write(to: URL(fileURLWithPath: file))
        #expect(try runCLI(check).status == 1)
        alerts = try errorAlerts()
        #expect(alerts.count == 2)
    }

    /// After its removal is announced a story is `removed`: later checks are quiet and exit 0,
    /// it is looked at once a day, `log` shows the removal, and when it answers again that is a
    /// `restored` event. The removal alert goes through the outbox: queued while the hook is
    /// down, shown by `alerts`, delivered once it is back.
    @Test func aRemovedStoryStaysQuietThenIsRestored() throws {
        let hookLog = Fixtures.temporaryDirectory() + "/hooks.jsonl"
        let server = try TestServer(hookLog: hookLog, hookMode: "500")
        defer { server.stop() }
        let work = Fixtures.temporaryDirectory()
        let file = server.root + "/s.html"
        try page(story).write(toFile: file, atomically: true, encoding: .utf8)
        try """
        webhooks: [ { url: "\(server.url("/hook"))", on: [removed, error], timeout: 2s } ]
        watches: [ { name: s, url: "\(server.url("/site/s.html"))" } ]
        """.write(toFile: work + "/w.yaml", atomically: true, encoding: .utf8)
        let common = ["--watchlists", work + "/w.yaml", "--store", work + "/store"]
        let check = ["check", "--all", "--color", "never"] + common
        func received() throws -> [(mode: String, type: String)] {
            guard let text = try? String(contentsOfFile: hookLog, encoding: .utf8) else { return [] }
            return text.split(separator: "\n").compactMap { line in
                guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return nil }
                return ((object["mode"] as? String) ?? "", (object["type"] as? String) ?? "")
            }
        }
        #expect(try runCLI(check).status == 0)
        try FileManager.default.removeItem(atPath: file)
        #expect(try runCLI(check).stderr.contains("held: HTTP 404"))
        var run = try runCLI(check)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("removed: s: the page now answers HTTP 404"))
        #expect(Set(try received().map(\.type)) == ["removed"], "the removal was tried through the outbox")
        let pending = try runCLI(["alerts"] + common)
        #expect(pending.stdout.contains("removed"), "\(pending.stdout)")

        // Checked again and again: quiet, exit 0, no error alert, not counted as failing.
        _ = try runCLI(["--help"])
        for _ in 0..<4 {
            run = try runCLI(check)
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stdout.isEmpty, "\(run.stdout)")
            #expect(!run.stderr.contains("s:"), "\(run.stderr)")
        }
        let state = try #require(try SQLiteStore(root: work + "/store").states()["s"])
        #expect(state.consecutiveFailures == 0 && state.lastError == nil)
        #expect(try #require(state.nextDue).timeIntervalSince(try #require(state.lastChecked)) >= 86_400, "a removed story is looked at daily")
        #expect(try runCLI(["list"] + common).stdout.contains("removed since"))
        #expect(try runCLI(["log", "s", "--color", "never"] + common).stdout.contains("removed: the page answered HTTP 404"))
        #expect(!(try received().map(\.type)).contains("error"))

        // The hook is back: the queued removal arrives (retried now rather than at its backoff).
        _ = try Data(contentsOf: URL(string: server.url("/mode/ok"))!)
        run = try runCLI(["alerts", "retry"] + common)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try received().filter { $0.mode == "ok" }.map(\.type) == ["removed"])

        // The story comes back, edited: one `restored` event with the change, a hook alert.
        try page(story.replacingOccurrences(of: "Paragraph 3 of", with: "Paragraph three of")).write(toFile: file, atomically: true, encoding: .utf8)
        run = try runCLI(check)
        #expect(run.status == 0)
        #expect(run.stdout.contains("restored: s: the page answers again; 1 paragraph edited"), "\(run.stdout)")
        #expect(run.stdout.contains("Paragraph three of"))
        #expect(try received().filter { $0.mode == "ok" }.map(\.type) == ["removed", "restored"])
        let log = try runCLI(["log", "s", "--color", "never"] + common).stdout
        #expect(log.contains("restored: the page answered again") && log.contains("version 2"), "\(log)")
        run = try runCLI(check)
        #expect(run.stdout.isEmpty && run.status == 0)
    }
}
