import Foundation
import Testing
@testable import NewswatchCore
#if canImport(Glibc)
import Glibc
#endif

/// The Python SMTP sink (Fixtures/smtpsink.py) on 127.0.0.1.
final class SMTPSink: @unchecked Sendable {
    let process = Process()
    private let input = Pipe()
    let port: Int
    let log: String
    let modeFile: String

    init() throws {
        let directory = Fixtures.temporaryDirectory()
        log = directory + "/mail.jsonl"
        modeFile = directory + "/mode"
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Fixtures.path("smtpsink.py"), "--log", log, "--mode-file", modeFile]
        port = try startAndReadPort(process, input: input, name: "smtp sink")
    }

    var url: String { "smtp://127.0.0.1:\(port)" }

    func set(_ mode: String) throws { try mode.write(toFile: modeFile, atomically: true, encoding: .utf8) }

    /// The messages received, parsed by Python's email package (an independent reader).
    func messages() throws -> [[String: Any]] {
        let script = """
        import json, sys
        from email import policy
        from email.parser import BytesParser
        out = []
        for line in open(sys.argv[1]) if __import__("os").path.exists(sys.argv[1]) else []:
            entry = json.loads(line)
            message = BytesParser(policy=policy.default).parsebytes(entry["data"].encode())
            parts = {part.get_content_type(): part.get_content() for part in message.walk() if not part.is_multipart()}
            headers = {k.lower(): str(v) for k, v in message.items()}
            out.append({"from": entry["from"], "to": entry["to"], "user": entry["user"], "headers": headers, "parts": parts,
                        "defects": [str(d) for d in message.defects]})
        print(json.dumps(out))
        """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, log]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (try JSONSerialization.jsonObject(with: data) as? [[String: Any]]) ?? []
    }

    func stop() {
        try? input.fileHandleForWriting.close()
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    deinit { stop() }
}

@Suite("Email alerts", .serialized)
struct EmailTests {
    static func page(_ headline: String, _ paragraphs: [String]) -> String {
        "<html><head><title>\(headline)</title></head><body><article><h1>\(headline)</h1>"
            + paragraphs.map { "<p>\($0)</p>" }.joined() + "</article></body></html>"
    }

    static let story = [
        "The council approved the budget on Tuesday by 41 votes to 12 after a long debate, members said.",
        "The mayor said the vote showed the city could agree on spending even in a difficult year.",
    ]

    /// Two checks of a story: a `new` mail, then a `changed` mail that threads under it, each
    /// with the headline and summary in the subject, the unified diff as text and the word diff
    /// as HTML, through a local SMTP server with AUTH.
    @Test func alertsAreMailedAndThreaded() throws {
        let server = try TestServer()
        defer { server.stop() }
        let sink = try SMTPSink()
        defer { sink.stop() }
        let work = Fixtures.temporaryDirectory()
        try Self.page("Budget approved", Self.story).write(toFile: server.root + "/budget.html", atomically: true, encoding: .utf8)
        try """
        email:
          smtp: \(sink.url)
          from: newswatch@example.org
          to: [desk@example.org, night@example.org]
          user: "${SMTP_USER}"
          password: "${SMTP_PASSWORD}"
          on: [new, changed]
        watches:
          - { name: budget, url: "\(server.url("/site/budget.html"))" }
        """.write(toFile: work + "/w.yaml", atomically: true, encoding: .utf8)
        let environment = ["SMTP_USER": "newsdesk", "SMTP_PASSWORD": "MAIL-PASSWORD-321"]
        let check = ["check", "--all", "--watchlists", work + "/w.yaml", "--store", work + "/store"]
        var run = try runCLI(check, environment: environment)
        #expect(run.status == 0, "\(run.stderr)")
        try Self.page("Budget approved after all-night session",
                      [Self.story[0].replacingOccurrences(of: "41 votes to 12", with: "39 votes to 14"), Self.story[1]])
            .write(toFile: server.root + "/budget.html", atomically: true, encoding: .utf8)
        run = try runCLI(check, environment: environment)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(!(run.stdout + run.stderr).contains("MAIL-PASSWORD-321"))

        let messages = try sink.messages()
        #expect(messages.count == 2, "\(messages)")
        guard messages.count == 2 else { return }
        let first = messages[0], second = messages[1]
        #expect(first["from"] as? String == "newswatch@example.org")
        #expect(first["to"] as? [String] == ["desk@example.org", "night@example.org"])
        #expect(first["user"] as? String == "newsdesk")
        let h1 = first["headers"] as! [String: String], h2 = second["headers"] as! [String: String]
        #expect((first["defects"] as? [Any])?.isEmpty == true && (second["defects"] as? [Any])?.isEmpty == true)
        #expect(h1["subject"] == "[newswatch] Budget approved \u{2014} new: 2 paragraphs", "\(h1)")
        #expect(h2["subject"]?.hasPrefix("[newswatch] Budget approved after all-night session \u{2014} headline changed; 1 paragraph edited") == true, "\(h2)")
        // Message-ID from the event id; the update replies to the story's first alert.
        #expect(h1["message-id"] == "<\(h1["x-newswatch-event-id"] ?? "?")@newswatch.invalid>")
        #expect(h2["message-id"] == "<\(h2["x-newswatch-event-id"] ?? "?")@newswatch.invalid>")
        #expect(h2["in-reply-to"] == h1["message-id"] && h2["references"] == h1["message-id"], "\(h2)")
        #expect(h1["in-reply-to"] == nil)
        let parts = second["parts"] as! [String: String]
        let text = try #require(parts["text/plain"]), html = try #require(parts["text/html"])
        #expect(text.contains("-The council approved the budget on Tuesday by 41 votes to 12") && text.contains("+The council approved the budget on Tuesday by 39 votes to 14"), "\(text)")
        #expect(text.contains(server.url("/site/budget.html")))
        #expect(html.contains("<del style=\"background:#fdd;color:#900\">41</del>") && html.contains(">39</ins>"), "\(html)")
        #expect(html.contains("Budget approved after all-night session</a>"))
    }

