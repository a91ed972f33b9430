import Foundation

/// The second method, for pages where no container scores: paragraphs classified as prose
/// by length, link density and punctuation, and the densest run of them in page order (a
/// few short or linky blocks may sit between; a longer gap ends the run).
enum ParagraphRun {
    static let minimumCharacters = 200
    /// Blocks that are not prose allowed inside a run before it ends.
    static let maximumGap = 3

    /// A sentence ends in any script's full stop or question mark (Arabic ؟ and ۔, Devanagari
    /// ।, Ethiopic ።, CJK 。). `allowingLinks`: the last resort, for a page whose every
    /// paragraph is a link (a story wrapped whole in `<a>`): something to watch, however weak,
    /// rather than nothing.
    static func isProse(_ block: TextBlock, allowingLinks: Bool = false) -> Bool {
        guard block.kind != .heading, block.characters >= 70, allowingLinks || block.linkDensity < 0.35 else { return false }
        let text = block.text
        let sentenceEnd = text.last.map { ".!?…\u{3002}\u{FF01}\u{FF1F}\u{061F}\u{06D4}\u{0964}\u{1362}\"\u{201D}".contains($0) } ?? false
        return block.commas > 0 || sentenceEnd
    }

    static func densest(in blocks: [TextBlock], allowingLinks: Bool = false) -> [TextBlock] {
        var best: Range<Int>? = nil, bestCharacters = 0
        var start: Int? = nil, last = -1, characters = 0
        for (index, block) in blocks.enumerated() {
            guard isProse(block, allowingLinks: allowingLinks) else {
                if let begun = start, index - last > maximumGap {
                    if characters > bestCharacters { (best, bestCharacters) = (begun..<(last + 1), characters) }
                    start = nil
                    characters = 0
                }
                continue
            }
            if start == nil { start = index }
            last = index
            characters += block.characters
        }
        if let begun = start, characters > bestCharacters { best = begun..<(last + 1) }
        guard let run = best else { return [] }
        // Headings and short lines inside the run stay (subheads, datelines go later); links boxes do not.
        return allowingLinks ? blocks[run].filter { isProse($0, allowingLinks: true) } : blocks[run].filter { $0.linkDensity < 0.5 }
    }
}
