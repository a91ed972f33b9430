import ArgumentParser
import Foundation
import NewswatchCore

struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Bring watches over from another tool.",
        subcommands: [ImportUrlwatchCommand.self]
    )
}

struct ImportUrlwatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "urlwatch",
        abstract: "Convert urlwatch's urls.yaml to a watchlist (css/xpath filters become select:).",
        discussion: """
        Every job becomes a watch; what newswatch does differently is reported on stderr, one \
        line per key or filter (html2text and friends are not needed: newswatch extracts the \
        article's text itself). Writes watchlists/urlwatch.yaml (or --file); an existing file \
        gets the new watches appended, its comments kept.
        """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("urlwatch's jobs file (usually ~/.config/urlwatch/urls.yaml).", valueName: "urls.yaml"))
    var urls: String

    @Option(help: ArgumentHelp("The watchlist file to write (default: watchlists/urlwatch.yaml).", valueName: "file"))
    var file: String?

    func run() async throws {
        try await runReportingErrors {
            guard let data = FileManager.default.contents(atPath: urls) else { throw CLIError.usage("\(urls): cannot read file") }
            guard let text = String(data: data, encoding: .utf8) else { throw CLIError.usage("\(urls): not UTF-8 text") }
            let existing = (try? WatchlistLoader(requireSecrets: false).load(path: global.watchlists)) ?? Watchlist()
            var isDirectory: ObjCBool = false
            let target = file ?? (FileManager.default.fileExists(atPath: global.watchlists, isDirectory: &isDirectory) && !isDirectory.boolValue
                ? global.watchlists : (global.watchlists as NSString).appendingPathComponent("urlwatch.yaml"))
            let converted: UrlwatchImport.Result
            do {
                converted = try UrlwatchImport.convert(text, file: urls, taken: Set(existing.watches.map(\.name) + existing.follows.map(\.name)))
            } catch let errors as ConfigErrors {
                throw CLIError.usage(errors.description)
            }
            let known = Set(existing.watches.compactMap { StoryURL.canonical($0.url) })
            var output = try WatchlistFile.read(target)
            if output.isEmpty {
                try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                output = "# Imported from urlwatch (\(urls)) on \(Timestamp.display(Date())).\n\n"
            }
            var added: [String] = []
            for entry in converted.entries {
                if let canonical = StoryURL.canonical(entry.url), known.contains(canonical) {
                    Terminal.info("\(entry.url): already watched, skipped")
                    continue
                }
                output = try WatchlistEditor.adding(entry, to: output)
                added.append(entry.name)
            }
            for note in converted.notes { Terminal.info(note) }
            if !added.isEmpty { try WatchlistFile.write(output, to: target) }
            Terminal.write("imported \(added.count) of \(converted.entries.count + converted.skipped) urlwatch jobs into \(target)\n")
            if converted.entries.isEmpty { throw ExitCode(1) }
        }
    }
}
