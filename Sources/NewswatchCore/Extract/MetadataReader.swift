import Foundation

/// Reads headline, byline, dates and the like from JSON-LD (NewsArticle and friends),
/// OpenGraph/meta tags, `<time>`, `<h1>` and `<title>`, in that order of trust.
struct MetadataReader {
    static let articleTypes: Set<String> = [
        "Article", "NewsArticle", "ReportageNewsArticle", "AnalysisNewsArticle", "OpinionNewsArticle",
        "BackgroundNewsArticle", "ReviewNewsArticle", "BlogPosting", "LiveBlogPosting", "TechArticle",
        "ScholarlyArticle", "SocialMediaPosting", "Report",
    ]

    /// Where the headline and byline came from, when it was the page body rather than
    /// structured data or meta tags: those elements then decide the story too.
    struct Provenance {
        var titleFromHeading = false
        var bylineFromPage = false
        /// The JSON-LD article's `articleBody`, when the page states one.
        var linkedDataBody: String?
        /// The sections the page files the story under (JSON-LD `articleSection`,
        /// `article:section`), lower-cased: the same words above the story are a label.
        var sections: Set<String> = []
    }

    @discardableResult
    /// `story`: the byte range of the story's container in the page, when known.
    func read(_ elements: [MetadataCollector.Element], into article: inout Article, story: Range<Int>? = nil) -> Provenance {
        var meta: [String: String] = [:]
        var titleTag: String?
        var h1s: [(text: String, start: Int)] = []
        var times: [String] = []
        var linked: [String: Any]?
        var domByline: String?
        for element in elements {
            let attributes = element.attributes
            if domByline == nil, element.isBylineCandidate {
                if let text = TextNormalizer.clean(element.text), text.count < 100 {
                    domByline = Self.stripBy(text)
                }
                if element.tag != .meta && element.tag != .link { continue }
            }
            switch element.tag {
            case .html:
                article.language = article.language ?? TextNormalizer.clean(attributes.lang)
            case .title:
                titleTag = titleTag ?? TextNormalizer.clean(element.text)
            case .meta:
                guard let content = TextNormalizer.clean(attributes.content) else { continue }
                for key in [attributes.property, attributes.name, attributes.itemprop].compactMap({ $0?.lowercased() }) {
                    if meta[key] == nil { meta[key] = content }
                }
                if let equiv = attributes.httpEquiv?.lowercased(), equiv == "content-language", meta["content-language"] == nil {
                    meta["content-language"] = content
                }
            case .link:
                if attributes.rel == "canonical" { article.canonicalURL = article.canonicalURL ?? TextNormalizer.clean(attributes.href) }
            case .h1:
                if let text = TextNormalizer.clean(element.text).map(Self.withoutPermalinkMark) { h1s.append((text, element.start)) }
            case .time:
                if let value = TextNormalizer.clean(attributes.datetime) { times.append(value) }
            case .linkedData:
                if linked == nil, let data = element.text?.data(using: .utf8),
                   let json = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) {
                    linked = Self.findArticle(in: json, depth: 0)
                }
            case .other:
                break
            }
        }
        let ld = linked ?? [:]
        let ldTitle = TextNormalizer.clean(ld["headline"] as? String) ?? TextNormalizer.clean(ld["name"] as? String)
        var provenance = Provenance()
        provenance.linkedDataBody = ld["articleBody"] as? String
        provenance.sections = Self.sections(ld["articleSection"], meta["article:section"])
        let openGraph = meta["og:title"] ?? meta["twitter:title"]
        let strippedTitle = Self.stripSiteName(titleTag)
        let structured = [ldTitle, openGraph, meta["dc.title"], strippedTitle].compactMap { $0 }
        let visible = Self.visibleHeadline(h1s, structured: structured, story: story)
        // The headline is the one readers see; structured data and <title> are fallbacks.
        article.title = visible ?? ldTitle ?? openGraph ?? meta["dc.title"] ?? strippedTitle
        if article.title == nil, let heading = h1s.first { article.title = heading.text }
        // Any <h1> may become the headline readers see, so every one decides the story.
        provenance.titleFromHeading = !h1s.isEmpty
        article.headlines = Article.Headlines(visible: visible, linkedData: ldTitle, openGraph: openGraph, titleTag: strippedTitle)
        article.byline = Self.authorNames(ld["author"]) ?? meta["author"] ?? meta["article:author"].flatMap { $0.hasPrefix("http") ? nil : $0 }
            ?? meta["dc.creator"] ?? meta["parsely-author"] ?? meta["sailthru.author"]
        if article.byline == nil, let domByline {
            article.byline = domByline
            provenance.bylineFromPage = true
        }
        article.published = TextNormalizer.clean(ld["datePublished"] as? String) ?? meta["article:published_time"]
            ?? meta["datepublished"] ?? meta["pubdate"] ?? meta["date"] ?? meta["dc.date"] ?? times.first
        article.modified = TextNormalizer.clean(ld["dateModified"] as? String) ?? meta["article:modified_time"]
            ?? meta["og:updated_time"] ?? meta["datemodified"] ?? meta["last-modified"]
        article.lead = TextNormalizer.clean(ld["description"] as? String) ?? meta["og:description"] ?? meta["description"] ?? meta["twitter:description"]
        article.siteName = meta["og:site_name"] ?? TextNormalizer.clean((ld["publisher"] as? [String: Any])?["name"] as? String)
        article.canonicalURL = article.canonicalURL ?? meta["og:url"]
        article.language = article.language ?? TextNormalizer.clean(ld["inLanguage"] as? String) ?? meta["content-language"] ?? meta["og:locale"]
        return provenance
    }

    /// `articleSection` is a name or a list of names; `article:section` one name.
    static func sections(_ linkedData: Any?, _ metaSection: String?) -> Set<String> {
        let named = (linkedData as? [Any] ?? [linkedData as Any]).compactMap { $0 as? String } + [metaSection].compactMap { $0 }
        return Set(named.compactMap { TextNormalizer.clean($0)?.lowercased() })
    }

    /// Bytes before the story's container within which an `<h1>` still heads it (byline,
    /// date and share buttons sit between; a site's header and menus sit further up).
    static let headlineReach = 1_500

    /// The story's `<h1>`: the one that reads most like the headlines the page states in its
    /// metadata (a site's logo or section name in an `<h1>` does not); failing that, an `<h1>`
    /// of a few words inside the story's container or just above it, where a headline sits
    /// (the metadata may name only the site).
    static func visibleHeadline(_ h1s: [(text: String, start: Int)], structured: [String], story: Range<Int>?) -> String? {
        let candidates = h1s.filter { $0.text.split(separator: " ").count >= 2 && $0.text.count <= 300 }
        guard !candidates.isEmpty else { return nil }
        var best: (String, Double)?
        let stated = structured.map { WordDiff.words($0.lowercased()) }
        for heading in candidates {
            let headingWords = WordDiff.words(heading.text.lowercased())
            for other in stated {
                let score = WordDiff.similarity(words: headingWords, other)
                if score > (best?.1 ?? 0) { best = (heading.text, score) }
            }
        }
        if let (heading, score) = best, score >= 0.4 { return heading }
        guard let story else { return nil }
        let heading = candidates.last { $0.start >= 0 && $0.start >= story.lowerBound - headlineReach && $0.start < story.upperBound }
        // Four words at least: "Information and Resources" or "Hi, I'm Nicolas." label a page, not a story.
        return heading.flatMap { $0.text.split(separator: " ").count >= 4 ? $0.text : nil }
    }

    /// "Heading¶" -> "Heading": documentation and blog engines append a link mark.
    static func withoutPermalinkMark(_ text: String) -> String {
        var text = text
        while let last = text.last, ["¶", "#", "§", "🔗"].contains(String(last)) || last == " " { text.removeLast() }
        return text
    }

    /// Depth-first search for the first object whose `@type` is an article type.
    static func findArticle(in json: Any, depth: Int) -> [String: Any]? {
        guard depth < 8 else { return nil }
        if let list = json as? [Any] {
            for item in list { if let found = findArticle(in: item, depth: depth + 1) { return found } }
        } else if let object = json as? [String: Any] {
            let types: [String] = (object["@type"] as? String).map { [$0] } ?? (object["@type"] as? [String]) ?? []
            if types.contains(where: articleTypes.contains) { return object }
            if let graph = object["@graph"], let found = findArticle(in: graph, depth: depth + 1) { return found }
            if let main = object["mainEntity"], let found = findArticle(in: main, depth: depth + 1) { return found }
        }
        return nil
    }

    static func authorNames(_ value: Any?) -> String? {
        switch value {
        case let name as String:
            return TextNormalizer.clean(name)
        case let object as [String: Any]:
            return TextNormalizer.clean(object["name"] as? String)
        case let list as [Any]:
            let names = list.compactMap { authorNames($0) }
            return names.isEmpty ? nil : names.joined(separator: ", ")
        default:
            return nil
        }
    }

    /// "By Jane Doe" -> "Jane Doe".
    static func stripBy(_ text: String) -> String {
        let lower = text.lowercased()
        for prefix in ["by: ", "by ", "von ", "par "] where lower.hasPrefix(prefix) {
            return String(text.dropFirst(prefix.count)).trimmingCharacters(in: .whitespaces)
        }
        return text
    }

    /// "Story headline | Site" -> "Story headline", keeping the longer part.
    static func stripSiteName(_ title: String?) -> String? {
        guard let title else { return nil }
        for separator in [" | ", " - ", " – ", " — ", " :: ", " » ", " · "] where title.contains(separator) {
            let parts = title.components(separatedBy: separator)
            if let longest = parts.max(by: { $0.count < $1.count }), longest.split(separator: " ").count >= 3 {
                return longest.trimmingCharacters(in: .whitespaces)
            }
        }
        return title
    }
}
