import ArgumentParser
import Foundation
import NewswatchCore

/// Where the configuration and the history live; every command takes these.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("A watchlist YAML file, or a directory of *.yaml files.", valueName: "path"))
    var watchlists: String = "watchlists"

    @Option(name: .long, help: ArgumentHelp("The snapshot store directory.", valueName: "dir"))
    var store: String = "snapshots"

    @Option(name: .long, help: ArgumentHelp("A PostgreSQL database to use as the store instead of --store (default: $NEWSWATCH_DATABASE), e.g. postgres://newswatch@db.example.org/newswatch.",
                                            valueName: "url"))
    var database: String?

    /// Where the history is, for messages.
    var storeName: String { databaseURL != nil ? "the database" : store }

    /// The PostgreSQL store's URL, when one is chosen.
    var databaseURL: String? {
        let value = database ?? ProcessInfo.processInfo.environment["NEWSWATCH_DATABASE"]
        return (value?.isEmpty ?? true) ? nil : value
    }

    private func openPostgres(_ url: String, create: Bool) throws -> PostgresStore {
        guard url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") else {
            throw CLIError.usage("--database '\(url)' is not a postgres:// URL")
        }
        do { return try PostgresStore(url: url, create: create) } catch { throw CLIError("cannot open the store: \(error)") }
    }

    /// For commands that only read: the store must exist (a typo in --store is an error, not
    /// an empty history). A store of the older file layout is read as it is.
    func openExistingStore() throws -> any MaintainableStore {
        if let url = databaseURL { return try openPostgres(url, create: false) }
        switch StoreLocation.inspect(store) {
        case .store: return try openDatabase(create: false)
        case .fileLayout: return FileSnapshotStore(root: store)
        case .missing:
            throw CLIError.usage("no store at \(store) (run `newswatch check` to create one, or pass --store DIR)")
        case .emptyDirectory:
            throw CLIError("the store at \(store) is empty: nothing has been checked yet (run `newswatch check`)")
        case .notAStore(let why):
            throw CLIError.usage("\(store) is not a newswatch store (\(why))")
        }
    }

    /// For commands that change an existing store (prune, reextract, alerts retry): a store
    /// of the older file layout is migrated first.
    func openExistingStoreForWriting() async throws -> any MaintainableStore {
        if let url = databaseURL { return try openPostgres(url, create: false) }
        if StoreLocation.inspect(store) == .fileLayout { try await migrateFileLayout() }
        return try openExistingStore()
    }

    /// For `check` and `watch`: an existing store (migrated first if it has the older file
    /// layout), or a new one in an existing directory, announced on stderr. Never writes into
    /// a directory that holds something else.
    func openOrCreateStore() async throws -> any MaintainableStore {
        if let url = databaseURL { return try openPostgres(url, create: true) }
        switch StoreLocation.inspect(store) {
        case .store, .emptyDirectory:
            return try openDatabase(create: true)
        case .fileLayout:
            try await migrateFileLayout()
            return try openDatabase(create: false)
        case .notAStore(let why):
            throw CLIError.usage("\(store) is not a newswatch store (\(why)); pass --store with a new or empty directory")
        case .missing:
            let parent = ((store as NSString).standardizingPath as NSString).deletingLastPathComponent
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: parent.isEmpty ? "." : parent, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw CLIError.usage("cannot create the store at \(store): the directory \(parent) does not exist")
            }
            do {
                try FileManager.default.createDirectory(atPath: store, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
            } catch {
                // Another newswatch created it this very moment: use it as it is.
                if StoreLocation.inspect(store) != .missing { return try await openOrCreateStore() }
                throw CLIError("cannot create the store at \(store): \(error.localizedDescription)")
            }
            Terminal.info("newswatch: created a new store at \(store)")
            return try openDatabase(create: true)
        }
    }

    private func openDatabase(create: Bool) throws -> SQLiteStore {
        do { return try SQLiteStore(root: store, create: create) } catch { throw CLIError("cannot open the store: \(error)") }
    }

    /// Migrates a store of the file layout into the SQLite store, as its only writer.
    @discardableResult
    func migrateFileLayout() async throws -> StoreMigration.Summary {
        let legacy = FileSnapshotStore(root: store)
        do {
            return try await legacy.withWriterLock(wait: 30) {
                guard StoreMigration.needsMigration(store) else { return StoreMigration.Summary() }
                Terminal.info("newswatch: migrating the store at \(store) to the SQLite store (newswatch.db)…")
                let summary = try StoreMigration.migrate(store)
                Terminal.info("newswatch: migrated \(summary.versions) versions of \(summary.watches) watches and \(summary.alerts) alerts; "
                              + "the old files are in \(summary.backup) (remove them once you are satisfied)")
                return summary
            }
        } catch let error as CLIError {
            throw error
        } catch {
            throw CLIError("cannot migrate the store at \(store): \(error)")
        }
    }

    /// Loads the watchlists, printing warnings; configuration errors end the command (exit 2).
    /// `forReading`: the command sends nothing, so unset webhook and mail secrets are fine.
    func loadWatchlist(forReading: Bool = false) throws -> Watchlist {
        do {
            let list = try WatchlistLoader(requireSecrets: !forReading).load(path: watchlists)
            for warning in list.warnings { Terminal.warn(warning) }
            return list
        } catch let errors as ConfigErrors {
            for error in errors.errors { Terminal.error(error.description) }
            throw ExitCode(2)
        }
    }
}

