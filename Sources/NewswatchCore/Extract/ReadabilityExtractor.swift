import Foundation

/// The default extractor: article metadata from structured data, the body from
/// Readability-style scoring of the page's blocks.
///
/// A page without per-watch selectors is read in one streaming pass (libxml2's SAX
/// interface, no tree): metadata and text blocks are collected as the parser goes, which
/// costs less than building the tree alone would. `select:`/`remove:` need a tree, so such
/// pages are parsed into an `HTMLDocument` and replayed through the same reader.
public struct ReadabilityExtractor: ArticleExtractor {
    /// Bumped when extraction changes what it reads from the same page; stories stored by an
    /// older version are re-read before they are compared (see `CheckRunner`).
    public let version = "readability/9"

    public init() {}

    public func extract(_ input: ExtractionInput) throws -> Article {
        guard case .article(let article, _) = try extract(input, unlessSameAs: nil) else { return Article() }
        return article
    }

    public func extract(_ input: ExtractionInput, unlessSameAs previous: StoryFingerprint?) throws -> ExtractionOutcome {
        var report: ExtractionReport?
        return try extract(input, unlessSameAs: previous, explaining: false, report: &report)
    }

    /// The article and, for `extract --explain`, how it was found: the container and its
    /// score, the runners-up, and each block left out with the reason.
    public func explain(_ input: ExtractionInput) throws -> (Article, ExtractionReport) {
        var report: ExtractionReport?
        guard case .article(let article, _) = try extract(input, unlessSameAs: nil, explaining: true, report: &report) else {
            return (Article(), ExtractionReport(quality: ExtractionQuality(method: .none, confidence: 0)))
        }
        return (article, report ?? ExtractionReport(quality: article.extraction ?? ExtractionQuality(method: .none, confidence: 0)))
    }