    /// The mail server refuses for a while: the alert waits in the outbox (listed by `alerts`),
    /// the check still exits 0, and once the server accepts, `alerts retry` delivers it once.
    @Test func aRefusingMailServerGetsTheAlertLater() throws {
        let server = try TestServer()
        defer { server.stop() }
        let sink = try SMTPSink()
        defer { sink.stop() }
        let work = Fixtures.temporaryDirectory()
        try Self.page("Budget approved", Self.story).write(toFile: server.root + "/budget.html", atomically: true, encoding: .utf8)
        try """
        watches:
          - name: budget
            url: "\(server.url("/site/budget.html"))"
            email: { smtp: "\(sink.url)", from: newswatch@example.org, to: desk@example.org, timeout: 5s }
        """.write(toFile: work + "/w.yaml", atomically: true, encoding: .utf8)
        let common = ["--watchlists", work + "/w.yaml", "--store", work + "/store"]
        #expect(try runCLI(["check", "--all"] + common).status == 0)
        try sink.set("reject")
        try Self.page("Budget approved", [Self.story[0] + " A recount was ordered.", Self.story[1]])
            .write(toFile: server.root + "/budget.html", atomically: true, encoding: .utf8)
        let run = try runCLI(["check", "--all"] + common)
        #expect(run.status == 0, "a mail server that is down does not fail the check: \(run.stderr)")
        #expect(run.stderr.contains("not delivered yet") && run.stderr.contains("451"), "\(run.stderr)")
        #expect(try sink.messages().isEmpty)
        let pending = try runCLI(["alerts"] + common)
        #expect(pending.stdout.contains("pending") && pending.stdout.contains("changed budget"), "\(pending.stdout)")

        try sink.set("accept")
        let retry = try runCLI(["alerts", "retry"] + common)
        #expect(retry.status == 0 && retry.stdout.contains("1 delivered, 0 still failing"), "\(retry.stdout) \(retry.stderr)")
        let messages = try sink.messages()
        #expect(messages.count == 1)
        #expect((messages.first?["headers"] as? [String: String])?["subject"]?.contains("1 paragraph edited") == true)
        #expect(try runCLI(["alerts", "retry"] + common).stderr.contains("nothing to retry"))
        #expect(try sink.messages().count == 1, "delivered once")
    }

    @Test func emailSectionsAreChecked() {
        let loader = WatchlistLoader(environment: [:])
        func errors(_ email: String) -> String {
            do { _ = try loader.load(text: "email: \(email)\nwatches: [ { name: a, url: 'https://example.org' } ]", file: "w.yaml"); return "" } catch { return "\(error)" }
        }
        #expect(errors("{ smtp: 'smtp://mail.example.org:587', from: a@example.org }").contains("email.to: missing"))
        #expect(errors("{ smtp: 'http://mail.example.org', from: a@example.org, to: b@example.org }").contains("is not an SMTP server"))
        #expect(errors("{ smtp: 'smtp://m.example.org', from: \"a@example.org\\nBcc: x@evil.example\", to: b@example.org }").contains("email.from"))
        #expect(errors("{ smtp: 'smtp://m.example.org', from: a@example.org, to: b@example.org, user: u }").contains("user and password go together"))
        #expect(errors("{ smtp: 'smtp://m.example.org', from: a@example.org, to: b@example.org, too: c@example.org }").contains("did you mean 'to'"))
        #expect(errors("{ smtp: 'smtp://m.example.org', from: a@example.org, to: [b@example.org, c@example.org] }") == "")
    }
}
