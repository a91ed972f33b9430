/// Whether bytes are well-formed UTF-8 (no overlong forms, surrogates or code points past
/// U+10FFFF), as `String(data:encoding: .utf8)` requires, without building a String: the
/// launcher checks a file before diffing it as text. ASCII is skipped eight bytes at a time.
/// Stricter than `CharsetDecoder.utf8Validity`, which decides how to decode a page (a
/// sequence cut off by a size cap is fine there, and the decoder replaces what is wrong):
/// this one must agree with Foundation's verdict, byte for byte.
public enum UTF8Validation {
    public static func isValid(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { raw in
            let count = raw.count
            var index = 0
            while index < count {
                if index + 8 <= count, raw.loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                    index += 8
                    continue
                }
                let lead = raw[index]
                if lead < 0x80 { index += 1; continue }
                let length: Int, lowest: UInt8, highest: UInt8  // bounds of the second byte
                switch lead {
                case 0xC2...0xDF: length = 2; lowest = 0x80; highest = 0xBF
                case 0xE0: length = 3; lowest = 0xA0; highest = 0xBF  // no overlong forms
                case 0xE1...0xEC, 0xEE...0xEF: length = 3; lowest = 0x80; highest = 0xBF
                case 0xED: length = 3; lowest = 0x80; highest = 0x9F  // no surrogates
                case 0xF0: length = 4; lowest = 0x90; highest = 0xBF
                case 0xF1...0xF3: length = 4; lowest = 0x80; highest = 0xBF
                case 0xF4: length = 4; lowest = 0x80; highest = 0x8F  // nothing past U+10FFFF
                default: return false
                }
                guard index + length <= count, (lowest...highest).contains(raw[index + 1]) else { return false }
                for offset in 2..<length where raw[index + offset] & 0xC0 != 0x80 { return false }
                index += length
            }
            return true
        }
    }
}