    private func extract(_ input: ExtractionInput, unlessSameAs previous: StoryFingerprint?, explaining: Bool,
                         report: inout ExtractionReport?) throws -> ExtractionOutcome {
        var article = Article()
        let blocks: [TextBlock]
        var fingerprint: StoryFingerprint?
        var quality = ExtractionQuality(method: .selector, confidence: 1)
        var linkedDataBody: String?
        var sections: Set<String> = []
        var lastResort: [TextBlock] = []
        /// Every block the first reading collected, for `proseRunAfterLineRules`.
        var pageBlocks: [TextBlock] = []
        if input.select == nil && input.remove.isEmpty {
            // Prepared once: checked against the last fingerprint, and parsed only if that fails.
            let page = PreparedPage(input.html, encoding: input.charset)
            if let previous, previous.extractor == version, previous.matches(page.bytes) { return .sameStory }
            let reader = PageReader(story: .furniture, metadata: true, recordSkipped: explaining)
            HTMLStream.read(page, into: reader)
            let metadata = reader.metadataElements()
            let story = Self.findStory(reader.story!, explaining: explaining) { policy in
                let retry = PageReader(story: policy, metadata: false)
                HTMLStream.read(page, into: retry)
                return retry.story!
            }
            (quality, report, lastResort) = (story.quality, story.report, story.lastResort)
            pageBlocks = reader.story!.blocks
            // Where the story sits tells its headline from a site's name in an <h1>.
            let storyBytes = story.container.flatMap { container -> Range<Int>? in
                let start = Int(story.tree[container.first].start), end = Int(story.tree[container.last].end)
                return start >= 0 && end >= start ? start..<end : nil
            }
            let provenance = MetadataReader().read(metadata, into: &article, story: storyBytes)
            (linkedDataBody, sections) = (provenance.linkedDataBody, provenance.sections)
            blocks = story.blocks
            fingerprint = story.readsStreamedChunks ? nil : story.container.flatMap {
                Self.fingerprint(of: page, from: $0.first, to: $0.last, tree: story.tree, metadata: metadata, provenance: provenance, version: version)
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
                document.replay(outermost(try document.elements(matching: select)), into: chosen)
                blocks = chosen.story!.blocks
                if explaining { report = ExtractionReport(quality: quality, notes: ["the watch's select: chose the story"]) }
            } else {
                let reader = PageReader(story: .furniture, metadata: true, recordSkipped: explaining)
                document.replay(into: reader)
                sections = MetadataReader().read(reader.metadataElements(), into: &article).sections
                let story = Self.findStory(reader.story!, explaining: explaining) { policy in
                    let retry = PageReader(story: policy, metadata: false)
                    document.replay(into: retry)
                    return retry.story!
                }
                (blocks, quality, report, lastResort) = (story.blocks, story.quality, story.report, story.lastResort)
                pageBlocks = reader.story!.blocks
            }
        }
        article.blocks = Self.storyLines(blocks, title: article.title, byline: article.byline, sections: sections, keepAll: input.select != nil, report: &report)
        if let linkedDataBody, let stated = LinkedDataBody.blocks(linkedDataBody, shown: article.blocks) {
            article.blocks = Self.storyLines(stated, title: article.title, byline: article.byline, sections: sections, keepAll: false, report: &report)
            quality = ExtractionQuality(method: .linkedData, confidence: LinkedDataBody.confidence)
            report?.notes.append("the page's structured data (JSON-LD articleBody) states a story several times longer than the page shows; took that")
            fingerprint = nil
        }
        if !pageBlocks.isEmpty, let run = Self.proseRunAfterLineRules(pageBlocks, found: blocks, kept: article.blocks, article: article, sections: sections, report: &report) {
            article.blocks = run.blocks
            quality = run.quality
            fingerprint = nil
        }
        if article.blocks.isEmpty, !lastResort.isEmpty {
            // Never an empty article for a page with prose: paragraphs that are links are weak
            // evidence, and the confidence says so.
            article.blocks = Self.storyLines(lastResort, title: article.title, byline: article.byline, sections: sections, keepAll: false, report: &report)
            quality = ExtractionQuality(method: .paragraphs, confidence: Self.lastResortConfidence)
            report?.notes.append("nothing read as prose but paragraphs that are links; took the densest run of them (\(lastResort.count) blocks)")
            fingerprint = nil
        }
        if article.blocks.isEmpty { quality = ExtractionQuality(method: .none, confidence: 0) }
        article.extraction = quality
        report?.quality = quality
        // The extractor's boundary: nothing a page says reaches a store or a terminal with
        // control characters in it.
        article = article.withoutControlCharacters()
        return .article(article, article.blocks.isEmpty ? nil : fingerprint)
    }

    /// The container's text passed the bar, but the line rules then took most of it away (a
    /// lone caption outscored four short paragraphs, and went as a caption): when less than
    /// `minimumStoryCharacters` is left, under half of what the container held, and the page
    /// has a longer run of prose, that run is the story (the second method), after the same
    /// line rules. A short story the rules left alone (a video's two-line summary) stays.
    private static func proseRunAfterLineRules(_ pageBlocks: [TextBlock], found: [TextBlock], kept story: [Article.Block], article: Article,
                                               sections: Set<String>, report: inout ExtractionReport?) -> (blocks: [Article.Block], quality: ExtractionQuality)? {
        // In UTF-8 bytes, as `FoundStory.characters` and the bars are counted.
        func length(_ lines: [Article.Block]) -> Int { lines.reduce(0) { $0 + $1.text.utf8.count } }
        let storyLength = length(story)
        guard storyLength < minimumStoryCharacters, storyLength * 2 < FoundStory.characters(of: found) else { return nil }
        let run = ParagraphRun.densest(in: pageBlocks)
        guard FoundStory.characters(of: run) >= ParagraphRun.minimumCharacters else { return nil }
        var ignored: ExtractionReport? = nil
        let lines = storyLines(run, title: article.title, byline: article.byline, sections: sections, keepAll: false, report: &ignored)
        let runLength = length(lines)
        guard runLength > storyLength, runLength >= ParagraphRun.minimumCharacters else { return nil }
        let quality = ExtractionQuality(method: .paragraphs, confidence: min(0.45, confidence(characters: runLength, ranked: [], method: .paragraphs)))
        report?.quality = quality
        report?.notes.append("the line rules left \(storyLength) characters of the container's story; took the densest run of prose paragraphs instead (\(lines.count) blocks, \(runLength) characters)")
        return (lines, quality)
    }

