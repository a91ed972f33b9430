import ArgumentParser
import Foundation
import NewswatchCore

struct ExtractCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "extract",
        abstract: "Extract the article from an HTML file or URL and print it (no store involved).",
        discussion: """
        Use `-` to read HTML from standard input. Handy for checking what a watch will record. \
        --explain shows how the story was found: the container chosen with its score, the \
        runners-up, and every block left out with the reason, so a site can be fixed with \
        select: or remove: in a minute.
        """
    )

    @Argument(help: "An HTML file, `-` for standard input, or an http(s) URL.")
    var source: String

    @Flag(help: "Print JSON: `text` is the body (one block per line); other fields are the metadata.")
    var json = false

    @Option(help: ArgumentHelp("The page's URL, when reading a file.", valueName: "url"))
    var baseURL: String?

    @Option(help: ArgumentHelp("Extract only what this CSS selector (or `xpath:` expression) matches.", valueName: "selector"))
    var select: String?

    @Flag(help: "Print only the body text, one block per line.")
    var textOnly = false

    @Flag(help: "Show how the story was found: container, score, runners-up, and every block left out, with the reason.")
    var explain = false

    @OptionGroup var display: DisplayOptions

    /// `--explain` for people: how the story was found, then what was left out and why.
    static func explanation(_ report: ExtractionReport, article: Article, style: TerminalStyle) -> String {
        let quality = report.quality
        var out = style.bold("method: \(quality.method.rawValue), confidence \(String(format: "%.2f", quality.confidence))")
            + (quality.isUncertain ? style.warning("  (uncertain: consider select:)") : "") + "\n"
        func line(_ candidate: ExtractionReport.Candidate) -> String {
            "\(candidate.element)  score \(candidate.score)  \(candidate.characters) characters  \(Int(candidate.linkDensity * 100))% links"
        }
        if let chosen = report.chosen { out += "chosen:     " + line(chosen) + "\n" }
        for (index, runner) in report.runnersUp.enumerated() { out += (index == 0 ? "runners-up: " : "            ") + line(runner) + "\n" }
        for note in report.notes { out += style.dim("note: \(note)") + "\n" }
        let kept = article.blocks.reduce(0) { $0 + $1.text.count }
        out += "\nkept \(article.blocks.count) blocks (\(kept) characters); left out \(report.dropped.count):\n"
        for dropped in report.dropped {
            let text = dropped.text.count > 90 ? String(dropped.text.prefix(89)) + "\u{2026}" : dropped.text
            out += style.dim("  - \(dropped.reason): ") + text + "\n"
        }
        return out
    }

    func run() async throws {
        try await runReportingErrors {
            var html: Data
            var charset: String?
            var url = baseURL
            if source.hasPrefix("http://") || source.hasPrefix("https://") {
                switch await CurlFetcher().fetch(FetchRequest(url: source)) {
                case .failure(let error): throw CLIError("\(source): \(error)")
                case .success(let response):
                    guard response.isSuccess else { throw CLIError("\(source): HTTP \(response.status)") }
                    html = response.body
                    charset = response.charset
                    url = url ?? response.finalURL
                }
            } else if source == "-" {
                html = FileHandle.standardInput.readDataToEndOfFile()
            } else {
                guard let data = FileManager.default.contents(atPath: source) else { throw CLIError.usage("\(source): cannot read file") }
                html = data
            }
            if source.hasSuffix(".gz") || html.starts(with: [0x1f, 0x8b]) {
                do { html = try Zlib.decompress(html, limit: 256 << 20) } catch { throw CLIError("\(source): \(error)") }
            }
            let selector: ContentSelector?
            do { selector = try select.map(ContentSelector.init(parsing:)) } catch { throw CLIError.usage("--select: \(error)") }
            let article: Article
            var report: ExtractionReport?
            do {
                let input = ExtractionInput(html: html, url: url, charset: charset, select: selector)
                if explain { (article, report) = try ReadabilityExtractor().explain(input) } else { article = try ReadabilityExtractor().extract(input) }
            } catch {
                throw CLIError("\(source): \(error)")
            }
            if let report {
                if json {
                    let encoder = JSONEncoder()
                    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                    Terminal.write(String(decoding: try encoder.encode(report), as: UTF8.self) + "\n")
                } else {
                    display.emit(Self.explanation(report, article: article, style: display.style))
                }
                return
            }
            if json {
                Terminal.write(try ArticleFormatter.json(article) + "\n")
            } else if textOnly {
                Terminal.write(article.text + (article.blocks.isEmpty ? "" : "\n"))
            } else {
                display.emit(ArticleFormatter.text(article, style: display.style))
            }
        }
    }
}
