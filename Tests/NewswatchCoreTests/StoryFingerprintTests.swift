import Foundation
import Testing
@testable import NewswatchCore
import NewswatchDemo

/// A fetch whose story bytes match the stored version's is answered without parsing; these
/// tests hold that shortcut to the full extraction's verdict, in both directions.
@Suite("Unchanged stories recognised without parsing")
struct StoryFingerprintTests {
    let extractor = ReadabilityExtractor()

    func read(_ html: String) throws -> (Article, StoryFingerprint?) {
        guard case .article(let article, let fingerprint) = try extractor.extract(ExtractionInput(html: Data(html.utf8)), unlessSameAs: nil) else {
            throw ExtractionError.unparseable("no fingerprint was given, yet the page was called the same")
        }
        return (article, fingerprint)
    }

    func same(_ html: String, _ fingerprint: StoryFingerprint) -> Bool {
        guard case .sameStory? = try? extractor.extract(ExtractionInput(html: Data(html.utf8)), unlessSameAs: fingerprint) else { return false }
        return true
    }

    @Test func editedStoriesAreNeverTakenForTheSameAndOthersAlwaysAre() throws {
        var site = SyntheticNewsSite(pages: 60, seed: 11)
        let before = try (0..<60).map { try read(site.html(story: $0, fetch: 1)) }
        let edited = Set(site.editGeneration(fraction: 0.5))
        #expect(edited.count == 30)
        for id in 0..<60 {
            let page = site.html(story: id, fetch: 2)  // new sidebars, clock and session id too
            let fingerprint = try #require(before[id].1, "story \(id) has no fingerprint")
            let full = try read(page).0
            let storyChanged = full.storyText != before[id].0.storyText
            #expect(storyChanged == edited.contains(id), "story \(id): full extraction disagrees with the edit list")
            #expect(same(page, fingerprint) == !storyChanged, "story \(id): the shortcut disagrees with the full extraction")
        }
    }

