import Foundation

/// The default extractor: article metadata from structured data, the body from
/// Readability-style scoring of the page's blocks.
///
/// A page without per-watch selectors is read in one streaming pass (libxml2's SAX
/// interface, no tree): metadata and text blocks are collected as the parser goes, which
/// costs less than building the tree alone would. `select:`/`remove:` need a tree, so such
/// pages are parsed into an `HTMLDocument` and replayed through the same reader.
public struct ReadabilityExtractor: ArticleExtractor {
    public let version = "readability/1"

    public init() {}

    public func extract(_ input: ExtractionInput) throws -> Article {
        var article = Article()
        let blocks: [TextBlock]
        if input.select == nil && input.remove.isEmpty {
            let reader = PageReader(story: .furniture, metadata: true)
            HTMLStream.read(input.html, encoding: input.charset, into: reader)
            MetadataReader().read(reader.metadataElements(), into: &article)
            blocks = Self.findStory(reader.story!) {
                let retry = PageReader(story: .tagsOnly, metadata: false)
                HTMLStream.read(input.html, encoding: input.charset, into: retry)
                return retry.story!
            }
        } else {
            let document = try HTMLDocument(data: input.html, url: input.url, encoding: input.charset)
            try removeElements(matching: input.remove, in: document)
            if let select = input.select {
                // Metadata comes from the whole page, the body only from what was selected.
                let whole = PageReader(story: nil, metadata: true)
                document.replay(into: whole)
                MetadataReader().read(whole.metadataElements(), into: &article)
                let chosen = PageReader(story: .nonText, metadata: false)
                document.replay(outermost(try document.select(xpath: select.xpath)), into: chosen)
                blocks = chosen.story!.blocks
            } else {
                let reader = PageReader(story: .furniture, metadata: true)
                document.replay(into: reader)
                MetadataReader().read(reader.metadataElements(), into: &article)
                blocks = Self.findStory(reader.story!) {
                    let retry = PageReader(story: .tagsOnly, metadata: false)
                    document.replay(into: retry)
                    return retry.story!
                }
            }
        }
        // The headline and byline are fields of their own; datelines and teasers are furniture.
        let title = article.title, byline = article.byline
        let keepAll = input.select != nil
        var storyBlocks = blocks[...]
        if !keepAll, let end = blocks.dropFirst(2).firstIndex(where: { BoilerplateLines.endsStory($0.text) }) {
            storyBlocks = blocks[..<end]
        }
        article.blocks = storyBlocks.enumerated().compactMap { index, block in
            if !keepAll && BoilerplateLines.isBoilerplate(block.text, title: title, byline: byline, nearTop: index < 3, inTable: block.inTable) { return nil }
            if keepAll && block.text == title { return nil }
            return Article.Block(block.kind, block.text)
        }
        return article
    }

    /// Like Readability: when skipping furniture by class names left too little, some
    /// site named its article container like furniture; try again trusting tags only.
    static let minimumStoryCharacters = 250

    static func findStory(_ collected: StoryCollector, retry: () -> StoryCollector) -> [TextBlock] {
        var scorer = ContentScorer(tree: collected.tree, blocks: collected.blocks)
        let first = scorer.articleBlocks()
        let length = first.reduce(0) { $0 + $1.characters }
        guard length < minimumStoryCharacters else { return first }
        let again = retry()
        var retryScorer = ContentScorer(tree: again.tree, blocks: again.blocks)
        let second = retryScorer.articleBlocks()
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
