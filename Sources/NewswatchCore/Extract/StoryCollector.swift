import Foundation

/// Collects a page's text blocks in one pass over its elements, skipping what is never
/// article (scripts, navigation, asides, share bars, related lists), and records the element
/// skeleton (`PageTree`) that `ContentScorer` then scores to find the story. Works on a
/// stream of events, so the page needs no DOM unless a selector asks for one.
struct StoryCollector {
    /// How much is skipped: page furniture by tag and by class/id words, by tag only (the
    /// retry when the first reading found too little), or only non-text (under `select:`).
    enum SkipPolicy: Equatable {
        case furniture, tagsOnly, nonText
        /// Furniture skipped as usual except the elements starting at these page offsets:
        /// ones that held far more prose than the story the first reading found.
        case furnitureExcept(Set<Int32>)
    }

    /// Deeper elements are ignored: no story is nested 400 deep, and it bounds every climb.
    static let maximumDepth = 400

    let policy: SkipPolicy
    private(set) var tree = PageTree()
    private(set) var blocks: [TextBlock] = []
    private var collapser = WhitespaceCollapser()
    private var linkCharacters = 0
    private var linkDepth = 0
    private var owner = PageTree.none
    private var kindStack: [Article.BlockKind] = []
    /// The open lists, innermost last: an ordered list's last item number, nil for `<ul>`.
    private var listCounters: [Int?] = []
    /// The number of the ordered-list item just opened, for its first block (0: none).
    private var pendingListNumber = 0

    /// What an open element did on the way in, so its end tag can undo it.
    private enum Frame {
        case block(node: PageTree.NodeID, previousOwner: PageTree.NodeID, pushedKind: Bool)
        case inline(node: PageTree.NodeID, isLink: Bool, isCell: Bool)

        var node: PageTree.NodeID {
            switch self {
            case .block(let node, _, _), .inline(let node, _, _): return node
            }
        }
    }
    private var frames: [Frame] = []
    /// Open elements inside a subtree that is not read (skipped furniture, `<br>`, `<img>`).
    private var ignoredDepth = 0
    /// The element whose subtree is not read, while `ignoredDepth` > 0.
    private var ignoredNode = PageTree.none

    /// Streamed server rendering's chunks and placeholders (see `StoryCollector+StreamedChunks`).
    var placeholderAwaitingFallback: (node: PageTree.NodeID, id: Substring)?
    var fallbacks: [Substring: PageTree.NodeID] = [:]
    private(set) var streamedChunks: [StreamedChunk] = []
    /// Placeholders by number: the `<template>` node and how many blocks came before it.
    var streamPlaceholders: [Substring: (node: PageTree.NodeID, blockIndex: Int)] = [:]

    /// The `<header>` being skipped, while its prose is weighed (see `StoryCollector+QuietHeaders`).
    var quietHeader: QuietHeader?
    /// Skipped `<header>`s that held only prose, in document order.
    private(set) var quietHeaders: [PageTree.NodeID] = []
    /// Skipped `<header>`s that held the headline, with the paragraph after it, in document order.
    private(set) var headerLeads: [HeaderLead] = []

    /// Elements skipped as furniture, for `extract --explain` (nil: not recorded).
    var skippedElements: [String]?

    /// A skipped element that held prose: text inside `<p>` and loose runs of prose
    /// (`LooseProseRun`), counted without reading it.
    struct SkippedProse {
        var start: Int32
        var characters: Int
        var name: String
        static let minimumCharacters = 1_000
    }
    /// Skipped elements with at least `SkippedProse.minimumCharacters` of paragraph text: a
    /// story wrapped in `<header>` or in a wrapper named like furniture shows up here.
    private(set) var skippedProse: [SkippedProse] = []
    /// Whether the subtree being skipped may hold the story, so its `<p>` text is counted.
    private var countingSkippedProse = false
    private var ignoredName = ""
    /// `ignoredDepth` at which the outermost open `<p>` inside the skipped subtree started.
    private var ignoredParagraphLevel = 0
    private var ignoredProseBytes = 0
    /// Whether each element open inside the skipped subtree is a block (ends a loose run).
    private var ignoredBlocks: [Bool] = []
    /// Text between block boundaries outside `<p>`, in the skipped subtree being counted.
    private var looseRun = LooseProseRun()

