import ArgumentParser
import Foundation
import NewswatchCore

struct ListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the watches with their interval, versions, last check and any error."
    )

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Print a JSON array instead of a table.")
    var json = false

    @Flag(help: "Also list followed stories retired after their source's follow_for.")
    var retired = false

    func run() async throws {
        try await runReportingErrors {
            let list = try global.loadWatchlist(forReading: true)
            // No store yet is normal before the first check; a path that is something else is not.
            switch global.databaseURL != nil ? .store : StoreLocation.inspect(global.store) {
            case .notAStore(let why): throw CLIError.usage("\(global.store) is not a newswatch store (\(why))")
            case .missing: Terminal.warn("no store at \(global.store) yet: nothing has been checked (run `newswatch check`)")
            case .store, .fileLayout, .emptyDirectory: break
            }
            // A database that cannot be reached is an error; a directory store not created yet is not.
            let store: (any SnapshotStore)? = global.databaseURL != nil ? try global.openExistingStore() : try? global.openExistingStore()
            let states = (try? store?.states()) ?? [:]
            var rows: [[String: Any]] = []
            // Configured watches, then each followed source with its stories under it.
            var entries: [(watch: Watch, kind: String)] = list.watches.map { ($0, "watch") }
            for source in list.follows {
                entries.append((source.sourceWatch, "source"))
                let stories = states.filter { $0.value.followed?.source == source.name && (retired || $0.value.followed?.retired == nil) }
                for (name, state) in stories.sorted(by: { ($0.value.followed!.discovered, $0.key) < ($1.value.followed!.discovered, $1.key) }) {
                    entries.append((source.storyWatch(named: name, url: state.followed!.url, published: state.followed!.published), "story"))
                }
            }
            for (watch, kind) in entries {
                let versions = kind == "source" ? [] : ((try? store?.versions(of: watch.name)) ?? [])
                let state = states[watch.name] ?? WatchState()
                var row: [String: Any] = ["name": watch.name, "url": watch.url, "every": watch.adaptive ? "adaptive" : watch.every.description, "versions": versions.count]
                row["type"] = kind
                if kind == "source", let source = list.follow(named: watch.name) {
                    row["kind"] = source.kind.rawValue
                    row["followFor"] = source.followFor.description
                    row["stories"] = states.values.filter { $0.followed?.source == source.name && $0.followed?.retired == nil }.count
                    row["retiredStories"] = states.values.filter { $0.followed?.source == source.name && $0.followed?.retired != nil }.count
                }
                if let story = state.followed {
                    row["source"] = story.source
                    row["discovered"] = Timestamp.display(story.discovered)
                    row["published"] = story.published.map(Timestamp.display) ?? NSNull()
                    row["retired"] = story.retired.map(Timestamp.display) ?? NSNull()
                    row["mergedInto"] = story.mergedInto ?? NSNull()
                }
                row["lastChecked"] = state.lastChecked.map(Timestamp.display) ?? NSNull()
                row["nextDue"] = state.nextDue.map(Timestamp.display) ?? NSNull()
                row["error"] = state.lastError ?? NSNull()
                row["removedSince"] = state.isRemoved ? (state.removedSince ?? state.goneSince).map(Timestamp.display) ?? "" : NSNull()
                row["title"] = versions.last?.title ?? NSNull()
                if let quality = versions.last?.extraction {
                    row["extraction"] = ["method": quality.method.rawValue, "confidence": quality.confidence, "uncertain": quality.isUncertain]
                }
                rows.append(row)
            }
            if json {
                let data = try JSONSerialization.data(withJSONObject: rows, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
                Terminal.write(String(decoding: data, as: UTF8.self) + "\n")
                return
            }
            let nameWidth = max(4, rows.map { ($0["name"] as! String).count + ($0["type"] as! String == "story" ? 2 : 0) }.max() ?? 4)
            Terminal.write("NAME".padding(toLength: nameWidth, withPad: " ", startingAt: 0) + "  EVERY     VERSIONS  LAST CHECKED          NEXT DUE              STATUS\n")
            for row in rows {
                if row["type"] as! String == "source" {
                    let due = (row["nextDue"] as? String) ?? "now"
                    let failing = (row["error"] as? String).map { "; failing: \($0)" } ?? ""
                    Terminal.write("\n" + "\(row["name"]!)" + " follows the \(row["kind"]!) \(row["url"]!) every \(row["every"]!): "
                                   + "\(row["stories"]!) stories followed, \(row["retiredStories"]!) retired (follow_for \(row["followFor"]!)); next read \(due)\(failing)\n")
                    continue
                }
                let indent = row["type"] as! String == "story" ? "  " : ""
                let name = (indent + (row["name"] as! String)).padding(toLength: nameWidth, withPad: " ", startingAt: 0)
                let every = (row["every"] as! String).padding(toLength: 8, withPad: " ", startingAt: 0)
                let versions = String(row["versions"] as! Int).padding(toLength: 8, withPad: " ", startingAt: 0)
                let checked = ((row["lastChecked"] as? String) ?? "never").padding(toLength: 20, withPad: " ", startingAt: 0)
                let due = ((row["nextDue"] as? String) ?? "now").padding(toLength: 20, withPad: " ", startingAt: 0)
                let uncertain = (row["extraction"] as? [String: Any]).flatMap { $0["uncertain"] as? Bool == true ? $0 : nil }
                let title = (row["title"] as? String) ?? ""
                let followStatus: String? = if let into = row["mergedInto"] as? String { "merged into \(into) (same rel=canonical)" }
                    else if let retired = row["retired"] as? String { "retired \(retired) | \(title)" } else { nil }
                let status: String = followStatus
                    ?? (row["removedSince"] as? String).map { "removed since \($0)" }
                    ?? (row["error"] as? String).map { "failing: \($0)" }
                    ?? uncertain.map { "extraction uncertain (\($0["method"] ?? ""), \($0["confidence"] ?? "")): consider select: | " + ((row["title"] as? String) ?? "") }
                    ?? ((row["title"] as? String) ?? "")
                Terminal.write("\(name)  \(every)  \(versions)  \(checked)  \(due)  \(status)\n")
            }
        }
    }
}
