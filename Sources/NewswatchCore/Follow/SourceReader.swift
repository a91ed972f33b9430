import Foundation

/// Reads `follow:` sources: fetches each (conditionally), follows sitemap indexes two levels
/// deep, and returns the story links each lists. A source's trouble is that source's
/// failure only.
public struct SourceReader: Sendable {
    public var fetcher: any Fetcher
    /// Sitemap indexes are followed this many levels (an index of indexes, then sitemaps).
    public static let maxIndexDepth = 2
    /// Child sitemaps read per source per read; the newest are listed first by most sites.
    public static let maxChildSitemaps = 50

    public init(fetcher: any Fetcher) { self.fetcher = fetcher }

    public enum Outcome: Sendable {
        case notModified
        case found([DiscoveredLink])
        case failed(String)
    }

    public struct Read: Sendable {
        public var source: FollowSource
        public var outcome: Outcome
        public var etag: String?
        public var lastModified: String?
        /// Documents fetched (the source and any child sitemaps).
        public var fetches: Int
    }

    public func read(_ sources: [FollowSource], states: [String: WatchState]) async -> [Read] {
        let requests = sources.map { source in
            request(source.url, for: source, state: states[source.name])
        }
        let results = await fetcher.fetch(requests)
        var reads: [Read] = []
        for (source, result) in zip(sources, results) {
            var read = Read(source: source, outcome: .failed("not read"), fetches: 1)
            switch result {
            case .failure(let error):
                read.outcome = .failed("\(source.kind.rawValue) \(source.url): \(error)")
            case .success(let response) where response.isNotModified:
                read.outcome = .notModified
                read.etag = states[source.name]?.etag
                read.lastModified = states[source.name]?.lastModified
            case .success(let response) where !response.isSuccess:
                read.outcome = .failed("\(source.kind.rawValue) \(source.url): HTTP \(response.status)")
            case .success(let response):
                read.etag = response.etag
                read.lastModified = response.lastModified
                do {
                    switch source.kind {
                    case .front:
                        read.outcome = .found(try frontLinks(response, source: source))
                    case .feed, .sitemap:
                        let (links, fetched) = try await listing(response, source: source)
                        read.outcome = .found(links)
                        read.fetches += fetched
                    }
                } catch {
                    read.outcome = .failed("\(source.kind.rawValue) \(response.finalURL): \(error)")
                }
            }
            reads.append(read)
        }
        return reads
    }

    private func request(_ url: String, for source: FollowSource, state: WatchState?) -> FetchRequest {
        var limits = FetchLimits()
        limits.maxBodyBytes = FeedReader.maxBytes
        limits.blockPrivateNetworks = source.storyTemplate.blockPrivateNetworks
        return FetchRequest(url: url, headers: source.storyTemplate.headers, etag: state?.etag, lastModified: state?.lastModified,
                            limits: limits, proxy: source.storyTemplate.proxy)
    }

    /// A feed's or sitemap's stories; a sitemap index's children are fetched, at most
    /// `maxIndexDepth` levels down, each document once (an index pointing at itself stops).
    private func listing(_ response: FetchResult, source: FollowSource) async throws -> ([DiscoveredLink], Int) {
        var links: [DiscoveredLink] = []
        var visited: Set<String> = [response.requestedURL, response.finalURL]
        var fetched = 0
        var pending: [String]
        switch try FeedReader.read(response.body, url: response.finalURL) {
        case .stories(let found): return (found, 0)
        case .sitemaps(let children): pending = children
        }
        var problems: [String] = []
        var loops = 0
        var sitemapsRead = 0
        for _ in 0..<Self.maxIndexDepth {
            let fresh = pending.filter { visited.insert($0).inserted }
            loops += pending.count - fresh.count
            let batch = Array(fresh.prefix(Self.maxChildSitemaps))
            pending = []
            guard !batch.isEmpty else { break }
            let results = await fetcher.fetch(batch.map { request($0, for: source, state: nil) })
            fetched += batch.count
            for (url, result) in zip(batch, results) {
                switch result {
                case .failure(let error): problems.append("\(url): \(error)")
                case .success(let child) where !child.isSuccess: problems.append("\(url): HTTP \(child.status)")
                case .success(let child):
                    do {
                        switch try FeedReader.read(child.body, url: child.finalURL) {
                        case .stories(let found): links += found; sitemapsRead += 1
                        case .sitemaps(let more): pending += more
                        }
                    } catch {
                        problems.append("\(url): \(error)")
                    }
                }
                if links.count >= FeedReader.maxURLs { break }
            }
        }
        // Children that failed while others answered: the stories found still count.
        if links.isEmpty, let first = problems.first { throw FeedReader.ReadError.xml("no sitemap of the index could be read (\(first))") }
        if sitemapsRead == 0, loops > 0 { throw FeedReader.ReadError.xml("the sitemap index leads back to itself (a loop) and lists no stories") }
        if sitemapsRead == 0, !pending.isEmpty {
            throw FeedReader.ReadError.xml("sitemap indexes nested deeper than \(Self.maxIndexDepth) levels; name a sitemap nearer the stories")
        }
        return (Array(links.prefix(FeedReader.maxURLs)), fetched)
    }

    /// The story links of a section or front page: those matching `links:` (a regular
    /// expression over the absolute URL, or a CSS selector), or by default the same site's
    /// links that look like articles (a long hyphenated slug or a number in the path).
    func frontLinks(_ response: FetchResult, source: FollowSource) throws -> [DiscoveredLink] {
        let document = try HTMLDocument(data: response.body, url: response.finalURL, encoding: response.charset)
        let selector: ContentSelector? = if case .css(let css) = source.links { css } else { nil }
        let (hrefs, baseHref) = try document.links(matching: selector)
        let base = baseHref.flatMap { URL(string: $0, relativeTo: URL(string: response.finalURL))?.absoluteString } ?? response.finalURL
        let pattern: NSRegularExpression? = if case .pattern(let text) = source.links { try NSRegularExpression(pattern: text) } else { nil }
        let site = StoryURL.siteHost(base)
        var seen: Set<String> = []
        var links: [DiscoveredLink] = []
        for href in hrefs {
            guard let url = URL(string: href.trimmingCharacters(in: .whitespacesAndNewlines), relativeTo: URL(string: base))?.absoluteString,
                  let scheme = URLComponents(string: url)?.scheme?.lowercased(), scheme == "http" || scheme == "https" else { continue }
            let keep: Bool
            if let pattern {
                keep = pattern.firstMatch(in: url, range: NSRange(url.startIndex..., in: url)) != nil
            } else if case .css = source.links {
                keep = true
            } else {
                keep = StoryURL.siteHost(url) == site && Self.looksLikeStory(url)
            }
            if keep, seen.insert(url).inserted { links.append(DiscoveredLink(url: url)) }
            if links.count >= FeedReader.maxURLs { break }
        }
        return links
    }

    /// An article address: a number of four or more digits in the path (a date, an id), or
    /// a hyphenated slug of four words or more below a section (`/world/storm-hits-the-coast`).
    static func looksLikeStory(_ url: String) -> Bool {
        guard let path = URLComponents(string: url)?.path, path.count > 1 else { return false }
        if path.range(of: "[0-9]{4,}", options: .regularExpression) != nil { return true }
        let segments = path.split(separator: "/")
        guard segments.count >= 2, let last = segments.last else { return false }
        return last.split(separator: "-").count >= 4
    }
}
