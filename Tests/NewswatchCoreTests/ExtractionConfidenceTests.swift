import Foundation
import Testing
@testable import NewswatchCore

/// How sure extraction is, and how it explains itself: a clear story is found by its
/// container with high confidence; a page with too little prose says so; a story hidden in a
/// script-revealed element is still found; `--explain` names the container and what it left out.
@Suite("Extraction confidence and explanations", .serialized)
struct ExtractionConfidenceTests {
    static let paragraphs = (1...6).map { "Paragraph \($0) of the report: the ministry said on Monday that the new rules, agreed after months of talks, would apply from June." }

    static func page(story: [String], hidden: Bool = false) -> String {
        """
        <html><head><title>Ministry sets new rules</title></head><body>
        <nav class="menu"><a href="/">Home</a> <a href="/world">World</a> <a href="/business">Business</a></nav>
        <div\(hidden ? " hidden id=\"S:0\"" : "")><div class="article-body"><h1>Ministry sets new rules</h1>
        \(story.map { "<p>\($0)</p>" }.joined(separator: "\n"))
        <h3>Related stories</h3><ul><li><a href="/a">Another story about the rules</a></li></ul></div></div>
        <div class="sidebar"><h3>Most read</h3><p>A sidebar teaser about something else entirely, with commas, and more words.</p></div>
        </body></html>
        """
    }

    @Test func aClearStoryIsFoundByItsContainerWithConfidence() throws {
        let article = try ReadabilityExtractor().extract(ExtractionInput(html: Data(Self.page(story: Self.paragraphs).utf8)))
        #expect(article.blocks.count == 6)
        #expect(article.extraction?.method == .container)
        #expect((article.extraction?.confidence ?? 0) >= 0.8, "\(String(describing: article.extraction))")
    }

    @Test func aShortStoryIsUncertain() throws {
        let article = try ReadabilityExtractor().extract(ExtractionInput(html: Data(Self.page(story: Array(Self.paragraphs.prefix(2))).utf8)))
        #expect(article.blocks.count == 2)
        #expect(article.extraction?.isUncertain == true, "\(String(describing: article.extraction))")
    }

    /// React's streamed rendering keeps the story in `<div hidden>` until script moves it.
    @Test func aStoryInAHiddenElementIsStillFound() throws {
        let article = try ReadabilityExtractor().extract(ExtractionInput(html: Data(Self.page(story: Self.paragraphs, hidden: true).utf8)))
        #expect(article.text.contains("Paragraph 6 of the report"), "\(article.text)")
        #expect(article.extraction?.method == .containerByTags)
    }

    /// Whole pages inside an ASP.NET `<form>`, stories wrapped in `<header>` or `<aside>`: the
    /// elements that usually hold furniture hold the story, and a third reading finds it.
    @Test func aStoryInsideAFurnitureElementIsStillFound() throws {
        for wrapper in ["form id=\"mainform\"", "header id=\"header\"", "aside"] {
            let name = String(wrapper.split(separator: " ")[0])
            let html = "<html><body><\(wrapper)><div class=\"content\">" + Self.paragraphs.map { "<p>\($0)</p>" }.joined() + "</div></\(name)></body></html>"
            let article = try ReadabilityExtractor().extract(ExtractionInput(html: Data(html.utf8)))
            #expect(article.blocks.count == 6, "\(wrapper): \(article.text)")
        }
    }

    /// The same when the rest of the page holds enough text to pass for a short story (a
    /// promotional blurb): the skipped element held more paragraph text than that whole first
    /// reading, so it is read again keeping that element. A reader-comment thread with even
    /// more prose is never taken for the story.
    @Test func aStoryInsideAFurnitureElementBesideAShortBlurbIsFound() throws {
        let blurb = "<div class=\"intro\"><p>Our weekly letter brings you the research behind every episode, with notes, links, and practical protocols you can use today, free of charge.</p>"
            + "<p>Join more than a million readers who get it every Tuesday morning, and read the archive of past letters, summaries, and transcripts online.</p></div>"
        let comments = "<div id=\"comments\" class=\"comments-area\">" + (1...12).map { "<p>Comment \($0): I read this with interest, and I disagree with the ministry about the rules, the timing, and the costs.</p>" }.joined() + "</div>"
        for wrapper in ["header class=\"section_blog-post-content\"", "section class=\"section-hero cc-newsletter\""] {
            let name = String(wrapper.split(separator: " ")[0])
            let story = (Self.paragraphs + Self.paragraphs.map { $0.replacingOccurrences(of: "Paragraph", with: "Section") }).map { "<p>\($0)</p>" }.joined()
            let html = "<html><body>" + blurb + "<\(wrapper)><h1>Ministry sets new rules</h1>" + story + "</\(name)>" + comments + "</body></html>"
            let article = try ReadabilityExtractor().extract(ExtractionInput(html: Data(html.utf8)))
            #expect(article.text.contains(Self.paragraphs[0]) && article.text.contains("Section 6 of the report"), "\(wrapper): \(article.text)")
            #expect(!article.text.contains("Comment 3:"), "\(wrapper): \(article.text)")
        }
    }

