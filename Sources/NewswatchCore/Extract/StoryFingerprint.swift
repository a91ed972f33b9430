import Foundation

/// Names the bytes a story was read from, so that the next fetch of the page can be known to
/// carry the same story without parsing it: the start of the page up to the end of its
/// metadata (`<head>`: title, meta tags, JSON-LD) and the story's container element (the
/// parent of the best-scoring block, holding the story and anything added beside it), found
/// again anywhere in the page by its first bytes. A byte changed in either means a full
/// extraction; changes elsewhere (sidebars, clocks, "latest news") cost no parsing at all.
///
/// Offsets and hashes refer to the page as the stream parser reads it (`PreparedPage`:
/// UTF-8, script and style bodies cut), which is a pure function of the fetched bytes.
public struct StoryFingerprint: Codable, Sendable, Hashable {
    /// The extractor version that took it: another version may read the same bytes differently.
    public var extractor: String
    public var prefixLength: Int
    public var prefixHash: String
    /// The container's first bytes (its start tag), to find it again when text before it moved.
    public var anchor: Data
    public var regionLength: Int
    public var regionHash: String

    static let anchorLength = 48

    /// The fingerprint of `region` in `bytes`, or nil when the ranges do not make sense.
    init?(extractor: String, bytes: Data, prefixEnd: Int, region: Range<Int>) {
        guard prefixEnd >= 0, prefixEnd <= bytes.count, region.lowerBound >= 0, region.upperBound <= bytes.count, !region.isEmpty else { return nil }
        let base = bytes.startIndex
        self.extractor = extractor
        prefixLength = prefixEnd
        prefixHash = Digest.sha256(bytes[base..<(base + prefixEnd)]).hexString
        anchor = Data(bytes[(base + region.lowerBound)..<(base + min(region.upperBound, region.lowerBound + Self.anchorLength))])
        regionLength = region.count
        regionHash = Digest.sha256(bytes[(base + region.lowerBound)..<(base + region.upperBound)]).hexString
    }

    /// Whether `bytes` hold the same prefix and, somewhere, the same container.
    func matches(_ bytes: Data) -> Bool {
        guard bytes.count >= prefixLength, regionLength > 0, !anchor.isEmpty else { return false }
        let base = bytes.startIndex
        guard Digest.sha256(bytes[base..<(base + prefixLength)]).hexString == prefixHash else { return false }
        return bytes.withUnsafeBytes { page in
            anchor.withUnsafeBytes { needle in
                var from = 0
                var tries = 0
                while tries < 8, let hit = ByteSearch.firstIndex(of: needle, in: page, from: from) {
                    tries += 1
                    if hit + regionLength <= bytes.count,
                       Digest.sha256(bytes[(base + hit)..<(base + hit + regionLength)]).hexString == regionHash {
                        return true
                    }
                    from = hit + 1
                }
                return false
            }
        }
    }
}
