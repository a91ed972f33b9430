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
            let reason = result.stderr.split(separator: "\n").first { $0.contains("bad:") }.map(String.init) ?? "(stored)"
            let versions = (try? FileSnapshotStore(root: store).versions(of: "bad").count) ?? 0
            // Cases a browser would show as a page may become a version; all others must not.
            let readable = ["invalid-utf8", "wrong-charset", "windows-1254", "iso-8859-9", "length-longer"].contains(name)
            #expect(readable || versions == 0, "\(name) stored a version")
            #expect(readable || !reason.isEmpty, "\(name): no reason given")
            #expect(result.stdout.contains("new: good"), "\(name) affected the good watch: \(result.stderr)")
            #expect(seconds < 45, "\(name) took \(seconds) s")
            #expect(peak < 400_000, "\(name) peaked at \(peak) KB")
            rows.append(String(format: "%-16@ %-9@ %6.2f s %6d MB  %@", name as NSString, (versions > 0 ? "stored" : "refused") as NSString,
                               seconds, peak / 1024, String(reason.replacingOccurrences(of: "newswatch: ", with: "").prefix(90)) as NSString))
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
}
