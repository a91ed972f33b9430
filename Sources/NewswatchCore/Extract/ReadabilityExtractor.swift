import Foundation

/// The default extractor: article metadata from structured data, the body from
/// Readability-style scoring of the DOM.
public struct ReadabilityExtractor: ArticleExtractor {
    public let version = "readability/1"

    public init() {}

    public func extract(_ input: ExtractionInput) throws -> Article {
        let document = try HTMLDocument(data: input.html, url: input.url, encoding: input.charset)
        try removeElements(matching: input.remove, in: document)
        var article = Article()
        MetadataReader().read(document, into: &article)

        let blocks: [TextBlock]
        if let select = input.select {
            let roots = try document.select(xpath: select.xpath)
            blocks = ContentFinder.collectBlocks(from: outermost(roots), skip: .nonText)
        } else if let root = document.root {
            blocks = Self.findStory(root)
        } else {
            blocks = []
        }
        // The headline and byline are fields of their own; datelines and teasers are furniture.
        let title = article.title, byline = article.byline
        let keepAll = input.select != nil
        var storyBlocks = blocks[...]
        if !keepAll, let end = blocks.dropFirst(2).firstIndex(where: { BoilerplateLines.endsStory($0.text) }) {
            storyBlocks = blocks[..<end]
        }
        article.blocks = storyBlocks.enumerated().compactMap { index, block in
            let inTable = ["td", "th", "li", "dd", "dt"].contains(block.owner.name)
            if !keepAll && BoilerplateLines.isBoilerplate(block.text, title: title, byline: byline, nearTop: index < 3, inTable: inTable) { return nil }
            if keepAll && block.text == title { return nil }
            return Article.Block(block.kind, block.text)
        }
        return article
    }

    /// Like Readability: when skipping furniture by class names left too little, some
    /// site named its article container like furniture; try again trusting tags only.
    static let minimumStoryCharacters = 250

    static func findStory(_ root: HTMLNode) -> [TextBlock] {
        var scorer = ContentScorer(blocks: ContentFinder.collectBlocks(from: [root], skip: .furniture))
        let first = scorer.articleBlocks()
        let length = first.reduce(0) { $0 + $1.characters }
        guard length < minimumStoryCharacters else { return first }
        var retry = ContentScorer(blocks: ContentFinder.collectBlocks(from: [root], skip: .tagsOnly))
        let second = retry.articleBlocks()
        return second.reduce(0, { $0 + $1.characters }) > length ? second : first
    }

    private func removeElements(matching selectors: [ContentSelector], in document: HTMLDocument) throws {
        var doomed: [HTMLNode] = []
        for selector in selectors { doomed.append(contentsOf: try document.select(xpath: selector.xpath)) }
        // Free only the outermost nodes: a descendant goes with its ancestor.
        for node in outermost(doomed) { node.removeFromDocument() }
    }

    private func outermost(_ nodes: [HTMLNode]) -> [HTMLNode] {
        let set = Set(nodes)
        var seen = Set<HTMLNode>()
        return nodes.filter { node in
            var ancestor = node.parent
            while let current = ancestor {
                if set.contains(current) { return false }
                ancestor = current.parent
            }
            return seen.insert(node).inserted
        }
    }
}
