import CLibXML2
import Foundation

/// A parsed HTML page. The only file that talks to libxml2; everything else walks
/// `HTMLNode` values and never sees a pointer.
public final class HTMLDocument {
    fileprivate let doc: htmlDocPtr

    private static let setUp: Void = { xmlInitParser() }()

    /// The encoding the page was read as.
    public let charset: String

    /// Parses leniently (HTML as browsers see it). Never reaches the network, never loads
    /// external entities. `encoding` is the HTTP charset, if any; `CharsetDecoder` decides.
    public init(data: Data, url: String? = nil, encoding: String? = nil) throws {
        _ = Self.setUp
        nw_xml_silence_errors()  // the handlers are per thread
        let options = Int32(HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue
            | HTML_PARSE_NONET.rawValue | HTML_PARSE_COMPACT.rawValue)
        let decoded = CharsetDecoder.decode(data.isEmpty ? Data("<html></html>".utf8) : data, httpCharset: encoding)
        charset = decoded.charset
        let bytes = decoded.utf8
        let parsed: htmlDocPtr? = bytes.withUnsafeBytes { raw in
            htmlReadMemory(raw.bindMemory(to: CChar.self).baseAddress, Int32(clamping: raw.count), url, "UTF-8", options)
        }
        guard let parsed else { throw ExtractionError.unparseable("libxml2 returned no document") }
        doc = parsed
    }

    deinit { xmlFreeDoc(doc) }

    /// libxml2's `htmlReadMemory` and `xmlFreeDoc` and nothing else: the benchmark's baseline.
    public static func parseAndDiscard(_ data: Data) -> Bool {
        _ = setUp
        nw_xml_silence_errors()
        let options = Int32(HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue
            | HTML_PARSE_NONET.rawValue | HTML_PARSE_COMPACT.rawValue)
        let parsed: htmlDocPtr? = data.withUnsafeBytes { raw in
            htmlReadMemory(raw.bindMemory(to: CChar.self).baseAddress, Int32(clamping: raw.count), nil, nil, options)
        }
        guard let parsed else { return false }
        xmlFreeDoc(parsed)
        return true
    }

    public var root: HTMLNode? { xmlDocGetRootElement(doc).map(HTMLNode.init) }

    /// Nodes matching an XPath expression, in document order.
    public func select(xpath: String) throws -> [HTMLNode] {
        guard let context = xmlXPathNewContext(doc) else { throw ExtractionError.invalidSelector("cannot create XPath context") }
        defer { xmlXPathFreeContext(context) }
        guard let result = xmlXPathEvalExpression(xpath, context) else {
            throw ExtractionError.invalidSelector("'\(xpath)' is not a valid XPath expression")
        }
        defer { xmlXPathFreeObject(result) }
        guard let set = result.pointee.nodesetval, set.pointee.nodeNr > 0 else { return [] }
        return (0..<Int(set.pointee.nodeNr)).compactMap { set.pointee.nodeTab[$0].map(HTMLNode.init) }
    }
}

/// The handful of attributes that decide whether an element is page furniture.
public struct CommonAttributes {
    public var className: String?
    public var id: String?
    public var itemprop: String?
    public var style: String?
    public var role: String?
    public var href: String?
    public var hidden = false
    public var ariaHidden = false
}

/// A node of an `HTMLDocument`; valid only while its document lives.
public struct HTMLNode: Hashable {
    fileprivate let node: xmlNodePtr

    fileprivate init(_ node: xmlNodePtr) { self.node = node }

    public var isElement: Bool { node.pointee.type == XML_ELEMENT_NODE }
    public var isText: Bool { node.pointee.type == XML_TEXT_NODE || node.pointee.type == XML_CDATA_SECTION_NODE }

    /// Lower-case tag name for elements (libxml2's HTML parser lower-cases them).
    public var name: String {
        guard let name = node.pointee.name else { return "" }
        return String(cString: name)
    }

