import Foundation
import Yams

/// Converts urlwatch's `urls.yaml` (one job per YAML document) to watchlist entries:
/// `css:`/`xpath:`/`element-by-*` filters become `select:`/`remove:`, headers and cookies
/// become `headers:`, and everything else is reported, one line each, as not needed or not
/// supported.
public enum UrlwatchImport {
    public struct Result: Sendable {
        public var entries: [WatchlistEditor.Entry] = []
        /// "job 3 (name): what happened to a key or filter".
        public var notes: [String] = []
        public var skipped = 0
    }

    /// Filters whose work newswatch does itself (it extracts the article's text).
    static let notNeeded: Set<String> = ["html2text", "strip", "beautify", "pretty-xml", "format-xml", "remove-duplicate-lines", "sort",
                                         "reverse", "format-json", "jq", "ascii85", "base64", "hexdump", "sha1sum", "striplines", "dedent"]

    public static func convert(_ text: String, file: String, taken: Set<String>) throws -> Result {
        var result = Result()
        var names = taken
        let documents: [Node]
        do { documents = Array(try Yams.compose_all(yaml: text)).compactMap { $0 } } catch {
            throw ConfigErrors(errors: [ConfigError(location: nil, path: file, message: "not valid YAML: \(error)")])
        }
        for (index, document) in documents.enumerated() {
            let label = "job \(index + 1)"
            guard case .mapping(let map) = document else {
                result.notes.append("\(file): \(label): not a job (a mapping with url:), skipped")
                result.skipped += 1
                continue
            }
            var values: [String: Node] = [:]
            for (key, value) in map { values[key.string ?? ""] = value }
            let title = values["name"]?.string
            let where_ = "\(file): \(label)\(title.map { " (\($0))" } ?? "")"
            guard let url = values["url"]?.string ?? values["navigate"]?.string else {
                let kind = values["command"] != nil ? "a shell command job" : "a job without url:"
                result.notes.append("\(where_): \(kind); newswatch watches web pages only, skipped")
                result.skipped += 1
                continue
            }
            if let problem = WatchlistLoader.urlProblem(url) {
                result.notes.append("\(where_): \(problem), skipped")
                result.skipped += 1
                continue
            }
            if values["navigate"] != nil { result.notes.append("\(where_): navigate: fetched without a browser (newswatch reads the page's HTML)") }
            let name = uniqueName(title, url: url, taken: names)
            names.insert(name)
            var entry = WatchlistEditor.Entry(name: name, url: url)
            var selects: [String] = [], removes: [String] = []
            for (filter, argument) in filters(values["filter"]) {
                switch filter {
                case "css", "xpath":
                    guard let argument, !argument.isEmpty else { result.notes.append("\(where_): filter \(filter) without a selector, ignored"); continue }
                    let selector = filter == "xpath" ? "xpath: \(argument)" : argument
                    if (try? ContentSelector(parsing: selector)) == nil {
                        result.notes.append("\(where_): filter \(filter):\(argument) is beyond newswatch's selector subset, not converted")
                        continue
                    }
                    selects.append(selector)
                case "css-exclude", "xpath-exclude":
                    if let argument { removes.append(filter.hasPrefix("xpath") ? "xpath: \(argument)" : argument) }
                case "element-by-id": if let argument { selects.append("#\(argument)") }
                case "element-by-class": if let argument { selects.append(".\(argument)") }
                case "element-by-tag": if let argument { selects.append(argument) }
                case let other where notNeeded.contains(other):
                    result.notes.append("\(where_): filter \(other): not needed (newswatch extracts the article's text itself)")
                default:
                    result.notes.append("\(where_): filter \(filter)\(argument.map { ":\($0)" } ?? ""): not supported, left out"
                                        + (["grep", "grepi", "re.sub"].contains(filter) ? " (ignore_lines: drops lines from comparisons)" : ""))
                }
            }
            if let first = selects.first {
                entry.select = first
                if selects.count > 1 { result.notes.append("\(where_): several selectors; select: takes the first (\(first)), the others are left out") }
            }
            if !removes.isEmpty { entry.extra.append(("remove", "[" + removes.map(WatchlistEditor.quoted).joined(separator: ", ") + "]")) }
            var headers: [(String, String)] = []
            if case .mapping(let map)? = values["headers"] {
                for (key, value) in map { if let k = key.string, let v = value.string { headers.append((k, v)) } }
            }
            if case .mapping(let map)? = values["cookies"] {
                let cookie = map.compactMap { key, value in key.string.flatMap { k in value.string.map { "\(k)=\($0)" } } }.joined(separator: "; ")
                if !cookie.isEmpty { headers.append(("Cookie", cookie)) }
            }
            if !headers.isEmpty {
                entry.extra.append(("headers", "{ " + headers.map { "\(WatchlistEditor.quoted($0.0)): \(WatchlistEditor.quoted($0.1))" }.joined(separator: ", ") + " }"))
            }
            for (key, _) in map {
                let name = key.string ?? ""
                switch name {
                case "name", "url", "navigate", "filter", "headers", "cookies", "kind": break
                case "max_tries", "ignore_cached", "ignore_connection_errors", "ignore_timeout_errors", "ignore_too_many_redirects",
                     "ignore_http_error_codes", "treat_new_as_changed", "compared_versions", "monospace", "user_visible_url", "encoding", "markdown":
                    result.notes.append("\(where_): \(name): not needed (newswatch \(reason(name)))")
                default:
                    result.notes.append("\(where_): \(name): not supported, left out")
                }
            }
            result.entries.append(entry)
        }
        return result
    }