    /// The story's lines from the container's blocks: the headline and byline are fields of
    /// their own; datelines, teasers and what follows an end-of-story heading are furniture.
    /// A heading such as "Comments" ends the story; a link reading "Leave a comment" does not
    /// (newsletter platforms put that button mid-post). Under `select:` (`keepAll`) every
    /// block is the user's choice and stays, but for a repeated headline.
    private static func storyLines(_ blocks: [TextBlock], title: String?, byline: String?, sections: Set<String>, keepAll: Bool,
                                   report: inout ExtractionReport?) -> [Article.Block] {
        let explaining = report != nil
        var storyBlocks = blocks
        if !keepAll {
            let (end, boxes) = StoryEnd.cut(blocks)
            if explaining {
                for box in boxes {
                    for block in blocks[box] { report?.dropped.append(.init(text: block.text, reason: "in a box of teasers set into the story under \"\(blocks[box.lowerBound].text)\"")) }
                }
                if let end {
                    for block in blocks[end...] where !block.isEndMarker {
                        report?.dropped.append(.init(text: block.text, reason: "after the end-of-story heading \"\(blocks[end].text)\""))
                    }
                }
            }
            var kept = Array(blocks[..<(end ?? blocks.count)])
            for box in boxes.reversed() { kept.removeSubrange(box) }
            let teasers = StoryEnd.labelledTeasers(kept)
            for run in teasers.reversed() {
                if explaining {
                    for block in kept[run] { report?.dropped.append(.init(text: block.text, reason: "a teaser link under the label \"\(kept[run.lowerBound - 1].text)\"")) }
                }
                kept.removeSubrange(run)
            }
            storyBlocks = kept.filter { !$0.isEndMarker }
        }
        let leadingLabels = keepAll ? 0 : Self.leadingLabels(storyBlocks, sections: sections)
        if explaining {
            for block in storyBlocks.prefix(leadingLabels) { report?.dropped.append(.init(text: block.text, reason: "a label above the story (its section, or a linked section or tag)")) }
        }
        storyBlocks.removeFirst(leadingLabels)
        let lines: [Article.Block] = storyBlocks.enumerated().compactMap { index, block in
            if !keepAll, let reason = BoilerplateLines.boilerplateReason(block.text, title: title, byline: byline, nearTop: index < 3, inTable: block.inTable) {
                if explaining { report?.dropped.append(.init(text: block.text, reason: reason)) }
                return nil
            }
            if !keepAll, BoilerplateLines.isCapitalTeaser(block) {
                if explaining { report?.dropped.append(.init(text: block.text, reason: "another story's headline in capitals, all link")) }
                return nil
            }
            if !keepAll, index >= storyBlocks.count - 3, BoilerplateLines.isAuthorBio(block.text) {
                if explaining { report?.dropped.append(.init(text: block.text, reason: "the author's biography, closing the story")) }
                return nil
            }
            if keepAll && block.text == title { return nil }
            return Article.Block(block.kind, numbered(block))
        }
        return lines.flatMap(preformattedLines)
    }

    /// Short lines before the story's first paragraph that are all link, or that name the
    /// section the page files the story under: the section or tags a template puts above a
    /// story ("Promis", "Corte Suprema"), and breadcrumbs' links. Linked labels: three
    /// wceb-news pages better (+0.009, +0.001, +0.002), none worse.
    static func leadingLabels(_ blocks: [TextBlock], sections: Set<String>) -> Int {
        var count = 0
        for block in blocks {
            guard block.characters <= 40 else { break }
            let linked = block.kind != .heading && block.linkDensity >= 0.9
            guard linked || (!sections.isEmpty && sections.contains(block.text.lowercased())) else { break }
            count += 1
        }
        return count
    }

