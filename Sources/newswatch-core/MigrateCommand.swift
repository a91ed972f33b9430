import ArgumentParser
import Foundation
import NewswatchCore

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Move a store written by an older newswatch into the SQLite store, or an SQLite store into PostgreSQL (--to).",
        discussion: """
        Stores written before newswatch kept its history in newswatch.db (objects/, packs/, \
        watches/*.jsonl, state.json, outbox/) are migrated with every version, schedule and \
        pending alert. `check`, `watch`, `prune`, `reextract` and `alerts retry` do this by \
        themselves on first use; read commands read an old store as it is. The old files are \
        moved into pre-sqlite-DATE/ inside the store, not deleted: remove that folder once \
        `newswatch verify` and `newswatch log` look right.

        --to postgres://... copies the SQLite store (--store) into an empty PostgreSQL \
        database as it is: every blob, version, schedule, site base and pending alert; the \
        SQLite store is left untouched. Then use --database (or NEWSWATCH_DATABASE).

        Exit code 0 when migrated (or nothing to migrate), 1 when the migration failed (the \
        old store is left as it was).
        """
    )

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Print what was migrated as JSON.")
    var json = false

    @Option(help: ArgumentHelp("Copy the SQLite store into this (empty) PostgreSQL database.", valueName: "url"))
    var to: String?

    private func copyToPostgres(_ url: String) async throws {
        guard url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") else { throw CLIError.usage("--to '\(url)' is not a postgres:// URL") }
        if StoreLocation.inspect(global.store) == .fileLayout { try await global.migrateFileLayout() }
        guard StoreLocation.inspect(global.store) == .store else { throw CLIError.usage("no SQLite store at \(global.store) to copy (pass --store DIR)") }
        let source = try SQLiteStore(root: global.store, create: false)
        let target: PostgresStore
        do { target = try PostgresStore(url: url, create: true) } catch { throw CLIError("cannot open \(url): \(error)") }
        let summary = try await source.withWriterLock(wait: 30) {
            try await target.withWriterLock(wait: 30) { try StoreCopy.copy(from: source, to: target) }
        }
        Terminal.info("newswatch: copied \(summary.versions) versions of \(summary.watches) watches, \(summary.objects) objects and \(summary.alerts) alerts into \(target.root)")
        if json {
            let object: [String: Any] = ["migrated": true, "watches": summary.watches, "versions": summary.versions, "objects": summary.objects, "alerts": summary.alerts]
            let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
            Terminal.write(String(decoding: data, as: UTF8.self) + "\n")
        }
    }

    func run() async throws {
        try await runReportingErrors {
            if let to { return try await copyToPostgres(to) }
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
