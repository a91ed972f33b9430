import Foundation

/// Picks out, while the page streams by, the elements that carry article metadata: the root
/// `<html>` (language), `<title>`, `<meta>`, canonical `<link>`, `<h1>`, `<time datetime>`,
/// JSON-LD scripts and byline-looking elements, with the text of those whose text matters.
/// `MetadataReader` then decides, in document order, what each field is.
struct MetadataCollector {
    struct Element {
        enum Kind { case html, title, meta, link, h1, time, linkedData, other }
        var tag: Kind
        var attributes: CommonAttributes
        var isBylineCandidate: Bool
        /// All text inside the element (nil where only attributes matter).
        var text: String?
        /// Byte offsets in the streamed page (see `PageTree.Node`); -1 when unknown.
        var start = -1
        var end = -1
    }

    private(set) var elements: [Element] = []
    /// For each open element, its index in `elements` if it was recorded.
    private var openElements: [Int?] = []
    private var captures: [(element: Int, bytes: [UInt8])] = []

    mutating func start(_ tag: Tag, _ attributes: CommonAttributes, at offset: Int) {
        let isRoot = openElements.isEmpty && elements.isEmpty
        let isByline = attributes.rel == "author" || attributes.itemprop == "author"
            || attributes.className.map { $0.containsBytes("byline") || $0.containsBytes("author-name") } == true
            || attributes.id?.containsBytes("byline") == true
        let kind: Element.Kind
        var wantsText = isByline
        switch tag.metadataKind {
        case .html where isRoot: kind = .html
        case .title: kind = .title; wantsText = true
        case .meta: kind = .meta
        case .link where attributes.rel == "canonical": kind = .link
        case .h1: kind = .h1; wantsText = true
        case .time where attributes.datetime != nil: kind = .time
        case .linkedData where attributes.type == "application/ld+json": kind = .linkedData; wantsText = true
        default:
            guard isByline else {
                openElements.append(nil)
                return
            }
            kind = .other
        }
        elements.append(Element(tag: kind, attributes: attributes, isBylineCandidate: isByline, start: offset))
        openElements.append(elements.count - 1)
        if wantsText { captures.append((elements.count - 1, [])) }
    }

    mutating func end(at offset: Int) {
        guard let opened = openElements.popLast(), let index = opened else { return }
        elements[index].end = offset
        guard let capture = captures.last, capture.element == index else { return }
        captures.removeLast()
        elements[index].text = String(decoding: capture.bytes, as: UTF8.self)
    }

    mutating func text(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard !captures.isEmpty else { return }
        for i in captures.indices { captures[i].bytes.append(contentsOf: bytes) }
    }

    /// Elements still open when the page ended get the text seen so far.
    mutating func finish() {
        while let capture = captures.popLast() { elements[capture.element].text = String(decoding: capture.bytes, as: UTF8.self) }
        openElements.removeAll()
    }
}
