import ArgumentParser
import Foundation
import NewswatchCore

struct ReextractCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reextract",
        abstract: "Re-run the current extractor over every stored page of a watch.",
        discussion: "The raw HTML of every version is kept, so a better extractor can rewrite the articles of the whole history."
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The watch name.")
    var watch: String

    @Option(help: ArgumentHelp("Wait up to this many seconds for a running check to finish.", valueName: "seconds"))
    var wait: Double?

    func run() async throws {
        try await runReportingErrors {
            let store = global.openStore()
            let result = try await store.withWriterLock(wait: wait) {
                try store.reextract(watch, with: ReadabilityExtractor())
            }
            Terminal.write("\(watch): \(result.versions) versions re-extracted, \(result.changed) articles changed\n")
        }
    }
}
