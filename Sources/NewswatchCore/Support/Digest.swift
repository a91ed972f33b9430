import CCrypto
import Foundation

/// SHA-256 and HMAC-SHA256 from OpenSSL's libcrypto (the same OpenSSL libcurl links).
public enum Digest {
    public static func sha256(_ data: Data) -> Data {
        var out = [UInt8](repeating: 0, count: 32)
        let ok = data.withUnsafeBytes { raw in nw_sha256(raw.baseAddress, raw.count, &out) }
        precondition(ok == 1, "OpenSSL SHA-256 failed")
        return Data(out)
    }

    public static func hmacSHA256(key: Data, message: Data) -> Data {
        var out = [UInt8](repeating: 0, count: 32)
        let ok = key.withUnsafeBytes { k in
            message.withUnsafeBytes { m in
                nw_hmac_sha256(k.baseAddress, Int32(k.count), m.bindMemory(to: UInt8.self).baseAddress, m.count, &out)
            }
        }
        precondition(ok == 1, "OpenSSL HMAC-SHA256 failed")
        return Data(out)
    }
}

extension Data {
    public var hexString: String {
        let digits = Array("0123456789abcdef".utf8)
        var chars = [UInt8]()
        chars.reserveCapacity(count * 2)
        for byte in self {
            chars.append(digits[Int(byte >> 4)])
            chars.append(digits[Int(byte & 0xF)])
        }
        return String(decoding: chars, as: UTF8.self)
    }
}
