import ArgumentParser
import Foundation
import NewswatchCore

struct DiffCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Show how a story changed between two stored versions (or two files).",
        discussion: """
        Versions: `newswatch diff WATCH` compares the last two; `diff WATCH 3` (or `WATCH@3`) \
        compares version 3 with the latest; `diff WATCH 3 7`, `WATCH@3 7`, `WATCH@3..WATCH@7` \
        or `WATCH@3..7` compares 3 with 7. A version is a number, -N or ~N (-1: the one before \
        the latest), latest, a date (2024-06-19: the latest version fetched by the end of that \
        day, UTC) or an instant (2024-06-19T12:00:00Z). Naming more than two is an error.

        Output: on a terminal a colored word diff (deleted words red and struck through, added \
        green), paged through $PAGER; otherwise a unified diff that `patch` applies to turn the \
        old text into the new one byte for byte. --side-by-side, --stat, --json and --html \
        choose other forms.

        `newswatch diff --no-index OLD NEW` compares two files (HTML files are extracted \
        first, other files compared as text), like `git diff --no-index`.

        Exit status: 0, or with --no-index or --exit-code 0 when there is no difference and 1 \
        when there is one; 2 for bad arguments (an unknown watch or version, a missing file).
        """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("WATCH, WATCH@FROM, WATCH@FROM..TO, or with --no-index the old file.", valueName: "target"))
    var target: String

    // Captures `-1` too, which would otherwise read as an option.
    @Argument(parsing: .allUnrecognized,
              help: ArgumentHelp("The older and newer versions (default: the one before the latest, and the latest), or with --no-index the new file.",
                                 valueName: "versions"))
    var rest: [String] = []

    @Flag(help: "Compare two files instead of stored versions.")
    var noIndex = false

    @Flag(help: "Exit 1 when there are differences, 0 when there are none (always on with --no-index).")
    var exitCode = false

    @Flag(name: .customLong("unified"), help: "Unified diff (the default when not on a terminal).")
    var unifiedFormat = false

    @Flag(help: "Word diff (the default on a terminal): [-deleted-] {+added+} without color.")
    var wordDiff = false

    @Flag(help: "Old and new side by side, fitted to the terminal width.")
    var sideBySide = false

    @Flag(help: "Only the change statistics and summary line.")
    var stat = false

    @Flag(help: "Only the one-line change summary.")
    var summary = false

    @Flag(help: "The structured change as JSON: ops with old/new line ranges, lines and words.")
    var json = false

    @Flag(help: "A self-contained HTML fragment.")
    var html = false

    @Flag(help: "Ignore changes in white space.")
    var ignoreWhitespace = false

    @Flag(help: "Ignore changes in letter case.")
    var ignoreCase = false

    @Option(name: .customLong("ignore-lines"), help: ArgumentHelp("Drop lines matching this regular expression before comparing (repeatable).", valueName: "regex"))
    var ignoreLines: [String] = []

    @Option(help: ArgumentHelp("Unchanged lines of context.", valueName: "n"))
    var context: Int = 3

    @OptionGroup var display: DisplayOptions

    func validate() throws {
        if let bad = DiffOptions.validate(ignoreLines) { throw ValidationError("--ignore-lines '\(bad)' is not a valid regular expression") }
        if [unifiedFormat, wordDiff, sideBySide, stat, summary, json, html].filter({ $0 }).count > 1 {
            throw ValidationError("choose one output form")
        }
    }

    func run() async throws {
        try await runReportingErrors {
            let options = DiffOptions(ignoreLines: ignoreLines, ignoreWhitespace: ignoreWhitespace, ignoreCase: ignoreCase)
            let sides: Sides
            if noIndex {
                guard rest.count == 1, let newPath = rest.first, !newPath.hasPrefix("--") else {
                    throw CLIError.usage(rest.first(where: { $0.hasPrefix("--") }).map { "unknown option '\($0)'" }
                                         ?? "--no-index compares two files: OLD NEW (got \(rest.count + 1))")
                }
                sides = try compareFiles(target, newPath, options: options)
            } else {
                sides = try compareVersions(options: options)
            }
            let diff: TextDiff
            if unifiedOutput {
                // Lines only: the paragraph pairing, word diffs and classification the other
                // forms show are not computed at all.
                diff = TextDiff(old: sides.options.prepare(sides.oldText), new: sides.options.prepare(sides.newText))
                emitUnified(diff, sides)
            } else {
                let change = Change(watch: sides.name, url: sides.url, old: sides.old, new: sides.new, oldArticle: sides.oldArticle,
                                    newArticle: sides.newArticle, oldText: sides.oldText, newText: sides.newText, options: sides.options)
                try render(change, sides)
                diff = change.diff
            }
            // Like diff(1) and `git diff --exit-code`: differences are reported by the status too.
            if (noIndex || exitCode) && diff.hasChanges { throw ExitCode(1) }
        }
    }

    /// What is compared: two versions of a watch, or two files.
    private struct Sides {
        var name: String
        var url: String
        var old: VersionRecord
        var new: VersionRecord
        var oldArticle: Article
        var newArticle: Article
        var oldText: String
        var newText: String
        var options: DiffOptions
        /// `diff -u` labels: file paths, or WATCH@N.
        var oldLabel: String
        var newLabel: String
    }

    /// A unified diff is the default off a terminal, as for git.
    private var unifiedOutput: Bool {
        unifiedFormat || !(wordDiff || sideBySide || stat || summary || json || html || Terminal.stdoutIsTerminal)
    }

    private func emitUnified(_ diff: TextDiff, _ sides: Sides) {
        display.emit(diff.unified(oldLabel: "\(sides.oldLabel)\t\(Timestamp.display(sides.old.fetchedAt))",
                                  newLabel: "\(sides.newLabel)\t\(Timestamp.display(sides.new.fetchedAt))",
                                  context: context, style: display.style))
    }

    private func render(_ change: Change, _ sides: Sides) throws {
        let name = sides.name
        let style = display.style
        var renderer = change.renderer
        renderer.style = style
        renderer.context = min(context, 1_000)
        if summary { Terminal.write("\(change.summary)\n"); return }
        if stat { Terminal.write(DiffRenderer.stat(change.summary, name: name)); return }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            Terminal.write(String(decoding: try encoder.encode(renderer.document(summary: change.summary, diff: change.diff)), as: UTF8.self) + "\n")
            return
        }
        if html { Terminal.write(renderer.html(title: change.newArticle.title, summary: change.summary.description)); return }
        let header = style.dim(change.summary.description) + "\n"
        if sideBySide { display.emit(header + renderer.sideBySide(width: Terminal.width)); return }
        display.emit(header + renderer.wordDiff())
    }

    private func compareVersions(options: DiffOptions) throws -> Sides {
        let named = try VersionedTarget.parse([target] + rest, limit: 2, command: "diff")
        let watch = named.watch
        let store = try global.openExistingStore()
        let versions = try store.versions(of: watch)
        guard !versions.isEmpty else { throw noVersions(watch, in: store, path: global.storeName) }
        guard versions.count >= 2 || !named.versions.isEmpty else { throw CLIError("watch '\(watch)' has only one version; nothing to compare") }
        let old = try (named.versions.first ?? .back(1)).resolve(in: versions, watch: watch)
        let new = try (named.versions.dropFirst().first ?? .latest).resolve(in: versions, watch: watch)
        let options = DiffOptions(ignoreLines: options.ignoreLines + watchIgnoreLines(watch),
                                  ignoreWhitespace: options.ignoreWhitespace, ignoreCase: options.ignoreCase)
        let oldArticle = try store.article(of: old), newArticle = try store.article(of: new)
        return Sides(name: watch, url: new.requestedURL, old: old, new: new, oldArticle: oldArticle, newArticle: newArticle,
                     oldText: oldArticle.storyText, newText: newArticle.storyText, options: options,
                     oldLabel: "\(watch)@\(old.number)", newLabel: "\(watch)@\(new.number)")
    }

    /// The watch's own `ignore_lines`, when its watchlist can be read.
    private func watchIgnoreLines(_ watch: String) -> [String] {
        (try? WatchlistLoader(requireSecrets: false).load(path: global.watchlists))?.watch(named: watch)?.ignoreLines ?? []
    }

    private func compareFiles(_ oldPath: String, _ newPath: String, options: DiffOptions) throws -> Sides {
        func load(_ path: String) throws -> (Article, String) {
            guard let data = FileManager.default.contents(atPath: path) else { throw CLIError.usage("\(path): cannot read file") }
            if HTMLSniffing.isHTML(path: path, bytes: data) {
                let article = try ReadabilityExtractor().extract(ExtractionInput(html: data))
                return (article, article.storyText)
            }
            guard let text = String(data: data, encoding: .utf8) else { throw CLIError.usage("\(path): not UTF-8 text") }
            return (Article(), text)
        }
        let (old, oldText) = try load(oldPath), (new, newText) = try load(newPath)
        func record(_ path: String, _ number: Int) -> VersionRecord {
            let date = ((try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date) ?? Date()
            return VersionRecord(number: number, fetchedAt: date, requestedURL: path, finalURL: path, status: 0, extractorVersion: "",
                                 article: "", html: "", storyHash: "", title: nil)
        }
        return Sides(name: newPath, url: newPath, old: record(oldPath, 1), new: record(newPath, 2), oldArticle: old, newArticle: new,
                     oldText: oldText, newText: newText, options: options, oldLabel: oldPath, newLabel: newPath)
    }
}
