import Foundation

/// The main story of a page, without the site around it. This is what is stored and diffed.
public struct Article: Codable, Sendable, Hashable {
    public enum BlockKind: String, Codable, Sendable {
        case paragraph, heading, listItem = "list-item", quote, preformatted
    }

    public struct Block: Codable, Sendable, Hashable {
        public var kind: BlockKind
        public var text: String

        public init(_ kind: BlockKind, _ text: String) {
            self.kind = kind
            self.text = text
        }
    }

    public var title: String?
    public var byline: String?
    public var published: String?
    public var modified: String?
    public var canonicalURL: String?
    public var language: String?
    public var lead: String?
    public var siteName: String?
    public var blocks: [Block]
    /// Every headline the page states, kept with the version: `title` is the one readers see,
    /// and a change of any of these is a headline change.
    public var headlines: Headlines?
    /// How the story was found and how sure the extractor is (not part of the story itself).
    public var extraction: ExtractionQuality?

    /// The page's headlines by where they were found.
    public struct Headlines: Codable, Sendable, Hashable {
        /// The story's `<h1>`: what readers see.
        public var visible: String?
        /// JSON-LD `headline`.
        public var linkedData: String?
        /// `og:title`.
        public var openGraph: String?
        /// `<title>`, minus the site name.
        public var titleTag: String?

        public init(visible: String? = nil, linkedData: String? = nil, openGraph: String? = nil, titleTag: String? = nil) {
            self.visible = visible
            self.linkedData = linkedData
            self.openGraph = openGraph
            self.titleTag = titleTag
        }

        /// (name, value) in order of trust.
        public var all: [(source: String, text: String?)] {
            [("headline", visible), ("JSON-LD headline", linkedData), ("og:title", openGraph), ("<title>", titleTag)]
        }
    }

    public init(title: String? = nil, byline: String? = nil, published: String? = nil, modified: String? = nil,
                canonicalURL: String? = nil, language: String? = nil, lead: String? = nil, siteName: String? = nil,
                blocks: [Block] = []) {
        self.title = title
        self.byline = byline
        self.published = published
        self.modified = modified
        self.canonicalURL = canonicalURL
        self.language = language
        self.lead = lead
        self.siteName = siteName
        self.blocks = blocks
    }

    /// The body text, one block per line.
    public var text: String { blocks.map(\.text).joined(separator: "\n") }

    /// What a reader would call the story: headline and body. Two versions with the same
    /// story text are the same version, whatever the rest of the page did.
    public var storyText: String {
        var lines: [String] = []
        if let title, !title.isEmpty { lines.append(title) }
        lines.append(contentsOf: blocks.map(\.text))
        return lines.isEmpty ? "" : lines.joined(separator: "\n") + "\n"
    }

    public var isEmpty: Bool { blocks.isEmpty && (title ?? "").isEmpty }

    /// What decides "same story": the story text and, when the page states them, its other
    /// headlines (a stale `og:title` beside a new `<h1>`, or the reverse, is a change).
    public var identity: String {
        guard let headlines else { return storyText }
        let others = [headlines.linkedData, headlines.openGraph, headlines.titleTag].map { $0 ?? "" }
        return storyText + "\u{1F}" + others.joined(separator: "\u{1F}")
    }

    /// This article without its texts: its metadata, and its blocks' kinds with empty text.
    public var outline: Article {
        var copy = self
        copy.blocks = blocks.map { Block($0.kind, "") }
        copy.lead = nil
        return copy
    }
}