    init(policy: SkipPolicy) {
        self.policy = policy
        frames.reserveCapacity(64)
    }

    mutating func start(_ tag: Tag, _ attributes: CommonAttributes, at offset: Int) {
        if ignoredDepth > 0 {
            ignoredDepth += 1
            if countingSkippedProse {
                if ignoredParagraphLevel == 0, tag.name == "p" { ignoredParagraphLevel = ignoredDepth }
                if tag.isBlock { ignoredProseBytes += looseRun.take() }
                ignoredBlocks.append(tag.isBlock)
            }
            if quietHeader != nil { watchQuietHeader(tag, depth: ignoredDepth) }
            return
        }
        let streamedTo = attributes.hidden ? streamedChunkPlaceholder(attributes) : nil
        let parent = streamedTo.flatMap { tree.parent(of: $0.node) } ?? frames.last?.node ?? PageTree.none
        let node = tree.add(tag, parent: parent, attributes: attributes, at: offset)
        if let placeholder = placeholderAwaitingFallback {
            if tree[placeholder.node].parent == parent { fallbacks[placeholder.id] = node }
            placeholderAwaitingFallback = nil
        }
        if let streamedTo { streamedChunks.append(StreamedChunk(node: node, insertBefore: streamPlaceholders[streamedTo.id]?.blockIndex ?? 0, fallback: fallbacks[streamedTo.id])) }
        if tag.isNeverText, tag.name == "template", let id = attributes.id, id.hasPrefix("B:") {
            streamPlaceholders[id.dropFirst(2)] = (node, blocks.count)
            placeholderAwaitingFallback = (node, id.dropFirst(2))
        }
        if frames.isEmpty { owner = node }
        ignoredNode = node
        guard frames.count < Self.maximumDepth else {
            ignoredDepth = 1
            return
        }
        // Furigana and their fallback brackets would split every annotated word in two
        // ("子こども"); left out without a space, the sentence reads as printed.
        if tag.isRubyAnnotation {
            ignoredDepth = 1
            return
        }
        let skipped: Bool
        switch policy {
        case _ where streamedTo != nil: skipped = false
        case .furniture: skipped = isFurniture(tag, attributes, byClass: true)
        case .tagsOnly: skipped = isFurniture(tag, attributes, byClass: false)
        case .nonText: skipped = tag.isNeverText
        case .furnitureExcept(let kept): skipped = !kept.contains(Int32(clamping: offset)) && isFurniture(tag, attributes, byClass: true)
        }
        if skipped {
            if offset >= 0, tag.name == "header", !Self.isHidden(attributes) { quietHeader = QuietHeader() }
            if offset >= 0, Self.mayHoldStory(tag, attributes) {
                countingSkippedProse = true
                ignoredParagraphLevel = 0
                ignoredProseBytes = 0
                ignoredBlocks.removeAll(keepingCapacity: true)
                looseRun = LooseProseRun()
                ignoredName = selectorName(tag: tag.name, id: attributes.id, className: attributes.className)
            }
            if skippedElements != nil, !tag.isNeverText, skippedElements!.count < 40 {
                skippedElements!.append(selectorName(tag: tag.name, id: attributes.id, className: attributes.className))
            }
            if tag.isBlock { flush() } else { collapser.appendSpace() }
            ignoredDepth = 1
            return
        }
        if tag.isBreak {
            flush()
            ignoredDepth = 1
            return
        }
        if tag.isImage {
            ignoredDepth = 1
            return
        }
        if tag.isBlock {
            flush()
            frames.append(.block(node: node, previousOwner: owner, pushedKind: tag.kind != nil))
            owner = node
            if let kind = tag.kind { kindStack.append(kind) }
            if tag.isList {
                listCounters.append(tag.name == "ol" ? (attributes.start.flatMap { Int($0.trimmingCharacters(in: .whitespaces)) } ?? 1) - 1 : nil)
            } else if tag.name == "li", let counter = listCounters.last, let number = counter {
                listCounters[listCounters.count - 1] = number + 1
                pendingListNumber = number + 1
            }
        } else {
            // javascript: and same-page anchors are widgets, not links away from the story.
            let isLink = tag.isLink && attributes.href.map { !$0.hasPrefix("javascript:") && !$0.hasPrefix("#") } == true
            if isLink { linkDepth += 1 }
            frames.append(.inline(node: node, isLink: isLink, isCell: tag.isCell))
            if isLink { collapser.markInlineBoundary() }
        }
    }

