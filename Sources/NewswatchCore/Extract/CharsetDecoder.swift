import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Turns page bytes into UTF-8 the way browsers decide the encoding (WHATWG): byte-order
/// mark, then the HTTP charset, then `<meta charset>` / http-equiv found by a prescan, then
/// windows-1252. A page labelled UTF-8 is read as UTF-8 with invalid bytes replaced by
/// U+FFFD, as browsers show it: one stray byte never turns the whole page into mojibake.
/// One deliberate exception: bytes that are valid UTF-8 with non-ASCII text are UTF-8
/// whatever the label says, since mislabelled UTF-8 pages are common and real
/// legacy-encoded text is practically never valid UTF-8. Unlabelled pages that are almost
/// all valid UTF-8 are read as UTF-8 too.
public enum CharsetDecoder {
    public struct Decoded {
        public var utf8: Data
        /// The encoding the bytes were read as (lower-case label).
        public var charset: String
    }

    /// The page in UTF-8, without NUL characters: browsers drop them from text (a parse
    /// error, ignored), while libxml2 stops reading at the first one, so a stray NUL in a
    /// page (a broken CMS, a bad proxy) cut the story off there, often before it began.
    public static func decode(_ data: Data, httpCharset: String?) -> Decoded {
        var decoded = decodeBytes(data, httpCharset: httpCharset)
        decoded.utf8 = withoutNullCharacters(decoded.utf8)
        return decoded
    }

    static func decodeBytes(_ data: Data, httpCharset: String?) -> Decoded {
        if data.starts(with: [0xEF, 0xBB, 0xBF]) { return Decoded(utf8: data.dropFirst(3), charset: "utf-8") }
        if data.starts(with: [0xFF, 0xFE]) { return convert(data.dropFirst(2), from: "utf-16le") }
        if data.starts(with: [0xFE, 0xFF]) { return convert(data.dropFirst(2), from: "utf-16be") }
        if let label = utf16WithoutBOM(data) { return convert(data, from: label) }
        switch utf8Validity(data) {
        case .ascii:
            // ASCII reads the same in every label but one: ISO-2022-JP is seven-bit, its
            // kanji shifted in by escape sequences (ESC $ B), so only its label tells.
            if data.contains(0x1B), declaredLabel(data, httpCharset: httpCharset) == "iso-2022-jp" {
                return convert(data, from: "iso-2022-jp")
            }
            return Decoded(utf8: data, charset: "utf-8")
        case .validUTF8: return Decoded(utf8: data, charset: "utf-8")
        case .invalid: break
        }
        let declared = declaredLabel(data, httpCharset: httpCharset)
        if declared == "utf-16le" || declared == "utf-16be" || declared == "utf-16" {
            // A UTF-16 label on bytes that are not UTF-16 (no BOM, ASCII-compatible markup) is wrong.
            return convert(data, from: "windows-1252")
        }
        if declared == "utf-8" || mostlyUTF8(data, invalidPerValid: declared == nil ? 1.0 / 3 : 1.0 / 50) { return replacingInvalidUTF8(data) }
        return convert(data, from: declared ?? "windows-1252")
    }

    /// The encoding the page declares: the HTTP charset, else a `<meta>` found by the prescan.
    private static func declaredLabel(_ data: Data, httpCharset: String?) -> String? {
        httpCharset.flatMap(normalize) ?? sniffMeta(data).flatMap(normalize)
    }

    /// UTF-16 saved without a byte-order mark, told by its markup: ASCII characters are
    /// every other byte, the NULs between them all on one side. No legacy or UTF-8 page looks
    /// like that, and read as bytes it would be NUL-riddled markup with no text at all.
    static func utf16WithoutBOM(_ data: Data) -> String? {
        let sample = data.prefix(1024)
        guard sample.count >= 64 else { return nil }
        var evenNulls = 0, oddNulls = 0
        for (offset, byte) in sample.enumerated() where byte == 0 {
            if offset % 2 == 0 { evenNulls += 1 } else { oddNulls += 1 }
        }
        let pairs = sample.count / 2
        if oddNulls * 10 >= pairs * 7, evenNulls * 20 <= pairs { return "utf-16le" }
        if evenNulls * 10 >= pairs * 7, oddNulls * 20 <= pairs { return "utf-16be" }
        return nil
    }

    /// The bytes without 0x00 (in UTF-8 only U+0000 has it); the same bytes, uncopied, when
    /// there is none, as on practically every page.
    static func withoutNullCharacters(_ utf8: Data) -> Data {
        let hasNull = utf8.withUnsafeBytes { raw in
            guard let base = raw.baseAddress, !raw.isEmpty else { return false }
            return memchr(base, 0, raw.count) != nil
        }
        guard hasNull else { return utf8 }
        return utf8.filter { $0 != 0 }
    }

    /// UTF-8 with each invalid sequence replaced by U+FFFD (Swift's decoder follows the same
    /// maximal-subpart practice as the WHATWG decoder).
    static func replacingInvalidUTF8(_ data: Data) -> Decoded {
        Decoded(utf8: Data(String(decoding: data, as: UTF8.self).utf8), charset: "utf-8")
    }

