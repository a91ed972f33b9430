import Foundation
import Testing
@testable import NewswatchCore

/// Control sequences in a page (an OSC that retitles the terminal, a CSI that clears it, C1
/// controls) never reach the store or the terminal.
@Suite("Terminal safety", .serialized)
struct TerminalSafetyTests {
    static func page(_ paragraph: String) -> String {
        """
        <html><head><title>Mayor\u{1B}]0;pwned\u{07} resigns</title>
        <script type="application/ld+json">{"@type":"NewsArticle","headline":"Mayor \\u001b[2J\\u001b[31mresigns","author":{"name":"A\u{9B}31m Reporter"}}</script>
        </head><body><article><h1>Mayor resigns</h1>
        <p>The mayor\u{1B}[2J resigned on Monday after a vote of the council, officials said in a statement.</p>
        <p>\(paragraph)</p></article></body></html>
        """
    }

    static func hasControl(_ text: String) -> Bool {
        text.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" && $0 != "\t" || $0.value == 0x7F || (0x80...0x9F).contains($0.value) }
    }

    @Test func extractorDropsControlCharacters() throws {
        let article = try ReadabilityExtractor().extract(ExtractionInput(html: Data(Self.page("Second\u{1B}[1A paragraph, with commas, long enough.").utf8)))
        #expect(article.title?.contains("resigns") == true)
        #expect(!Self.hasControl(article.title ?? "") && !Self.hasControl(article.byline ?? ""))
        #expect(!Self.hasControl(article.text), "\(article.text.debugDescription)")
        #expect(article.text.contains("The mayor[2J resigned"))
        #expect(ControlCharacters.strip("a\u{1B}]0;x\u{07}b\u{9B}c\td\ne") == "a]0;xbc\td\ne")
    }

    @Test func noCommandPrintsAnEscapeFromAPage() throws {
        let server = try TestServer()
        defer { server.stop() }
        let work = Fixtures.temporaryDirectory()
        let file = server.root + "/mayor.html"
        try Self.page("First version of the closing paragraph, with commas.").write(toFile: file, atomically: true, encoding: .utf8)
        try "watches:\n  - { name: mayor, url: \"\(server.url("/site/mayor.html"))\" }\n".write(toFile: work + "/w.yaml", atomically: true, encoding: .utf8)
        let common = ["--watchlists", work + "/w.yaml", "--store", work + "/store"]
        var outputs: [CLIResult] = []
        outputs.append(try runCLI(["check"] + common))
        try Self.page("Second\u{1B}[1A version of the closing paragraph\u{9B}2J, with commas.").write(toFile: file, atomically: true, encoding: .utf8)
        outputs.append(try runCLI(["check", "--all"] + common))
        outputs.append(try runCLI(["show", "mayor"] + common))
        outputs.append(try runCLI(["list"] + common))
        outputs.append(try runCLI(["log", "mayor"] + common))
        outputs.append(try runCLI(["diff", "mayor"] + common))
        outputs.append(try runCLI(["diff", "mayor", "--word-diff"] + common))
        for output in outputs {
            #expect(!Self.hasControl(output.stdout), "\(output.stdout.debugDescription)")
            #expect(!Self.hasControl(output.stderr), "\(output.stderr.debugDescription)")
        }
        #expect(outputs[1].stdout.contains("changed"), "\(outputs[1].stdout)")
        #expect(outputs[5].stdout.contains("Second[1A version"), "\(outputs[5].stdout)")
    }
}
