import ArgumentParser
import Foundation
import NewswatchCore

struct LogCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "Show the stored versions of a watch, newest first, with what changed in each."
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The watch name (see `newswatch list`).")
    var watch: String

    @Flag(help: "Print a JSON array of version records.")
    var json = false

    @OptionGroup var display: DisplayOptions

    func run() async throws {
        try await runReportingErrors {
            let store = global.openStore()
            let versions = try store.versions(of: watch)
            guard !versions.isEmpty else {
                throw CLIError("watch '\(watch)' has no stored versions in \(global.store)")
            }
            if json {
                let data = try FileSnapshotStore.encoder.encode(versions)
                Terminal.write(String(decoding: data, as: UTF8.self) + "\n")
                return
            }
            let style = display.style
            var out = ""
            for (index, version) in versions.enumerated().reversed() {
                out += style.warning("version \(version.number)") + "  \(Timestamp.display(version.fetchedAt))  HTTP \(version.status)\n"
                out += "    \(version.title ?? "(untitled)")\n"
                if index > 0 {
                    let change = Change(watch: watch, url: version.requestedURL, old: versions[index - 1], new: version,
                                        oldArticle: try store.article(of: versions[index - 1]), newArticle: try store.article(of: version))
                    out += "    \(change.summary)\n"
                } else {
                    out += "    first version\n"
                }
                out += "\n"
            }
            display.emit(out)
        }
    }
}
