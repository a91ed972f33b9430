import ArgumentParser
import Foundation
import NewswatchCore

struct DiffCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Show how a watch's story changed between two stored versions.",
        discussion: """
        With no versions, compares the last two. `newswatch diff WATCH 3` compares version 3 \
        with the latest; `newswatch diff WATCH 3 5` compares 3 with 5. Output is a unified \
        diff that `patch` applies, colored on a terminal.
        """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The watch name.")
    var watch: String

    @Argument(help: "The older version (default: the one before the latest).")
    var from: VersionSpecifier?

    @Argument(help: "The newer version (default: the latest).")
    var to: VersionSpecifier?

    @Flag(help: "Print only the one-line change summary.")
    var summary = false

    @OptionGroup var display: DisplayOptions

    func run() async throws {
        try await runReportingErrors {
            let store = global.openStore()
            let versions = try store.versions(of: watch)
            guard versions.count >= 2 || from != nil else {
                throw CLIError(versions.isEmpty ? "watch '\(watch)' has no stored versions in \(global.store)"
                                                : "watch '\(watch)' has only one version; nothing to compare")
            }
            let old = try (from ?? VersionSpecifier(-1)).resolve(in: versions, watch: watch)
            let new = try (to ?? VersionSpecifier(nil)).resolve(in: versions, watch: watch)
            let change = Change(watch: watch, url: new.requestedURL, old: old, new: new,
                                oldArticle: try store.article(of: old), newArticle: try store.article(of: new))
            if summary {
                Terminal.write("\(change.summary)\n")
                return
            }
            let style = display.style
            display.emit(style.dim(change.summary.description) + "\n" + change.unified(style: style))
        }
    }
}
