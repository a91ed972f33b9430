import ArgumentParser
import Foundation
import NewswatchCore

struct PruneCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prune",
        abstract: "Remove old versions and the objects only they used.",
        discussion: """
        Keeps each watch's first version (the baseline of every diff) unless --include-first, \
        and always its latest. With both --keep-last and --older-than, a version goes only \
        when it is beyond the last N and older than the age.
        """
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("Keep the newest N versions of each watch.", valueName: "N"))
    var keepLast: Int?

    @Option(help: ArgumentHelp("Remove versions older than this (e.g. 90d, 12h).", valueName: "age"))
    var olderThan: String?

    @Flag(help: "Allow removing a watch's first version too.")
    var includeFirst = false

    @Option(name: .customLong("watch"), help: ArgumentHelp("Prune only this watch (repeatable).", valueName: "name"))
    var watches: [String] = []

    @Flag(help: "Say what would be removed without removing anything.")
    var dryRun = false

    @Option(help: ArgumentHelp("Wait up to this many seconds for a running check to finish.", valueName: "seconds"))
    var wait: Double?

    func validate() throws {
        if keepLast == nil && olderThan == nil { throw ValidationError("say what to remove: --keep-last N and/or --older-than AGE") }
        if let keepLast, keepLast < 1 { throw ValidationError("--keep-last must be at least 1") }
        if let olderThan, Interval(parsing: olderThan) == nil { throw ValidationError("--older-than '\(olderThan)' is not a duration (e.g. 90d)") }
    }

    func run() async throws {
        try await runReportingErrors {
            let store = try await global.openExistingStoreForWriting()
            let policy = PrunePolicy(keepLast: keepLast, olderThan: olderThan.flatMap(Interval.init(parsing:))?.seconds, includeFirst: includeFirst)
            let result = try await store.withWriterLock(wait: wait) {
                try store.prune(policy, watches: watches.isEmpty ? nil : watches, now: Date(), dryRun: dryRun)
            }
            Terminal.write("\(dryRun ? "would remove" : "removed") \(result.versionsRemoved) versions; "
                           + "\(result.objectsRemoved) unreferenced objects (\(result.bytesFreed) bytes)\(dryRun ? " already unreferenced" : "")\n")
        }
    }
}
