import Foundation

/// The second source of a story's text: the `articleBody` a page states in its JSON-LD.
/// Pages rendered by script (an empty `<div id="root">` until the bundle runs) and pages cut
/// to a teaser often carry the whole story there. It is used only when the page shows far
/// less, because its text is rougher than the page's: no headings, sometimes markup or
/// Markdown, sometimes the first paragraphs only.
enum LinkedDataBody {
    /// The stated body must hold this many characters (when the page shows nothing at all,
    /// `minimumWhenEmpty`: a short story is better than a silently unwatched page)...
    static let minimumCharacters = 500
    static let minimumWhenEmpty = 100
    /// ...and this many times what the page's own container gave.
    static let minimumRatio = 3.0
    /// The site calls this text its article, but the page did not show it.
    static let confidence = 0.5

    /// The stated body as blocks, when it is long enough and several times longer than the
    /// story found on the page (`shown`); nil otherwise.
    static func blocks(_ body: String, shown: [Article.Block]) -> [TextBlock]? {
        let shownCharacters = shown.reduce(0) { $0 + $1.text.utf8.count }
        let minimum = shownCharacters == 0 ? minimumWhenEmpty : minimumCharacters
        // The untrimmed length first, an upper bound: most bodies are no longer than the page
        // shows, and trimming a long string costs more than the test.
        guard body.utf8.count >= minimum, Double(body.utf8.count) >= minimumRatio * Double(shownCharacters) else { return nil }
        let stated = body.trimmingCharacters(in: .whitespacesAndNewlines)
        guard stated.utf8.count >= minimum else { return nil }
        guard Double(stated.utf8.count) >= minimumRatio * Double(shownCharacters) else { return nil }
        let reader = PageReader(story: .nonText, metadata: false)
        HTMLStream.read(PreparedPage(Data(html(stated).utf8), encoding: "utf-8"), into: reader)
        let blocks = reader.story!.blocks
        let characters = blocks.reduce(0) { $0 + $1.characters }
        return Double(characters) >= minimumRatio * Double(shownCharacters) && characters >= minimum ? blocks : nil
    }

    /// A page to read the body from: markup as it is (sites put `<p>` and entities in the
    /// string), plain text one paragraph per line.
    static func html(_ body: String) -> String {
        if body.contains("</") || body.contains("<br") {
            return "<html><body><article>\(body)</article></body></html>"
        }
        let paragraphs = body.split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
            .map { "<p>\($0.replacingOccurrences(of: "<", with: "&lt;"))</p>" }
        return "<html><body><article>\(paragraphs.joined())</article></body></html>"
    }
}
