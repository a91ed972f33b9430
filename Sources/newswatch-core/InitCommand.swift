import ArgumentParser
import Foundation
import NewswatchCore

struct InitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Start here: create watchlists/ with a commented example and snapshots/ (never overwrites).",
        discussion: "Then `newswatch add URL` to watch a page and `newswatch check` to fetch it."
    )

    @Argument(help: ArgumentHelp("Where to set up (default: the current directory).", valueName: "dir"))
    var directory = "."

    static let example = """
    # newswatch watchlist: the pages to watch. `newswatch add URL` appends to this file;
    # edit it by hand as you like (comments are kept). Full reference: `newswatch help` and
    # the README's "Watchlists" section.

    defaults:
      every: 30m                 # how often each page is fetched: 90s, 15m, 2h, 1d, or adaptive

    # Alerts (optional): a webhook (json, slack or discord) or email for every watch below.
    # webhooks:
    #   - url: https://hooks.example.org/newswatch
    #     secret: "${NEWSWATCH_SECRET}"   # read from the environment
    #     on: [new, changed]

    # Follow a whole publication (optional): every story its feed lists becomes a watch.
    # follow:
    #   - name: example-world
    #     feed: https://example.org/world/rss.xml

    watches: []
    # - name: my-story                 # letters, digits, . _ -
    #   url: https://example.org/news/2026/my-story.html
    #   select: "article"              # optional: where the story is, if the extractor misses it

    """

    func run() async throws {
        try await runReportingErrors {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw CLIError.usage("\(directory): no such directory (create it first)")
            }
            let watchlists = (directory as NSString).appendingPathComponent("watchlists")
            let snapshots = (directory as NSString).appendingPathComponent("snapshots")
            let example = (watchlists as NSString).appendingPathComponent("news.yaml")
            var created: [String] = []
            for folder in [watchlists, snapshots] where !FileManager.default.fileExists(atPath: folder) {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false,
                                                        attributes: folder == snapshots ? [.posixPermissions: 0o700] : nil)
                created.append(folder + "/")
            }
            let yamlFiles = ((try? FileManager.default.contentsOfDirectory(atPath: watchlists)) ?? []).filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }
            if yamlFiles.isEmpty {
                try Self.example.write(toFile: example, atomically: true, encoding: .utf8)
                created.append(example)
            }
            if created.isEmpty {
                Terminal.info("nothing to do: \(watchlists)/ (with \(yamlFiles.sorted().joined(separator: ", "))) and \(snapshots)/ exist; nothing was changed")
                return
            }
            for path in created { Terminal.write("created \(path)\n") }
            if directory == "." {
                Terminal.write("next: newswatch add URL, then newswatch check\n")
            } else {
                Terminal.write("next: cd \(directory) && newswatch add URL, then newswatch check\n")
            }
        }
    }
}