    /// An ordered list's item as a reader sees it, "3. Lettuce": in a ranking the number is
    /// the news (a product moving from 3 to 1). Items that carry their own number
    /// ("1. Lettuce" in the text, or "Step 1") keep the text as written.
    static func numbered(_ block: TextBlock) -> String {
        guard block.listNumber > 0, let first = block.text.utf8.first, !(first >= 0x30 && first <= 0x39) else { return block.text }
        return "\(block.listNumber). " + block.text
    }

    /// A preformatted block (code, a plain-text document) as one block per line, so that the
    /// story's lines are its lines and a diff shows the one that changed.
    static func preformattedLines(_ block: Article.Block) -> [Article.Block] {
        guard block.kind == .preformatted, block.text.contains("\n") else { return [block] }
        return block.text.split(separator: "\n").compactMap { line in
            let text = line.trimmingCharacters(in: .whitespaces)
            return text.isEmpty ? nil : Article.Block(.preformatted, text)
        }
    }

    /// The story's bytes: the page up to the end of `<head>`, the story's container
    /// (`FoundStory.container`), and each title, meta, JSON-LD, headline or byline element that
    /// decides the story but lies outside both. None when offsets are missing.
    static func fingerprint(of page: PreparedPage, from first: PageTree.NodeID, to last: PageTree.NodeID, tree: PageTree,
                            metadata: [MetadataCollector.Element], provenance: MetadataReader.Provenance, version: String) -> StoryFingerprint? {
        let bytes = page.bytes
        // An element's bytes run from its '<' (the parser reports its start tag's '>') to its end.
        func range(start: Int, end: Int) -> Range<Int>? {
            guard start >= 0, start < bytes.count else { return nil }
            var k = start
            while k >= 0 && bytes[bytes.startIndex + k] != UInt8(ascii: "<") { k -= 1 }
            let end = min(bytes.count, max(end, start + 1))
            return k >= 0 && end > k ? k..<end : nil
        }
        let end = Int(tree[last].end)
        guard end > Int(tree[first].start), end <= bytes.count, let region = range(start: Int(tree[first].start), end: end) else { return nil }
        var prefixEnd = 0
        for index in tree.nodes.indices where tree.nodes[index].tag.name == "head" { prefixEnd = max(prefixEnd, Int(tree.nodes[index].end)) }
        func insideContainer(_ element: MetadataCollector.Element) -> Bool {
            element.start >= region.lowerBound && element.end >= 0 && element.end <= region.upperBound
        }
        var extra: [Range<Int>] = []
        for element in metadata {
            let pinned: Bool
            switch element.tag {
            case .title, .meta, .linkedData:
                // Microdata inside the story (`<meta itemprop=...>`) is covered by the container.
                pinned = true
            case .h1, .other:
                // A headline or byline read from the page body decides the story; when
                // structured data or meta tags gave them, these elements decide nothing.
                pinned = (element.tag == .h1 && provenance.titleFromHeading) || (element.isBylineCandidate && provenance.bylineFromPage)
            case .html, .link, .time:
                pinned = false
            }
            guard pinned, element.end < 0 || element.end > prefixEnd, !insideContainer(element) else { continue }
            guard let elementRange = range(start: element.start, end: element.end), extra.count < 16 else { return nil }
            extra.append(elementRange)
        }
        return StoryFingerprint(extractor: version, bytes: page.bytes, prefixEnd: prefixEnd, region: region, extra: extra)
    }

    /// Like Readability: when skipping furniture by class names left too little, some
    /// site named its article container like furniture; try again trusting tags only.
    static let minimumStoryCharacters = 250
    /// Confidence of a story made of linked paragraphs (the last resort): always "uncertain".
    static let lastResortConfidence = 0.2

