import Foundation

/// How sure the extractor is of a page's story and how it found it: stored with each
/// version (`Article.extraction`), printed by `extract --json`, and warned about by `check`
/// and `list` when low, so a site that needs a `select:` is noticed.
public struct ExtractionQuality: Codable, Sendable, Hashable {
    public enum Method: String, Codable, Sendable {
        /// The best-scoring container (Readability-style scoring of text and commas).
        case container
        /// The same, trusting tags only: class names had hidden the story.
        case containerByTags = "container-by-tags"
        /// No container held enough text: the densest run of prose paragraphs on the page.
        case paragraphs
        /// The page's structured data (JSON-LD `articleBody`): the page itself showed far less
        /// (a story rendered by script, or cut to a teaser).
        case linkedData = "linked-data"
        /// The watch's `select:`.
        case selector
        /// Nothing on the page reads as a story.
        case none
    }

    public var method: Method
    /// 0 to 1: enough prose, in one clear container, well ahead of the runner-up.
    public var confidence: Double

    /// Below this a watch says "extraction uncertain: consider select:".
    public static let uncertainBelow = 0.5

    public var isUncertain: Bool { confidence < Self.uncertainBelow }

    public init(method: Method, confidence: Double) {
        self.method = method
        self.confidence = confidence
    }
}

/// `newswatch extract --explain`: the container chosen and its score, the runners-up, and
/// every block left out with the reason, so a site can be fixed with `select:`/`remove:`.
public struct ExtractionReport: Codable, Sendable {
    public struct Candidate: Codable, Sendable {
        /// The element as a selector would name it: `div#main.story-body`.
        public var element: String
        public var score: Double
        public var characters: Int
        public var linkDensity: Double
    }

    public struct Dropped: Codable, Sendable {
        public var text: String
        public var reason: String
    }

    public var quality: ExtractionQuality
    public var chosen: Candidate?
    public var runnersUp: [Candidate] = []
    public var dropped: [Dropped] = []
    public var notes: [String] = []
}
