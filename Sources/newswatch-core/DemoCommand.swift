import ArgumentParser
import Foundation
import NewswatchCore
import NewswatchDemo

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the whole story offline: a local news site, two checks, a diff and a webhook.",
        discussion: """
        Starts a news site and a webhook receiver on 127.0.0.1, watches a state-visit story \
        into a temporary store, checks again after the page's sidebars change (no alert), \
        then after the editors update the story (headline, new and edited paragraphs), and \
        prints the diff and the signed webhook alert that was received. Needs no network.
        """
    )

    @Option(help: ArgumentHelp("Keep the demo's store and watchlist in this directory instead of a temporary one.", valueName: "dir"))
    var keep: String?

    @OptionGroup var display: DisplayOptions

    func run() async throws {
        let style = display.style
        let directory = keep ?? (NSTemporaryDirectory() as NSString).appendingPathComponent("newswatch-demo-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { if keep == nil { try? FileManager.default.removeItem(atPath: directory) } }

        let site = try DemoSite()
        let base = try await site.start()
        let secret = "demo-secret"
        let watchlistPath = (directory as NSString).appendingPathComponent("demo.yaml")
        let yaml = """
        defaults: { every: 15m }
        webhooks:
          - url: \(base)/webhook
            secret: "${NEWSWATCH_DEMO_SECRET}"
            on: [new, changed]
        watches:
          - name: valdoria-state-visit
            url: \(base)\(DemoStory.path)
        """
        try yaml.write(toFile: watchlistPath, atomically: true, encoding: .utf8)
        let list: Watchlist
        do {
            list = try WatchlistLoader(environment: ["NEWSWATCH_DEMO_SECRET": secret]).load(path: watchlistPath)
        } catch {
            await site.stop()
            throw CLIError("demo watchlist: \(error)")
        }
        let store = try SQLiteStore(root: (directory as NSString).appendingPathComponent("snapshots"))
        let runner = CheckRunner(store: store)
        let printer = ReportPrinter(style: style, json: false)

        func step(_ text: String) { Terminal.write("\n" + style.hunk("== \(text)") + "\n") }

        step("A news site is up at \(base); watching \(list.watches[0].url)")
        step("check 1: first sight of the story")
        printer.print(await runner.run(list.watches))

        step("check 2: the page's clock and \"Latest News\" changed, the story did not")
        let quiet = await runner.run(list.watches)
        printer.print(quiet)
        if quiet.changes.isEmpty && quiet.failures.isEmpty { Terminal.write("(nothing to report: no new version, no alert)\n") }

        step("The editors update the story: the president has arrived, talks were held, the treaty was signed")
        await site.publish(version: 2)
        step("check 3: the update")
        let update = await runner.run(list.watches)
        printer.print(update)

        // Give the receiver a moment to record the last POST.
        try await Task.sleep(nanoseconds: 100_000_000)
        let hooks = await site.receivedWebhooks
        await site.stop()
        step("Webhook alerts received by the local receiver: \(hooks.count)")
        for hook in hooks {
            let timestamp = hook.headers["x-newswatch-signature"]?.split(separator: ",").first.flatMap { Int($0.dropFirst(2)) } ?? 0
            let verified = hook.headers["x-newswatch-signature"] == WebhookNotifier.signature(secret: secret, timestamp: timestamp, body: hook.body)
            Terminal.write("POST /webhook  X-Newswatch-Event: \(hook.headers["x-newswatch-event"] ?? "?")  signature \(verified ? "verified" : "INVALID")\n")
            if let object = try? JSONSerialization.jsonObject(with: hook.body) as? [String: Any] {
                var shown = object
                if let diff = shown["diff"] as? String, diff.count > 240 { shown["diff"] = String(diff.prefix(240)) + "…" }
                shown.removeValue(forKey: "addedParagraphs")
                shown.removeValue(forKey: "removedParagraphs")
                if let data = try? JSONSerialization.data(withJSONObject: shown, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]) {
                    Terminal.write(String(decoding: data, as: UTF8.self) + "\n")
                }
            }
        }
        if let keep {
            step("Store kept: try `newswatch log valdoria-state-visit --store \(keep)/snapshots`")
        }
        let failed = update.failures.count + quiet.failures.count
        if failed > 0 || update.changes.count != 1 { throw ExitCode(1) }
    }
}
