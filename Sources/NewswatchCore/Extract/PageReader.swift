import Foundation

/// Receives a page as a stream of start tags, end tags and text (from the SAX parser, or
/// replayed from a tree) and hands each event to the story collector and, on the first
/// reading, to the metadata collector. One pass over the page does both jobs.
final class PageReader {
    private(set) var story: StoryCollector?
    private(set) var metadata: MetadataCollector?
    private var tags: [ElementName: Tag] = [:]

    /// `story`: collect text blocks skipping this much (nil: none); `metadata`: collect metadata.
    /// `recordSkipped`: note the elements skipped as furniture (for `extract --explain`).
    init(story policy: StoryCollector.SkipPolicy?, metadata: Bool, recordSkipped: Bool = false) {
        story = policy.map(StoryCollector.init)
        if recordSkipped { story?.skippedElements = [] }
        self.metadata = metadata ? MetadataCollector() : nil
    }

    /// The metadata elements, in document order, once the page has been read.
    func metadataElements() -> [MetadataCollector.Element] {
        guard var metadata else { return [] }
        metadata.finish()
        return metadata.elements
    }

    /// `offset`: where the parser stood in the page's bytes (-1 when replayed from a tree).
    func start(_ name: ElementName, _ attributes: CommonAttributes, at offset: Int) {
        let tag: Tag
        if let known = tags[name] {
            tag = known
        } else {
            tag = Tag(name.string)
            tags[name] = tag
        }
        story?.start(tag, attributes, at: offset)
        metadata?.start(tag, attributes, at: offset)
    }

    func end(at offset: Int) {
        story?.end(at: offset)
        metadata?.end(at: offset)
    }

    func text(_ bytes: UnsafeBufferPointer<UInt8>) {
        story?.text(bytes)
        metadata?.text(bytes)
    }

    /// The end of one subtree of a `select:`ed page.
    func finishRoot() { story?.finishRoot() }
}
