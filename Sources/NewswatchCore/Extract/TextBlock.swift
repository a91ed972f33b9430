import Foundation

/// A run of inline text between block boundaries, as found while walking the DOM.
/// `owner` is the nearest block-level element around it; scoring climbs from there.
struct TextBlock {
    var owner: PageTree.NodeID
    var kind: Article.BlockKind
    var text: String
    var linkCharacters: Int
    /// Inside a table cell or list item, where dates and numbers are data.
    var inTable = false
    /// Commas, Latin and CJK (，、): the prose signal scoring counts.
    var commas = 0
    /// Its place among the page's blocks, in document order.
    var order = 0
    /// An end-of-story heading the scorer left out (in a box of links): kept only so that
    /// `StoryEnd` sees where the story stops; never a line of the story.
    var isEndMarker = false
    /// Its number in an ordered list (`<ol>`), for the first block of an item; 0 otherwise.
    var listNumber = 0
    var characters: Int { text.utf8.count }
    var linkDensity: Double { characters == 0 ? 0 : Double(linkCharacters) / Double(characters) }
}

/// Collapses runs of white space to one space, as a browser renders inline text.
struct WhitespaceCollapser {
    private(set) var bytes: [UInt8] = []
    private var pendingSpace = false
    /// A link opened or closed since the last text.
    private var atInlineBoundary = false

    mutating func append(_ buffer: UnsafeBufferPointer<UInt8>) {
        for (index, byte) in buffer.enumerated() {
            switch byte {
            case 0x20, 0x09, 0x0A, 0x0D, 0x0C:
                pendingSpace = true
            default:
                if pendingSpace && !bytes.isEmpty {
                    bytes.append(0x20)
                } else if atInlineBoundary && !pendingSpace && Self.joinsCJKWords(bytes, next: buffer, at: index) {
                    bytes.append(0x20)
                }
                pendingSpace = false
                atInlineBoundary = false
                bytes.append(byte)
            }
        }
    }

    /// Marks where a link starts or ends: see `joinsCJKWords`.
    mutating func markInlineBoundary() { atInlineBoundary = true }

    /// Chinese and Japanese are written without spaces, so a link set into a sentence
    /// ("パスワード管理ソフト<a>KeePass</a>の起動") leaves no word boundary in the text and the
    /// sentence reads as one word to anything that splits words (a word diff, a search). A
    /// space goes there when a CJK letter meets a letter or digit, as Zyte's annotations and
    /// the Readability reference texts have it ("ソフト KeePass の起動"). Only links that go
    /// somewhere: a dictionary pop-up (`javascript:`) or a span wraps part of a word
    /// ("<ruby>子</ruby>ども").
    static func joinsCJKWords(_ before: [UInt8], next: UnsafeBufferPointer<UInt8>, at index: Int) -> Bool {
        guard let lastScalar = lastScalar(before), let nextScalar = firstScalar(next, from: index) else { return false }
        let lastCJK = isCJKLetter(lastScalar), nextCJK = isCJKLetter(nextScalar)
        guard lastCJK || nextCJK else { return false }
        return (lastCJK || lastScalar.properties.isAlphabetic || lastScalar.properties.numericType != nil)
            && (nextCJK || nextScalar.properties.isAlphabetic || nextScalar.properties.numericType != nil)
    }

