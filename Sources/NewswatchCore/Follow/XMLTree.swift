import CLibXML2
import Foundation

/// An XML document (a feed or a sitemap) read into plain values. The only file that reads XML
/// with libxml2; nothing outside it sees a pointer.
///
/// Safe by construction: no network (`NONET`), no DTD loading, and entities are never
/// substituted: an entity reference is left out of the text instead of expanded, so an
/// entity bomb costs nothing. libxml2's own limits (depth 256, text sizes) stay on.
struct XMLTree: Sendable {
    struct Element: Sendable {
        /// Local name, without prefix.
        var name: String
        var namespace: String?
        /// Attributes by local name; `xml:base` keeps its prefix.
        var attributes: [String: String]
        var children: [Element]
        /// The element's own text and CDATA, trimmed.
        var text: String

        func child(_ name: String) -> Element? { children.first { $0.name == name } }
        func children(_ name: String) -> [Element] { children.filter { $0.name == name } }
    }

    enum ParseError: Error, CustomStringConvertible {
        case empty
        case notWellFormed(String)
        var description: String {
            switch self {
            case .empty: return "empty body"
            case .notWellFormed(let detail): return "not well-formed XML\(detail.isEmpty ? "" : ": \(detail)")"
            }
        }
    }

    let root: Element

    private static let setUp: Void = { xmlInitParser() }()
    private static let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue
        | XML_PARSE_NOCDATA.rawValue | XML_PARSE_NOBLANKS.rawValue | XML_PARSE_COMPACT.rawValue)

    init(data: Data, url: String?) throws {
        _ = Self.setUp
        nw_xml_silence_errors()
        let trimmed = data.drop { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
        guard !trimmed.isEmpty else { throw ParseError.empty }
        let parsed: xmlDocPtr? = data.withUnsafeBytes { raw in
            xmlReadMemory(raw.bindMemory(to: CChar.self).baseAddress, Int32(clamping: raw.count), url, nil, Self.options)
        }
        guard let parsed else {
            var detail = ""
            if let error = xmlGetLastError(), let message = error.pointee.message {
                detail = String(cString: message).trimmingCharacters(in: .whitespacesAndNewlines) + " (line \(error.pointee.line))"
            }
            throw ParseError.notWellFormed(detail)
        }
        defer { xmlFreeDoc(parsed) }
        guard let rootNode = xmlDocGetRootElement(parsed) else { throw ParseError.notWellFormed("no root element") }
        root = Self.read(rootNode)
    }

    /// Depth is bounded by libxml2 (256 without XML_PARSE_HUGE), so recursion is safe.
    private static func read(_ node: xmlNodePtr) -> Element {
        var element = Element(name: node.pointee.name.map { String(cString: $0) } ?? "",
                              namespace: node.pointee.ns?.pointee.href.map { String(cString: $0) },
                              attributes: [:], children: [], text: "")
        var attribute = node.pointee.properties
        while let current = attribute {
            defer { attribute = current.pointee.next }
            guard let rawName = current.pointee.name else { continue }
            var name = String(cString: rawName)
            if let prefix = current.pointee.ns?.pointee.prefix, String(cString: prefix) == "xml" { name = "xml:" + name }
            var value = ""
            var valueNode = current.pointee.children
            while let part = valueNode {
                if part.pointee.type == XML_TEXT_NODE, let content = part.pointee.content { value += String(cString: content) }
                valueNode = part.pointee.next
            }
            element.attributes[name] = value
        }
        var text = ""
        var child = node.pointee.children
        while let current = child {
            switch current.pointee.type {
            case XML_ELEMENT_NODE: element.children.append(read(current))
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                if let content = current.pointee.content { text += String(cString: content) }
            default: break  // entity references, comments, processing instructions
            }
            child = current.pointee.next
        }
        element.text = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return element
    }
}
