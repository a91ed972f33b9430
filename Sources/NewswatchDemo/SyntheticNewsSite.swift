import Foundation

/// Deterministic realistic news pages for benchmarks: several sites, each with its own
/// template (navigation, inline CSS and configuration script, "Latest News" and "Most
/// read" sidebars, footer), articles of 60-150 KB of HTML, and sidebars, clocks and
/// session ids that change on every fetch. Between generations 10% of the articles are
/// edited the way stories are: a paragraph added, a sentence changed, a headline changed.
public struct SyntheticNewsSite: Sendable {
    public struct Story: Sendable {
        public var id: Int
        public var site: Int
        public var headline: String
        public var paragraphs: [String]
    }

    public private(set) var stories: [Story]
    public let sites: Int
    private let siteChrome: [String]
    private var random: SplitMix

    public init(pages: Int, sites: Int = 5, seed: UInt64 = 2024) {
        var random = SplitMix(seed: seed)
        self.sites = sites
        siteChrome = (0..<sites).map { Self.chrome(site: $0, random: &random) }
        stories = (0..<pages).map { id in
            Story(id: id, site: id % sites, headline: Self.sentence(words: 9, random: &random, capitalizeAll: true),
                  paragraphs: (0..<Int.random(in: 14...40, using: &random)).map { _ in
                      Self.paragraph(random: &random)
                  })
        }
        self.random = random
    }

    public func path(of story: Int) -> String { "/site\(stories[story].site)/news/story-\(story).html" }

    /// Edits `fraction` of the stories; returns the ids edited.
    @discardableResult
    public mutating func editGeneration(fraction: Double = 0.1) -> [Int] {
        let count = Int((Double(stories.count) * fraction).rounded())
        var chosen = Set<Int>()
        while chosen.count < count { chosen.insert(Int.random(in: 0..<stories.count, using: &random)) }
        for (n, id) in chosen.sorted().enumerated() {
            switch n % 3 {
            case 0:
                let at = Int.random(in: 0...stories[id].paragraphs.count, using: &random)
                stories[id].paragraphs.insert(Self.paragraph(random: &random), at: at)
            case 1:
                let at = Int.random(in: 0..<stories[id].paragraphs.count, using: &random)
                var sentences = stories[id].paragraphs[at].components(separatedBy: ". ")
                sentences[Int.random(in: 0..<sentences.count, using: &random)] = Self.sentence(words: 14, random: &random)
                stories[id].paragraphs[at] = sentences.joined(separator: ". ")
            default:
                stories[id].headline = Self.sentence(words: 10, random: &random, capitalizeAll: true)
            }
        }
        return chosen.sorted()
    }

    /// The page as served on fetch number `fetch` (the boilerplate differs on every fetch).
    public func html(story id: Int, fetch: Int) -> String {
        let story = stories[id]
        var local = SplitMix(seed: UInt64(id) &* 7919 &+ UInt64(fetch) &* 104729)
        let latest = (0..<20).map { _ in Self.sentence(words: 8, random: &local, capitalizeAll: true) }
        let mostRead = (0..<10).map { _ in Self.sentence(words: 7, random: &local, capitalizeAll: true) }
        let clock = String(format: "%02d:%02d", fetch % 24, (fetch * 7 + id) % 60)
        let session = String(UInt64.random(in: 0...UInt64.max, using: &local), radix: 16)
        var page = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>\(story.headline) | Site \(story.site) News</title>"
        page += "<meta property=\"og:title\" content=\"\(story.headline)\"><meta property=\"article:published_time\" content=\"2024-06-18T13:12:00Z\">"
        page += siteChrome[story.site]
        page += "<script>window.__SESSION__=\"\(session)\";window.__RENDERED__=\"\(clock)\";</script></head><body>"
        page += "<header class=\"site-header\"><div class=\"clock\">Updated \(clock)</div></header>"
        page += "<main><article class=\"story\"><h1>\(story.headline)</h1><div class=\"byline\">By Staff Reporter</div><div class=\"story-body\">"
        page += story.paragraphs.map { "<p>\($0)</p>" }.joined(separator: "\n")
        page += "</div></article><aside class=\"sidebar\"><h3>Latest News</h3><ul>"
        page += latest.enumerated().map { "<li><a href=\"/news/\($0.offset)-\(session.prefix(4))\">\($0.element)</a> <span>\(clock)</span></li>" }.joined()
        page += "</ul><h3>Most read</h3><ol>" + mostRead.map { "<li><a href=\"/read\">\($0)</a></li>" }.joined() + "</ol></aside></main>"
        page += "<footer class=\"site-footer\">" + (0..<60).map { "<a href=\"/section/\($0)\">Section \($0)</a>" }.joined(separator: " ") + "</footer></body></html>"
        return page
    }