    mutating func end(at offset: Int) {
        if ignoredDepth > 0 {
            if ignoredDepth == ignoredParagraphLevel { ignoredParagraphLevel = 0 }
            if countingSkippedProse, ignoredBlocks.popLast() ?? true { ignoredProseBytes += looseRun.take() }
            if quietHeader != nil { closeInQuietHeader(depth: ignoredDepth) }
            ignoredDepth -= 1
            if ignoredDepth == 0 {
                tree.setEnd(of: ignoredNode, at: offset)
                if let header = quietHeader {
                    if header.isProse { quietHeaders.append(ignoredNode) }
                    if header.holdsHeadline, let lead = header.leadText {
                        headerLeads.append(HeaderLead(header: ignoredNode, text: lead, linkBytes: header.leadLinkBytes, blocksBefore: blocks.count))
                    }
                    quietHeader = nil
                }
                if countingSkippedProse {
                    if ignoredProseBytes >= SkippedProse.minimumCharacters {
                        skippedProse.append(SkippedProse(start: tree[ignoredNode].start, characters: ignoredProseBytes, name: ignoredName))
                    }
                    countingSkippedProse = false
                }
            }
            return
        }
        guard let frame = frames.popLast() else { return }
        tree.setEnd(of: frame.node, at: offset)
        switch frame {
        case .block(let node, let previousOwner, let pushedKind):
            flush()
            if pushedKind { kindStack.removeLast() }
            if tree[node].tag.isList, !listCounters.isEmpty { listCounters.removeLast() }
            if tree[node].tag.name == "li" { pendingListNumber = 0 }
            owner = previousOwner
        case .inline(_, let isLink, let isCell):
            if isLink { linkDepth -= 1 }
            if isCell { collapser.appendSpace() }
            if isLink { collapser.markInlineBoundary() }
        }
        if frames.isEmpty { flush() }
    }

    mutating func text(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard ignoredDepth == 0 else {
            if ignoredParagraphLevel > 0 {
                ignoredProseBytes += bytes.count
            } else if countingSkippedProse {
                looseRun.read(bytes)
            }
            if quietHeader != nil { readQuietHeader(bytes) }
            return
        }
        if frames.isEmpty {
            // Text outside any element: only a selector can pick such a node (`//p/text()`).
            guard policy == .nonText else { return }
            if owner == PageTree.none { owner = tree.add(Tag("#text"), parent: PageTree.none, attributes: CommonAttributes(), at: -1) }
        }
        let before = collapser.bytes.count
        if kindStack.last == .preformatted { collapser.appendKeepingLineBreaks(bytes) } else { collapser.append(bytes) }
        if linkDepth > 0 { linkCharacters += collapser.bytes.count - before }
    }

    mutating func finishRoot() {
        flush()
        owner = PageTree.none
    }

    private mutating func flush() {
        guard !collapser.isEmpty, owner != PageTree.none else {
            collapser = WhitespaceCollapser()
            linkCharacters = 0
            return
        }
        let commas = collapser.commaCount
        let text = collapser.take()
        if !text.isEmpty {
            blocks.append(TextBlock(owner: owner, kind: kindStack.last ?? .paragraph, text: text,
                                    linkCharacters: min(linkCharacters, text.utf8.count), inTable: tree[owner].tag.holdsData, commas: commas, order: blocks.count,
                                    listNumber: pendingListNumber))
            pendingListNumber = 0
        }
        linkCharacters = 0
    }

    /// Whether a skipped element could be the story's wrapper, so its prose is worth counting:
    /// not a `<footer>`, not hidden, not a comment thread, consent box or dialog by its names.
    static func mayHoldStory(_ tag: Tag, _ attributes: CommonAttributes) -> Bool {
        guard !tag.isNeverText, tag.name != "footer", !isHidden(attributes) else { return false }
        let words = (attributes.className ?? "") + " " + (attributes.id ?? "")
        return !ClassWords.neverStory.matches(KeywordSet.signature(words))
    }

    static func isHidden(_ attributes: CommonAttributes) -> Bool {
        if attributes.hidden || attributes.ariaHidden { return true }
        if let style = attributes.style, style.containsBytes("none") || style.containsBytes("hidden") {
            let compact = style.lowercased().replacingOccurrences(of: " ", with: "")
            return compact.contains("display:none") || compact.contains("visibility:hidden")
        }
        return false
    }

