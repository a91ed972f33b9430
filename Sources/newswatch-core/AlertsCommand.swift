import ArgumentParser
import Foundation
import NewswatchCore

struct AlertsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alerts",
        abstract: "List webhook alerts (pending, delivered, dead) or send them again.",
        discussion: """
        Every alert is written to the store's outbox when its change is stored and stays there \
        until a webhook accepts it. Failed deliveries are retried on later checks with \
        exponential backoff (honouring Retry-After), in order per watch, until the hook's \
        max_age (default 3d), after which they are marked dead.
        """,
        subcommands: [AlertsListCommand.self, AlertsRetryCommand.self],
        defaultSubcommand: AlertsListCommand.self
    )
}

struct AlertsListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the outbox.")

    @OptionGroup var global: GlobalOptions

    @Option(help: "Only entries with this status: pending, delivered or dead.")
    var status: String?

    @Flag(help: "Print JSON.")
    var json = false

    @Flag(name: .customLong("show-urls"), help: "Show webhook URLs in full. By default only scheme and host are shown: a Slack or Discord hook URL is itself the secret.")
    var showURLs = false

    /// The store keeps hook URLs masked; the full URL of a hook still in the watchlists
    /// comes from there (read without needing secrets, and silently: listing alerts must
    /// work without a watchlist).
    var currentHooks: [WebhookConfig] {
        let list = try? WatchlistLoader(requireSecrets: false).load(path: global.watchlists)
        return Array(Set(list?.watches.flatMap(\.webhooks) ?? []))
    }

    /// `https://hooks.slack.com/…` unless `--show-urls`; a hook no longer configured says so.
    func shown(_ entry: OutboxEntry, hooks: [WebhookConfig]) -> String {
        guard let hook = entry.hook(in: hooks) else { return WebhookConfig.masked(entry.hookURL) + " (no longer in the watchlists)" }
        return showURLs ? hook.url : hook.maskedURL
    }

    /// Error texts can quote the hook URL too.
    func shown(error: String?, of entry: OutboxEntry) -> String? {
        error.map { showURLs ? $0 : $0.replacingOccurrences(of: entry.hookURL, with: WebhookConfig.masked(entry.hookURL)) }
    }

    func run() async throws {
        let store: any MaintainableStore
        do { store = try global.openExistingStore() } catch let error as CLIError {
            Terminal.error(error.description)
            throw ExitCode(error.exitCode)
        }
        var entries = store.makeOutbox().entries()
        let hooks = currentHooks
        if let status { entries = entries.filter { $0.status.rawValue == status } }
        if json {
            let rows: [[String: Any]] = entries.map { entry in
                ["id": entry.id, "event": entry.alert.id, "type": entry.alert.type.rawValue, "watch": entry.alert.watch,
                 "hook": shown(entry, hooks: hooks), "status": entry.status.rawValue, "attempts": entry.attempts,
                 "created": Timestamp.display(entry.createdAt), "nextAttempt": Timestamp.display(entry.nextAttempt),
                 "error": shown(error: entry.lastError, of: entry) ?? NSNull()]
            }
            let data = try JSONSerialization.data(withJSONObject: rows, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
            Terminal.write(String(decoding: data, as: UTF8.self) + "\n")
            return
        }
        if entries.isEmpty { Terminal.write("the outbox is empty\n"); return }
        for entry in entries {
            var line = "\(entry.status.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)) \(entry.id)  \(entry.alert.type.rawValue) \(entry.alert.watch) -> \(shown(entry, hooks: hooks))  attempts \(entry.attempts)"
            if entry.status == .pending { line += ", next \(Timestamp.display(entry.nextAttempt))" }
            if let error = shown(error: entry.lastError, of: entry), entry.status != .delivered { line += "\n          last error: \(error)" }
            Terminal.write(line + "\n")
        }
    }
}

struct AlertsRetryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "retry", abstract: "Send pending and dead alerts now (all, or one by id).")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "An entry id or event id from `newswatch alerts`; default: every undelivered alert.")
    var id: String?

    @Option(help: ArgumentHelp("Wait up to this many seconds for a running check.", valueName: "seconds"))
    var wait: Double?

    func run() async throws {
        try await runReportingErrors {
            let list = try global.loadWatchlist()
            let store = try await global.openExistingStoreForWriting()
            let outbox = store.makeOutbox()
            let outcomes = try await store.withWriterLock(wait: wait) { () async throws -> [DeliveryOutcome] in
                let moved = try outbox.retarget(id, watches: list.watches)
                if moved > 0 { Terminal.info("newswatch: \(moved) alerts whose hook was removed or changed go to the watch's current hooks") }
                let count = try outbox.retry(id)
                if count == 0 { throw CLIError(id.map { "no undelivered alert with id \($0)" } ?? "nothing to retry: every alert was delivered") }
                return await outbox.deliver(hooks: Array(Set(list.watches.flatMap(\.webhooks))), notifier: WebhookNotifier(), force: true)
            }
            let failed = outcomes.filter { !$0.delivered }
            Terminal.write("\(outcomes.count - failed.count) delivered, \(failed.count) still failing\n")
            for outcome in failed { Terminal.error("\(outcome.alertID): \(outcome.error ?? "")") }
            if !failed.isEmpty { throw ExitCode(1) }
        }
    }
}
