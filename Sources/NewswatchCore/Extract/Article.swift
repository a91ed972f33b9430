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
}
