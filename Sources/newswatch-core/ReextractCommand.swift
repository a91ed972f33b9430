import ArgumentParser
import Foundation
import NewswatchCore

struct ReextractCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reextract",
        abstract: "Re-run the current extractor over every stored page of a watch.",
        discussion: """
        The raw HTML of every version is kept, so a better extractor (or a new select:/remove: \
        in the watchlist) can rewrite the articles of the whole history. The watch's select: \
        and remove: come from the watchlists, as for `check`.
        """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The watch name.")
    var watch: String

    @Option(help: ArgumentHelp("Wait up to this many seconds for a running check to finish.", valueName: "seconds"))
    var wait: Double?

    @Flag(help: "Re-extract a watch that is no longer in the watchlists, from the whole page.")
    var withoutSelectors = false

    func run() async throws {
        try await runReportingErrors {
            let store = try await global.openExistingStoreForWriting()
            var select: ContentSelector?
            var remove: [ContentSelector] = []
            if !withoutSelectors {
                guard let configured = try global.loadWatchlist(forReading: true).watch(named: watch) else {
                    throw CLIError.usage("watch '\(watch)' is not in \(global.watchlists), so its select:/remove: are unknown; "
                                   + "add it back, or use --without-selectors to re-extract from the whole page")
                }
                select = configured.select
                remove = configured.remove
            }
            let result = try await store.withWriterLock(wait: wait) {
                try store.reextract(watch, with: ReadabilityExtractor(), select: select, remove: remove)
            }
            Terminal.write("\(watch): \(result.versions) versions re-extracted, \(result.changed) articles changed\n")
        }
    }
}
