import CLibXML2
import Foundation

/// Streams an XML document (a feed or a sitemap) and hands over its records (items,
/// entries, urls, sitemaps) one at a time as small trees of plain values. The only file that
/// reads XML with libxml2; nothing outside it sees a pointer.
///
/// Memory stays at one record whatever the document's size (a 100,000-item feed never
/// exists as a tree). Safe by construction: no network (`NONET`), no DTD loading, and
/// entities are never substituted: a reference is left out of the text, and libxml2 stops
/// at entity loops and amplification.
enum XMLStream {
    struct Element: Sendable {
        /// Local name, without prefix.
        var name: String
        /// Attributes by local name; `xml:base` keeps its prefix.
        var attributes: [String: String]
        var children: [Element] = []
        /// The element's own text and CDATA, trimmed.
        var text: String = ""

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

    private static let setUp: Void = { xmlInitParser() }()
    private static let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue
        | XML_PARSE_NOCDATA.rawValue | XML_PARSE_NOBLANKS.rawValue | XML_PARSE_COMPACT.rawValue)

    /// Reads `data`. `recordNames` is given the root element (name and attributes) and
    /// answers which element names are records; `record` gets each one and answers whether
    /// to go on. Throws when the document is not well-formed, even after records were read.
    static func read(_ data: Data, url: String?, recordNames: (Element) throws -> Set<String>, record: (Element) -> Bool) throws {
        _ = setUp
        nw_xml_silence_errors()
        guard data.contains(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }) else { throw ParseError.empty }
        try data.withUnsafeBytes { raw in
            guard let reader = xmlReaderForMemory(raw.bindMemory(to: CChar.self).baseAddress, Int32(clamping: raw.count), url, nil, options) else {
                throw ParseError.notWellFormed("cannot start the reader")
            }
            defer { xmlFreeTextReader(reader) }
            var names: Set<String>?
            var open: [Element] = []  // the record being built, outermost first
            while true {
                let status = xmlTextReaderRead(reader)
                if status == 0 { break }
                if status < 0 { throw ParseError.notWellFormed(lastError()) }
                switch xmlTextReaderNodeType(reader) {
                case 1:  // element start
                    let element = Element(name: string(xmlTextReaderConstLocalName(reader)), attributes: attributes(reader))
                    let empty = xmlTextReaderIsEmptyElement(reader) == 1
                    guard let recordNames = names else {
                        names = try recordNames(element)
                        continue
                    }
                    guard !open.isEmpty || recordNames.contains(element.name) else { continue }
                    open.append(element)
                    if empty, !close(&open, record) { return }
                case 15:  // element end
                    if !open.isEmpty, !close(&open, record) { return }
                case 3, 4, 13, 14:  // text, CDATA, whitespace
                    if !open.isEmpty { open[open.count - 1].text += string(xmlTextReaderConstValue(reader)) }
                default:
                    break  // entity references, comments, processing instructions
                }
            }
            if names == nil { throw ParseError.notWellFormed("no root element") }
        }
    }

    /// Ends the innermost open element; a finished record goes to `record`.
    private static func close(_ open: inout [Element], _ record: (Element) -> Bool) -> Bool {
        var element = open.removeLast()
        element.text = trimmed(element.text)
        if open.isEmpty { return record(element) }
        open[open.count - 1].children.append(element)
        return true
    }

    /// ASCII whitespace off both ends (Foundation's trimming costs more than the parse here).
    private static func trimmed(_ text: String) -> String {
        let utf8 = text.utf8
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 }
        guard let first = utf8.firstIndex(where: { !isSpace($0) }), let last = utf8.lastIndex(where: { !isSpace($0) }) else { return "" }
        if first == utf8.startIndex && last == utf8.index(before: utf8.endIndex) { return text }
        return String(text[first...last])
    }

    private static func attributes(_ reader: xmlTextReaderPtr) -> [String: String] {
        var result: [String: String] = [:]
        guard xmlTextReaderHasAttributes(reader) == 1 else { return result }
        while xmlTextReaderMoveToNextAttribute(reader) == 1 {
            var name = string(xmlTextReaderConstLocalName(reader))
            if string(xmlTextReaderConstPrefix(reader)) == "xml" { name = "xml:" + name }
            result[name] = string(xmlTextReaderConstValue(reader))
        }
        xmlTextReaderMoveToElement(reader)
        return result
    }

    private static func string(_ pointer: UnsafePointer<xmlChar>?) -> String {
        pointer.map { String(cString: $0) } ?? ""
    }

    private static func lastError() -> String {
        guard let error = xmlGetLastError(), let message = error.pointee.message else { return "" }
        return String(cString: message).trimmingCharacters(in: .whitespacesAndNewlines) + " (line \(error.pointee.line))"
    }
}