    private static func reason(_ key: String) -> String {
        switch key {
        case "max_tries", "ignore_connection_errors", "ignore_timeout_errors", "ignore_too_many_redirects", "ignore_http_error_codes":
            return "retries failures with back-off and alerts once per run of failures"
        case "ignore_cached": return "always compares with the last stored version"
        case "encoding": return "reads the charset from the response and the page"
        default: return "decides this itself"
        }
    }

    /// A filter spec as (name, argument) pairs: `css:div.a,html2text`, a list of strings, or
    /// a list of single-key mappings (`- css: {selector: div.a, exclude: .ad}`).
    static func filters(_ node: Node?) -> [(String, String?)] {
        guard let node else { return [] }
        func split(_ text: String) -> [(String, String?)] {
            text.split(separator: ",").map { part in
                let piece = part.trimmingCharacters(in: .whitespaces)
                guard let colon = piece.firstIndex(of: ":") else { return (piece, nil) }
                return (String(piece[..<colon]), String(piece[piece.index(after: colon)...]))
            }
        }
        switch node {
        case .scalar(let scalar): return split(scalar.string)
        case .sequence(let items):
            return items.flatMap { item -> [(String, String?)] in
                switch item {
                case .scalar(let scalar):
                    // One filter per list item: a selector may itself hold commas.
                    let parts = scalar.string.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                    return [(parts.first ?? "", parts.count > 1 ? parts[1] : nil)]
                case .mapping(let map):
                    return map.flatMap { key, value -> [(String, String?)] in
                        let name = key.string ?? ""
                        if case .mapping(let options) = value {
                            let selector = options.first { $0.key.string == "selector" || $0.key.string == "path" }?.value.string
                            var out: [(String, String?)] = [(name, selector)]
                            if let exclude = options.first(where: { $0.key.string == "exclude" })?.value.string { out.append(("\(name)-exclude", exclude)) }
                            return out
                        }
                        return [(name, value.string)]
                    }
                default: return []
                }
            }
        default: return []
        }
    }

    private static func uniqueName(_ title: String?, url: String, taken: Set<String>) -> String {
        if let title {
            let cleaned = String(StoryURL.slugified(title).prefix(100))
            if !cleaned.isEmpty { return StoryURL.unique(cleaned, taken: taken.contains) }
        }
        return WatchlistEditor.name(for: url, taken: taken)
    }
}
