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
    /// `.sameStory` when `input` certainly yields the story `previous` was taken from (then
    /// nothing is parsed); otherwise the article plus, when the extractor can name them, the
    /// bytes it came from, for the next fetch to be checked against.
    func extract(_ input: ExtractionInput, unlessSameAs previous: StoryFingerprint?) throws -> ExtractionOutcome
}

public enum ExtractionOutcome: Sendable {
    case sameStory
    case article(Article, StoryFingerprint?)
}

extension ArticleExtractor {
    public func extract(_ input: ExtractionInput, unlessSameAs previous: StoryFingerprint?) throws -> ExtractionOutcome {
        .article(try extract(input), nil)
    }
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
