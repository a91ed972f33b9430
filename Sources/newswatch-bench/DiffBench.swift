import ArgumentParser
import Foundation
import NewswatchCore
import NewswatchDemo
#if canImport(Glibc)
import Glibc
#endif

/// Diffs two 1 MB texts with 1% of their lines edited here and there, next to GNU `diff -u`
/// on the same files in the same run; then two unrelated 1 MB texts, with time and memory.
struct DiffBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Line diff speed versus GNU diff -u; unrelated texts' time and peak memory."
    )

    @Option(help: "Size of each text in bytes.") var bytes = 1_000_000
    @Option(help: "Share of lines edited.") var editRate = 0.01
    @Option(help: "Timed repetitions (median reported).") var repeats = 5
    @Flag(help: "End every line with its number, as tables and numbered lists do (lines then differ only in their last bytes).")
    var numbered = false
    @Option(help: "Also time this newswatch binary's `diff --no-index` as a whole process, as GNU diff is timed.")
    var cli: String?

    func run() throws {
        var random = SplitMix(seed: 77)
        func line() -> String {
            (0..<Int.random(in: 6...16, using: &random)).map { _ in
                SyntheticNewsSite.vocabulary[Int(Double(SyntheticNewsSite.vocabulary.count) * pow(Double.random(in: 0..<1, using: &random), 3))]
            }.joined(separator: " ")
        }
        func text() -> [String] {
            var lines: [String] = [], size = 0
            while size < bytes {
                let l = numbered ? line() + " \(lines.count + 1)" : line()
                lines.append(l); size += l.utf8.count + 1
            }
            return lines
        }
        let old = text()
        var new = old
        let edits = Int(Double(old.count) * editRate)
        for _ in 0..<edits {
            let at = Int.random(in: 0..<new.count, using: &random)
            switch Int.random(in: 0..<3, using: &random) {
            case 0: new[at] = line()
            case 1: new.insert(line(), at: at)
            default: new.remove(at: at)
            }
        }
        let oldText = old.joined(separator: "\n") + "\n", newText = new.joined(separator: "\n") + "\n"
        let directory = NSTemporaryDirectory() + "newswatch-diff-bench-\(getpid())"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try oldText.write(toFile: directory + "/old.txt", atomically: true, encoding: .utf8)
        try newText.write(toFile: directory + "/new.txt", atomically: true, encoding: .utf8)

        var ours = "", ourTimes: [Double] = []
        for _ in 0..<repeats {
            let start = Date()
            // Reading the files counts, as it does for diff(1).
            let a = try String(contentsOfFile: directory + "/old.txt", encoding: .utf8)
            let b = try String(contentsOfFile: directory + "/new.txt", encoding: .utf8)
            ours = TextDiff(old: a, new: b).unified(oldLabel: "old.txt", newLabel: "new.txt")
            ourTimes.append(Date().timeIntervalSince(start))
        }
        func processTime(_ executable: String, _ arguments: [String]) throws -> Double {
            let start = Date()
            let process = Process()
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments + [directory + "/old.txt", directory + "/new.txt"]
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            return Date().timeIntervalSince(start)
        }
        // Interleaved, so a slow moment of the machine weighs on both programs alike.
        var gnuTimes: [Double] = [], cliRuns: [Double] = []
        for _ in 0..<repeats {
            gnuTimes.append(try processTime("/usr/bin/diff", ["-u"]))
            if let cli { cliRuns.append(try processTime(cli, ["diff", "--no-index"])) }
        }
        let cliTimes = cli == nil ? nil : cliRuns
        let patched = try UnifiedPatch.apply(ours, to: oldText)
        func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
        print("texts: \(oldText.utf8.count) and \(newText.utf8.count) bytes, \(old.count) lines, \(edits) scattered line edits")
        print(String(format: "newswatch read + TextDiff + unified: %.1f ms (median of %d, in process)", median(ourTimes) * 1000, repeats))
        print(String(format: "GNU diff -u:                  %.1f ms (median of %d, whole process)", median(gnuTimes) * 1000, repeats))
        if let cliTimes {
            print(String(format: "newswatch diff --no-index:    %.1f ms (median of %d, whole process)", median(cliTimes) * 1000, repeats))
        }
        print("our patch reproduces the new text: \(patched == newText ? "yes" : "NO")")

        let unrelatedA = text().joined(separator: "\n") + "\n", unrelatedB = text().joined(separator: "\n") + "\n"
        let rssBefore = peakRSS()
        let start = Date()
        let unrelated = TextDiff(old: unrelatedA, new: unrelatedB)
        let output = unrelated.unified(oldLabel: "a", newLabel: "b")
        let seconds = Date().timeIntervalSince(start)
        print(String(format: "unrelated 1 MB texts: %.2f s, %d lines out, peak RSS %d MB (%d MB before)", seconds,
                     output.split(separator: "\n").count, peakRSS() / 1024, rssBefore / 1024))
    }

    /// Peak resident set size of this process, in KiB.
    func peakRSS() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return usage.ru_maxrss
    }
}
