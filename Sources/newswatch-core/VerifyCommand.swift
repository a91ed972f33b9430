import ArgumentParser
import Foundation
import NewswatchCore

struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Re-hash every stored object and check every history entry resolves.",
        discussion: "Exit code 0 when the store is sound, 1 with a line per problem when it is not."
    )

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Print the report as JSON.")
    var json = false

    func run() async throws {
        let store: any MaintainableStore
        do { store = try global.openExistingStore() } catch let error as CLIError {
            Terminal.error(error.description)
            throw ExitCode(error.exitCode)
        }
        let report = store.verify()
        if json {
            let object: [String: Any] = ["objects": report.objectsChecked, "versions": report.versionsChecked, "problems": report.problems, "ok": report.isHealthy]
            let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
            Terminal.write(String(decoding: data, as: UTF8.self) + "\n")
        } else {
            for problem in report.problems { Terminal.error(problem) }
            Terminal.write("\(report.objectsChecked) objects and \(report.versionsChecked) versions checked: "
                           + (report.isHealthy ? "ok\n" : "\(report.problems.count) problem(s)\n"))
        }
        if !report.isHealthy { throw ExitCode(1) }
    }
}
