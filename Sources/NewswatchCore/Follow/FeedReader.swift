import Foundation

/// A link a source gave, as written (resolved to absolute, not yet canonical).
public struct DiscoveredLink: Sendable, Hashable {
    public var url: String
    /// When the feed or sitemap says the story was published (or, failing that, updated).
    public var published: Date?

    public init(url: String, published: Date? = nil) {
        self.url = url
        self.published = published
    }
}

/// What one feed or sitemap document lists.
public enum SourceListing: Sendable {
    /// Stories (a feed, a sitemap, a Google News sitemap).
    case stories([DiscoveredLink])
    /// Further sitemaps (a sitemap index, or the `Sitemap:` lines of robots.txt).
    case sitemaps([String])
}

/// Reads RSS 2.0, RSS 1.0 (RDF), Atom 1.0, sitemaps, sitemap indexes and robots.txt. The
/// format is told by the document, never by the Content-Type (servers often get it wrong).
public enum FeedReader {
    /// The sitemap protocol's limits, applied to every source document.
    public static let maxURLs = 50_000
    public static let maxBytes = 50 * 1024 * 1024

    public enum ReadError: Error, CustomStringConvertible {
        case notAFeed(String)
        case tooLarge(Int)
        case xml(String)
        public var description: String {
            switch self {
            case .notAFeed(let what): return "not a feed or sitemap (\(what))"
            case .tooLarge(let limit): return "larger than \(limit / 1024 / 1024) MB uncompressed"
            case .xml(let detail): return detail
            }
        }
    }

    /// The document's listing. `url` is where it was fetched from (for relative links);
    /// gzip bodies (`.xml.gz`) are inflated up to `maxBytes`.
    public static func read(_ body: Data, url: String) throws -> SourceListing {
        var data = body
        if data.starts(with: [0x1f, 0x8b]) {
            do { data = try Zlib.decompress(data, limit: maxBytes) } catch { throw ReadError.tooLarge(maxBytes) }
        }
        guard data.count <= maxBytes else { throw ReadError.tooLarge(maxBytes) }
        if isRobotsTxt(url: url, data: data) { return .sitemaps(robotsSitemaps(data, base: url)) }
        var base = url
        var kind = ""
        var links: [DiscoveredLink] = []
        var sitemaps: [String] = []
        do {
            try XMLStream.read(data, url: url, recordNames: { root in
                kind = root.name.lowercased()
                base = absolute(root.attributes["xml:base"], base: url) ?? url
                switch kind {
                case "rss", "rdf": return ["item"]
                case "feed": return ["entry"]
                case "urlset": return ["url"]
                case "sitemapindex": return ["sitemap"]
                default: throw ReadError.notAFeed("root element <\(root.name)>")
                }
            }, record: { element in
                switch kind {
                case "rss", "rdf": if let link = rssItem(element, base: base) { links.append(link) }
                case "feed": if let link = atomEntry(element, base: base) { links.append(link) }
                case "urlset": if let link = sitemapURL(element, base: base) { links.append(link) }
                default: if let loc = absolute(element.child("loc")?.text, base: base) { sitemaps.append(loc) }
                }
                return links.count + sitemaps.count < maxURLs
            })
        } catch let error as ReadError {
            throw error
        } catch {
            let head = String(decoding: data.prefix(512), as: UTF8.self).lowercased()
            if head.contains("<html") || head.contains("<!doctype html") { throw ReadError.notAFeed("an HTML page") }
            throw ReadError.xml("\(error)")
        }
        return kind == "sitemapindex" ? .sitemaps(sitemaps) : .stories(links)
    }

    private static func absolute(_ link: String?, base: String) -> String? {
        guard let link, !link.isEmpty else { return nil }
        guard let url = URL(string: link.trimmingCharacters(in: .whitespacesAndNewlines), relativeTo: URL(string: base))?.absoluteURL,
              let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https" else { return nil }
        return url.absoluteString
    }

    private static func rssItem(_ item: XMLStream.Element, base: String) -> DiscoveredLink? {
        var link = item.child("link")?.text
        if link?.isEmpty ?? true, let guid = item.child("guid"), guid.attributes["isPermaLink"]?.lowercased() != "false" { link = guid.text }
        if link?.isEmpty ?? true { link = item.attributes["about"] }
        guard let url = absolute(link, base: base) else { return nil }
        let date = item.child("pubDate")?.text ?? item.child("date")?.text ?? item.child("published")?.text
        return DiscoveredLink(url: url, published: date.flatMap(FeedDate.parse))
    }

    private static func atomEntry(_ entry: XMLStream.Element, base: String) -> DiscoveredLink? {
        let entryBase = entry.attributes["xml:base"].flatMap { absolute($0, base: base) } ?? base
        let links = entry.children("link")
        let alternate = links.first { ($0.attributes["rel"] ?? "alternate") == "alternate" && ($0.attributes["type"] ?? "text/html").contains("html") }
            ?? links.first { ($0.attributes["rel"] ?? "alternate") == "alternate" }
        guard let href = alternate?.attributes["href"], let url = absolute(href, base: entryBase) else { return nil }
        let date = entry.child("published")?.text ?? entry.child("updated")?.text
        return DiscoveredLink(url: url, published: date.flatMap(FeedDate.parse))
    }

    private static func sitemapURL(_ item: XMLStream.Element, base: String) -> DiscoveredLink? {
        guard let url = absolute(item.child("loc")?.text, base: base) else { return nil }
        let date = item.child("news")?.child("publication_date")?.text ?? item.child("lastmod")?.text
        return DiscoveredLink(url: url, published: date.flatMap(FeedDate.parse))
    }

    private static func isRobotsTxt(url: String, data: Data) -> Bool {
        if URLComponents(string: url)?.path.lowercased().hasSuffix("/robots.txt") == true { return true }
        return false
    }

    private static func robotsSitemaps(_ data: Data, base: String) -> [String] {
        String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline).compactMap { line -> String? in
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces).lowercased() == "sitemap" else { return nil }
            return absolute(String(parts[1]), base: base)
        }
    }
}

/// Dates as feeds and sitemaps write them: RFC 822 (RSS) and W3C/ISO 8601 (Atom, sitemaps).
enum FeedDate {
    private static let formatters: [DateFormatter] = [
        "EEE, d MMM yyyy HH:mm:ss Z", "EEE, d MMM yyyy HH:mm:ss zzz", "d MMM yyyy HH:mm:ss Z", "EEE, d MMM yyyy HH:mm Z",
        "EEE, d MMM yyyy HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ssXXXXX", "yyyy-MM-dd'T'HH:mm:ss.SSSXXXXX", "yyyy-MM-dd'T'HH:mmXXXXX",
        "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd",
    ].map { format in
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = format
        return formatter
    }
    private static let lock = NSLock()

    static func parse(_ text: String) -> Date? {
        var value = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !value.isEmpty, value.count < 64 else { return nil }
        // Fractions of any length: keep milliseconds.
        if let dot = value.firstIndex(of: "."), value.contains("T") {
            let digits = value[value.index(after: dot)...].prefix { $0.isNumber }
            let rest = value[value.index(after: dot)...].dropFirst(digits.count)
            value = String(value[..<dot]) + "." + String((digits + "000").prefix(3)) + rest
        }
        lock.lock()
        defer { lock.unlock() }
        for formatter in formatters { if let date = formatter.date(from: value) { return date } }
        return nil
    }
}