    /// A heading's permalink ("¶", "#", "#section2"): a same-page link named as an anchor,
    /// after the heading's words, so it is never the heading's only text. A story's diff
    /// should not carry it.
    private func isHeadingPermalink(_ attributes: CommonAttributes) -> Bool {
        guard kindStack.last == .heading, !collapser.isEmpty, let href = attributes.href, href.hasPrefix("#"),
              let className = attributes.className else { return false }
        return ClassWords.headingPermalink.matches(KeywordSet.signature(className))
    }

    /// Whether the element carries a tooltip rather than being one (see `ClassWords.tooltipTriggers`).
    static func isTooltipTrigger(_ className: String?) -> Bool {
        guard let className else { return false }
        return className.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).contains { ClassWords.tooltipTriggers.contains($0.lowercased()) }
    }

    /// Utility classes that keep an element off the screen: screen-reader-only text ("opens in
    /// a new tab", "Posted on") and elements hidden at every width. A class that shows the
    /// element again at some width ("hidden md:block", "d-none d-lg-flex") leaves it visible.
    static func isHiddenByClass(_ className: String?) -> Bool {
        guard let className, className.containsBytes("hidden") || className.containsBytes("only") || className.containsBytes("none") else { return false }
        var hidden = false
        for token in className.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }) {
            let lower = token.lowercased()
            if Self.offScreenClasses.contains(lower) { return true }
            if lower == "hidden" || lower == "d-none" || lower == "is-hidden" || lower == "u-hidden" { hidden = true }
            else if lower.contains(":") || lower.hasPrefix("d-sm-") || lower.hasPrefix("d-md-") || lower.hasPrefix("d-lg-") || lower.hasPrefix("d-xl-") { return false }
        }
        return hidden
    }
    static let offScreenClasses: Set<String> = [
        "sr-only", "screen-reader-text", "screen-reader-only", "visually-hidden", "visuallyhidden", "screenreader-only", "element-invisible", "hide-text",
    ]

    /// Class/id strings already judged on this page: most repeat (every list item of a menu).
    private var furnitureByClass: [String: Bool] = [:]
    /// The same for inline elements, which `ClassWords.blockFurniture` leaves alone.
    private var inlineFurnitureByClass: [String: Bool] = [:]

    /// Whether an element is page furniture, to be skipped with everything inside it.
    mutating func isFurniture(_ tag: Tag, _ attributes: CommonAttributes, byClass: Bool) -> Bool {
        if tag.isFurnitureTag { return true }
        guard !attributes.isEmpty else { return false }
        // Hidden elements are skipped on the first reading only: when it found too little, the
        // story may sit in a hidden element that script reveals (streamed server rendering,
        // "read more" folds), and the retry trusting tags reads it.
        if byClass, Self.isHidden(attributes) { return true }
        if let role = attributes.role, ClassWords.skippedRoles.contains(role.lowercased()) { return true }
        guard byClass, attributes.className != nil || attributes.id != nil else { return false }
        if tag.isLink { return isHeadingPermalink(attributes) || Self.isHiddenByClass(attributes.className) }
        if tag.name == "html" || tag.isBody || tag.isArticle || tag.name == "main" { return false }
        // A heading's id is an anchor made from its own words ("h-why-use-social-shopping"),
        // not a name for what the element is: only its class counts.
        let id = tag.kind == .heading ? nil : attributes.id
        let words = (attributes.className ?? "") + " " + (id ?? "")
        if tag.isBlock, let known = furnitureByClass[words] { return known }
        if !tag.isBlock, let known = inlineFurnitureByClass[words] { return known }
        let signature = KeywordSet.signature(words)
        let furniture = ((ClassWords.unlikely.matches(signature) || (tag.isBlock && ClassWords.blockFurniture.matches(signature)))
                && !ClassWords.maybeContent.matches(signature))
            || ClassWords.embeddedPost.matches(signature) || Self.isHiddenByClass(attributes.className)
            || (ClassWords.hoverCard.matches(signature) && !Self.isTooltipTrigger(attributes.className))
        if tag.isBlock { furnitureByClass[words] = furniture } else { inlineFurnitureByClass[words] = furniture }
        return furniture
    }
}
