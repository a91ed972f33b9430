import ArgumentParser
import Foundation
import NewswatchCore
#if canImport(Glibc)
import Glibc
#endif

/// Extracts every page of a directory of `*.html` / `*.html.gz`, writes `<id>.txt` (body) and
/// `<id>.json` (metadata) predictions for the extraction-dev scorer, and prints speed next to
/// libxml2's parse-alone speed over the same pages, measured in the same run.
struct ExtractBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "extract",
        abstract: "Extraction quality predictions and speed (pages/s, MB/s) versus parse alone."
    )

    @Argument(help: "Directory of pages (e.g. ../shared/extraction-dev/scrapinghub/html).")
    var pages: String

    @Option(help: "Write predictions here (id.txt and id.json), for score.py.")
    var predictions: String?

    @Option(help: "Timed passes over all pages; the median pass is reported.")
    var passes: Int = 3

    func run() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: pages)
            .filter { $0.hasSuffix(".html") || $0.hasSuffix(".html.gz") }.sorted()
        guard !names.isEmpty else { throw ValidationError("no .html or .html.gz files in \(pages)") }
        var documents: [(id: String, html: Data)] = []
        for name in names {
            var data = try Data(contentsOf: URL(fileURLWithPath: (pages as NSString).appendingPathComponent(name)))
            if name.hasSuffix(".gz") { data = try Zlib.decompress(data) }
            documents.append((name.replacingOccurrences(of: ".html.gz", with: "").replacingOccurrences(of: ".html", with: ""), data))
        }
        let bytes = documents.reduce(0) { $0 + $1.html.count }
        let extractor = ReadabilityExtractor()
        if let predictions {
            try FileManager.default.createDirectory(atPath: predictions, withIntermediateDirectories: true)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            for document in documents {
                let article = (try? extractor.extract(ExtractionInput(html: document.html))) ?? Article()
                let base = (predictions as NSString).appendingPathComponent(document.id)
                try article.text.write(toFile: base + ".txt", atomically: true, encoding: .utf8)
                // The scorers read title, byline and excerpt; method and confidence are for
                // studying where the extractor is unsure.
                let meta = ["title": article.title ?? "", "byline": article.byline ?? "", "excerpt": article.lead ?? "",
                            "method": article.extraction?.method.rawValue ?? "", "confidence": String(article.extraction?.confidence ?? 0)]
                try encoder.encode(meta).write(to: URL(fileURLWithPath: base + ".json"))
            }
        }
        func median(_ work: () -> Void) -> Double {
            var times: [Double] = []
            for _ in 0..<max(1, passes) {
                let start = cpuSeconds()
                work()
                times.append(cpuSeconds() - start)
            }
            return times.sorted()[times.count / 2]
        }
        let parse = median { for document in documents { _ = ParseOnly.parse(document.html) } }
        let extract = median { for document in documents { _ = try? extractor.extract(ExtractionInput(html: document.html)) } }
        // The quick path of a check: is this fetch's story the same as last time's? Each page
        // is checked against the fingerprint taken from itself (a match costs the most work).
        let fingerprints = documents.map { document -> StoryFingerprint? in
            guard case .article(_, let fingerprint)? = try? extractor.extract(ExtractionInput(html: document.html), unlessSameAs: nil) else { return nil }
            return fingerprint
        }
        let fingerprinted = documents.indices.filter { fingerprints[$0] != nil }
        var matched = 0
        let quick = median {
            matched = 0
            for index in fingerprinted {
                if case .sameStory? = try? extractor.extract(ExtractionInput(html: documents[index].html), unlessSameAs: fingerprints[index]) { matched += 1 }
            }
        }
        let megabytes = Double(bytes) / 1_000_000
        print("pages: \(documents.count), HTML: \(String(format: "%.1f", megabytes)) MB, passes: \(passes) (median, process CPU time)")
        print(String(format: "parse only (libxml2 htmlReadMemory): %.3f s  %.0f pages/s  %.1f MB/s", parse, Double(documents.count) / parse, megabytes / parse))
        print(String(format: "extract (parse + article):           %.3f s  %.0f pages/s  %.1f MB/s", extract, Double(documents.count) / extract, megabytes / extract))
        print(String(format: "extract / parse: %.2fx", extract / parse))
        let quickRate = fingerprinted.isEmpty || quick <= 0 ? 0 : Double(fingerprinted.count) / quick
        // How much of each page the fingerprint pins (prefix + container): the rest may change freely.
        let pinned = fingerprinted.map { index -> Double in
            let fingerprint = fingerprints[index]!
            return Double(fingerprint.prefixLength + fingerprint.regionLength) / Double(max(1, documents[index].html.count))
        }.sorted()
        print(String(format: "same-story check (no parse): %d of %d pages fingerprinted, %d matched, %.0f pages/s",
                     fingerprinted.count, documents.count, matched, quickRate))
        if !pinned.isEmpty {
            print(String(format: "fingerprinted bytes (prefix + container) / page bytes: median %.0f%%, 90th percentile %.0f%%",
                         pinned[pinned.count / 2] * 100, pinned[pinned.count * 9 / 10] * 100))
        }
    }
}

func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6 + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
}
