import Foundation
import Testing
@testable import NewswatchCore

/// The hostile web: every case finishes within its timeouts with bounded memory, records a
/// one-line reason, stores and alerts nothing from the bad answer, and leaves the other
/// watches alone. Prints a table: case, outcome, time, peak memory.
@Suite("Hostile web", .serialized)
struct HostileWebTests {
    static let cases = [
        "trickle", "endless", "gzip-bomb", "length-longer", "length-shorter", "redirect-loop", "redirect-file", "redirect-ftp",
        "redirect-gopher", "no-location", "invalid-utf8", "wrong-charset", "windows-1254", "iso-8859-9", "pdf", "jpeg", "50mb",
        "deep", "404", "410", "429", "503", "reset", "silent", "private-network",
    ]

    /// What the one-line reason must say for each refused case.
    static let reasons = [
        "trickle": "timed out", "endless": "exceeds the limit", "gzip-bomb": "exceeds the limit", "length-longer": "partial file",
        "length-shorter": "no article text", "redirect-loop": "redirects", "redirect-file": "redirect to a scheme",
        "redirect-ftp": "redirect to a scheme", "redirect-gopher": "redirect to a scheme", "no-location": "HTTP 302",
        "pdf": "PDF document", "jpeg": "JPEG image", "50mb": "exceeds the limit", "deep": "no article text",
        "404": "HTTP 404", "410": "HTTP 410", "429": "HTTP 429", "503": "HTTP 503", "reset": "Failure when receiving",
        "silent": "timed out", "private-network": "blocked",
    ]
    /// Pages a browser would show: stored as a version, read as a browser reads them (a page
    /// labelled UTF-8 stays UTF-8, its invalid bytes shown as U+FFFD).
    static let readable: [String: String] = [
        "invalid-utf8": "A story paragraph, long enough, with comm\u{FFFD}\u{FFFD}\u{FFFD}as, to count",
        "wrong-charset": "with commas, \u{FFFD}stanbul \u{FFFD}ehri, to count",
        "windows-1254": "İstanbul'da yağış", "iso-8859-9": "İstanbul'da yağış",
    ]
    /// The README's bound for every case's peak memory (measured: 43-49 MB, debug build).
    static let peakBoundKB = 64 * 1024

    @Test func everyCaseFailsCleanlyAndAlone() throws {
        let server = try TestServer()
        defer { server.stop() }
        let work = Fixtures.temporaryDirectory()
        try "<html><body><article><p>The good story, long enough and with commas, to be extracted as the article.</p></article></body></html>"
            .write(toFile: server.root + "/good.html", atomically: true, encoding: .utf8)
        var rows: [String] = []
        for name in Self.cases {
            let path: String
            switch name {
            case "redirect-loop": path = "/redirect-loop"
            case "redirect-file": path = "/redirect-file"
            case "private-network": path = "/site/good.html"
            default: path = "/hostile/" + name
            }
            let store = work + "/store-" + name
            try """
            webhooks: [ { url: "\(server.url("/webhook"))", on: [new, changed, removed] } ]
            watches:
              - { name: bad, url: "\(server.url(path))"\(name == "private-network" ? ", block_private_networks: true" : "") }
              - { name: good, url: "\(server.url("/site/good.html"))" }
            """.write(toFile: work + "/\(name).yaml", atomically: true, encoding: .utf8)
            let started = Date()
            let result = try runCLI(["/usr/bin/time", "-f", "peak-kb=%M", (Fixtures.productsDirectory as NSString).appendingPathComponent("newswatch"),
                                     "check", "--watchlists", work + "/\(name).yaml", "--store", store, "--color", "never"], raw: true)
            let seconds = Date().timeIntervalSince(started)
            let peak = Int(result.stderr.components(separatedBy: "peak-kb=").last?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "") ?? 0
            let reason = result.stderr.split(separator: "\n").first { $0.hasPrefix("newswatch: bad:") }.map(String.init)
            let stored = (try? SQLiteStore(root: store).versions(of: "bad")) ?? []
            if let words = Self.readable[name] {
                #expect(stored.count == 1 && reason == nil, "\(name): a readable page should be stored: \(reason ?? "")")
                let text = try stored.first.map { try SQLiteStore(root: store).article(of: $0).text } ?? ""
                #expect(text.contains(words), "\(name) was not decoded as a browser would: \(text)")
            } else {
                #expect(stored.isEmpty, "\(name) stored a version")
                let expected = try #require(Self.reasons[name])
                #expect(reason?.contains(expected) == true, "\(name): the reason should say '\(expected)', got \(reason ?? "nothing")")
                #expect(result.status == 1, "\(name): a failed watch exits 1")
            }
            #expect(result.stdout.contains("new: good"), "\(name) affected the good watch: \(result.stderr)")
            #expect(seconds < 45, "\(name) took \(seconds) s")
            #expect(peak > 0 && peak < Self.peakBoundKB, "\(name) peaked at \(peak) KB")
            rows.append(name.padding(toLength: 16, withPad: " ", startingAt: 0) + (stored.isEmpty ? "refused" : "stored ")
                        + String(format: " %6.2f s %4d MB  ", seconds, peak / 1024)
                        + String((reason ?? "(stored)").replacingOccurrences(of: "newswatch: ", with: "").prefix(90)))
        }
        print("case             outcome     time    peak  reason\n" + rows.joined(separator: "\n"))
    }
}

