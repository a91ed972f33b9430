import ArgumentParser
import Foundation
import NewswatchCore

struct RenameCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rename",
        abstract: "Rename a watch in its watchlist file and in the store: its history moves with it."
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The current name.", valueName: "old"))
    var old: String

    @Argument(help: ArgumentHelp("The new name.", valueName: "new"))
    var new: String

    func run() async throws {
        try await runReportingErrors {
            guard WatchlistLoader.namePattern.firstMatch(in: new, range: NSRange(new.startIndex..., in: new)) != nil else {
                throw CLIError.usage("'\(new)' is not a valid name (letters, digits, '.', '_', '-'; starts with a letter or digit; at most 128)")
            }
            let list = try global.loadWatchlist(forReading: true)
            guard let watch = list.watch(named: old) else { throw unknownWatch(old, in: list) }
            if list.watch(named: new) != nil || list.follow(named: new) != nil { throw CLIError.usage("a watch named '\(new)' already exists") }
            let path = watch.source.file
            let edited = try WatchlistEditor.renaming(old, to: new, in: try WatchlistFile.read(path))
            // The history first: a rename that cannot move it changes nothing.
            let location = global.databaseURL != nil ? .store : StoreLocation.inspect(global.store)
            if location == .store || location == .fileLayout {
                let store = try await global.openExistingStoreForWriting()
                guard let database = store as? any HistoryEditing else { throw CLIError("this store cannot rename a history") }
                try await store.withWriterLock(wait: 30) { try database.renameWatch(old, to: new) }
            }
            try WatchlistFile.write(edited, to: path)
            Terminal.write("renamed \(old) to \(new) in \(path) and in the store\n")
        }
    }
}
