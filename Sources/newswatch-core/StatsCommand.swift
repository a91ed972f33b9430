import ArgumentParser
import Foundation
import NewswatchCore

struct StatsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Show how many versions the store holds and how small it keeps them."
    )

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Print the figures as JSON.")
    var json = false

    func run() async throws {
        try await runReportingErrors {
            let figures = try global.openExistingStore().statistics()
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                Terminal.write(String(decoding: try encoder.encode(figures), as: UTF8.self) + "\n")
                return
            }
            for watch in figures.watches {
                Terminal.write("\(watch.name): \(watch.versions) versions, \(watch.storyBytes + watch.htmlBytes) bytes uncompressed\n")
            }
            Terminal.write("""
            total: \(figures.watches.count) watches, \(figures.versions) versions, \(figures.objects) objects (\(figures.deltaObjects) deltas)
            content \(figures.contentBytes) bytes, on disk \(figures.diskBytes) bytes, ratio \(String(format: "%.1f", figures.ratio)):1

            """)
        }
    }
}
