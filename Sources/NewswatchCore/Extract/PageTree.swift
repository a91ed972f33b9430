import Foundation

/// What extraction needs to know about a tag name, worked out once per distinct name.
struct Tag {
    let name: String
    let isBlock: Bool
    /// Never article text, whatever its class: scripts, navigation, forms, media.
    let isFurnitureTag: Bool
    /// Holds no readable text at all (the skip list when a selector chose the content).
    let isNeverText: Bool
    let kind: Article.BlockKind?
    /// Readability's starting score for a candidate container of this tag.
    let initialScore: Double
    /// Containers that may be a box of links inside the story.
    let mayBeLinkBox: Bool
    let isParagraphTag: Bool
    let isDivOrSection: Bool
    let isArticle: Bool
    let isBody: Bool
    let isList: Bool
    let isLink: Bool
    let isBreak: Bool
    let isImage: Bool
    let isCell: Bool
    /// A ruby annotation (`<rt>`, `<rp>`): the reading printed above a word, not the text.
    let isRubyAnnotation: Bool
    /// Cells and list items hold dates and numbers as data, not as datelines.
    let holdsData: Bool
    /// Which metadata-bearing element this may be (`.linkedData` for any `<script>`).
    let metadataKind: MetadataCollector.Element.Kind

    init(_ name: String) {
        self.name = name
        isBlock = Self.blockTags.contains(name)
        isFurnitureTag = Self.furnitureTags.contains(name)
        isNeverText = Self.neverText.contains(name)
        kind = Self.kind(for: name)
        switch name {
        case "div", "main", "section": initialScore = 5
        case "article": initialScore = 15
        case "pre", "td", "blockquote": initialScore = 3
        case "address", "ol", "ul", "dl", "dd", "dt", "li", "form": initialScore = -3
        case "h1", "h2", "h3", "h4", "h5", "h6", "th": initialScore = -5
        default: initialScore = 0
        }
        mayBeLinkBox = ["div", "section", "ul", "ol", "dl", "table", "form", "fieldset", "aside", "nav"].contains(name)
        isParagraphTag = ["p", "pre", "td", "li", "blockquote", "dd", "dt", "h1", "h2", "h3", "h4", "h5", "h6", "figcaption", "th"].contains(name)
        isDivOrSection = name == "div" || name == "section"
        isArticle = name == "article"
        isBody = name == "body"
        isList = name == "ul" || name == "ol"
        isLink = name == "a"
        isBreak = name == "br" || name == "hr"
        isImage = name == "img"
        isCell = name == "td" || name == "th"
        isRubyAnnotation = name == "rt" || name == "rp"
        holdsData = ["td", "th", "li", "dd", "dt"].contains(name)
        switch name {
        case "html": metadataKind = .html
        case "title": metadataKind = .title
        case "meta": metadataKind = .meta
        case "link": metadataKind = .link
        case "h1": metadataKind = .h1
        case "time": metadataKind = .time
        case "script": metadataKind = .linkedData
        default: metadataKind = .other
        }
    }

    static let blockTags: Set<String> = [
        "address", "article", "aside", "blockquote", "body", "dd", "details", "dialog", "div", "dl", "dt",
        "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
        "hgroup", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody", "td",
        "tfoot", "th", "thead", "tr", "ul", "br", "center", "html", "caption",
    ]
    static let furnitureTags: Set<String> = [
        "script", "style", "noscript", "template", "svg", "math", "iframe", "object", "embed", "canvas",
        "form", "button", "select", "textarea", "input", "label", "nav", "aside", "footer", "header", "menu",
        "dialog", "head", "title", "meta", "link", "video", "audio", "picture", "source", "map",
    ]
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

/// An element as a selector names it, for `extract --explain`: `div#main.story-body.wide`
/// (at most three classes).
func selectorName(tag: String, id: String?, className: String?) -> String {
    var text = tag
    if let id, !id.isEmpty { text += "#" + id.split(separator: " ").joined(separator: "#") }
    if let className, !className.isEmpty { text += "." + className.split(separator: " ").prefix(3).joined(separator: ".") }
    return text
}

/// The element skeleton of a page as the story collector saw it: tags, the few attributes
/// scoring looks at, and parent/child links. Text lives in the blocks, not here; skipped
/// subtrees are a single node (their insides never matter), so the tree stays small.
struct PageTree {
    typealias NodeID = Int32
    static let none: NodeID = -1

    struct Node {
        var tag: Tag
        var parent: NodeID
        var firstChild: NodeID = PageTree.none
        var lastChild: NodeID = PageTree.none
        var nextSibling: NodeID = PageTree.none
        var elementChildren: Int32 = 0
        /// A block-level child other than `<br>`: a div holding only inline text is a paragraph.
        var hasBlockChild = false
        var className: String?
        var id: String?
        var isArticleBody = false
        /// Byte offsets in the streamed page: at the start tag's '>' and after the element
        /// ended (-1 when unknown, as for a tree replayed from libxml2's DOM).
        var start: Int32 = -1
        var end: Int32 = -1
    }

    private(set) var nodes: [Node] = []

    init() { nodes.reserveCapacity(1024) }

    var count: Int { nodes.count }

    subscript(id: NodeID) -> Node { nodes[Int(id)] }

    mutating func add(_ tag: Tag, parent: NodeID, attributes: CommonAttributes, at offset: Int) -> NodeID {
        let id = NodeID(nodes.count)
        nodes.append(Node(tag: tag, parent: parent, className: attributes.className, id: attributes.id,
                          isArticleBody: attributes.itemprop == "articleBody", start: Int32(clamping: offset)))
        if parent != Self.none {
            let p = Int(parent)
            if nodes[p].lastChild == Self.none { nodes[p].firstChild = id } else { nodes[Int(nodes[p].lastChild)].nextSibling = id }
            nodes[p].lastChild = id
            nodes[p].elementChildren += 1
            if tag.isBlock && tag.name != "br" { nodes[p].hasBlockChild = true }
        }
        return id
    }

    mutating func setEnd(of id: NodeID, at offset: Int) {
        guard id != Self.none else { return }
        nodes[Int(id)].end = Int32(clamping: offset)
    }

    func parent(of id: NodeID) -> NodeID? {
        let parent = nodes[Int(id)].parent
        return parent == Self.none ? nil : parent
    }

    func forEachChild(of id: NodeID, _ body: (NodeID) -> Void) {
        var child = nodes[Int(id)].firstChild
        while child != Self.none {
            body(child)
            child = nodes[Int(child)].nextSibling
        }
    }

    func isDescendant(_ id: NodeID, of ancestor: NodeID) -> Bool {
        var current = parent(of: id)
        while let c = current {
            if c == ancestor { return true }
            current = parent(of: c)
        }
        return false
    }

    /// The element itself or its nearest ancestor that passes `test`.
    func nearest(from id: NodeID, where test: (NodeID) -> Bool) -> NodeID? {
        var current: NodeID? = id
        while let c = current {
            if test(c) { return c }
            current = parent(of: c)
        }
        return nil
    }

    func hasArticleAncestor(_ id: NodeID) -> Bool {
        var current = parent(of: id)
        while let c = current {
            if nodes[Int(c)].tag.isArticle { return true }
            current = parent(of: c)
        }
        return false
    }
}
