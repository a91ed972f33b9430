import CLibXML2
import Foundation

/// A parsed HTML page, for the pages whose watch has `select:` or `remove:` selectors
/// (XPath needs a tree); other pages are streamed (`HTMLStream`). This is the only file that
/// talks to libxml2: everything else sees `HTMLNode` values and reader events, never a pointer.
public final class HTMLDocument {
    fileprivate let doc: htmlDocPtr

    fileprivate static let setUp: Void = { xmlInitParser() }()
    fileprivate static let options = Int32(HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue
        | HTML_PARSE_NONET.rawValue | HTML_PARSE_COMPACT.rawValue)

    /// The encoding the page was read as.
    public let charset: String

    /// Parses leniently (HTML as browsers see it). Never reaches the network, never loads
    /// external entities. `encoding` is the HTTP charset, if any; `CharsetDecoder` decides.
    public init(data: Data, url: String? = nil, encoding: String? = nil) throws {
        _ = Self.setUp
        nw_xml_silence_errors()  // the handlers are per thread
        let decoded = CharsetDecoder.decode(data.isEmpty ? Data("<html></html>".utf8) : data, httpCharset: encoding)
        charset = decoded.charset
        let bytes = decoded.utf8
        let parsed: htmlDocPtr? = bytes.withUnsafeBytes { raw in
            htmlReadMemory(raw.bindMemory(to: CChar.self).baseAddress, Int32(clamping: raw.count), url, "UTF-8", Self.options)
        }
        guard let parsed else { throw ExtractionError.unparseable("libxml2 returned no document") }
        doc = parsed
    }

    deinit { xmlFreeDoc(doc) }

    /// libxml2's `htmlReadMemory` and `xmlFreeDoc` and nothing else: the benchmark's baseline.
    public static func parseAndDiscard(_ data: Data) -> Bool {
        _ = setUp
        nw_xml_silence_errors()
        let parsed: htmlDocPtr? = data.withUnsafeBytes { raw in
            htmlReadMemory(raw.bindMemory(to: CChar.self).baseAddress, Int32(clamping: raw.count), nil, nil, options)
        }
        guard let parsed else { return false }
        xmlFreeDoc(parsed)
        return true
    }

    /// Feeds the subtrees under `roots` (the whole page when nil) to `reader` as the
    /// stream parser would: lets a page edited by `remove:` or cut by `select:` go through
    /// the same reader. Iterative, so any nesting depth is safe.
    func replay(_ roots: [HTMLNode]? = nil, into reader: PageReader) {
        let starts = roots.map { $0.map(\.node) } ?? [xmlDocGetRootElement(doc)].compactMap { $0 }
        for root in starts {
            var node: xmlNodePtr? = root
            while let current = node {
                var descend = false
                switch current.pointee.type {
                case XML_ELEMENT_NODE:
                    if let name = current.pointee.name {
                        reader.start(ElementName(raw: UnsafeRawPointer(name)), HTMLNode.attributes(of: current), at: -1)
                        descend = true
                    }
                case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                    if let content = current.pointee.content {
                        reader.text(UnsafeBufferPointer(start: content, count: strlen(UnsafeRawPointer(content).assumingMemoryBound(to: CChar.self))))
                    }
                default:
                    break
                }
                if descend, let child = current.pointee.children {
                    node = child
                    continue
                }
                // Close this element (if it was one), then climb until a sibling is found.
                var climbing: xmlNodePtr? = current
                node = nil
                while let up = climbing {
                    if up.pointee.type == XML_ELEMENT_NODE && up.pointee.name != nil { reader.end(at: -1) }
                    if up == root { break }
                    if let next = up.pointee.next { node = next; break }
                    climbing = up.pointee.parent
                }
            }
            reader.finishRoot()
        }
    }

    /// The elements a selector matches, in document order. Only elements below the root
    /// element count (an XPath may also yield text, attribute or namespace nodes, which are
    /// skipped); a selector that matches the document itself or its root element is refused,
    /// since selecting or removing it would leave nothing to read (or free the document).
    func elements(matching selector: ContentSelector) throws -> [HTMLNode] {
        guard let context = xmlXPathNewContext(doc) else { throw ExtractionError.invalidSelector("cannot create XPath context") }
        defer { xmlXPathFreeContext(context) }
        guard let result = xmlXPathEvalExpression(selector.xpath, context) else {
            throw ExtractionError.invalidSelector("'\(selector.source)' is not a valid XPath expression")
        }
        defer { xmlXPathFreeObject(result) }
        guard result.pointee.type == XPATH_NODESET else {
            throw ExtractionError.invalidSelector("'\(selector.source)' gives a value, not elements")
        }
        guard let set = result.pointee.nodesetval, set.pointee.nodeNr > 0 else { return [] }
        let root = xmlDocGetRootElement(doc)
        var nodes: [HTMLNode] = []
        for index in 0..<Int(set.pointee.nodeNr) {
            guard let node = set.pointee.nodeTab[index] else { continue }
            let type = node.pointee.type
            if type == XML_DOCUMENT_NODE || type == XML_HTML_DOCUMENT_NODE || node == root {
                throw ExtractionError.invalidSelector("'\(selector.source)' matches the whole document; name the story's element (e.g. article or #story)")
            }
            if type == XML_ELEMENT_NODE { nodes.append(HTMLNode(node, in: self)) }
        }
        return nodes
    }

