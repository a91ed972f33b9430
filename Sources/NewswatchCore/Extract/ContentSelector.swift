import Foundation

/// A per-watch selector: a CSS subset (type, `.class`, `#id`, `[attr]`, `[attr=value]`,
/// descendant and `>` child combinators, `,` grouping) compiled to XPath, or an XPath
/// expression written as `xpath: //article` (or starting with `/`).
public struct ContentSelector: Sendable, Hashable, CustomStringConvertible {
    public let source: String
    public let xpath: String

    public struct ParseError: Error, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    public init(parsing text: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        source = trimmed
        if trimmed.isEmpty { throw ParseError(message: "empty selector") }
        if trimmed.lowercased().hasPrefix("xpath:") {
            xpath = trimmed.dropFirst(6).trimmingCharacters(in: .whitespaces)
            if xpath.isEmpty { throw ParseError(message: "empty XPath expression") }
        } else if trimmed.hasPrefix("/") || trimmed.hasPrefix("(") {
            xpath = trimmed
        } else {
            xpath = try Self.compileCSS(trimmed)
        }
    }

    public var description: String { source }

    static func compileCSS(_ css: String) throws -> String {
        try css.split(separator: ",").map { try compileComplex(String($0)) }.joined(separator: " | ")
    }

    private static func compileComplex(_ selector: String) throws -> String {
        var xpath = ""
        var axis = "//"
        var chars = Array(selector.trimmingCharacters(in: .whitespaces))
        if chars.isEmpty { throw ParseError(message: "empty selector in group '\(selector)'") }
        var i = 0
        func isIdentChar(_ c: Character) -> Bool { c.isLetter || c.isNumber || c == "-" || c == "_" }
        func readIdent() throws -> String {
            let start = i
            while i < chars.count, isIdentChar(chars[i]) { i += 1 }
            if start == i { throw ParseError(message: "expected a name at position \(start + 1) of '\(selector)'") }
            return String(chars[start..<i])
        }
        func quoted(_ s: String) -> String { s.contains("'") ? "\"\(s)\"" : "'\(s)'" }
        while i < chars.count {
            // One compound selector.
            var tag = "*"
            var predicates = ""
            if chars[i] == "*" { i += 1 } else if isIdentChar(chars[i]) { tag = try readIdent().lowercased() }
            while i < chars.count, ".#[".contains(chars[i]) {
                let c = chars[i]
                i += 1
                switch c {
                case ".":
                    let name = try readIdent()
                    predicates += "[contains(concat(' ', normalize-space(@class), ' '), \(quoted(" \(name) ")))]"
                case "#":
                    predicates += "[@id=\(quoted(try readIdent()))]"
                default:
                    let attribute = try readIdent().lowercased()
                    if i < chars.count, chars[i] == "=" {
                        i += 1
                        var value = ""
                        if i < chars.count, chars[i] == "\"" || chars[i] == "'" {
                            let quote = chars[i]
                            i += 1
                            while i < chars.count, chars[i] != quote { value.append(chars[i]); i += 1 }
                            guard i < chars.count else { throw ParseError(message: "unterminated string in '\(selector)'") }
                            i += 1
                        } else {
                            value = try readIdent()
                        }
                        predicates += "[@\(attribute)=\(quoted(value))]"
                    } else {
                        predicates += "[@\(attribute)]"
                    }
                    guard i < chars.count, chars[i] == "]" else { throw ParseError(message: "expected ']' in '\(selector)'") }
                    i += 1
                }
            }
            xpath += axis + tag + predicates
            // Combinator.
            var sawSpace = false
            while i < chars.count, chars[i] == " " { i += 1; sawSpace = true }
            if i < chars.count, chars[i] == ">" {
                axis = "/"
                i += 1
                while i < chars.count, chars[i] == " " { i += 1 }
            } else if sawSpace {
                axis = "//"
            } else if i < chars.count {
                throw ParseError(message: "unsupported selector syntax '\(chars[i])' in '\(selector)' (supported: type, .class, #id, [attr], [attr=value], descendant, '>', ',')")
            }
            if i >= chars.count && axis == "/" && xpath.hasSuffix("/") { throw ParseError(message: "selector '\(selector)' ends with a combinator") }
        }
        chars.removeAll()
        return xpath
    }
}
