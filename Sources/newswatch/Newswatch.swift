import ArgumentParser
import NewswatchCore

@main
struct Newswatch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "newswatch",
        abstract: "Watch news pages and see exactly how their stories change.",
        discussion: """
        newswatch fetches the pages listed in watchlists (YAML files in ./watchlists), extracts \
        the article (headline, byline, dates, body; no menus, sidebars or ads), stores every \
        version compressed in ./snapshots, and prints a diff when a story changes.

        Start with `newswatch demo` (offline), then `newswatch check` from cron.
        Exit codes: 0 ok, 1 some watches failed, 2 bad configuration or arguments, 75 store busy.
        """,
        version: NewswatchVersion.current,
        subcommands: [
            CheckCommand.self, WatchCommand.self, ListCommand.self, LogCommand.self, ShowCommand.self, DiffCommand.self,
            ExtractCommand.self, AlertsCommand.self, VerifyCommand.self, StatsCommand.self, PruneCommand.self, ReextractCommand.self,
            DemoCommand.self,
        ]
    )
}