    public func storyText(_ id: Int) -> String {
        ([stories[id].headline] + stories[id].paragraphs).joined(separator: "\n") + "\n"
    }

    // MARK: Text

    public static let vocabulary: [String] = {
        var random = SplitMix(seed: 99)
        let syllables = ["ka", "lo", "mi", "ster", "an", "ve", "ro", "tion", "pre", "de", "mar", "lin", "gu", "pol", "ic", "ent", "or", "sa", "ten", "ber"]
        let common = ["the", "of", "and", "to", "in", "a", "said", "on", "for", "that", "with", "was", "is", "by", "at", "from", "as", "his", "her", "their", "officials", "government", "minister", "president", "talks", "agreement", "week", "year"]
        var words = common
        while words.count < 3000 {
            let count = Int.random(in: 1...4, using: &random)
            words.append((0..<count).map { _ in syllables.randomElement(using: &random)! }.joined())
        }
        return words
    }()

    static func sentence(words: Int, random: inout SplitMix, capitalizeAll: Bool = false) -> String {
        var parts: [String] = []
        for index in 0..<words {
            // Zipf-like: common words far more often than rare ones.
            let rank = Int(Double(vocabulary.count) * pow(Double.random(in: 0..<1, using: &random), 3))
            var word = vocabulary[min(rank, vocabulary.count - 1)]
            if index == 0 || capitalizeAll { word = word.prefix(1).uppercased() + word.dropFirst() }
            parts.append(word)
        }
        return parts.joined(separator: " ")
    }

    static func paragraph(random: inout SplitMix) -> String {
        (0..<Int.random(in: 2...5, using: &random)).map { _ in
            sentence(words: Int.random(in: 8...22, using: &random), random: &random) + (Bool.random(using: &random) ? "," : "")
        }.joined(separator: ". ") + "."
    }

    /// Per-site head: inline CSS and a configuration script, like real news templates.
    static func chrome(site: Int, random: inout SplitMix) -> String {
        let css = (0..<Int.random(in: 300...600, using: &random)).map { n in
            ".c\(site)-\(n){margin:\(n % 17)px;padding:\(n % 5)px \(n % 9)px;color:#\(String(n * 2654435761 % 0xFFFFFF, radix: 16));font-size:\(12 + n % 8)px}"
        }.joined()
        let menu = (0..<Int.random(in: 250...1500, using: &random)).map { n in
            "{\"id\":\(n),\"label\":\"\(sentence(words: 3, random: &random, capitalizeAll: true))\",\"url\":\"/section/\(n)\",\"children\":[]}"
        }.joined(separator: ",")
        return "<style>\(css)</style><script>window.__CONFIG__={\"site\":\(site),\"menu\":[\(menu)]};</script>"
    }
}

/// A small, fast, seedable random generator so benchmark pages are the same every run.
public struct SplitMix: RandomNumberGenerator, Sendable {
    var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E3779B97F4A7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
        z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
        return z ^ (z >> 31)
    }
}
