import Foundation
import Testing
@testable import NewswatchCore

@Suite("Watchlists")
struct WatchlistTests {
    let loader = WatchlistLoader(environment: ["NEWSWATCH_SECRET": "s3cret", "TOKEN": "abc"])

    @Test func parsesTheDocumentedExample() throws {
        let list = try loader.load(text: """
        defaults: { every: 15m }
        webhooks: [ { url: "https://hooks.example.org/newswatch", secret: "${NEWSWATCH_SECRET}" } ]
        watches:
          - name: putin-pyongyang
            url: https://example.org/news/russian-president-to-pay-2nd-visit-to-north-korea
            every: 5m
          - name: second
            url: https://example.org/b
            headers: { Authorization: "Bearer ${TOKEN}" }
            select: "article .story-body > p, #main"
        """, file: "world.yaml")
        #expect(list.watches.count == 2)
        #expect(list.watches[0].every.seconds == 300)
        #expect(list.watches[1].every.seconds == 900)
        #expect(list.watches[0].webhooks.first?.secret == "s3cret")
        #expect(list.watches[1].headers["Authorization"] == "Bearer abc")
        #expect(list.watches[1].select?.xpath.contains("//article") == true)
        #expect(list.watches[0].source.line == 4)
        #expect(list.warnings.isEmpty)
    }

    @Test func errorsNameFileLineAndField() {
        do {
            _ = try loader.load(text: """
            watches:
              - name: ok
                url: https://example.org/a
              - name: ok
                url: https://example.org/b
              - name: bad-every
                url: https://example.org/c
                every: soon
              - name: bad-url
                url: ftp://example.org/d
              - url: https://example.org/e
            """, file: "list.yaml")
            Issue.record("expected errors")
        } catch let errors as ConfigErrors {
            let text = errors.description
            #expect(text.contains("list.yaml:4:5: watches[1].name: duplicate watch name 'ok' (first defined at list.yaml:2:5)"))
            #expect(text.contains("list.yaml:8:12: watches[2].every: 'soon' is not a duration"))
            #expect(text.contains("list.yaml:10:10: watches[3].url: scheme 'ftp' is not supported"))
            #expect(text.contains("watches[4].name: missing"))
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    /// A misspelt key is an error, not a warning: `webhook:` for `webhooks:` would otherwise
    /// load fine and send nothing.
    @Test func unknownKeysAreErrorsWithSuggestion() throws {
        func errors(_ text: String) -> String {
            do { _ = try loader.load(text: text, file: "w.yaml"); return "" } catch { return "\(error)" }
        }
        #expect(errors("""
        watches:
          - name: a
            url: https://example.org/a
            evry: 5m
        """) == "w.yaml:4:5: watches[0].evry: unknown key 'evry' in watches[0]; did you mean 'every'?")
        #expect(errors("""
        webhook: [ { url: "https://h.example.org/x" } ]
        watches: [ { name: a, url: "https://example.org" } ]
        """) == "w.yaml:1:1: webhook: unknown key 'webhook' in the top level; did you mean 'webhooks'?")
        #expect(errors("""
        watches:
          - name: a
            url: https://example.org/a
            webhooks: [ { url: "https://h.example.org/x", sekret: x } ]
        """).contains("watches[0].webhooks[0].sekret: unknown key 'sekret' in watches[0].webhooks[0]; did you mean 'secret'?"))
    }

    @Test func proxyComesOnlyFromTheWatchlist() throws {
        let list = try loader.load(text: """
        defaults: { proxy: "http://proxy.example.org:3128" }
        watches:
          - { name: a, url: "https://example.org/a" }
          - { name: b, url: "https://example.org/b", proxy: "socks5h://127.0.0.1:1080" }
        """, file: "w.yaml")
        #expect(list.watches.map(\.proxy) == ["http://proxy.example.org:3128", "socks5h://127.0.0.1:1080"])
        #expect(throws: ConfigErrors.self) {
            try loader.load(text: "watches: [ { name: a, url: 'https://example.org', proxy: 'ftp://x' } ]", file: "w.yaml")
        }
    }

    @Test func missingEnvironmentVariableIsAnError() {
        #expect(throws: ConfigErrors.self) {
            try loader.load(text: """
            webhooks: [ { url: "https://h.example.org", secret: "${NOT_SET_ANYWHERE}" } ]
            watches: [ { name: a, url: "https://example.org" } ]
            """, file: "w.yaml")
        }
    }

    @Test func invalidYAMLNamesTheFile() {
        do {
            _ = try loader.load(text: "watches: [ {name: a, url: ", file: "broken.yaml")
            Issue.record("expected an error")
        } catch {
            #expect("\(error)".hasPrefix("broken.yaml: invalid YAML"))
        }
    }

    @Test func missingPathIsAnError() {
        #expect(throws: ConfigErrors.self) { try loader.load(path: "/nonexistent/watchlists") }
    }

    @Test func loadsADirectory() throws {
        let directory = Fixtures.temporaryDirectory()
        try "watches: [ { name: a, url: 'https://example.org/a' } ]".write(toFile: directory + "/1.yaml", atomically: true, encoding: .utf8)
        try "watches: [ { name: b, url: 'https://example.org/b' } ]".write(toFile: directory + "/2.yml", atomically: true, encoding: .utf8)
        try "not a watchlist".write(toFile: directory + "/notes.txt", atomically: true, encoding: .utf8)
        let list = try loader.load(path: directory)
        #expect(list.watches.map(\.name) == ["a", "b"])
    }

    @Test func intervals() {
        #expect(Interval(parsing: "90s")?.seconds == 90)
        #expect(Interval(parsing: "2h")?.seconds == 7200)
        #expect(Interval(parsing: "1d")?.seconds == 86400)
        #expect(Interval(parsing: "15")?.seconds == 15)
        #expect(Interval(parsing: "5 parsecs") == nil)
        #expect(Interval(parsing: "-5m") == nil)
        #expect(Interval(parsing: "1h30m")?.seconds == 5400)
        #expect(Interval(parsing: "1d 12h")?.seconds == 129_600)
        #expect(Interval(parsing: "2m30s")?.seconds == 150)
        #expect(Interval(parsing: "1h30x") == nil)
        #expect(Interval(parsing: "h") == nil)
        #expect(Interval(seconds: 5400).description == "1h30m")
    }

    @Test func cssSelectorsCompileToXPath() throws {
        #expect(try ContentSelector(parsing: "article").xpath == "//article")
        #expect(try ContentSelector(parsing: "div#main > p.lead").xpath
                == "//div[@id='main']/p[contains(concat(' ', normalize-space(@class), ' '), ' lead ')]")
        #expect(try ContentSelector(parsing: "[data-role=story] p, h1").xpath == "//*[@data-role='story']//p | //h1")
        #expect(try ContentSelector(parsing: "xpath: //div[@id='x']").xpath == "//div[@id='x']")
        #expect(throws: ContentSelector.ParseError.self) { try ContentSelector(parsing: "div:hover") }
    }
}
