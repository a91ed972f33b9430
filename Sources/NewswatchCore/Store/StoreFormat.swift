import Foundation

/// Conventions every store shares, whatever keeps the bytes.
public enum StoreFormat {
    /// What "the same story" means: the SHA-256 of the article's identity (headline and
    /// body). Equal hashes mean an unchanged story.
    public static func storyHash(_ article: Article) -> String {
        Digest.sha256(Data(article.identity.utf8)).hexString
    }

    /// A watch name the store accepts: it can never climb out of a directory (no separators,
    /// no dot-only names) and reads the same in every store.
    static func isSafeName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 128 && !name.hasPrefix(".")
            && name.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) && $0.isASCII || "._-".unicodeScalars.contains($0) }
    }

    /// Watch states are JSON with dates as seconds: ISO-8601 parsing made reading 10,000
    /// states the slowest part of a check.
    static let stateEncoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()

    static let stateDecoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        return decoder
    }()
}
