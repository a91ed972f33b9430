import ArgumentParser
import Foundation
import NewswatchCore

/// Where the configuration and the history live; every command takes these.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("A watchlist YAML file, or a directory of *.yaml files.", valueName: "path"))
    var watchlists: String = "watchlists"

    @Option(name: .long, help: ArgumentHelp("The snapshot store directory.", valueName: "dir"))
    var store: String = "snapshots"

    func openStore() -> FileSnapshotStore { FileSnapshotStore(root: store) }

    /// Loads the watchlists, printing warnings; configuration errors end the command (exit 2).
    func loadWatchlist() throws -> Watchlist {
        do {
            let list = try WatchlistLoader().load(path: watchlists)
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

/// A version argument: `3` (version 3), `-1` (the one before the latest), `latest`, or a
/// date `2024-06-19` (the latest version fetched by the end of that day, UTC).
struct VersionSpecifier: ExpressibleByArgument {
    var value: Int?  // nil = latest
    var day: Date?

    static func parse(_ text: String, watch: String) throws -> VersionSpecifier {
        if let specifier = VersionSpecifier(argument: text) { return specifier }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        guard let date = formatter.date(from: text) else {
            throw CLIError("'\(text)' is not a version of \(watch) (a number, -N, latest, or a date like 2024-06-19)")
        }
        var specifier = VersionSpecifier(nil)
        specifier.day = date
        return specifier
    }

    init?(argument: String) {
        if argument == "latest" || argument == "HEAD" { value = nil; return }
        guard let number = Int(argument.hasPrefix("@") ? String(argument.dropFirst()) : argument) else { return nil }
        value = number
    }

    init(_ value: Int?) { self.value = value }

    func resolve(in versions: [VersionRecord], watch: String) throws -> VersionRecord {
        guard let last = versions.last else { throw CLIError("watch '\(watch)' has no stored versions yet (run `newswatch check`)") }
        if let day {
            let end = day.addingTimeInterval(86400)
            guard let record = versions.last(where: { $0.fetchedAt < end }) else {
                throw CLIError("watch '\(watch)' has no version from \(Timestamp.display(day).prefix(10)) or before")
            }
            return record
        }
        guard let value else { return last }
        if value > 0 {
            // Numbers are kept when older versions are pruned, so look the number up.
            guard let record = versions.first(where: { $0.number == value }) else {
                throw CLIError("watch '\(watch)' has no version \(value) (it has \(versions.map { String($0.number) }.joined(separator: ", ")))")
            }
            return record
        }
        let index = versions.count - 1 + value
        guard versions.indices.contains(index) else {
            throw CLIError("watch '\(watch)' has only \(versions.count) versions; \(value) counts back too far")
        }
        return versions[index]
    }
}

struct CLIError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
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
        throw ExitCode(1)
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
