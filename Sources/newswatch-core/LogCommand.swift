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
            let store = try global.openExistingStore()
            let versions = try store.versions(of: watch)
            guard !versions.isEmpty else {
                throw noVersions(watch, in: store, path: global.storeName)
            }
            if json {
                let data = try FileSnapshotStore.encoder.encode(versions)
                Terminal.write(String(decoding: data, as: UTF8.self) + "\n")
                return
            }
            let style = display.style
            var out = ""
            // Removals and restorations sit between the versions they came after.
            var lifecycle = ((try? store.states())?[watch]?.lifecycle ?? []).sorted { $0.at > $1.at }
            func lifecycleLines(after date: Date) -> String {
                var lines = ""
                while let entry = lifecycle.first, entry.at >= date {
                    lifecycle.removeFirst()
                    let what = entry.event == .removed ? "removed: the page answered HTTP \(entry.status)" : "restored: the page answered again"
                    lines += style.warning(entry.event.rawValue) + "  \(Timestamp.display(entry.at))  HTTP \(entry.status)\n    \(what)\n\n"
                }
                return lines
            }
            for (index, version) in versions.enumerated().reversed() {
                out += lifecycleLines(after: version.fetchedAt)
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