    struct FoundStory {
        var blocks: [TextBlock]
        var tree: PageTree
        var quality = ExtractionQuality(method: .container, confidence: 0)
        var report: ExtractionReport?
        /// Bytes of text in the story's blocks.
        var characters: Int { Self.characters(of: blocks) }
        /// End-of-story markers are not text of the story.
        static func characters(of blocks: [TextBlock]) -> Int { blocks.reduce(0) { $0 + ($1.isEndMarker ? 0 : $1.characters) } }
        /// Where the story sits, first and last element (nil if no container won): the
        /// element around the best-scoring block, so that text added beside the story is
        /// inside too; or, when that element is `<body>` (which holds every sidebar), the
        /// best-scoring block and the siblings kept with it.
        var container: (first: PageTree.NodeID, last: PageTree.NodeID)?
        /// Prose paragraphs that are links, when nothing else read as prose: taken only if the
        /// story comes out empty (see `ParagraphRun.isProse`).
        var lastResort: [TextBlock] = []
        /// Whether some of the story came from streamed chunks at the end of the page, outside
        /// the container's bytes: the container alone cannot tell the story unchanged.
        var readsStreamedChunks = false
    }

    /// `retry` reads the page again skipping less: `.tagsOnly` (class names ignored), then
    /// `.nonText` (only scripts and styles skipped: a whole page inside a `<form>`, a story
    /// wrapped in `<header>` or `<aside>`).
    static func findStory(_ collected: StoryCollector, explaining: Bool = false, retry: (StoryCollector.SkipPolicy) -> StoryCollector) -> FoundStory {
        func score(_ collected: StoryCollector, method: ExtractionQuality.Method) -> FoundStory {
            let tree = collected.tree
            var scorer = ContentScorer(tree: tree, blocks: collected.blocks)
            scorer.explaining = explaining
            var blocks = collected.inReadingOrder(scorer.articleBlocks())
            var leadFromHeader = false
            if !scorer.standfirstTaken, let lead = headerLead(collected, story: blocks) {
                blocks.insert(lead, at: 0)
                leadFromHeader = true
            }
            var container: (PageTree.NodeID, PageTree.NodeID)?
            if let top = scorer.top {
                if let parent = tree.parent(of: top), !tree[parent].tag.isBody, tree[parent].tag.name != "html" {
                    container = (parent, parent)
                } else {
                    container = (scorer.roots.first ?? top, scorer.roots.last ?? top)
                }
                // A standfirst from beside the headline is story too: the region starts there.
                if scorer.standfirstTaken || leadFromHeader, let lead = blocks.first?.owner, let last = container?.1 { container = (lead, last) }
            }
            let characters = FoundStory.characters(of: blocks)
            let quality = ExtractionQuality(method: method, confidence: confidence(characters: characters, ranked: scorer.ranked, method: method))
            var found = FoundStory(blocks: blocks, tree: tree, quality: quality, container: container)
            found.readsStreamedChunks = collected.usesStreamedChunks(blocks)
            if explaining {
                func candidate(_ node: PageTree.NodeID) -> ExtractionReport.Candidate {
                    let stats = scorer.statistics(of: node)
                    return .init(element: scorer.describe(node), score: (stats.score * 10).rounded() / 10, characters: stats.characters,
                                 linkDensity: (stats.linkDensity * 100).rounded() / 100)
                }
                var report = ExtractionReport(quality: quality)
                // The best-scoring element; the story's container may be its wrapper or span siblings.
                let best = scorer.ranked.first?.node ?? scorer.top
                report.chosen = best.map(candidate)
                report.runnersUp = scorer.ranked.map(\.node).filter { $0 != best }.prefix(5).map(candidate)
                if let top = scorer.top, top != best { report.notes.append("the story's container is \(scorer.describe(top)), around the best-scoring element") }
                if scorer.roots.count > 1 { report.notes.append("siblings kept with it: " + scorer.roots.filter { $0 != scorer.top }.map(scorer.describe).joined(separator: ", ")) }
                if let teasers = scorer.teaserListPassedOver {
                    report.notes.append("passed over \(teasers): it follows a heading such as \"Latest News\", so it is a list of other stories")
                }
                if scorer.standfirstTaken || leadFromHeader, let lead = blocks.first {
                    report.notes.append("standfirst taken from beside the headline, outside the container: \(lead.text.prefix(60))…")
                }
                if let skipped = collected.skippedElements, !skipped.isEmpty {
                    report.notes.append("skipped as furniture before scoring (tag, class or id): " + skipped.joined(separator: ", "))
                }
                report.dropped = collected.blocks.indices.compactMap { index in
                    scorer.droppedReasons[index].map { ExtractionReport.Dropped(text: collected.blocks[index].text, reason: $0) }
                }
                if method == .containerByTags { report.notes.append("class and id names hid too much of the page; read again trusting tags only") }
                if found.readsStreamedChunks {
                    report.notes.append("read \(collected.streamedChunks.count) streamed chunk(s) (div hidden id=\"S:n\") where their placeholders sit; no same-story shortcut for this page")
                }
                found.report = report
            }
            return found
        }
        var first = score(collected, method: .container)
        if first.characters >= minimumStoryCharacters, let uncovered = uncoverSkippedStory(collected, first: first, score: score, retry: retry) {
            first = uncovered
        } else if first.characters >= minimumStoryCharacters, let withStandfirst = readQuietHeaders(collected, first: first, score: score, retry: retry) {
            first = withStandfirst
        }
        // (Retrying longer first readings too, at 500-2,000 characters, helped wceb-news's tuning
        // folds by up to 0.007 F1 but cost trafilatura-eval's held-out fold 0.4 points: not kept.)
        guard first.characters < minimumStoryCharacters else { return first }
        var retried = retry(.tagsOnly)
        let second = score(retried, method: .containerByTags)
        var best = second.characters > first.characters ? second : first
        if best.characters < minimumStoryCharacters {
            let everything = retry(.nonText)
            let third = score(everything, method: .containerByTags)
            if third.characters > best.characters {
                best = third
                if explaining { best.report?.notes.append("read a third time skipping only scripts and styles: the story sits in an element that usually holds furniture") }
            }
            retried = everything
        }
        // Never an empty article for a page that has one: no container held enough text, so
        // take the densest run of prose paragraphs instead.
        let bestLength = best.characters
        let run = ParagraphRun.densest(in: retried.blocks)
        if run.isEmpty { best.lastResort = ParagraphRun.densest(in: retried.blocks, allowingLinks: true) }
        let runLength = run.reduce(0) { $0 + $1.characters }
        guard bestLength < minimumStoryCharacters, runLength > bestLength, runLength >= ParagraphRun.minimumCharacters else { return best }
        let quality = ExtractionQuality(method: .paragraphs, confidence: min(0.45, confidence(characters: runLength, ranked: [], method: .paragraphs)))
        var found = FoundStory(blocks: run, tree: retried.tree, quality: quality, container: nil)
        if explaining {
            var report = best.report ?? ExtractionReport(quality: quality)
            report.quality = quality
            report.notes.append("no container held \(minimumStoryCharacters) characters of prose (best: \(bestLength)); took the densest run of prose paragraphs (\(run.count) blocks, \(runLength) characters)")
            found.report = report
        }
        return found
    }

