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
            if index >= 2, isEndHeading(block) {
                if BoilerplateLines.isCommentsHeading(block.text) { return (index, boxes) }
                let following = reading(blocks, after: index)
                if following.prose < minimumProseAfter || following.proseShare < storyShare { return (index, boxes) }
                boxes.append(index..<following.resumes)
                index = following.resumes
                continue
            }
            index += 1
        }
        return (nil, boxes)
    }

    /// Links listed under a teaser label set into the story ("DON'T MISS", "Read more:",
    /// "Lesen Sie auch:"): the label is dropped as a line, and the lines after it that are
    /// mostly link, up to the first that is not, are the teasers it introduces.
    static func labelledTeasers(_ blocks: [TextBlock]) -> [Range<Int>] {
        var runs: [Range<Int>] = []
        var index = 0
        while index < blocks.count {
            defer { index += 1 }
            guard blocks[index].linkDensity < 0.5, BoilerplateLines.isTeaserLabel(blocks[index].text) else { continue }
            var end = index + 1
            while end < blocks.count, blocks[end].kind != .heading, blocks[end].linkDensity >= teaserLinkShare { end += 1 }
            if end > index + 1 {
                runs.append((index + 1)..<end)
                index = end - 1
            }
        }
        return runs
    }
    /// Link share from which a line after a teaser label is one of its teasers.
    static let teaserLinkShare = 0.6

    /// What follows a heading, up to the next end-of-story heading, in one pass: characters of
    /// prose, where the prose resumes, and the share of lines from there on that are prose.
    private static func reading(_ blocks: [TextBlock], after heading: Int) -> (prose: Int, resumes: Int, proseShare: Double) {
        var prose = 0, resumes: Int?, lines = 0, proseLines = 0
        for index in (heading + 1)..<blocks.count {
            let block = blocks[index]
            if isEndHeading(block) { break }
            let characters = Self.prose(of: block)
            prose += characters
            if characters > 0, resumes == nil { resumes = index }
            if resumes != nil {
                lines += 1
                if characters > 0 { proseLines += 1 }
            }
        }
        // Prose that resumes only past the next heading is no box's: nothing resumes here.
        guard let resumes else { return (prose, blocks.count, 0) }
        return (prose, resumes, Double(proseLines) / Double(lines))
    }

    static func isEndHeading(_ block: TextBlock) -> Bool {
        block.linkDensity < 0.5 && BoilerplateLines.endsStory(block.text)
    }

    /// A paragraph of running text, not a teaser link or a label.
    private static func prose(of block: TextBlock) -> Int {
        block.kind == .paragraph && block.characters >= 100 && block.linkDensity < 0.1 ? block.characters : 0
    }
}
