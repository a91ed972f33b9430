import Foundation

/// Finds the story's text blocks: walks the DOM once, skipping what is never article
/// (scripts, navigation, asides, share bars, related lists), scores ancestors of every
/// paragraph by text and comma density the way Readability does, picks the best container
/// and the siblings that belong with it, and keeps their blocks in document order.
struct ContentFinder {
    static let blockTags: Set<String> = [
        "address", "article", "aside", "blockquote", "body", "dd", "details", "dialog", "div", "dl", "dt",
        "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
        "hgroup", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody", "td",
        "tfoot", "th", "thead", "tr", "ul", "br", "center", "html", "caption",
    ]
    static let skippedTags: Set<String> = [
        "script", "style", "noscript", "template", "svg", "math", "iframe", "object", "embed", "canvas",
        "form", "button", "select", "textarea", "input", "label", "nav", "aside", "footer", "header", "menu",
        "dialog", "head", "title", "meta", "link", "video", "audio", "picture", "source", "map",
    ]
    /// Class/id words of page furniture (after Readability's list, plus news-site staples).
    static let unlikely = KeywordSet([
        " ad ", " ads ", " advert", " ad break", " agegate", " banner", " breadcrumb", " combx", " comment", " community",
        " cookie", " consent", " cover wrap", " disqus", " footer", " gdpr", " masthead", " menu", " newsletter",
        " pagination", " pager ", " popup", " promo", " related", " remark", " replies", " rss", " share", " sharing",
        " shoutbox", " sidebar", " skyscraper", " social", " sponsor", " subscribe", " supplemental", " most read",
        " mostread", " most popular", " popular", " trending", " recommend", " outbrain", " taboola", " navbar",
        " topnav", " subnav", " toolbar", " latest news", " top news", " signup", " sign up", " paywall", " modal",
        " legends", " yom remote", " ai2html", " gallery", " slideshow", " carousel", " lightbox", " tags ", " tag list",
        " tag cloud", " post tags", " byline", " dateline", " timestamp", " author bio", " author box", " about author",
        " author info", " bio ", " more stories", " print only",
    ])
    static let maybeContent = KeywordSet([" and ", " article", " body", " column", " content", " main", " shadow", " story", " post", " entry", " text"])
    static let positive = KeywordSet([
        " article", " body", " content", " entry", " hentry", " h entry", " main", " page", " post", " text", " blog", " story",
    ])
    static let negative = KeywordSet([
        " ad ", " hidden", " hid ", " banner", " combx", " comment", " com ", " contact", " foot", " footnote", " gdpr", " masthead",
        " media", " meta", " outbrain", " promo", " related", " scroll", " share", " shoutbox", " sidebar", " skyscraper",
        " sponsor", " shopping", " tags", " tool", " widget", " byline", " caption",
    ])
    static let skippedRoles: Set<String> = ["menu", "menubar", "complementary", "navigation", "alert", "alertdialog", "dialog", "banner", "contentinfo", "search"]

    /// What the walk needs to know about a tag, looked up once per distinct name.
    struct TagInfo {
        let name: String
        let isBlock: Bool
        let isSkippedTag: Bool
        let isNeverText: Bool
        let kind: Article.BlockKind?
    }

    private var tagCache: [HTMLNode.NameID: TagInfo] = [:]

    private mutating func info(_ node: HTMLNode) -> TagInfo {
        let id = node.nameID
        if let cached = tagCache[id] { return cached }
        let name = node.name
        let info = TagInfo(name: name, isBlock: Self.blockTags.contains(name), isSkippedTag: Self.skippedTags.contains(name),
                           isNeverText: Self.neverText.contains(name), kind: Self.kind(for: name))
        tagCache[id] = info
        return info
    }

    private(set) var blocks: [TextBlock] = []
    private var collapser = WhitespaceCollapser()
    private var linkCharacters = 0
    private var linkDepth = 0
    private var owner: HTMLNode?
    private var kindStack: [Article.BlockKind] = []

    /// How much is skipped while walking: page furniture by tag and by class/id words,
    /// by tag only (the retry when the first pass found too little), or only non-text.
    enum SkipPolicy { case furniture, tagsOnly, nonText }