    /// The standfirst in the skipped `<header>` that holds the headline (kicker, headline,
    /// standfirst, byline and date in one block, a common template): the first paragraph of
    /// prose after the `<h1>`, when that header sits at most `leadWindow` blocks before the
    /// story's first block and the paragraph reads as a standfirst. The headline and the
    /// rest of the header stay out.
    static func headerLead(_ collected: StoryCollector, story: [TextBlock]) -> TextBlock? {
        guard let first = story.first,
              let lead = collected.headerLeads.last(where: { $0.blocksBefore <= first.order }),
              first.order - lead.blocksBefore <= leadWindow else { return nil }
        let density = Double(lead.linkBytes) / Double(max(1, lead.text.utf8.count))
        guard ContentScorer.readsAsStandfirst(lead.text, linkDensity: density, storyOpening: first.text),
              !story.prefix(3).contains(where: { $0.text == lead.text }) else { return nil }
        return TextBlock(owner: lead.header, kind: .paragraph, text: lead.text, linkCharacters: lead.linkBytes, order: first.order)
    }
    static let leadWindow = 12

    /// A story wrapped in `<header>`, or in a wrapper whose class reads like furniture
    /// ("section-hero cc-newsletter"), is skipped whole and the first reading keeps whatever
    /// scraps sit elsewhere. When a skipped element held more paragraph text than that whole
    /// reading, read again keeping those elements, and take the new reading if it found half
    /// as much again: more text found inside an element the first reading never looked at.
    /// (Never for comment threads, consent boxes, dialogs or `<footer>`: see `StoryCollector`.)
    private static func uncoverSkippedStory(_ collected: StoryCollector, first: FoundStory, score: (StoryCollector, ExtractionQuality.Method) -> FoundStory,
                                            retry: (StoryCollector.SkipPolicy) -> StoryCollector) -> FoundStory? {
        let hiding = collected.skippedProse.filter { $0.characters > first.characters }
        guard !hiding.isEmpty else { return nil }
        var uncovered = score(retry(.furnitureExcept(Set(hiding.map(\.start)))), .container)
        guard Double(uncovered.characters) > 1.5 * Double(first.characters) else { return nil }
        uncovered.report?.notes.append("read again keeping skipped element(s) that held more paragraph text than the first reading found: "
                                       + hiding.map { "\($0.name) (\($0.characters) characters in <p>)" }.joined(separator: ", "))
        return uncovered
    }

