import Foundation
import Testing
@testable import NewswatchCore

/// `select:`/`remove:` run XPath against libxml2's tree: no expression may crash the process
/// or free what the document still owns.
@Suite("Selector safety")
struct SelectorSafetyTests {
    static let page = Data("""
    <html lang="en"><head><title>Quake</title></head><body><nav>Menu</nav>
    <article><h1>Quake</h1><p class="lead">The death toll from the earthquake rose to 120, officials said on Monday.</p>
    <p>Rescue teams were still searching collapsed buildings in the old town, the governor said.</p></article>
    <aside>Latest news</aside></body></html>
    """.utf8)

    func extract(select: String? = nil, remove: [String] = []) throws -> Article {
        try ReadabilityExtractor().extract(ExtractionInput(html: Self.page, select: try select.map(ContentSelector.init(parsing:)),
                                                           remove: try remove.map(ContentSelector.init(parsing:))))
    }

    @Test(arguments: ["xpath: /", "xpath: /html", "xpath: /*", "html", "xpath: //*[@lang]", "xpath: (//node())[1]"])
    func rootSelectorsAreRefusedNotFreed(_ expression: String) throws {
        for (select, remove) in [(expression, [String]()), (nil, [expression])] {
            do {
                _ = try extract(select: select, remove: remove)
                Issue.record("'\(expression)' should be refused")
            } catch let error as ExtractionError {
                #expect("\(error)".contains("matches the whole document"), "\(error)")
            }
        }
        // The document is still whole afterwards: a normal extraction of the same page works.
        #expect(try extract().text.contains("rose to 120"))
    }

    @Test func nonElementMatchesAreSkipped() throws {
        // Attributes, text and namespace nodes are not elements: nothing is freed for them.
        for expression in ["xpath: //@class", "xpath: //text()", "xpath: //namespace::*", "xpath: //comment()"] {
            let article = try extract(remove: [expression])
            #expect(article.text.contains("rose to 120"), "\(expression)")
        }
        #expect(throws: ExtractionError.self) { try extract(select: "xpath: count(//p)") }
        #expect(try extract(remove: ["aside", "nav", "xpath: //article//p[2]"]).text == "The death toll from the earthquake rose to 120, officials said on Monday.")
    }

    @Test func loaderRefusesRootSelectors() throws {
        let loader = WatchlistLoader()
        for expression in ["xpath: /", "html", "xpath: /*", "xpath: //*["] {
            do {
                _ = try loader.load(text: "watches: [ { name: a, url: 'https://example.org', remove: ['\(expression)'] } ]", file: "w.yaml")
                Issue.record("'\(expression)' should be a configuration error")
            } catch let errors as ConfigErrors {
                #expect(errors.description.hasPrefix("w.yaml:1:"), "\(errors)")
                #expect(errors.description.contains("watches[0].remove[0]"), "\(errors)")
            }
        }
    }

    /// Random XPath and CSS expressions through the loader and, when accepted, extraction:
    /// each ends in a selector, a configuration error or an extraction error, never a crash.
    @Test func fuzzedSelectors() throws {
        var random = SeededGenerator(seed: 77)
        let parts = ["/", "//", "*", "html", "body", "p", "article", "..", ".", "@class", "text()", "node()", "[1]", "[last()]",
                     "|", "(", ")", "ancestor::*", "parent::node()", "self::node()", "namespace::*", "#x", ".lead", " > ", " ", ","]
        var accepted = 0, refused = 0
        for _ in 0..<1500 {
            let body = (0..<Int.random(in: 1...6, using: &random)).map { _ in parts.randomElement(using: &random)! }.joined()
            let text = Bool.random(using: &random) ? "xpath: " + body : body
            guard let selector = try? ContentSelector(parsing: text), (try? HTMLDocument.validate(selector)) != nil else { refused += 1; continue }
            accepted += 1
            for input in [ExtractionInput(html: Self.page, select: selector), ExtractionInput(html: Self.page, remove: [selector, selector])] {
                do { _ = try ReadabilityExtractor().extract(input) } catch let error as ExtractionError {
                    #expect("\(error)".hasPrefix("invalid selector"), "\(error)")
                }
            }
        }
        #expect(accepted > 50 && refused > 50, "accepted \(accepted), refused \(refused)")
    }
}
