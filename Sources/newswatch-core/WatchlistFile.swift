import Foundation
import NewswatchCore

/// Which watchlist file `add` and `import` write, and writing it safely.
enum WatchlistFile {
    /// `--file`, else the watchlists path when it is a file, else in the directory: `news.yaml`
    /// (what `init` creates), the only YAML file, or a new `watches.yaml`.
    static func target(_ file: String?, watchlists: String) throws -> String {
        if let file { return file }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: watchlists, isDirectory: &isDirectory) else {
            throw CLIError.usage("no watchlists at \(watchlists) (run `newswatch init` first, or pass --file)")
        }
        if !isDirectory.boolValue { return watchlists }
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: watchlists)) ?? []).filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
        let chosen = names.contains("news.yaml") ? "news.yaml" : (names.count == 1 ? names[0] : "watches.yaml")
        if names.count > 1 && !names.contains("news.yaml") && !names.contains("watches.yaml") {
            throw CLIError.usage("\(watchlists) holds \(names.count) watchlists (\(names.joined(separator: ", "))): say which with --file")
        }
        return (watchlists as NSString).appendingPathComponent(chosen)
    }

    static func read(_ path: String) throws -> String {
        guard FileManager.default.fileExists(atPath: path) else { return "" }
        guard let data = FileManager.default.contents(atPath: path) else { throw CLIError("\(path): cannot read file") }
        guard let text = String(data: data, encoding: .utf8) else { throw CLIError("\(path): not UTF-8 text") }
        return text
    }

    /// Writes `text` after checking it loads; the file is replaced atomically (never half written).
    static func write(_ text: String, to path: String) throws {
        do {
            _ = try WatchlistLoader(requireSecrets: false).load(text: text, file: path)
        } catch let errors as ConfigErrors {
            throw CLIError("\(path): the edited watchlist would not load, left unchanged:\n\(errors.description)")
        }
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }
}
