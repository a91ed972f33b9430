import Foundation

extension Article {
    /// The article as `show --json` and the web view's API print it.
    public func outputJSON() throws -> String {
        let article = self
        struct Output: Encodable {
            var title, byline, published, modified, canonicalURL, language, lead, siteName: String?
            var headlines: Article.Headlines?
            /// How the story was found (container, container-by-tags, paragraphs, linked-data, selector, none).
            var method: String?
            /// 0 to 1; below 0.5 the extraction is uncertain.
            var confidence: Double?
            var text: String
            var blocks: [Article.Block]
        }
        let output = Output(title: article.title, byline: article.byline, published: article.published, modified: article.modified,
                            canonicalURL: article.canonicalURL, language: article.language, lead: article.lead,
                            siteName: article.siteName, headlines: article.headlines, method: article.extraction?.method.rawValue,
                            confidence: article.extraction?.confidence, text: article.text, blocks: article.blocks)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(output), as: UTF8.self)
    }
}