    /// The `href` of every link, in document order: of the elements `selector` matches (links
    /// themselves, or the links inside them), or of the whole page. A `<base href>` is
    /// returned separately so callers resolve against it.
    public func links(matching selector: ContentSelector?) throws -> (links: [String], base: String?) {
        var hrefs: [String] = []
        func collect(_ start: xmlNodePtr) {
            var node: xmlNodePtr? = start
            while let current = node {
                if current.pointee.type == XML_ELEMENT_NODE, let name = current.pointee.name,
                   String(cString: name).lowercased() == "a", let href = HTMLNode.attributes(of: current).href {
                    hrefs.append(href)
                }
                if current.pointee.type == XML_ELEMENT_NODE, let child = current.pointee.children { node = child; continue }
                var climbing: xmlNodePtr? = current
                node = nil
                while let up = climbing, up != start {
                    if let next = up.pointee.next { node = next; break }
                    climbing = up.pointee.parent
                }
            }
        }
        if let selector {
            for element in try elements(matching: selector) { collect(element.node) }
        } else if let root = xmlDocGetRootElement(doc) {
            collect(root)
        }
        var base: String?
        if let context = xmlXPathNewContext(doc) {
            defer { xmlXPathFreeContext(context) }
            if let result = xmlXPathEvalExpression("string(//head/base/@href)", context) {
                defer { xmlXPathFreeObject(result) }
                if result.pointee.type == XPATH_STRING, let text = result.pointee.stringval {
                    let value = String(cString: text)
                    if !value.isEmpty { base = value }
                }
            }
        }
        return (hrefs, base)
    }

    /// Checks a selector before any page is fetched: it must be valid XPath (or CSS), give
    /// elements, and not match a page's document or root element.
    public static func validate(_ selector: ContentSelector) throws {
        let probe = try HTMLDocument(data: Data("<html><head><title>t</title></head><body><article><p>text</p></article></body></html>".utf8))
        _ = try probe.elements(matching: selector)
    }
}

/// The handful of attributes extraction looks at: what decides whether an element is page
/// furniture, and where metadata hides (meta, link, time, script and byline elements).
public struct CommonAttributes {
    public var className: String?
    public var id: String?
    public var itemprop: String?
    public var style: String?
    /// An ordered list's first number (`<ol start="5">`).
    public var start: String?
    public var role: String?
    public var href: String?
    public var rel: String?
    public var name: String?
    public var property: String?
    public var content: String?
    public var httpEquiv: String?
    public var lang: String?
    public var datetime: String?
    public var type: String?
    public var hidden = false
    public var ariaHidden = false
    public var isEmpty = true

    /// Records one attribute; `value` is only turned into a String for names we keep.
    fileprivate mutating func read(_ name: UnsafePointer<CChar>, _ value: () -> String) {
        isEmpty = false
        switch name.pointee {
        case 0x63 /* c */:
            if strcmp(name, "class") == 0 { className = value() } else if strcmp(name, "content") == 0 { content = value() }
        case 0x69 /* i */:
            if strcmp(name, "id") == 0 { id = value() } else if strcmp(name, "itemprop") == 0 { itemprop = value() }
        case 0x73 /* s */:
            if strcmp(name, "style") == 0 { style = value() } else if strcmp(name, "start") == 0 { start = value() }
        case 0x72 /* r */:
            if strcmp(name, "role") == 0 { role = value() } else if strcmp(name, "rel") == 0 { rel = value() }
        case 0x68 /* h */:
            if strcmp(name, "href") == 0 { href = value() } else if strcmp(name, "hidden") == 0 { hidden = true }
            else if strcmp(name, "http-equiv") == 0 { httpEquiv = value() }
        case 0x61 /* a */ where strcmp(name, "aria-hidden") == 0: ariaHidden = value() == "true"
        case 0x6E /* n */ where strcmp(name, "name") == 0: self.name = value()
        case 0x70 /* p */ where strcmp(name, "property") == 0: property = value()
        case 0x6C /* l */ where strcmp(name, "lang") == 0: lang = value()
        case 0x64 /* d */ where strcmp(name, "datetime") == 0: datetime = value()
        case 0x74 /* t */ where strcmp(name, "type") == 0: type = value()
        default: break
        }
    }
}

