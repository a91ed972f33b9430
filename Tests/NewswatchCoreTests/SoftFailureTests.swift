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
        #expect(try FileSnapshotStore(root: work + "/store").versions(of: "s").count == 1)

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
        #expect(run.stdout.contains("changed: s: 9 paragraphs removed"))
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
        #expect(try FileSnapshotStore(root: work + "/store").versions(of: "s").count == 1, "no version deletes every line")
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
}
