import ArgumentParser
import Foundation
import NewswatchCore

struct RemoveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove",
        abstract: "Stop watching a page: take it out of its watchlist file (its history stays unless --purge)."
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The watch's name.", valueName: "name"))
    var name: String

    @Flag(help: "Also delete its stored versions and state (cannot be undone).")
    var purge = false

    func run() async throws {
        try await runReportingErrors {
            let list = try global.loadWatchlist(forReading: true)
            guard let watch = list.watch(named: name) else { throw unknownWatch(name, in: list) }
            let path = watch.source.file
            let edited = try WatchlistEditor.removing(name, from: try WatchlistFile.read(path))
            if purge {
                let store = try await global.openExistingStoreForWriting()
                guard let database = store as? any HistoryEditing else { throw CLIError("this store cannot delete a history") }
                try await store.withWriterLock(wait: 30) { try database.deleteWatch(name) }
            }
            try WatchlistFile.write(edited, to: path)
            Terminal.write("removed \(name) from \(path)" + (purge ? "; its history is deleted\n" : "; its history is kept (`newswatch log \(name)`)\n"))
        }
    }
}
