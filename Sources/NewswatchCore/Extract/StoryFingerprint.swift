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
    /// Where the container started: looked at first, since most pages do not move it.
    public var regionOffset: Int?
    /// Headline, byline and structured-data elements outside both the prefix and the
    /// container (JSON-LD at the end of `<body>`, say), each pinned on its own.
    public var extraRegions: [Region]?

    /// A run of bytes found again by its first bytes, wherever it moved.
    public struct Region: Codable, Sendable, Hashable {
        public var anchor: Data
        public var length: Int
        public var hash: String
        public var offset: Int

        init?(_ bytes: Data, _ range: Range<Int>) {
            guard range.lowerBound >= 0, range.upperBound <= bytes.count, !range.isEmpty else { return nil }
            let base = bytes.startIndex
            anchor = Data(bytes[(base + range.lowerBound)..<(base + min(range.upperBound, range.lowerBound + StoryFingerprint.anchorLength))])
            length = range.count
            hash = Digest.sha256(bytes[(base + range.lowerBound)..<(base + range.upperBound)]).hexString
            offset = range.lowerBound
        }
    }

    static let anchorLength = 48

    /// The fingerprint of `region` in `bytes`, or nil when the ranges do not make sense.
    init?(extractor: String, bytes: Data, prefixEnd: Int, region: Range<Int>, extra: [Range<Int>] = []) {
        guard prefixEnd >= 0, prefixEnd <= bytes.count, region.lowerBound >= 0, region.upperBound <= bytes.count, !region.isEmpty else { return nil }
        var regions: [Region] = []
        for range in extra {
            guard let region = Region(bytes, range) else { return nil }
            regions.append(region)
        }
        extraRegions = regions.isEmpty ? nil : regions
        let base = bytes.startIndex
        self.extractor = extractor
        prefixLength = prefixEnd
        prefixHash = Digest.sha256(bytes[base..<(base + prefixEnd)]).hexString
        anchor = Data(bytes[(base + region.lowerBound)..<(base + min(region.upperBound, region.lowerBound + Self.anchorLength))])
        regionLength = region.count
        regionHash = Digest.sha256(bytes[(base + region.lowerBound)..<(base + region.upperBound)]).hexString
        regionOffset = region.lowerBound
    }

    /// Whether `bytes` hold the same prefix and, somewhere, the same container (and extra regions).
    func matches(_ bytes: Data) -> Bool {
        guard bytes.count >= prefixLength, regionLength > 0, !anchor.isEmpty else { return false }
        let base = bytes.startIndex
        guard Digest.sha256(bytes[base..<(base + prefixLength)]).hexString == prefixHash else { return false }
        guard Self.find(anchor: anchor, length: regionLength, hash: regionHash, offset: regionOffset, in: bytes) else { return false }
        return (extraRegions ?? []).allSatisfy { Self.find(anchor: $0.anchor, length: $0.length, hash: $0.hash, offset: $0.offset, in: bytes) }
    }

    /// Whether a run of `length` bytes starting with `anchor` and hashing to `hash` is in `bytes`.
    private static func find(anchor: Data, length regionLength: Int, hash regionHash: String, offset regionOffset: Int?, in bytes: Data) -> Bool {
        let base = bytes.startIndex
        func regionMatches(at offset: Int) -> Bool {
            offset >= 0 && offset + regionLength <= bytes.count
                && bytes[(base + offset)..<(base + offset + anchor.count)] == anchor
                && Digest.sha256(bytes[(base + offset)..<(base + offset + regionLength)]).hexString == regionHash
        }
        if let regionOffset, regionMatches(at: regionOffset) { return true }
        return bytes.withUnsafeBytes { page in
            anchor.withUnsafeBytes { needle in
                // A container's start tag can recur (`<div class="row">`): each occurrence is
                // compared in full before its region is hashed.
                var from = 0
                var hashed = 0
                while hashed < 16, let hit = ByteSearch.firstIndex(of: needle, in: page, from: from) {
                    if hit != regionOffset, hit + regionLength <= bytes.count {
                        hashed += 1
                        if regionMatches(at: hit) { return true }
                    }
                    from = hit + 1
                }
                return false
            }
        }
    }
}
