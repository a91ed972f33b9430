import ArgumentParser
import Foundation
import NewswatchCore
import NewswatchDemo

/// Stores synthetic news pages over generations and compares the store's size with the
/// same versions gzipped one by one and committed to git and packed aggressively.
struct StoreBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store",
        abstract: "Store size versus per-file gzip -6 and git gc --aggressive, over the same versions."
    )

    @Option(help: "Pages (articles) on the simulated sites.") var pages = 200
    @Option(help: "Generations (fetches of every page).") var generations = 20
    @Option(help: "Work directory (default: a new temporary one, removed afterwards).") var work: String?
    @Option(help: "Store kind: sqlite (the default store) or files (the older file layout).") var backend = "sqlite"

    func run() throws {
        let directory = work ?? (NSTemporaryDirectory() as NSString).appendingPathComponent("newswatch-store-bench-\(UUID().uuidString.prefix(8))")
        defer { if work == nil { try? FileManager.default.removeItem(atPath: directory) } }
        let storeDirectory = directory + "/store", filesDirectory = directory + "/files", gitDirectory = directory + "/git"
        for folder in [storeDirectory, filesDirectory, gitDirectory] { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
        try shell("git init -q . && git config user.email bench@example.org && git config user.name bench", in: gitDirectory)

        var site = SyntheticNewsSite(pages: pages)
        let store: any MaintainableStore = backend == "files" ? FileSnapshotStore(root: storeDirectory) : try SQLiteStore(root: storeDirectory)
        let extractor = ReadabilityExtractor()
        var htmlBytes = 0, versions = 0, pageSizes: [Int] = []
        let started = Date()
        var storeSeconds = 0.0
        for generation in 0..<generations {
            if generation > 0 { site.editGeneration() }
            var changedFiles = 0
            for id in 0..<pages {
                let html = Data(site.html(story: id, fetch: generation).utf8)
                if generation == 0 { pageSizes.append(html.count) }
                let url = "https://site\(site.stories[id].site).example\(site.path(of: id))"
                let article = try extractor.extract(ExtractionInput(html: html, url: url))
                let name = "story-\(id)"
                let t0 = Date()
                if let latest = try store.latestVersion(of: name), latest.storyHash == StoreFormat.storyHash(article) { continue }
                let record = try store.append(Snapshot(fetchedAt: Date(), requestedURL: url, finalURL: url, status: 200,
                                                       extractorVersion: extractor.version, article: article, html: html), to: name)
                storeSeconds += Date().timeIntervalSince(t0)
                versions += 1
                htmlBytes += html.count
                // The same version as plain files: for per-file gzip and for git.
                let text = Data(article.storyText.utf8)
                try html.write(to: URL(fileURLWithPath: "\(filesDirectory)/\(name)@\(record.number).html"))
                try text.write(to: URL(fileURLWithPath: "\(filesDirectory)/\(name)@\(record.number).txt"))
                try html.write(to: URL(fileURLWithPath: "\(gitDirectory)/\(name).html"))
                try text.write(to: URL(fileURLWithPath: "\(gitDirectory)/\(name).txt"))
                changedFiles += 1
            }
            if changedFiles > 0 { try shell("git add -A && git commit -q -m 'generation \(generation)'", in: gitDirectory) }
        }
        try (store as? FileSnapshotStore)?.packIfNeeded()  // what the end of a `check` does in that layout
        let elapsed = Date().timeIntervalSince(started)
        try shell("gzip -6 -r .", in: filesDirectory)
        try shell("git gc -q --aggressive --prune=now", in: gitDirectory)
        let storeBytes = try store.statistics().diskBytes  // the database alone once its log is checkpointed
        let gzipBytes = try du(filesDirectory)
        let gitBytes = try du(gitDirectory + "/.git")
        let verification = store.verify()
        print("pages: \(pages) (\(pageSizes.min()! / 1000)-\(pageSizes.max()! / 1000) KB of HTML), generations: \(generations), versions stored: \(versions), HTML in them: \(htmlBytes / 1_000_000) MB")
        print("newswatch store, \(backend):        \(storeBytes) bytes")
        print("per-file gzip -6 (text + HTML):  \(gzipBytes) bytes  (store is \(String(format: "%.2f", Double(storeBytes) / Double(gzipBytes)))x)")
        print("git gc --aggressive (du .git):   \(gitBytes) bytes  (store is \(String(format: "%.2f", Double(storeBytes) / Double(gitBytes)))x, target <= 1.0x)")
        print(String(format: "time: %.1f s in all, %.2f s in the store's appends; verify: %@", elapsed, storeSeconds, verification.isHealthy ? "ok" : "\(verification.problems.count) problems"))
    }

    private func shell(_ command: String, in directory: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw ValidationError("'\(command)' failed in \(directory)") }
    }

    /// Bytes used on disk (du, 1-byte units: apparent size of every file).
    private func du(_ path: String) throws -> Int {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/du")
        process.arguments = ["-sb", path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return Int(output.split(separator: "\t").first ?? "0") ?? 0
    }
}