    /// Identifies the tag name without building a String: libxml2 interns names per
    /// document, so equal names share storage. Valid as a key within one document only.
    public struct NameID: Hashable {
        fileprivate let raw: UnsafeRawPointer?
    }

    public var nameID: NameID { NameID(raw: node.pointee.name.map(UnsafeRawPointer.init)) }

    /// Compares the tag name without building a String.
    public func hasName(_ candidate: StaticString) -> Bool {
        guard let name = node.pointee.name else { return false }
        return strcmp(UnsafeRawPointer(name).assumingMemoryBound(to: CChar.self),
                      UnsafeRawPointer(candidate.utf8Start).assumingMemoryBound(to: CChar.self)) == 0
    }

    public var firstChild: HTMLNode? { node.pointee.children.map(HTMLNode.init) }
    public var nextSibling: HTMLNode? { node.pointee.next.map(HTMLNode.init) }
    public var parent: HTMLNode? {
        guard let parent = node.pointee.parent, parent.pointee.type == XML_ELEMENT_NODE else { return nil }
        return HTMLNode(parent)
    }

    public var children: [HTMLNode] {
        var result: [HTMLNode] = []
        var child = node.pointee.children
        while let current = child {
            result.append(HTMLNode(current))
            child = current.pointee.next
        }
        return result
    }

    /// Calls `body` for each child, without allocating an array.
    @inline(__always)
    public func forEachChild(_ body: (HTMLNode) throws -> Void) rethrows {
        var child = node.pointee.children
        while let current = child {
            try body(HTMLNode(current))
            child = current.pointee.next
        }
    }

    /// The raw text of a text node (nil for elements).
    public var textContent: String? {
        guard isText, let content = node.pointee.content else { return nil }
        return String(cString: content)
    }

    /// The UTF-8 bytes of a text node, handed to `body` without copying.
    public func withTextBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R? {
        guard isText, let content = node.pointee.content else { return nil }
        return body(UnsafeBufferPointer(start: content, count: strlen(UnsafeRawPointer(content).assumingMemoryBound(to: CChar.self))))
    }

    public func attribute(_ name: String) -> String? {
        guard isElement, let value = xmlGetProp(node, name) else { return nil }
        defer { nw_xml_free(value) }
        return String(cString: value)
    }

    public var hasAttributes: Bool { node.pointee.properties != nil }

    /// The attributes the extractor looks at, read in one pass over the element's
    /// attribute list (one `xmlGetProp` per name would allocate six times per element).
    public var commonAttributes: CommonAttributes {
        var result = CommonAttributes()
        var attribute = node.pointee.properties
        while let current = attribute {
            defer { attribute = current.pointee.next }
            guard let rawName = current.pointee.name else { continue }
            let name = UnsafeRawPointer(rawName).assumingMemoryBound(to: CChar.self)
            func value() -> String {
                guard let child = current.pointee.children, let content = child.pointee.content else { return "" }
                return String(cString: content)
            }
            switch name.pointee {
            case 0x63 /* c */ where strcmp(name, "class") == 0: result.className = value()
            case 0x69 /* i */ where strcmp(name, "id") == 0: result.id = value()
            case 0x69 where strcmp(name, "itemprop") == 0: result.itemprop = value()
            case 0x73 /* s */ where strcmp(name, "style") == 0: result.style = value()
            case 0x72 /* r */ where strcmp(name, "role") == 0: result.role = value()
            case 0x68 /* h */ where strcmp(name, "hidden") == 0: result.hidden = true
            case 0x68 where strcmp(name, "href") == 0: result.href = value()
            case 0x61 /* a */ where strcmp(name, "aria-hidden") == 0: result.ariaHidden = value() == "true"
            default: break
            }
        }
        return result
    }

    /// All descendant text, concatenated.
    public var allText: String {
        guard let content = xmlNodeGetContent(node) else { return "" }
        defer { nw_xml_free(content) }
        return String(cString: content)
    }

    /// Detaches the node from its document and frees it (used by `remove:` selectors).
    public func removeFromDocument() {
        xmlUnlinkNode(node)
        xmlFreeNode(node)
    }
}
