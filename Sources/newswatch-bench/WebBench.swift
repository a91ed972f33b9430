import ArgumentParser
import FlyingFox
import Foundation
import NewswatchCore
import NewswatchDemo
import NewswatchWeb

/// Time to answer the web view's index and a diff page, through the real request handler,
/// on a store of `--watches` stories with a few versions each.
struct WebBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "web",
        abstract: "Web view speed: the index of N watches and a diff page (median of repeats, in process)."
    )

    @Option(help: "Watches in the store.") var watches = 500
    @Option(help: "Versions per watch.") var versions = 3
    @Option(help: "Timed repetitions (median reported).") var repeats = 9

    func run() async throws {
        let directory = (NSTemporaryDirectory() as NSString).appendingPathComponent("newswatch-web-bench-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let store = try SQLiteStore(root: directory)
        var site = SyntheticNewsSite(pages: watches)
        let extractor = ReadabilityExtractor()
        let fill = Date()
        for generation in 0..<versions {
            if generation > 0 { site.editGeneration() }
            try store.beginBatch()
            for id in 0..<watches {
                let html = Data(site.html(story: id, fetch: generation).utf8)
                let url = "https://site\(site.stories[id].site).example\(site.path(of: id))"
                let article = try extractor.extract(ExtractionInput(html: html, url: url))
                // Every version differs: an edit of this generation, or a line that says which one.
                var edited = article
                edited.blocks.append(.init(.paragraph, "Updated in edition \(generation) of the page."))
                _ = try store.append(Snapshot(fetchedAt: Date().addingTimeInterval(Double(generation * 3600)), requestedURL: url, finalURL: url, status: 200,
                                              extractorVersion: extractor.version, article: edited, html: html), to: "story-\(id)")
            }
            try store.commitBatch()
        }
        print("store: \(watches) watches x \(versions) versions, filled in \(String(format: "%.1f", Date().timeIntervalSince(fill))) s")
        let app = WebApp(view: StoreView(store: store), token: nil)
        func time(_ path: String) async throws -> (Double, Int) {
            var times: [Double] = []
            var size = 0
            for _ in 0..<repeats {
                let request = HTTPRequest(method: .GET, version: .http11, path: path, query: [], headers: [.host: "localhost"], body: HTTPBodySequence(data: Data()))
                let start = Date()
                let response = try await app.handleRequest(request)
                times.append(Date().timeIntervalSince(start))
                if case .httpBody(let body) = response.payload { size = body.count ?? 0 }
            }
            return (times.sorted()[times.count / 2], size)
        }
        for (label, path) in [("index of \(watches) watches", "/"), ("diff page", "/w/story-7/diff/1/\(versions)"),
                              ("story timeline", "/w/story-7"), ("Atom feed, all changes", "/feed.atom")] {
            let (seconds, bytes) = try await time(path)
            print(String(format: "%@: %.1f ms (median of %d), %d bytes", label, seconds * 1000, repeats, bytes))
        }
    }
}
