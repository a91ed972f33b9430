import Foundation

/// The input of the extract stage: a fetched page's bytes plus what HTTP said about them.
public struct ExtractionInput: Sendable {
    public var html: Data
    public var url: String?
    /// The charset from Content-Type, when the server sent one; it wins over `<meta charset>`.
    public var charset: String?
    public var select: ContentSelector?
    public var remove: [ContentSelector]

    public init(html: Data, url: String? = nil, charset: String? = nil, select: ContentSelector? = nil, remove: [ContentSelector] = []) {
        self.html = html
        self.url = url
        self.charset = charset
        self.select = select
        self.remove = remove
    }
}

/// The extract stage: page bytes in, article out.
public protocol ArticleExtractor: Sendable {
    /// Recorded with each snapshot so a better extractor can re-run over old pages.
    var version: String { get }
    func extract(_ input: ExtractionInput) throws -> Article
    /// The article plus, when the extractor can name them, the bytes it came from: the next
    /// fetch of the page is then checked against them before anything is parsed.
    func extractWithFingerprint(_ input: ExtractionInput) throws -> (Article, StoryFingerprint?)
    /// True only when `input` certainly yields the story `fingerprint` was taken from.
    func hasSameStory(_ input: ExtractionInput, as fingerprint: StoryFingerprint) -> Bool
}

extension ArticleExtractor {
    public func extractWithFingerprint(_ input: ExtractionInput) throws -> (Article, StoryFingerprint?) { (try extract(input), nil) }
    public func hasSameStory(_ input: ExtractionInput, as fingerprint: StoryFingerprint) -> Bool { false }
}

public enum ExtractionError: Error, CustomStringConvertible {
    case unparseable(String)
    case invalidSelector(String)

    public var description: String {
        switch self {
        case .unparseable(let why): return "cannot parse HTML: \(why)"
        case .invalidSelector(let why): return "invalid selector: \(why)"
        }
    }
}