@Suite("Secrets stay secret")
struct SecretTests {
    @Test func secretsAndAuthorizationNeverAppearInOutput() throws {
        let work = Fixtures.temporaryDirectory()
        try """
        webhooks: [ { url: "http://127.0.0.1:9/hook", secret: "${HOOK_SECRET}", on: [new, changed] } ]
        watches:
          - { name: a, url: "http://127.0.0.1:9/page", headers: { Authorization: "Bearer TOKEN-123-SECRET" } }
        """.write(toFile: work + "/w.yaml", atomically: true, encoding: .utf8)
        let environment = ["HOOK_SECRET": "HOOK-SECRET-456"]
        var outputs: [String] = []
        for arguments in [["check", "--json"], ["check"], ["list", "--json"], ["list"], ["alerts"]] {
            let result = try runCLI(arguments + ["--watchlists", work + "/w.yaml", "--store", work + "/store"], environment: environment)
            outputs.append(result.stdout + result.stderr)
        }
        let all = outputs.joined()
        #expect(!all.contains("TOKEN-123-SECRET"))
        #expect(!all.contains("HOOK-SECRET-456"))
        #expect(all.contains("http://127.0.0.1:9/page: Couldn't connect"), "the failure itself is reported, naming the URL")
    }

    /// A Slack or Discord hook URL is itself the secret: masked in every message of `check`
    /// and `alerts retry` (cron mails stderr). And commands that only read never need the
    /// webhook's secrets to be set.
    @Test func hookURLsAreMaskedAndReadCommandsNeedNoSecrets() throws {
        let server = try TestServer()
        defer { server.stop() }
        let work = Fixtures.temporaryDirectory()
        try "<html><body><article><h1>Budget approved</h1><p>The council approved the budget on Tuesday, officials said in a statement.</p></article></body></html>"
            .write(toFile: server.root + "/p.html", atomically: true, encoding: .utf8)
        try """
        webhooks:
          - { url: "http://127.0.0.1:9/services/T0001/B0002/TOKEN-IN-URL-789", on: [new, changed] }
          - { url: "${SLACK_HOOK_URL}", secret: "${HOOK_SECRET}", format: slack }
        watches:
          - { name: budget, url: "\(server.url("/site/p.html"))" }
        """.write(toFile: work + "/w.yaml", atomically: true, encoding: .utf8)
        let common = ["--watchlists", work + "/w.yaml", "--store", work + "/store"]
        let secrets = ["SLACK_HOOK_URL": "https://hooks.slack.example/services/T1/B2/SLACKTOKEN-555", "HOOK_SECRET": "HOOK-SECRET-456"]
        var texts: [String] = []
        let check = try runCLI(["check"] + common, environment: secrets)
        #expect(check.status == 0, "\(check.stderr)")
        #expect(check.stderr.contains("http://127.0.0.1:9/…"), "the failure names the hook, masked: \(check.stderr)")
        texts.append(check.stdout + check.stderr)
        let retry = try runCLI(["alerts", "retry"] + common, environment: secrets)
        #expect(retry.status == 1)
        texts.append(retry.stdout + retry.stderr)
        let alerts = try runCLI(["alerts"] + common, environment: secrets)
        texts.append(alerts.stdout + alerts.stderr)
        for text in texts {
            #expect(!text.contains("TOKEN-IN-URL-789") && !text.contains("SLACKTOKEN-555") && !text.contains("HOOK-SECRET-456"), "\(text)")
        }
        // Without the secrets in the environment, reading still works (sending would not).
        for command in [["list"], ["log", "budget"], ["show", "budget"], ["stats"], ["diff", "budget", "1", "1"], ["list", "--json"]] {
            let result = try runCLI(command + common)
            #expect(result.status == 0, "\(command): \(result.stderr)")
        }
        let unsetCheck = try runCLI(["check", "--all"] + common)
        #expect(unsetCheck.status == 2 && unsetCheck.stderr.contains("environment variable 'SLACK_HOOK_URL' is not set"), "\(unsetCheck.stderr)")
    }
}
