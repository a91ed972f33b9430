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
/// Parsed by hand: a DateFormatter took two thirds of the time of reading a large feed.
enum FeedDate {
    static func parse(_ text: String) -> Date? {
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }
        var bytes = Array(text.utf8.drop(while: isSpace))
        while let last = bytes.last, isSpace(last) { bytes.removeLast() }
        guard !bytes.isEmpty, bytes.count < 64 else { return nil }
        return (bytes.first.map { $0 >= 0x30 && $0 <= 0x39 } == true ? iso8601(bytes) : nil) ?? rfc822(bytes)
    }

    /// Seconds since 1970 of a UTC civil date and time (Howard Hinnant's days_from_civil).
    static func epoch(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Double) -> Double? {
        guard (1...12).contains(month), (1...31).contains(day), (0...24).contains(hour), (0...59).contains(minute), second >= 0, second < 61 else { return nil }
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146097 + doe - 719468
        return Double(days * 86400 + hour * 3600 + minute * 60) + second
    }

    /// A run of ASCII digits at `index`: its value and how many digits.
    private static func number(_ bytes: [UInt8], _ index: inout Int, maxDigits: Int = 9) -> (Int, Int)? {
        var value = 0, count = 0
        while index < bytes.count, count < maxDigits, bytes[index] >= 0x30, bytes[index] <= 0x39 {
            value = value * 10 + Int(bytes[index] - 0x30)
            index += 1
            count += 1
        }
        return count == 0 ? nil : (value, count)
    }

    private static func expect(_ bytes: [UInt8], _ index: inout Int, _ byte: UInt8) -> Bool {
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    /// `2026-11-30`, `2026-11-30T01:00Z`, `2026-11-30T01:00:00.123+01:00`, `...+0100`.
    static func iso8601(_ bytes: [UInt8]) -> Date? {
        var i = 0
        guard let (year, yearDigits) = number(bytes, &i, maxDigits: 4), yearDigits == 4, expect(bytes, &i, 0x2D),
              let (month, _) = number(bytes, &i, maxDigits: 2), expect(bytes, &i, 0x2D),
              let (day, _) = number(bytes, &i, maxDigits: 2) else { return nil }
        var hour = 0, minute = 0, second = 0.0, offset = 0
        if i < bytes.count, bytes[i] == 0x54 || bytes[i] == 0x74 || bytes[i] == 0x20 {
            i += 1
            guard let (h, _) = number(bytes, &i, maxDigits: 2), expect(bytes, &i, 0x3A), let (m, _) = number(bytes, &i, maxDigits: 2) else { return nil }
            hour = h
            minute = m
            if expect(bytes, &i, 0x3A) {
                guard let (s, _) = number(bytes, &i, maxDigits: 2) else { return nil }
                second = Double(s)
                if expect(bytes, &i, 0x2E) || expect(bytes, &i, 0x2C) {
                    var scale = 0.1
                    while i < bytes.count, bytes[i] >= 0x30, bytes[i] <= 0x39 { second += Double(bytes[i] - 0x30) * scale; scale /= 10; i += 1 }
                }
            }
            if i < bytes.count {
                switch bytes[i] {
                case 0x5A, 0x7A: i += 1
                case 0x2B, 0x2D:
                    let sign = bytes[i] == 0x2D ? -1 : 1
                    i += 1
                    guard let (oh, _) = number(bytes, &i, maxDigits: 2) else { return nil }
                    _ = expect(bytes, &i, 0x3A)
                    let om = number(bytes, &i, maxDigits: 2)?.0 ?? 0
                    offset = sign * (oh * 3600 + om * 60)
                default: return nil
                }
            }
        }
        guard i == bytes.count, let seconds = epoch(year: year, month: month, day: day, hour: hour, minute: minute, second: second) else { return nil }
        return Date(timeIntervalSince1970: seconds - Double(offset))
    }

    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    private static let zones: [String: Int] = ["gmt": 0, "ut": 0, "utc": 0, "z": 0, "est": -5, "edt": -4, "cst": -6, "cdt": -5,
                                               "mst": -7, "mdt": -6, "pst": -8, "pdt": -7]

    /// `Mon, 30 Nov 2026 01:00:00 GMT`, `30 Nov 2026 01:00 +0100`, two-digit years, US zones.
    static func rfc822(_ bytes: [UInt8]) -> Date? {
        let words = String(decoding: bytes, as: UTF8.self).lowercased().split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\t" })
        var rest = words[...]
        if let first = rest.first, Int(first) == nil { rest = rest.dropFirst() }  // the weekday
        guard rest.count >= 4, let day = Int(rest[rest.startIndex]),
              let month = months.firstIndex(of: String(rest[rest.startIndex + 1].prefix(3))).map({ $0 + 1 }),
              var year = Int(rest[rest.startIndex + 2]) else { return nil }
        if year < 100 { year += year < 50 ? 2000 : 1900 }
        let time = rest[rest.startIndex + 3].split(separator: ":").map { Int($0) }
        guard time.count >= 2, time.allSatisfy({ $0 != nil }) else { return nil }
        var offset = 0
        if rest.count >= 5 {
            let zone = rest[rest.startIndex + 4]
            if let hours = zones[String(zone)] {
                offset = hours * 3600
            } else if let sign = zone.first, sign == "+" || sign == "-", zone.count == 5, let value = Int(zone.dropFirst()) {
                offset = (sign == "-" ? -1 : 1) * ((value / 100) * 3600 + (value % 100) * 60)
            } else {
                return nil
            }
        }
        guard let seconds = epoch(year: year, month: month, day: day, hour: time[0]!, minute: time[1]!, second: Double(time.count > 2 ? time[2]! : 0)) else { return nil }
        return Date(timeIntervalSince1970: seconds - Double(offset))
    }
}
