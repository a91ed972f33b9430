import Foundation

/// Picks the blocks that form the story from all of a page's text blocks.
struct ContentScorer {
    struct Stats {
        var score: Double = 0
        var scored = false
        var characters = 0
        var linkCharacters = 0
        var commas = 0
        var linkDensity: Double { characters == 0 ? 0 : Double(linkCharacters) / Double(characters) }
    }

    let blocks: [TextBlock]
    private var stats: [HTMLNode: Stats] = [:]

    init(blocks: [TextBlock]) {
        self.blocks = blocks
    }

    mutating func articleBlocks() -> [TextBlock] {
        guard !blocks.isEmpty else { return [] }
        accumulateText()
        scoreParagraphs()
        guard let top = topCandidate() else { return blocks.filter { $0.linkDensity <= 0.5 } }
        let roots = Set(contentRoots(around: top))
        var topAndAncestors = Set<HTMLNode>()
        var walker: HTMLNode? = top
        while let current = walker { topAndAncestors.insert(current); walker = current.parent }
        return blocks.filter { block in
            var node: HTMLNode? = block.owner
            while let current = node {
                if roots.contains(current) { return true }
                if isLinkBox(current) { return false }
                // An <article> nested in the story is another story: a teaser, a comment, an embed.
                if current.hasName("article") && !topAndAncestors.contains(current) && hasArticleAncestor(current) { return false }
                node = current.parent
            }
            return false
        }
    }

    private mutating func accumulateText() {
        for block in blocks {
            let commas = Self.commas(in: block.text)
            var node: HTMLNode? = block.owner
            while let current = node {
                stats[current, default: Stats()].characters += block.characters
                stats[current, default: Stats()].linkCharacters += block.linkCharacters
                stats[current, default: Stats()].commas += commas
                node = current.parent
            }
        }
    }

    /// Readability's conditional cleaning, for the link case: a box inside the story with
    /// few commas (not prose) whose text is mostly links is a related/more-stories box.
    private func isLinkBox(_ node: HTMLNode) -> Bool {
        switch node.name {
        case "div", "section", "ul", "ol", "dl", "table", "form", "fieldset", "aside", "nav": break
        default: return false
        }
        guard let s = stats[node], s.characters > 0, s.commas < 10 else { return false }
        // Lists of links can be the story (release notes, timelines); only mostly-link lists go.
        let isList = node.hasName("ul") || node.hasName("ol")
        let limit = isList || Self.classWeight(node) >= 25 ? 0.5 : 0.2
        return s.linkDensity > limit
    }

    static func commas(in text: String) -> Int {
        var count = 0
        for scalar in text.unicodeScalars where scalar == "," || scalar == "，" || scalar == "、" { count += 1 }
        return count
    }

    private static func initialScore(_ node: HTMLNode) -> Double {
        var score: Double
        switch node.name {
        case "div", "article", "main", "section": score = 5
        case "pre", "td", "blockquote": score = 3
        case "address", "ol", "ul", "dl", "dd", "dt", "li", "form": score = -3
        case "h1", "h2", "h3", "h4", "h5", "h6", "th": score = -5
        default: score = 0
        }
        if node.name == "article" { score += 10 }
        return score + classWeight(node)
    }

    /// +25 per class/id that sounds like content, -25 per one that sounds like furniture.
    static func classWeight(_ node: HTMLNode) -> Double {
        guard node.hasAttributes else { return 0 }
        var weight = 0.0
        let attributes = node.commonAttributes
        for value in [attributes.className, attributes.id] {
            guard let value, !value.isEmpty else { continue }
            let bytes = KeywordSet.signature(value)
            if ContentFinder.negative.matches(bytes) { weight -= 25 }
            if ContentFinder.positive.matches(bytes) { weight += 25 }
        }
        if attributes.itemprop == "articleBody" { weight += 25 }
        return weight
    }

