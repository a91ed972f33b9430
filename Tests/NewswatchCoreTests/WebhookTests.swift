import Foundation
import Testing
@testable import NewswatchCore

@Suite("Webhooks", .serialized)
struct WebhookTests {
    func sampleAlert() -> Alert {
        let old = Article(title: "Old headline", blocks: [.init(.paragraph, "First.")])
        let new = Article(title: "New headline", blocks: [.init(.paragraph, "First."), .init(.paragraph, "Second.")])
        func record(_ n: Int, _ a: Article) -> VersionRecord {
            VersionRecord(number: n, fetchedAt: Date(timeIntervalSince1970: 1_718_700_000 + Double(n)), requestedURL: "https://e.org/a", finalURL: "https://e.org/a",
                          status: 200, extractorVersion: "t", article: "obj\(n)", html: "html\(n)", storyHash: FileSnapshotStore.storyHash(a), title: a.title)
        }
        return Alert.changed(Change(watch: "story", url: "https://e.org/a", old: record(1, old), new: record(2, new), oldArticle: old, newArticle: new))
    }

    @Test func eventIDsAreStable() {
        #expect(sampleAlert().id == sampleAlert().id)
        #expect(sampleAlert().id.hasPrefix("evt_"))
    }

    @Test func deliversSignedJSONThatPythonVerifies() async throws {
        let server = try TestServer()
        defer { server.stop() }
        let alert = sampleAlert()
        let hook = WebhookConfig(url: server.url("/webhook"), secret: "top secret")
        let outcomes = await WebhookNotifier().deliver(alert, to: [hook])
        #expect(outcomes.count == 1 && outcomes[0].delivered)

        // Verify the signature with Python's hmac, an implementation independent of ours.
        let script = """
        import hmac, hashlib, json, sys, urllib.request
        entries = json.load(urllib.request.urlopen("\(server.url("/webhook-log"))"))
        entry = entries[-1]
        sig = dict(p.split("=", 1) for p in entry["headers"]["x-newswatch-signature"].split(","))
        expected = hmac.new(b"top secret", (sig["t"] + "." + entry["body"]).encode(), hashlib.sha256).hexdigest()
        body = json.loads(entry["body"])
        print("ok" if hmac.compare_digest(expected, sig["v1"]) else "bad", body["id"], body["type"], entry["headers"]["x-newswatch-event-id"])
        """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(output.trimmingCharacters(in: .whitespacesAndNewlines) == "ok \(alert.id) changed \(alert.id)")
    }

    @Test func unreachableReceiverIsReportedNotThrown() async throws {
        let outcomes = await WebhookNotifier(timeout: 2).deliver(sampleAlert(), to: [WebhookConfig(url: "http://127.0.0.1:9/nothing")])
        #expect(outcomes.count == 1)
        #expect(!outcomes[0].delivered)
    }

    @Test func slackAndDiscordShapes() throws {
        let alert = sampleAlert()
        let slack = try JSONSerialization.jsonObject(with: WebhookNotifier.body(for: alert, format: .slack)) as! [String: Any]
        #expect((slack["text"] as? String)?.contains("headline changed") == true)
        let discord = try JSONSerialization.jsonObject(with: WebhookNotifier.body(for: alert, format: .discord)) as! [String: Any]
        #expect(((discord["content"] as? String)?.count ?? 0) <= 2000)
    }
}
