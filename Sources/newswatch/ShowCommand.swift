import ArgumentParser
import Foundation
import NewswatchCore

struct ShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Print one stored version of a watch: the article, or the raw HTML with --html."
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The watch name.")
    var watch: String

    @Argument(help: "Version number (1 is the first; -1 the one before the latest). Default: the latest.")
    var version: VersionSpecifier = VersionSpecifier(nil)

    @Flag(help: "Print the page's HTML exactly as fetched.")
    var html = false

    @Flag(help: "Print the article as JSON.")
    var json = false

    @OptionGroup var display: DisplayOptions

    func run() async throws {
        try await runReportingErrors {
            let store = global.openStore()
            let record = try version.resolve(in: try store.versions(of: watch), watch: watch)
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

    static func json(_ article: Article) throws -> String {
        struct Output: Encodable {
            var title, byline, published, modified, canonicalURL, language, lead, siteName: String?
            var text: String
            var blocks: [Article.Block]
        }
        let output = Output(title: article.title, byline: article.byline, published: article.published, modified: article.modified,
                            canonicalURL: article.canonicalURL, language: article.language, lead: article.lead,
                            siteName: article.siteName, text: article.text, blocks: article.blocks)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(output), as: UTF8.self)
    }
}