    /// The same when the template sets the story's paragraphs in `<div>`s or between `<br>`s:
    /// long runs of sentences count as the skipped element's prose, as `<p>` text does. A
    /// skipped menu of many short links never does.
    @Test func aStoryInsideAFurnitureElementWithoutParagraphTagsIsFound() throws {
        let blurb = "<div class=\"intro\"><p>Our weekly letter brings you the research behind every episode, with notes, links, and practical protocols you can use today, free of charge.</p>"
            + "<p>Join more than a million readers who get it every Tuesday morning, and read the archive of past letters, summaries, and transcripts online.</p></div>"
        let story = Self.paragraphs + Self.paragraphs.map { $0.replacingOccurrences(of: "Paragraph", with: "Section") }
        let layouts = [
            "divs": story.map { "<div>\($0)</div>" }.joined(),
            "breaks": story.joined(separator: "<br><br>"),
        ]
        for (layout, body) in layouts {
            let html = "<html><body>" + blurb + "<header class=\"section_blog-post-content\"><h1>Ministry sets new rules</h1><div class=\"rich-text\">" + body + "</div></header></body></html>"
            let article = try ReadabilityExtractor().extract(ExtractionInput(html: Data(html.utf8)))
            #expect(article.text.contains(Self.paragraphs[0]) && article.text.contains("Section 6 of the report"), "\(layout): \(article.text)")
        }
        let menu = "<header class=\"site-header\"><ul>" + (1...150).map { "<li><a href=\"/s\($0)\">Section \($0) of the site</a></li>" }.joined() + "</ul></header>"
        let html = "<html><body>" + menu + blurb + "</body></html>"
        let article = try ReadabilityExtractor().extract(ExtractionInput(html: Data(html.utf8)))
        #expect(!article.text.contains("Section 7 of the site"), "\(article.text)")
    }

    /// A caption full of commas outscores four plain paragraphs, and the line rules then drop
    /// it as a caption: the story is not left empty, the densest run of prose is taken.
    @Test func aContainerEmptiedByTheLineRulesFallsBackToTheProseRun() throws {
        let caption = "<div><div><p>In this Dec. 12, 2006, file photo, made available by NASA, astronaut Robert L. Curbeam Jr., left, and European "
            + "Space Agency astronaut Christer Fuglesang, right, work on the station, in orbit, over Houston, Texas, on Tuesday, as seen here, on a screen.</p></div><span>0</span></div>"
        let story = (1...4).map { "<p>Story paragraph \($0) says the agency studied how hibernation would change the design of a crewed mission to Mars and found it could shrink the craft.</p>" }
        let html = "<html><body><h1>Snooze cruise</h1>" + caption + "<div><div><div>" + story.joined() + "</div></div></div></body></html>"
        let article = try ReadabilityExtractor().extract(ExtractionInput(html: Data(html.utf8)))
        #expect(article.text.contains("Story paragraph 1 says") && article.text.contains("Story paragraph 4 says"), "\(article.text)")
        #expect(!article.text.contains("file photo"), "\(article.text)")
        #expect(article.extraction?.method == .paragraphs)
    }

    /// The second method finds the longest run of prose among other blocks.
    /// A story wrapped whole in links (each paragraph inside `<a>`) reads as no prose at all:
    /// the last resort takes the linked paragraphs, marked uncertain, rather than nothing.
    @Test func aStoryWhoseParagraphsAreAllLinksIsNotEmpty() throws {
        let linked = Self.paragraphs.enumerated().map { "<p><a href=\"/p\($0.offset)\">\($0.element)</a></p>" }.joined()
        let html = "<html><body><nav><a href=\"/\">Home</a></nav><div>\(linked)</div></body></html>"
        let article = try ReadabilityExtractor().extract(ExtractionInput(html: Data(html.utf8)))
        #expect(article.blocks.count == 6, "\(article.blocks.map(\.text))")
        #expect(article.extraction?.method == .paragraphs && article.extraction?.isUncertain == true, "\(String(describing: article.extraction))")
        // A menu of short links is still no story.
        let menu = "<html><body><ul>" + (1...12).map { "<li><a href=\"/s\($0)\">Section \($0)</a></li>" }.joined() + "</ul></body></html>"
        #expect(try ReadabilityExtractor().extract(ExtractionInput(html: Data(menu.utf8))).blocks.isEmpty)
    }

