import ArgumentParser
import Foundation
import NewswatchCore

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Move a store written by an older newswatch into the SQLite store.",
        discussion: """
        Stores written before newswatch kept its history in newswatch.db (objects/, packs/, \
        watches/*.jsonl, state.json, outbox/) are migrated with every version, schedule and \
        pending alert. `check`, `watch`, `prune`, `reextract` and `alerts retry` do this by \
        themselves on first use; read commands read an old store as it is. The old files are \
        moved into pre-sqlite-DATE/ inside the store, not deleted: remove that folder once \
        `newswatch verify` and `newswatch log` look right.

        Exit code 0 when migrated (or nothing to migrate), 1 when the migration failed (the \
        old store is left as it was).
        """
    )

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Print what was migrated as JSON.")
    var json = false

    func run() async throws {
        try await runReportingErrors {
            switch StoreLocation.inspect(global.store) {
            case .store:
                Terminal.info("newswatch: \(global.store) is already an SQLite store; nothing to migrate")
                if json { Terminal.write("{\"migrated\": false}\n") }
                return
            case .fileLayout: break
            case .missing, .emptyDirectory: throw CLIError.usage("no store at \(global.store) to migrate (pass --store DIR)")
            case .notAStore(let why): throw CLIError.usage("\(global.store) is not a newswatch store (\(why))")
            }
            let summary = try await global.migrateFileLayout()
            if json {
                let object: [String: Any] = ["migrated": true, "watches": summary.watches, "versions": summary.versions,
                                             "objects": summary.objects, "alerts": summary.alerts, "backup": summary.backup]
                let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
                Terminal.write(String(decoding: data, as: UTF8.self) + "\n")
            }
        }
    }
}