    /// Letters of scripts written without spaces between words: Han, kana, and Thai, Lao,
    /// Khmer and Myanmar (not Hangul: Korean puts spaces between words itself, and a particle
    /// after a linked noun belongs to it).
    static func isCJKLetter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x3041...0x30FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF, 0x20000...0x2FFFF: return true
        case 0x0E01...0x0E2E, 0x0E81...0x0EAE, 0x1780...0x17B3, 0x1000...0x102A: return true  // consonants and independent vowels
        default: return false
        }
    }

    private static func lastScalar(_ bytes: [UInt8]) -> Unicode.Scalar? {
        var start = bytes.count - 1
        while start > 0 && bytes[start] & 0xC0 == 0x80 && bytes.count - start < 4 { start -= 1 }
        guard start >= 0 else { return nil }
        return String(decoding: bytes[start...], as: UTF8.self).unicodeScalars.first
    }

    private static func firstScalar(_ buffer: UnsafeBufferPointer<UInt8>, from index: Int) -> Unicode.Scalar? {
        let end = min(buffer.count, index + 4)
        return String(decoding: UnsafeBufferPointer(rebasing: buffer[index..<end]), as: UTF8.self).unicodeScalars.first
    }

    /// Appends preformatted text: its line breaks are kept (one `\n` for any run of blank
    /// lines), other white space collapsed as usual, so each line of a code listing or a
    /// plain-text document stays a line of the story and a diff can point at it.
    mutating func appendKeepingLineBreaks(_ buffer: UnsafeBufferPointer<UInt8>) {
        for byte in buffer {
            switch byte {
            case 0x0A:
                pendingSpace = false
                if let last = bytes.last, last != 0x0A { bytes.append(0x0A) }
            case 0x20, 0x09, 0x0D, 0x0C:
                pendingSpace = true
            default:
                if pendingSpace, let last = bytes.last, last != 0x0A { bytes.append(0x20) }
                pendingSpace = false
                bytes.append(byte)
            }
        }
    }

    /// Appends collapsible text (e.g. an `alt` or a newline placeholder) as-is.
    mutating func appendSpace() { pendingSpace = true }

    var isEmpty: Bool { bytes.isEmpty }

    /// Commas in the collected text: ',', the CJK '，' (EF BC 8C) and '、' (E3 80 81), and the
    /// Arabic '،' (D8 8C) of Arabic, Persian and Urdu prose, as Readability counts them.
    var commaCount: Int {
        var count = 0
        var i = 0
        let n = bytes.count
        while i < n {
            let b = bytes[i]
            if b == 0x2C { count += 1 }
            else if b == 0xEF, i + 2 < n, bytes[i + 1] == 0xBC, bytes[i + 2] == 0x8C { count += 1; i += 2 }
            else if b == 0xE3, i + 2 < n, bytes[i + 1] == 0x80, bytes[i + 2] == 0x81 { count += 1; i += 2 }
            else if b == 0xD8, i + 1 < n, bytes[i + 1] == 0x8C { count += 1; i += 1 }
            i += 1
        }
        return count
    }

    mutating func take() -> String {
        defer {
            bytes.removeAll(keepingCapacity: true)
            pendingSpace = false
        }
        while bytes.last == 0x0A { bytes.removeLast() }
        // Collapsed text has no leading or trailing space; ASCII needs nothing more.
        if !bytes.contains(where: { $0 >= 0x80 }) { return String(decoding: bytes, as: UTF8.self) }
        return TextNormalizer.normalize(collapsed: String(decoding: bytes, as: UTF8.self))
    }
}

enum TextNormalizer {
    /// NFC, non-breaking and zero-width spaces folded, trimmed. Joiners (U+200C, U+200D) stay:
    /// they are not invisible, they shape Persian and Indic words and hold emoji sequences
    /// together (🏳️‍🌈, 👨‍👩‍👧), and dropping them changed what a reader sees.
    static func normalize(collapsed text: String) -> String {
        guard text.utf8.contains(where: { $0 >= 0x80 }), needsRewriting(text) else { return text }
        var needsComposition = false
        var scalars = String.UnicodeScalarView()
        // A joiner joins two characters; alone, or beside a space (a "&zwj;" spacer
        // paragraph), it is nothing. One after a character waits to see what follows it.
        var pendingJoiner: Unicode.Scalar?
        for scalar in text.unicodeScalars {
            if let joiner = pendingJoiner {
                pendingJoiner = nil
                if !isBlank(scalar) { scalars.append(joiner) }
            }
            switch scalar.value {
            case 0x00A0, 0x2007, 0x202F, 0x2002, 0x2003, 0x2009, 0x3000: scalars.append(" ")
            case 0x200B, 0xFEFF, 0x00AD: break
            case 0x200C, 0x200D:
                if let previous = scalars.last, !isBlank(previous) { pendingJoiner = scalar }
            default:
                if !needsComposition && mayChangeUnderNFC(scalar) { needsComposition = true }
                scalars.append(scalar)
            }
        }
        var result = String(scalars)
        if needsComposition { result = result.precomposedStringWithCanonicalMapping }
        if result.containsBytes("  ") || result.hasPrefix(" ") || result.hasSuffix(" ") {
            result = result.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
        }
        return result
    }

