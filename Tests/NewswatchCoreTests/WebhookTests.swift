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
                          status: 200, extractorVersion: "t", article: "obj\(n)", html: "html\(n)", storyHash: StoreFormat.storyHash(a), title: a.title)
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

    /// An update with a new headline, an edit with characters Slack and Discord treat
    /// specially, and `paragraphs` more edited paragraphs of `length` characters.
    func bigAlert(paragraphs: Int, length: Int = 120) -> Alert {
        func filler(_ i: Int, _ word: String) -> String {
            String(repeating: "Paragraph \(i) \(word) words, with commas, to fill a line of story text. ", count: max(1, length / 70))
        }
        let old = Article(title: "Leaders sign <Pact> in Oslo", blocks: [.init(.paragraph, "AT&T and *Acme* said the deal, worth $2.5 billion, closes in May.")]
                          + (0..<paragraphs).map { .init(.paragraph, filler($0, "old")) })
        let new = Article(title: "Leaders sign <Pact> & trade deal in Oslo", blocks: [.init(.paragraph, "AT&T and *Acme* said the deal, worth $25 billion, closes in May.")]
                          + (0..<paragraphs).map { .init(.paragraph, filler($0, "new")) })
        func record(_ n: Int, _ a: Article) -> VersionRecord {
            VersionRecord(number: n, fetchedAt: Date(timeIntervalSince1970: 1_718_700_000 + Double(n)), requestedURL: "https://e.org/a?x=1|2", finalURL: "https://e.org/a?x=1|2",
                          status: 200, extractorVersion: "t", article: "obj\(n)", html: "html\(n)", storyHash: StoreFormat.storyHash(a), title: a.title)
        }
        return Alert.changed(Change(watch: "oslo", url: "https://e.org/a?x=1|2", old: record(1, old), new: record(2, new), oldArticle: old, newArticle: new))
    }

    func slackTexts(_ payload: [String: Any]) -> [String] {
        let blocks = payload["blocks"] as? [[String: Any]] ?? []
        return blocks.flatMap { block -> [String] in
            if let text = (block["text"] as? [String: Any])?["text"] as? String { return [text] }
            return (block["elements"] as? [[String: Any]] ?? []).compactMap { $0["text"] as? String }
        } + [payload["text"] as? String ?? ""]
    }

    @Test func slackMessageIsBlockKitEscapedAndWithinLimits() throws {
        let payload = try JSONSerialization.jsonObject(with: WebhookNotifier.body(for: bigAlert(paragraphs: 3), format: .slack)) as! [String: Any]
        let texts = slackTexts(payload)
        let all = texts.joined(separator: "\n")
        // Headline as a link, old -> new, the summary, the edited words struck and bold.
        #expect(texts[0] == "*<https://e.org/a?x=1%7C2|Leaders sign &lt;Pact&gt; &amp; trade deal in Oslo>*", "\(texts[0])")
        #expect(all.contains("Headline: ~Leaders sign &lt;Pact&gt; in Oslo~ \u{2192} *Leaders sign &lt;Pact&gt; &amp; trade deal in Oslo*"), "\(all)")
        #expect(all.contains("AT&amp;T and \u{2217}Acme\u{2217} said the deal, worth ~$2.5~ *$25* billion"), "\(all)")
        #expect(all.contains("Paragraph 0 ~old~ *new* words"), "\(all)")
        #expect(all.contains("headline changed"))
        // Nothing from the page opens a Slack control sequence: every "<" is one of our links.
        for text in texts {
            let opened = text.components(separatedBy: "<").dropFirst()
            #expect(opened.allSatisfy { $0.hasPrefix("https://e.org/a") }, "unescaped '<' in \(text)")
        }
        // Limits: 50 blocks, 3,000 characters per text; a long change says how much is left out.
        let long = try JSONSerialization.jsonObject(with: WebhookNotifier.body(for: bigAlert(paragraphs: 120, length: 5_000), format: .slack)) as! [String: Any]
        let blocks = long["blocks"] as! [[String: Any]]
        #expect(blocks.count == SlackMessage.maxBlocks)
        #expect(slackTexts(long).allSatisfy { $0.count <= SlackMessage.maxTextLength })
        // 121 edited paragraphs: 3 blocks of headline and summary, 46 paragraphs, 1 "more".
        #expect(slackTexts(long).last(where: { $0.contains("more paragraph") })?.contains("\u{2026} 75 more paragraphs changed") == true,
                "\(slackTexts(long).suffix(2))")
    }

    @Test func discordEmbedHasTitleAndStaysWithinLimits() throws {
        let payload = try JSONSerialization.jsonObject(with: WebhookNotifier.body(for: bigAlert(paragraphs: 3), format: .discord)) as! [String: Any]
        let embed = try #require((payload["embeds"] as? [[String: Any]])?.first)
        #expect(embed["title"] as? String == "Leaders sign <Pact> & trade deal in Oslo")
        #expect(embed["url"] as? String == "https://e.org/a?x=1|2")
        let description = try #require(embed["description"] as? String)
        #expect(description.hasPrefix("headline changed"))
        #expect(description.contains("AT&T and \\*Acme\\* said the deal, worth ~~$2.5~~ **$25** billion"), "\(description)")
        let field = try #require((embed["fields"] as? [[String: Any]])?.first)
        #expect(field["value"] as? String == "~~Leaders sign <Pact> in Oslo~~ \u{2192} **Leaders sign <Pact> & trade deal in Oslo**")
        #expect((payload["allowed_mentions"] as? [String: Any])?["parse"] as? [String] == [])

        let long = try JSONSerialization.jsonObject(with: WebhookNotifier.body(for: bigAlert(paragraphs: 60, length: 900), format: .discord)) as! [String: Any]
        let big = try #require((long["embeds"] as? [[String: Any]])?.first)
        let title = big["title"] as? String ?? "", text = big["description"] as? String ?? ""
        let footer = (big["footer"] as? [String: Any])?["text"] as? String ?? ""
        let fields = (big["fields"] as? [[String: Any]] ?? []).map { (($0["name"] as? String) ?? "") + (($0["value"] as? String) ?? "") }.joined()
        #expect(!title.isEmpty && title.count <= DiscordMessage.maxTitle)
        #expect(text.count <= DiscordMessage.maxDescription)
        #expect(title.count + text.count + footer.count + fields.count <= DiscordMessage.maxTotal)
        #expect(text.contains("more paragraphs changed"), "\(text.suffix(200))")
        // A long headline is cut to the title limit, never left empty.
        var untitled = bigAlert(paragraphs: 1)
        untitled.title = String(repeating: "Very long headline ", count: 40)
        let clipped = try JSONSerialization.jsonObject(with: WebhookNotifier.body(for: untitled, format: .discord)) as! [String: Any]
        #expect(((clipped["embeds"] as? [[String: Any]])?.first?["title"] as? String)?.count == DiscordMessage.maxTitle)
    }
}
