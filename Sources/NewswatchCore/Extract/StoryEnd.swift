import Foundation

/// Where the story ends: the first heading such as "Comments" or "Related articles" past the
/// story's opening. A heading of the teaser kind ("Mehr zum Thema", "Related") that is
/// followed by far more prose than came before it is a box set into the story, not its end:
/// the story goes on after the box.
enum StoryEnd {
    /// Prose after a teaser heading that makes it a box inside the story: at least this much,
    /// and more than `proseRatio` times the prose before it.
    static let minimumProseAfter = 1_500
    static let proseRatio = 2

    /// The index of the block that ends the story (nil: it runs to the last block), and the
    /// teaser boxes set into it: each a teaser heading and the lines up to the prose after it.
    static func cut(_ blocks: [TextBlock]) -> (end: Int?, boxes: [Range<Int>]) {
        var proseBefore = 0
        var boxes: [Range<Int>] = []
        var index = 0
        while index < blocks.count {
            let block = blocks[index]
            if index >= 2, block.linkDensity < 0.5, BoilerplateLines.endsStory(block.text) {
                if BoilerplateLines.isCommentsHeading(block.text) { return (index, boxes) }
                let after = prose(in: blocks[(index + 1)...])
                if after < minimumProseAfter || after <= proseRatio * proseBefore { return (index, boxes) }
                let resumes = blocks[(index + 1)...].firstIndex { prose(of: $0) > 0 } ?? blocks.count
                boxes.append(index..<resumes)
                index = resumes
                continue
            }
            proseBefore += prose(of: block)
            index += 1
        }
        return (nil, boxes)
    }

    /// Characters of prose from here up to the next end-of-story heading.
    private static func prose(in blocks: ArraySlice<TextBlock>) -> Int {
        var total = 0
        for block in blocks {
            if block.linkDensity < 0.5, BoilerplateLines.endsStory(block.text) { break }
            total += prose(of: block)
        }
        return total
    }

    /// A paragraph of running text, not a teaser link or a label.
    private static func prose(of block: TextBlock) -> Int {
        block.kind == .paragraph && block.characters >= 100 && block.linkDensity < 0.1 ? block.characters : 0
    }
}
