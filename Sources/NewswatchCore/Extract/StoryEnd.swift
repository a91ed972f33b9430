import Foundation

/// Where the story ends: the first heading such as "Comments" or "Related articles" past the
/// story's opening. A heading of the teaser kind ("Mehr zum Thema", "Related") followed by
/// plenty of running text is a box set into the story, not its end: the story goes on after
/// the box. A list of teasers after a story alternates titles, excerpts and labels; a story
/// that goes on is paragraph after paragraph.
enum StoryEnd {
    /// Prose after a teaser heading that makes it a box inside the story: at least this
    /// much, and once the prose resumes, at least `storyShare` of the lines prose.
    /// Of the four DEV sets' 27 teaser headings, four had 1,500 characters of prose after
    /// them: the two boxes with 75% and 93% of the lines after them prose, the two teaser
    /// lists closing a story with 33% and 35%; the share is set between the two.
    static let minimumProseAfter = 1_500
    static let storyShare = 0.6

    /// The index of the block that ends the story (nil: it runs to the last block), and the
    /// teaser boxes set into it: each a teaser heading and the lines up to the prose after it.
    static func cut(_ blocks: [TextBlock]) -> (end: Int?, boxes: [Range<Int>]) {
        var boxes: [Range<Int>] = []
        var index = 0
        while index < blocks.count {
            let block = blocks[index]
            if index >= 2, block.linkDensity < 0.5, BoilerplateLines.endsStory(block.text) {
                if BoilerplateLines.isCommentsHeading(block.text) { return (index, boxes) }
                let after = prose(in: blocks[(index + 1)...])
                let resumes = blocks[(index + 1)...].firstIndex { prose(of: $0) > 0 } ?? blocks.count
                let share = proseShare(blocks[resumes...])
                if after < minimumProseAfter || share < storyShare { return (index, boxes) }
                boxes.append(index..<resumes)
                index = resumes
                continue
            }
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

    /// The share of blocks that are prose, up to the next end-of-story heading.
    private static func proseShare(_ blocks: ArraySlice<TextBlock>) -> Double {
        var all = 0, prose = 0
        for block in blocks {
            if block.linkDensity < 0.5, BoilerplateLines.endsStory(block.text) { break }
            all += 1
            if Self.prose(of: block) > 0 { prose += 1 }
        }
        return all == 0 ? 0 : Double(prose) / Double(all)
    }

    /// A paragraph of running text, not a teaser link or a label.
    private static func prose(of block: TextBlock) -> Int {
        block.kind == .paragraph && block.characters >= 100 && block.linkDensity < 0.1 ? block.characters : 0
    }
}
