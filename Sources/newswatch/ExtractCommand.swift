import ArgumentParser
import Foundation
import NewswatchCore

struct ExtractCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "extract",
        abstract: "Extract the article from an HTML file or URL and print it (no store involved).",
        discussion: "Use `-` to read HTML from standard input. Handy for checking what a watch will record."
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

    @OptionGroup var display: DisplayOptions

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
            do {
                article = try ReadabilityExtractor().extract(ExtractionInput(html: html, url: url, charset: charset, select: selector))
            } catch {
                throw CLIError("\(source): \(error)")
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