/// How output looks: color and paging.
struct DisplayOptions: ParsableArguments {
    enum ColorMode: String, ExpressibleByArgument, CaseIterable { case auto, always, never }

    @Option(help: "Color output: auto (on a terminal, unless NO_COLOR is set), always or never.")
    var color: ColorMode = .auto

    @Flag(help: "Do not page output through $PAGER (less -R by default).")
    var noPager = false

    var style: TerminalStyle {
        switch color {
        case .always: return .color
        case .never: return .plain
        case .auto: return Terminal.stdoutIsTerminal && ProcessInfo.processInfo.environment["NO_COLOR"] == nil ? .color : .plain
        }
    }

    func emit(_ text: String) {
        if !noPager && Terminal.stdoutIsTerminal { Terminal.page(text) } else { Terminal.write(text) }
    }
}

/// A message for the user and an exit code: 1 when the work failed, 2 when what was asked
/// cannot be understood (a bad argument, an unknown watch or version, a --store typo).
struct CLIError: Error, CustomStringConvertible {
    var description: String
    var exitCode: Int32
    init(_ description: String, exitCode: Int32 = 1) {
        self.description = description
        self.exitCode = exitCode
    }

    static func usage(_ description: String) -> CLIError { CLIError(description, exitCode: 2) }
}

/// Turns store and CLI errors into a message and an exit code instead of a crash.
func runReportingErrors(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let error as ExitCode {
        throw error
    } catch let error as StoreError {
        Terminal.error(error.description)
        if case .locked = error { throw ExitCode(75) }
        throw ExitCode(1)
    } catch let error as CLIError {
        Terminal.error(error.description)
        throw ExitCode(error.exitCode)
    } catch let errors as ConfigErrors {
        for error in errors.errors { Terminal.error(error.description) }
        throw ExitCode(2)
    }
}

/// Politeness: how many pages are fetched at once, overall and per site, and how far apart.
struct FetchOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Pages fetched at once, overall.", valueName: "n"))
    var concurrency: Int = 16

    @Option(help: ArgumentHelp("Pages fetched at once from one host (be kind to news sites).", valueName: "n"))
    var perHost: Int = 2

    @Option(help: ArgumentHelp("Least time between the starts of two requests to the same host (e.g. 0.5). Default: no wait.",
                               valueName: "seconds"))
    var perHostDelay: Double = 0

    func validate() throws {
        if concurrency < 1 || perHost < 1 { throw ValidationError("--concurrency and --per-host must be at least 1") }
        if !(0...3600).contains(perHostDelay) { throw ValidationError("--per-host-delay must be between 0 and 3600 seconds, not \(perHostDelay)") }
    }

    var fetcher: CurlFetcher { CurlFetcher(maxConcurrent: concurrency, maxPerHost: perHost, perHostDelay: perHostDelay) }
}

/// A read command named a watch with no history: most often a typo, so suggest the nearest.
func noVersions(_ watch: String, in store: any SnapshotStore, path: String) -> CLIError {
    var message = "watch '\(watch)' has no stored versions in \(path)"
    if let suggestion = closest(to: watch, in: (try? store.watchNames()) ?? []) { message += "; did you mean '\(suggestion)'?" }
    return CLIError.usage(message)
}