    /// A streamed chunk read into the story sits outside the container's bytes, so such a
    /// story has no shortcut: an edit there must still be seen.
    @Test func editsInStreamedChunksAreSeen() throws {
        func page(_ streamed: String) -> String {
            let intro = (1...3).map { "<p>Opening paragraph \($0) of the story, with enough words, commas, and detail to score as prose.</p>" }.joined()
            return "<html><body><article><h1>Headline</h1>\(intro)<template id=\"B:1\"></template><div>Loading...</div></article>"
                + "<div hidden id=\"S:1\"><p>\(streamed), a streamed paragraph with enough words, commas, and detail to score as prose.</p></div></body></html>"
        }
        let (before, fingerprint) = try read(page("The toll stood at 120"))
        #expect(before.text.contains("The toll stood at 120"))
        let edited = page("The toll stood at 1,200")
        #expect(try read(edited).0.text.contains("The toll stood at 1,200"))
        if let fingerprint { #expect(!same(edited, fingerprint)) }
    }

    /// A standfirst read from beside the headline is story: editing it is a change the
    /// shortcut must see, while the page around it may change freely.
    @Test func anEditedStandfirstBesideTheHeadlineIsAChange() throws {
        func page(standfirst: String, clock: String) -> String {
            """
            <html><head><title>Storm floods the coast</title></head><body>
            <div class="clock">\(clock)</div>
            <div class="hero"><h1>Storm floods the coast</h1><p class="byline">By Ana Writer</p><p class="dek">\(standfirst)</p></div>
            <div class="content-wrap"><div class="layout"><div class="main"><div class="article-body">
            <p>The storm reached the coast on Tuesday night, flooding roads, homes and fields from the harbour to the river mouth, officials said.</p>
            <p>More than 1,200 people were moved to shelters, according to the regional government, which said the water would take days to recede.</p>
            <p>Rescue teams worked through the night, and schools stayed closed on Wednesday while engineers checked bridges along the coast road.</p>
            </div></div></div></div>
            <div class="clock">\(clock)</div>
            </body></html>
            """
        }
        let first = "Thousands were moved to shelters as the water rose faster than forecast."
        let (article, fingerprint) = try read(page(standfirst: first, clock: "10:00"))
        #expect(article.blocks.first?.text == first)
        let stored = try #require(fingerprint)
        #expect(same(page(standfirst: first, clock: "10:05"), stored))
        let edited = page(standfirst: "Thousands were moved to shelters as the water rose twice as fast as forecast.", clock: "10:05")
        #expect(!same(edited, stored))
        #expect(try read(edited).0.storyText != article.storyText)
    }

    @Test func headlineInTheHeadAloneIsAChange() throws {
        let site = SyntheticNewsSite(pages: 3, seed: 5)
        let page = site.html(story: 1, fetch: 1)
        let fingerprint = try #require(try read(page).1)
        let headline = site.stories[1].headline
        let retitled = page.replacingOccurrences(of: "content=\"\(headline)\"", with: "content=\"\(headline), updated\"")
        #expect(retitled != page)
        #expect(!same(retitled, fingerprint))
        // The visible headline stays; the retitled one is kept with the version and counts.
        let reread = try read(retitled).0
        let stated = [reread.headlines?.linkedData, reread.headlines?.openGraph, reread.headlines?.titleTag]
        #expect(stated.contains(headline + ", updated"), "\(stated)")
        #expect(StoreFormat.storyHash(reread) != StoreFormat.storyHash(try read(page).0))
    }

    /// Edits outside the story (menus, sidebars, footers, scripts) never need a parse, and a
    /// shortcut answer always agrees with what a full extraction would have said.
    @Test func changesAroundTheStoryKeepTheShortcutAndItAgreesWithExtraction() throws {
        let site = SyntheticNewsSite(pages: 4, seed: 9)
        var random = SplitMix(seed: 42)
        var recognised = 0
        for trial in 0..<120 {
            let id = trial % 4
            let original = site.html(story: id, fetch: 1)
            let (article, fingerprint) = try read(original)
            let fingerprintValue = try #require(fingerprint)
            var page = site.html(story: id, fetch: 2 + trial)
            let insertions = [
                "<li><a href=\"/n/\(trial)\">Breaking: another story number \(trial), with commas, and more words.</a></li>",
                "<p>An advertisement paragraph that is long enough to look like prose, with commas, trial \(trial).</p>",
                "<script>var tracking = \"<p>\(trial)</p>\";</script>",
            ]
            let anchors = ["</ul>", "</footer>", "<header class=\"site-header\">", "</aside>"]
            let anchor = anchors[Int.random(in: 0..<anchors.count, using: &random)]
            if let range = page.range(of: anchor) {
                page.insert(contentsOf: insertions[Int.random(in: 0..<insertions.count, using: &random)], at: range.lowerBound)
            }
            if same(page, fingerprintValue) {
                recognised += 1
                #expect(try read(page).0.storyText == article.storyText, "trial \(trial): recognised as the same but the story differs")
            }
        }
        #expect(recognised == 120, "every page whose story bytes are untouched is recognised")
    }

    /// No <title> and no meta: the headline comes from an <h1> outside the story's container,
    /// so that element is pinned on its own: editing it is a change, the clock beside it is not.
    /// JSON-LD at the end of <body> is pinned the same way.
    @Test func headlineAndStructuredDataOutsideTheStoryArePinnedOnTheirOwn() throws {
        let prose = (1...5).map { "<p>Paragraph \($0) of the story, which goes on with words, commas, and detail enough to be prose.</p>" }.joined()
        func page(h1: String, clock: String, author: String = "Ann Lee") -> String {
            "<html><head><meta charset=\"utf-8\"></head><body><div class=\"top\"><h1>\(h1)</h1><span>\(clock)</span></div>"
                + "<div class=\"article\">\(prose)</div><div class=\"sidebar\">\(clock)</div>"
                + "<script type=\"application/ld+json\">{\"@type\":\"NewsArticle\",\"author\":{\"name\":\"\(author)\"}}</script></body></html>"
        }
        let (article, fingerprint) = try read(page(h1: "The headline", clock: "10:00"))
        #expect(article.title == "The headline")
        #expect(article.byline == "Ann Lee")
        let value = try #require(fingerprint)
        #expect(same(page(h1: "The headline", clock: "10:07"), value))
        #expect(!same(page(h1: "The headline, corrected", clock: "10:07"), value))
        #expect(!same(page(h1: "The headline", clock: "10:07", author: "Bo Chen"), value))
    }

    /// The <h1> readers see is the headline even above the story's container: the page still
    /// gets a fingerprint, and an edit to that h1 alone is a story change the fingerprint
    /// notices. Microdata inside the story is covered by the container, not by the page prefix.
    @Test func aVisibleHeadlineAboveTheStoryIsTheHeadline() throws {
        let prose = (1...5).map { "<p>Paragraph \($0) of the story, which goes on with words, commas, and detail enough to be prose.</p>" }.joined()
        func page(h1: String, clock: String, body: String = prose) -> String {
            "<html><head><title>The headline | Site</title></head><body><div class=\"clock\">\(clock)</div>"
                + "<div class=\"top\"><h1>\(h1)</h1></div><div class=\"article\"><meta itemprop=\"datePublished\" content=\"2024-06-18\">\(body)</div>"
                + "<div class=\"sidebar\"><a href=\"/x\">\(clock)</a></div></body></html>"
        }
        let (article, fingerprint) = try read(page(h1: "The headline", clock: "10:00"))
        #expect(article.title == "The headline")
        let value = try #require(fingerprint)
        #expect(same(page(h1: "The headline", clock: "10:05"), value))
        let retitledHeading = page(h1: "The headline, rewritten above the story", clock: "10:05")
        #expect(!same(retitledHeading, value))
        #expect(try read(retitledHeading).0.title == "The headline, rewritten above the story")
        let edited = page(h1: "The headline", clock: "10:10", body: prose.replacingOccurrences(of: "Paragraph 3", with: "Paragraph three"))
        #expect(!same(edited, value))
    }
}