/// An element name as the parser interned it: equal names share storage within one parse,
/// so a reader can look up what it knows about a tag without building a String each time.
struct ElementName: Hashable {
    fileprivate let raw: UnsafeRawPointer
    var string: String { String(cString: raw.assumingMemoryBound(to: CChar.self)) }
}

/// The bytes the stream parser reads: the page in UTF-8 with script and style bodies cut.
/// Byte offsets reported while streaming refer to these bytes.
struct PreparedPage {
    let bytes: Data
    /// The encoding the page was read as.
    let charset: String

    init(_ data: Data, encoding: String?) {
        let decoded = CharsetDecoder.decode(data.isEmpty ? Data("<html></html>".utf8) : data, httpCharset: encoding)
        charset = decoded.charset
        bytes = decoded.utf8.withUnsafeBytes { ScriptStripper.strip($0) } ?? decoded.utf8
    }
}

/// Streams a page through libxml2's SAX interface: no tree is built, each start tag, end tag
/// and text run goes straight to a `PageReader`. Same tokeniser and tree-construction rules
/// as `HTMLDocument`, so the reader sees exactly the elements the tree would hold.
enum HTMLStream {
    static func read(_ page: PreparedPage, into reader: PageReader) {
        _ = HTMLDocument.setUp
        nw_xml_silence_errors()
        let context = Unmanaged.passUnretained(reader).toOpaque()
        page.bytes.withUnsafeBytes { raw in
            _ = nw_html_stream(raw.bindMemory(to: CChar.self).baseAddress, Int32(clamping: raw.count), HTMLDocument.options, context,
                { context, offset, name, attributes in
                    guard let context, let name else { return }
                    var common = CommonAttributes()
                    if var pair = attributes {
                        while let attributeName = pair.pointee {
                            let value = (pair + 1).pointee
                            common.read(UnsafeRawPointer(attributeName).assumingMemoryBound(to: CChar.self)) {
                                value.map { String(cString: $0) } ?? ""
                            }
                            pair += 2
                        }
                    }
                    Unmanaged<PageReader>.fromOpaque(context).takeUnretainedValue().start(ElementName(raw: name), common, at: offset)
                },
                { context, offset in
                    guard let context else { return }
                    Unmanaged<PageReader>.fromOpaque(context).takeUnretainedValue().end(at: offset)
                },
                { context, text, length in
                    guard let context, let text, length > 0 else { return }
                    Unmanaged<PageReader>.fromOpaque(context).takeUnretainedValue().text(UnsafeBufferPointer(start: text, count: Int(length)))
                })
        }
    }
}

/// An element of an `HTMLDocument`. It holds its document, so the node can never outlive
/// the tree it points into; nothing outside this module sees it.
struct HTMLNode: Hashable {
    fileprivate let node: xmlNodePtr
    private let document: HTMLDocument

    fileprivate init(_ node: xmlNodePtr, in document: HTMLDocument) {
        self.node = node
        self.document = document
    }

    static func == (left: HTMLNode, right: HTMLNode) -> Bool { left.node == right.node }
    func hash(into hasher: inout Hasher) { hasher.combine(node) }

    var parent: HTMLNode? {
        guard let parent = node.pointee.parent, parent.pointee.type == XML_ELEMENT_NODE else { return nil }
        return HTMLNode(parent, in: document)
    }

    /// The attributes the extractor looks at, read in one pass over the element's
    /// attribute list (one `xmlGetProp` per name would allocate once per name).
    var commonAttributes: CommonAttributes { Self.attributes(of: node) }

    fileprivate static func attributes(of node: xmlNodePtr) -> CommonAttributes {
        var result = CommonAttributes()
        var attribute = node.pointee.properties
        while let current = attribute {
            defer { attribute = current.pointee.next }
            guard let rawName = current.pointee.name else { continue }
            result.read(UnsafeRawPointer(rawName).assumingMemoryBound(to: CChar.self)) {
                guard let child = current.pointee.children, let content = child.pointee.content else { return "" }
                return String(cString: content)
            }
        }
        return result
    }

    /// Detaches the element from its document and frees it (used by `remove:` selectors).
    /// `elements(matching:)` never yields the document or its root, so this cannot free them.
    func removeFromDocument() {
        xmlUnlinkNode(node)
        xmlFreeNode(node)
    }
}