    /// White space and the marks `normalize` drops or folds into a space.
    private static func isBlank(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x20, 0x00A0, 0x2007, 0x202F, 0x2002, 0x2003, 0x2009, 0x3000, 0x200B, 0x200C, 0x200D, 0xFEFF, 0x00AD: return true
        default: return false
        }
    }

    /// Whether `normalize` has anything to do: most non-ASCII text (curly quotes, accented
    /// letters already composed) has no special space and no combining mark, and is
    /// returned as it is without being rebuilt.
    private static func needsRewriting(_ text: String) -> Bool {
        for scalar in text.unicodeScalars where scalar.value >= 0xA0 {
            switch scalar.value {
            case 0x00A0, 0x2007, 0x202F, 0x2002, 0x2003, 0x2009, 0x3000, 0x200B, 0x200C, 0x200D, 0xFEFF, 0x00AD: return true
            default: if mayChangeUnderNFC(scalar) { return true }
            }
        }
        return false
    }

    /// Only combining marks (and Hangul jamo) can change under NFC.
    private static func mayChangeUnderNFC(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value >= 0x300 && (scalar.properties.canonicalCombiningClass != .notReordered || (0x1100...0x11FF).contains(scalar.value))
    }

    /// Collapses white space in a free-standing string (metadata values).
    static func clean(_ text: String?) -> String? {
        guard let text else { return nil }
        var collapser = WhitespaceCollapser()
        var bytes = Array(text.utf8)
        bytes.withUnsafeBufferPointer { collapser.append($0) }
        bytes.removeAll()
        let result = collapser.take()
        return result.isEmpty ? nil : result
    }
}

/// Class/id word matching. A signature is the element's class and id split into lower-case
/// words (on spaces, punctuation and camelCase), each preceded by a space: `PageBuilder-pageRow`
/// becomes ` page builder page row `. A keyword matches at the start of a word (` comment`
/// matches `comments`), may span words (` most read`), and ends in a space when it must be a
/// whole word (` ad `). Matching at word starts keeps `pageRow` from looking like `pager`.
struct KeywordSet {
    /// Keywords (each starting with its space) bucketed by their first letter: a signature is
    /// matched by looking only at its word starts, each against the few keywords that begin
    /// with that word's letter.
    private let buckets: [[[UInt8]]]

    init(_ words: [String]) {
        var buckets = [[[UInt8]]](repeating: [], count: 256)
        for word in words {
            let bytes = Array(word.utf8)
            precondition(bytes.count >= 2 && bytes[0] == 0x20, "keywords start with a space and a letter: '\(word)'")
            buckets[Int(bytes[1])].append(bytes)
        }
        self.buckets = buckets
    }

    static func signature(_ text: String) -> [UInt8] {
        var out: [UInt8] = [0x20]
        var previousLower = false
        for byte in text.utf8 {
            let isUpper = byte >= 0x41 && byte <= 0x5A
            let isLower = byte >= 0x61 && byte <= 0x7A
            let isDigit = byte >= 0x30 && byte <= 0x39
            if isUpper || isLower || isDigit || byte >= 0x80 {
                if isUpper && previousLower && out.last != 0x20 { out.append(0x20) }
                out.append(isUpper ? byte + 32 : byte)
                previousLower = isLower || isDigit
            } else {
                if out.last != 0x20 { out.append(0x20) }
                previousLower = false
            }
        }
        if out.last != 0x20 { out.append(0x20) }
        return out
    }

    func matches(_ haystack: [UInt8]) -> Bool {
        let n = haystack.count
        guard n > 1 else { return false }
        return haystack.withUnsafeBufferPointer { h in
            var i = 0
            while i + 1 < n {
                if h[i] == 0x20 {
                    for word in buckets[Int(h[i + 1])] where i + word.count <= n {
                        var j = 2
                        while j < word.count && h[i + j] == word[j] { j += 1 }
                        if j == word.count { return true }
                    }
                }
                i += 1
            }
            return false
        }
    }
}