    /// Text blocks under `roots`, with skipped subtrees left out.
    static func collectBlocks(from roots: [HTMLNode], skip: SkipPolicy = .furniture) -> [TextBlock] {
        var finder = ContentFinder()
        for root in roots {
            finder.owner = root
            finder.walk(root, skip: skip, depth: 0)
            finder.flush()
        }
        return finder.blocks
    }

    private mutating func flush() {
        guard !collapser.isEmpty, let owner else {
            collapser = WhitespaceCollapser()
            linkCharacters = 0
            return
        }
        let text = collapser.take()
        if !text.isEmpty {
            blocks.append(TextBlock(owner: owner, kind: kindStack.last ?? .paragraph, text: text, linkCharacters: min(linkCharacters, text.utf8.count)))
        }
        linkCharacters = 0
    }

    static func isHidden(_ attributes: CommonAttributes) -> Bool {
        if attributes.hidden || attributes.ariaHidden { return true }
        if let style = attributes.style, style.contains("none") || style.contains("hidden") {
            let compact = style.lowercased().replacingOccurrences(of: " ", with: "")
            return compact.contains("display:none") || compact.contains("visibility:hidden")
        }
        return false
    }

    /// Whether an element is page furniture to be skipped with everything inside it.
    static func isBoilerplate(_ node: HTMLNode, name: String, byClass: Bool, skippedTag: Bool? = nil) -> Bool {
        if skippedTag ?? skippedTags.contains(name) { return true }
        guard node.hasAttributes else { return false }
        let attributes = node.commonAttributes
        if isHidden(attributes) { return true }
        if let role = attributes.role, skippedRoles.contains(role.lowercased()) { return true }
        guard byClass, attributes.className != nil || attributes.id != nil else { return false }
        if name == "html" || name == "body" || name == "article" || name == "main" || name == "a" { return false }
        let signature = KeywordSet.signature((attributes.className ?? "") + " " + (attributes.id ?? ""))
        return unlikely.matches(signature) && !maybeContent.matches(signature)
    }

    private mutating func walk(_ node: HTMLNode, skip: SkipPolicy, depth: Int) {
        if node.isText {
            node.withTextBytes { bytes in
                let before = collapser.bytes.count
                collapser.append(bytes)
                if linkDepth > 0 { linkCharacters += collapser.bytes.count - before }
            }
            return
        }
        guard node.isElement, depth < 400 else { return }
        let tag = info(node)
        let name = tag.name
        let skipped: Bool
        switch skip {
        case .furniture: skipped = Self.isBoilerplate(node, name: name, byClass: true, skippedTag: tag.isSkippedTag)
        case .tagsOnly: skipped = Self.isBoilerplate(node, name: name, byClass: false, skippedTag: tag.isSkippedTag)
        case .nonText: skipped = tag.isNeverText
        }
        if skipped {
            if tag.isBlock { flush() } else { collapser.appendSpace() }
            return
        }
        if name == "br" || name == "hr" {
            flush()
            return
        }
        if name == "img" {
            return
        }
        let isBlock = tag.isBlock
        let kind = tag.kind
        if isBlock {
            flush()
            let previousOwner = owner
            owner = node
            if let kind { kindStack.append(kind) }
            node.forEachChild { walk($0, skip: skip, depth: depth + 1) }
            flush()
            if kind != nil { kindStack.removeLast() }
            owner = previousOwner
        } else {
            // javascript: and same-page anchors are widgets, not links away from the story.
            let isLink = name == "a" && node.commonAttributes.href.map { !$0.hasPrefix("javascript:") && !$0.hasPrefix("#") } == true
            if isLink { linkDepth += 1 }
            node.forEachChild { walk($0, skip: skip, depth: depth + 1) }
            if isLink { linkDepth -= 1 }
            if name == "td" || name == "th" { collapser.appendSpace() }
        }
    }

    static let neverText: Set<String> = ["script", "style", "noscript", "template", "head", "title", "meta", "link", "svg"]

    static func kind(for name: String) -> Article.BlockKind? {
        switch name {
        case "p", "div", "section", "article", "td", "th", "dd", "figcaption", "main", "body": return .paragraph
        case "h1", "h2", "h3", "h4", "h5", "h6": return .heading
        case "li", "dt": return .listItem
        case "blockquote": return .quote
        case "pre": return .preformatted
        default: return nil
        }
    }
}