    /// A standfirst wrapped in `<header>` inside the story's container (a line of prose, no
    /// headline or byline with it) is skipped with the other headers: read again keeping it,
    /// and take that reading if it found the same container and more text.
    private static func readQuietHeaders(_ collected: StoryCollector, first: FoundStory, score: (StoryCollector, ExtractionQuality.Method) -> FoundStory,
                                         retry: (StoryCollector.SkipPolicy) -> StoryCollector) -> FoundStory? {
        guard !collected.quietHeaders.isEmpty, let container = first.container else { return nil }
        let tree = collected.tree
        let low = tree[container.first].start, high = tree[container.last].end
        let inside = collected.quietHeaders.filter { tree[$0].start > low && tree[$0].end <= high }
        guard !inside.isEmpty else { return nil }
        var again = score(retry(.furnitureExcept(Set(inside.map { tree[$0].start }))), .container)
        guard again.characters > first.characters, let found = again.container, again.tree[found.first].start == low else { return nil }
        again.report?.notes.append("read again keeping \(inside.count) <header> element(s) inside the story that held only prose (a standfirst)")
        return again
    }

    /// 0 to 1: enough text (a story of 1,000 characters or more counts fully), a clear winner
    /// (the runner-up well behind), found by the main method.
    static func confidence(characters: Int, ranked: [(node: PageTree.NodeID, score: Double)], method: ExtractionQuality.Method) -> Double {
        guard characters > 0 else { return 0 }
        let length = min(1, Double(characters) / 1_000)
        var margin = 1.0
        if ranked.count >= 2, ranked[0].score > 0 {
            // Runner-up at 90% of the winner: a toss-up; at half or less: clear.
            margin = min(1, max(0.3, 0.3 + 1.4 * (1 - ranked[1].score / ranked[0].score)))
        }
        let trust: Double = method == .container ? 1 : method == .containerByTags ? 0.8 : 0.6
        return ((length * (0.5 + 0.5 * margin) * trust) * 100).rounded() / 100
    }

    private func removeElements(matching selectors: [ContentSelector], in document: HTMLDocument) throws {
        var doomed: [HTMLNode] = []
        for selector in selectors { doomed.append(contentsOf: try document.elements(matching: selector)) }
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