    /// At least three valid multi-byte sequences, and three for each invalid byte: a UTF-8
    /// page with a few damaged bytes, not a legacy-encoded one (whose non-ASCII bytes almost
    /// never form valid UTF-8: an accented letter is followed by ASCII). A page that a legacy
    /// label calls GB2312 or Shift_JIS but is UTF-8 with one broken sequence (a truncated
    /// character, a stray byte) must clear a stricter bar, fifty valid sequences for each
    /// invalid one: double-byte legacy text forms valid pairs by chance, but never that many.
    static func mostlyUTF8(_ data: Data, invalidPerValid: Double) -> Bool {
        data.withUnsafeBytes { raw -> Bool in
            let bytes = raw.bindMemory(to: UInt8.self)
            var valid = 0, invalid = 0, i = 0
            while i < bytes.count {
                let b = bytes[i]
                if b < 0x80 { i += 1; continue }
                let length = b & 0xE0 == 0xC0 && b >= 0xC2 ? 2 : b & 0xF0 == 0xE0 ? 3 : b & 0xF8 == 0xF0 && b <= 0xF4 ? 4 : 0
                if length > 0, i + length <= bytes.count, (1..<length).allSatisfy({ bytes[i + $0] & 0xC0 == 0x80 }) {
                    valid += 1
                    i += length
                } else {
                    invalid += 1
                    i += 1
                }
            }
            return valid >= 3 && Double(invalid) <= Double(valid) * invalidPerValid
        }
    }

    /// A label as iconv knows it (see `EncodingLabels`); nil for an empty or unknown label,
    /// which browsers ignore.
    static func normalize(_ label: String) -> String? {
        EncodingLabels.iconvName(for: label.trimmingCharacters(in: CharacterSet(charactersIn: " \"'\t\n\r\u{0C}")).lowercased())
    }

    /// Finds a charset declaration in the first few kilobytes, where browsers look.
    static func sniffMeta(_ data: Data) -> String? {
        let prefix = String(decoding: data.prefix(4096), as: UTF8.self).lowercased()
        var search = prefix[...]
        while let meta = search.range(of: "<meta") {
            let rest = search[meta.upperBound...]
            let end = rest.firstIndex(of: ">") ?? rest.endIndex
            let tag = rest[..<end]
            if let charset = tag.range(of: "charset=") {
                let value = tag[charset.upperBound...].drop { $0 == "\"" || $0 == "'" || $0 == " " }
                let name = value.prefix { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == ":" || $0 == "." }
                if !name.isEmpty { return String(name) }
            }
            search = rest[end...]
        }
        return nil
    }

    enum Validity { case ascii, validUTF8, invalid }

    static func utf8Validity(_ data: Data) -> Validity {
        data.withUnsafeBytes { raw -> Validity in
            let bytes = raw.bindMemory(to: UInt8.self)
            var i = 0
            var sawNonASCII = false
            let n = bytes.count
            let raw = UnsafeRawBufferPointer(bytes)
            while i < n {
                // Eight ASCII bytes at a time: most of any page is markup.
                if i + 8 <= n, raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                    i += 8
                    continue
                }
                let b = bytes[i]
                if b < 0x80 { i += 1; continue }
                sawNonASCII = true
                let length: Int
                if b & 0xE0 == 0xC0 { length = 2; if b < 0xC2 { return .invalid } }
                else if b & 0xF0 == 0xE0 { length = 3 }
                else if b & 0xF8 == 0xF0 { length = 4; if b > 0xF4 { return .invalid } }
                else { return .invalid }
                // A sequence cut off by the end of a (size-capped) body is fine.
                if i + length > n { return .validUTF8 }
                for k in 1..<length where bytes[i + k] & 0xC0 != 0x80 { return .invalid }
                i += length
            }
            return sawNonASCII ? .validUTF8 : .ascii
        }
    }

    /// Converts with iconv; undecodable bytes become U+FFFD rather than ending the text.
    static func convert(_ data: Data, from label: String) -> Decoded {
        let descriptor = iconv_open("UTF-8", label.uppercased())
        guard descriptor != iconv_t(bitPattern: -1) else {
            return label == "windows-1252" ? Decoded(utf8: data, charset: "utf-8") : convert(data, from: "windows-1252")
        }
        defer { iconv_close(descriptor) }
        var output = Data()
        output.reserveCapacity(data.count * 2)
        var input = [UInt8](data)
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        input.withUnsafeMutableBufferPointer { inputBuffer in
            var inPointer = UnsafeMutableRawPointer(inputBuffer.baseAddress!).assumingMemoryBound(to: CChar.self)
            var inLeft = inputBuffer.count
            while inLeft > 0 {
                let (status, produced): (Int, Int) = chunk.withUnsafeMutableBufferPointer { outBuffer in
                    var outPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(outBuffer.baseAddress!).assumingMemoryBound(to: CChar.self)
                    var outLeft = outBuffer.count
                    var inOptional: UnsafeMutablePointer<CChar>? = inPointer
                    let result = iconv(descriptor, &inOptional, &inLeft, &outPointer, &outLeft)
                    inPointer = inOptional!
                    return (result, outBuffer.count - outLeft)
                }
                output.append(contentsOf: chunk[0..<produced])
                if status == -1 {
                    switch errno {
                    case E2BIG: continue
                    case EILSEQ:
                        output.append(contentsOf: [0xEF, 0xBF, 0xBD])
                        inPointer += 1
                        inLeft -= 1
                    default:
                        inLeft = 0  // EINVAL: an incomplete sequence at the end
                    }
                }
            }
        }
        return Decoded(utf8: output, charset: label)
    }
}
