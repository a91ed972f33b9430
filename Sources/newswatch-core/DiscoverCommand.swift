import ArgumentParser
import Foundation
import NewswatchCore

struct DiscoverCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "discover",
        abstract: "Read a feed, sitemap or front page and print the stories it lists (nothing is stored).",
        discussion: """
        SOURCE is a URL, or the name of a `follow:` entry of the watchlists (then its own \
        settings are used). Shows what `follow:` would watch: each story's canonical URL (the \
        one its watch would fetch), the URL as the source wrote it, and the publication time \
        the source gave. The format is told from the document itself: RSS 2.0, RSS 1.0, \
        Atom, sitemap, sitemap index (followed two levels), Google News sitemap, .xml.gz, \
        robots.txt (its Sitemap: lines); an HTML page is read as a front page.
        """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("A feed, sitemap or front page URL, or a follow: name.", valueName: "source"))
    var source: String

    @Option(help: ArgumentHelp("For a URL: which links of a front page are stories (a regular expression over the absolute URL, or css: SELECTOR).", valueName: "links"))
    var links: String?

    @Option(help: ArgumentHelp("Query parameters to keep although they look like tracking (comma-separated).", valueName: "names"))
    var keepParams: String?

    @Flag(help: "Print a JSON array of {url, link, published}.")
    var json = false

    func run() async throws {
        try await runReportingErrors {
            var followSource = try resolveSource()
            let reader = SourceReader(fetcher: CurlFetcher())
            var read = await reader.read([followSource], states: [:])[0]
            // A URL given on the command line: an HTML answer is a front page.
            if case .failed(let reason) = read.outcome, followSource.kind == .feed, reason.contains("an HTML page"), !source.isFollowName {
                followSource.kind = .front
                read = await reader.read([followSource], states: [:])[0]
            }
            let found: [DiscoveredLink]
            switch read.outcome {
            case .failed(let reason): throw CLIError(reason)
            case .notModified: found = []
            case .found(let links): found = links
            }
            var seen: Set<String> = []
            var rows: [[String: Any]] = []
            for link in found {
                guard let url = StoryURL.canonical(link.url, keep: followSource.keepParams), seen.insert(url).inserted else { continue }
                rows.append(["url": url, "link": link.url, "published": link.published.map(Timestamp.display) ?? NSNull()])
            }
            if json {
                let data = try JSONSerialization.data(withJSONObject: rows, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
                Terminal.write(String(decoding: data, as: UTF8.self) + "\n")
                return
            }
            for row in rows {
                Terminal.write("\((row["published"] as? String) ?? "-".padding(toLength: 20, withPad: " ", startingAt: 0))  \(row["url"]!)\n")
            }
            if Terminal.stderrIsTerminal {
                Terminal.info("\(followSource.kind.rawValue) \(followSource.url): \(rows.count) stories (\(read.fetches) documents read)")
            }
        }
    }

    private func resolveSource() throws -> FollowSource {
        if source.isFollowName {
            let list = try global.loadWatchlist(forReading: true)
            guard let named = list.follow(named: source) else {
                var message = "no follow: source named '\(source)' in \(list.files.joined(separator: ", "))"
                if let suggestion = closest(to: source, in: list.follows.map(\.name)) { message += "; did you mean '\(suggestion)'?" }
                throw CLIError.usage(message)
            }
            return named
        }
        if let problem = WatchlistLoader.urlProblem(source) { throw CLIError.usage(problem) }
        var followSource = FollowSource(name: "discover", kind: links == nil ? .feed : .front, url: source,
                                        storyTemplate: Watch(name: "", url: ""), location: SourceLocation(file: "<command line>", line: 0, column: 0))
        if let links {
            do { followSource.links = try LinkFilter(parsing: links) } catch { throw CLIError.usage("--links: \(error)") }
        }
        followSource.keepParams = Set((keepParams ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() })
        return followSource
    }
}

private extension String {
    var isFollowName: Bool { !contains("://") }
}