    @Test func theDensestRunOfProseParagraphs() {
        func block(_ text: String, links: Int = 0, kind: Article.BlockKind = .paragraph) -> TextBlock {
            TextBlock(owner: 0, kind: kind, text: text, linkCharacters: links, commas: text.filter { $0 == "," }.count)
        }
        var blocks: [TextBlock] = [block("Short menu line"), block(Self.paragraphs[0])]
        for _ in 0..<5 { blocks.append(block("Home World Business Sport Culture", links: 33)) }
        for paragraph in Self.paragraphs.dropFirst() { blocks.append(block(paragraph)) }
        blocks.append(block("Subscribe"))
        blocks.append(block(String(repeating: "Linked teaser text, ", count: 5), links: 90))
        let run: [TextBlock] = ParagraphRun.densest(in: blocks)
        let texts: [String] = run.map { $0.text }
        #expect(texts == Array(Self.paragraphs.dropFirst()), "\(texts)")
        #expect(ParagraphRun.densest(in: [block("Too short.")]).isEmpty)
    }

    @Test func explainNamesTheContainerAndWhatWasLeftOut() throws {
        let file = Fixtures.temporaryDirectory() + "/page.html"
        try Self.page(story: Self.paragraphs).write(toFile: file, atomically: true, encoding: .utf8)
        let result = try runCLI(["extract", "--explain", "--color", "never", file])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("method: container, confidence"), "\(result.stdout)")
        #expect(result.stdout.contains("chosen:     div.article-body"), "\(result.stdout)")
        #expect(result.stdout.contains("after the end-of-story heading \"Related stories\""), "\(result.stdout)")
        #expect(result.stdout.contains("skipped as furniture before scoring (tag, class or id): nav.menu, div.sidebar"), "\(result.stdout)")
        let json = try runCLI(["extract", "--json", file])
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        #expect(object?["method"] as? String == "container")
        #expect((object?["confidence"] as? Double ?? 0) >= 0.8)
    }

    @Test func checkAndListSayWhenExtractionIsUncertain() throws {
        let server = try TestServer()
        defer { server.stop() }
        let work = Fixtures.temporaryDirectory()
        try Self.page(story: Array(Self.paragraphs.prefix(2))).write(toFile: server.root + "/thin.html", atomically: true, encoding: .utf8)
        try Self.page(story: Self.paragraphs).write(toFile: server.root + "/full.html", atomically: true, encoding: .utf8)
        try """
        watches:
          - { name: thin, url: "\(server.url("/site/thin.html"))" }
          - { name: full, url: "\(server.url("/site/full.html"))" }
        """.write(toFile: work + "/w.yaml", atomically: true, encoding: .utf8)
        let common = ["--watchlists", work + "/w.yaml", "--store", work + "/store"]
        let check = try runCLI(["check"] + common)
        #expect(check.status == 0)
        #expect(check.stderr.contains("thin: extraction uncertain") && check.stderr.contains("consider select:"), "\(check.stderr)")
        #expect(!check.stderr.contains("full: extraction uncertain"))
        let list = try runCLI(["list"] + common).stdout
        let thinLine = list.split(separator: "\n").first { $0.hasPrefix("thin") } ?? ""
        let fullLine = list.split(separator: "\n").first { $0.hasPrefix("full") } ?? ""
        #expect(thinLine.contains("extraction uncertain") && !fullLine.contains("uncertain"), "\(list)")
    }

    static let extractionDev = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/extraction-dev").path

    /// Never an empty article for a page that has one: every page of the four extraction-dev
    /// sets (840 real pages from hundreds of sites) yields text, found by some method.
    @Test(.enabled(if: FileManager.default.fileExists(atPath: extractionDev), "needs ../shared/extraction-dev"))
    func noRealPageComesOutEmpty() throws {
        var empty: [String] = [], pages = 0
        for set in ["scrapinghub", "mozilla", "trafilatura-eval", "wceb-news"] {
            let directory = Self.extractionDev + "/\(set)/html"
            for name in try FileManager.default.contentsOfDirectory(atPath: directory).sorted() {
                var data = try Data(contentsOf: URL(fileURLWithPath: directory + "/" + name))
                if name.hasSuffix(".gz") { data = try Zlib.decompress(data) }
                let article = try ReadabilityExtractor().extract(ExtractionInput(html: data))
                pages += 1
                if article.blocks.isEmpty { empty.append("\(set)/\(name)") }
            }
        }
        #expect(pages >= 800)
        #expect(empty.isEmpty, "empty articles: \(empty)")
    }
}
