import ArgumentParser
import Foundation
import NewswatchCore

struct ShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Print one stored version of a watch: the article, or the raw HTML with --html.",
        discussion: """
        Versions are named as for `diff`: 3 (version 3), -1 or ~1 (the one before the latest), \
        latest, a date (2024-06-19: the latest version fetched by the end of that day, UTC) or \
        an instant (2024-06-19T12:00:00Z); either after the name (`show WATCH -1`) or attached \
        to it (`show WATCH@-1`).
        """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The watch name, or WATCH@VERSION.", valueName: "watch"))
    var target: String

    // Captures `-1` too, which would otherwise read as an option.
    @Argument(parsing: .allUnrecognized, help: ArgumentHelp("The version: 3, -1, latest, or a date. Default: the latest.", valueName: "version"))
    var version: [String] = []

    @Flag(help: "Print the page's HTML exactly as fetched.")
    var html = false

    @Flag(help: "Print the article as JSON.")
    var json = false

    @OptionGroup var display: DisplayOptions

    func run() async throws {
        try await runReportingErrors {
            let named = try VersionedTarget.parse([target] + version, limit: 1, command: "show")
            let watch = named.watch
            let store = try global.openExistingStore()
            let versions = try store.versions(of: watch)
            guard !versions.isEmpty else { throw noVersions(watch, in: store, path: global.storeName) }
            let record = try (named.versions.first ?? .latest).resolve(in: versions, watch: watch)
            if html {
                FileHandle.standardOutput.write(try store.html(of: record))
                return
            }
            let article = try store.article(of: record)
            if json {
                Terminal.write(try ArticleFormatter.json(article) + "\n")
                return
            }
            var out = display.style.warning("\(watch)@\(record.number)") + "  \(Timestamp.display(record.fetchedAt))  \(record.finalURL)\n\n"
            out += ArticleFormatter.text(article, style: display.style)
            display.emit(out)
        }
    }
}

/// Article rendering shared by `show` and `extract`.
enum ArticleFormatter {
    static func text(_ article: Article, style: TerminalStyle) -> String {
        var out = style.bold(article.title ?? "(untitled)") + "\n"
        let fields: [(String, String?)] = [
            ("By", article.byline), ("Published", article.published), ("Modified", article.modified),
            ("Site", article.siteName), ("URL", article.canonicalURL), ("Language", article.language),
        ]
        for (label, value) in fields { if let value { out += style.dim("\(label): \(value)") + "\n" } }
        if let lead = article.lead { out += style.dim("Lead: \(lead)") + "\n" }
        out += "\n"
        for block in article.blocks {
            switch block.kind {
            case .heading: out += style.bold(block.text) + "\n\n"
            case .listItem: out += "  • \(block.text)\n\n"
            case .quote: out += "  > \(block.text)\n\n"
            default: out += block.text + "\n\n"
            }
        }
        return out
    }

    static func json(_ article: Article) throws -> String { try article.outputJSON() }
}
