import Foundation

/// Pages are hostile: a headline or an error body can carry terminal escape sequences (ESC
/// [ ... ) that rewrite a user's screen or title bar when printed. Text that came from a server
/// passes through here before it is stored or printed: C0 controls except newline and tab,
/// DEL, and C1 controls are dropped.
public enum ControlCharacters {
    /// True when `text` has something to strip (a fast byte scan: most text has nothing).
    public static func present(in text: String) -> Bool {
        var previous: UInt8 = 0
        for byte in text.utf8 {
            if byte < 0x20 && byte != 0x0A && byte != 0x09 { return true }
            if byte == 0x7F { return true }
            // C1 controls U+0080-U+009F are encoded as C2 80 ... C2 9F.
            if previous == 0xC2 && byte >= 0x80 && byte <= 0x9F { return true }
            previous = byte
        }
        return false
    }

    public static func strip(_ text: String) -> String {
        guard present(in: text) else { return text }
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars where !isControl(scalar) { scalars.append(scalar) }
        return String(scalars)
    }

    public static func strip(_ text: String?) -> String? { text.map { strip($0) } }

    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if value == 0x0A || value == 0x09 { return false }
        return value < 0x20 || value == 0x7F || (0x80...0x9F).contains(value)
    }
}

extension Article {
    /// The article with every control character a server could use against a terminal removed.
    public func withoutControlCharacters() -> Article {
        var copy = self
        copy.title = ControlCharacters.strip(title)
        copy.byline = ControlCharacters.strip(byline)
        copy.published = ControlCharacters.strip(published)
        copy.modified = ControlCharacters.strip(modified)
        copy.canonicalURL = ControlCharacters.strip(canonicalURL)
        copy.language = ControlCharacters.strip(language)
        copy.lead = ControlCharacters.strip(lead)
        copy.siteName = ControlCharacters.strip(siteName)
        if let headlines {
            copy.headlines = Article.Headlines(visible: ControlCharacters.strip(headlines.visible),
                                               linkedData: ControlCharacters.strip(headlines.linkedData),
                                               openGraph: ControlCharacters.strip(headlines.openGraph),
                                               titleTag: ControlCharacters.strip(headlines.titleTag))
        }
        copy.blocks = blocks.compactMap { block in
            let text = ControlCharacters.strip(block.text)
            return text.isEmpty ? nil : Article.Block(block.kind, text)
        }
        return copy
    }
}
