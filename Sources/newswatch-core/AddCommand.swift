import ArgumentParser
import Foundation
import NewswatchCore

struct AddCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Watch a page: append it to a watchlist file (comments and order kept).",
        discussion: """
        The name comes from the URL's last meaningful path segment unless --name gives one. \
        With --check the page is fetched once and what the extractor found is shown, so you \
        see at once whether the story is understood (if not, try --select).
        """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The page's URL (http, https, or file:// for a local file).", valueName: "url"))
    var url: String

    @Option(help: ArgumentHelp("The watch's name (letters, digits, . _ -).", valueName: "name"))
    var name: String?

    @Option(help: ArgumentHelp("How often to fetch it: 90s, 15m, 2h, 1d or adaptive (default: the file's defaults).", valueName: "interval"))
    var every: String?

    @Option(help: ArgumentHelp("Where the story is on the page: a CSS selector or xpath: expression.", valueName: "selector"))
    var select: String?

    @Option(help: ArgumentHelp("The watchlist file to add to (default: watchlists/news.yaml, or the only one).", valueName: "file"))
    var file: String?

    @Flag(help: "Fetch the page once and print the headline and paragraphs found.")
    var check = false

    func run() async throws {
        try await runReportingErrors {
            if let problem = WatchlistLoader.urlProblem(url) { throw CLIError.usage(problem) }
            let path = try WatchlistFile.target(file, watchlists: global.watchlists)
            let existing = (try? WatchlistLoader(requireSecrets: false).load(path: global.watchlists)) ?? Watchlist()
            let canonical = StoryURL.canonical(url) ?? url
            if let twin = existing.watches.first(where: { (StoryURL.canonical($0.url) ?? $0.url) == canonical }) {
                throw CLIError.usage("\(url) is already watched as '\(twin.name)' (\(twin.source))")
            }
            let taken = Set(existing.watches.map(\.name) + existing.follows.map(\.name))
            let chosen = name ?? WatchlistEditor.name(for: url, taken: taken)
            if taken.contains(chosen) {
                let first = existing.watch(named: chosen)?.source.description ?? "the watchlists"
                throw CLIError.usage("a watch named '\(chosen)' already exists (\(first)); pick another with --name")
            }
            let text = try WatchlistFile.read(path)
            let edited = try WatchlistEditor.adding(WatchlistEditor.Entry(name: chosen, url: url, every: every, select: select), to: text)
            try WatchlistFile.write(edited, to: path)
            Terminal.write("added \(chosen) to \(path)\n")
            if check { try await preview(chosen, path: path) }
        }
    }

    /// Fetches and extracts the page as `check` would, without storing anything.
    private func preview(_ name: String, path: String) async throws {
        let list = try WatchlistLoader(requireSecrets: false).load(path: path)
        guard let watch = list.watch(named: name) else { return }
        var limits = FetchLimits()
        limits.allowFileScheme = watch.isFileURL
        let result = await CurlFetcher().fetch(FetchRequest(url: watch.url, headers: watch.headers, limits: limits, proxy: watch.proxy))
        let response: FetchResult
        switch result {
        case .failure(let error): throw CLIError("\(name): \(watch.url): \(error) (the watch is added; `newswatch check` will retry)")
        case .success(let fetched): response = fetched
        }
        guard response.isSuccess else { throw CLIError("\(name): HTTP \(response.status) (the watch is added; check the URL)") }
        let article = try ReadabilityExtractor().extract(ExtractionInput(html: response.body, url: response.finalURL, charset: response.charset,
                                                                         select: watch.select, remove: watch.remove))
        Terminal.write("headline: \(ControlCharacters.strip(article.title ?? "(none found)"))\n")
        let paragraphs = article.blocks.filter { $0.kind == .paragraph }
        Terminal.write("\(paragraphs.count) paragraphs, \(article.blocks.reduce(0) { $0 + $1.text.count }) characters")
        if let quality = article.extraction { Terminal.write(String(format: " (confidence %.2f%@)", quality.confidence, quality.isUncertain ? ", uncertain: consider --select" : "")) }
        Terminal.write("\n")
        for paragraph in paragraphs.prefix(3) {
            let text = ControlCharacters.strip(paragraph.text)
            Terminal.write("  " + (text.count > 100 ? String(text.prefix(99)) + "\u{2026}" : text) + "\n")
        }
    }
}
