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
}