    private mutating func scoreParagraphs() {
        for block in blocks where block.characters >= 25 && block.kind != .heading {
            let commas = Self.commas(in: block.text)
            let contentScore = 1 + Double(commas) + min(Double(block.characters / 100), 3)
            var node = Self.paragraphLike(block.owner) ? block.owner.parent : block.owner
            var level = 0
            while let current = node, level < 5 {
                if stats[current]?.scored != true {
                    stats[current, default: Stats()].score = Self.initialScore(current)
                    stats[current, default: Stats()].scored = true
                }
                let divider: Double = level == 0 ? 1 : level == 1 ? 2 : Double(level * 3)
                stats[current, default: Stats()].score += contentScore / divider
                node = current.parent
                level += 1
            }
        }
    }

    private static func paragraphLike(_ node: HTMLNode) -> Bool {
        switch node.name {
        case "p", "pre", "td", "li", "blockquote", "dd", "dt", "h1", "h2", "h3", "h4", "h5", "h6", "figcaption", "th": return true
        case "div", "section":
            var hasBlockChild = false
            node.forEachChild { child in
                if child.isElement, ContentFinder.blockTags.contains(child.name), !child.hasName("br") { hasBlockChild = true }
            }
            return !hasBlockChild
        default: return false
        }
    }

    private func finalScore(_ node: HTMLNode) -> Double {
        guard let s = stats[node], s.scored else { return 0 }
        return s.score * (1 - s.linkDensity)
    }

    private func topCandidate() -> HTMLNode? {
        let candidates = stats.filter { $0.value.scored }.map { ($0.key, finalScore($0.key)) }.sorted { $0.1 > $1.1 }
        guard case (var top, let topScore)? = candidates.first, topScore > 0 else { return nil }
        // When several strong candidates sit under one ancestor, the story spans them.
        let alternatives = candidates.dropFirst().prefix(4).filter { $0.1 / topScore >= 0.75 }.map(\.0)
        if alternatives.count >= 2 {
            var ancestor = top.parent
            while let current = ancestor, !current.hasName("body") {
                let contained = alternatives.filter { isDescendant($0, of: current) }.count
                if contained >= 2 {
                    top = current
                    break
                }
                ancestor = current.parent
            }
        }
        // Climb while an ancestor scores higher: the story's paragraphs are split over
        // several containers (chunks, columns) that only an ancestor holds together.
        var lastScore = finalScore(top)
        var ancestor = top.parent
        while let current = ancestor, !current.hasName("body") {
            guard stats[current]?.scored == true else { ancestor = current.parent; continue }
            let score = finalScore(current)
            if score < lastScore / 3 { break }
            if score > lastScore {
                top = current
                break
            }
            lastScore = score
            ancestor = current.parent
        }
        // A lone child carries no more than its parent.
        while let parent = top.parent, !parent.hasName("body"), parent.children.filter(\.isElement).count == 1 {
            top = parent
        }
        return top
    }

    private func hasArticleAncestor(_ node: HTMLNode) -> Bool {
        var current = node.parent
        while let c = current {
            if c.hasName("article") { return true }
            current = c.parent
        }
        return false
    }

    private func isDescendant(_ node: HTMLNode, of ancestor: HTMLNode) -> Bool {
        var current = node.parent
        while let c = current {
            if c == ancestor { return true }
            current = c.parent
        }
        return false
    }

    /// The top candidate plus siblings that look like more of the same story.
    private func contentRoots(around top: HTMLNode) -> [HTMLNode] {
        guard let parent = top.parent else { return [top] }
        let topScore = finalScore(top)
        let threshold = max(10, topScore * 0.2)
        let topClass = top.attribute("class") ?? ""
        var roots: [HTMLNode] = []
        parent.forEachChild { sibling in
            guard sibling.isElement else { return }
            if sibling == top { roots.append(sibling); return }
            var bonus = 0.0
            if !topClass.isEmpty, sibling.attribute("class") == topClass { bonus = topScore * 0.2 }
            if stats[sibling]?.scored == true, finalScore(sibling) + bonus >= threshold {
                roots.append(sibling)
            } else if sibling.hasName("p"), let s = stats[sibling] {
                if s.characters > 80 && s.linkDensity < 0.25 { roots.append(sibling) }
                else if s.characters > 0 && s.linkDensity == 0 && s.characters < 80 {
                    let text = blocks.first { $0.owner == sibling }?.text ?? ""
                    if text.range(of: "\\.( |$)", options: .regularExpression) != nil { roots.append(sibling) }
                }
            }
        }
        return roots
    }
}
