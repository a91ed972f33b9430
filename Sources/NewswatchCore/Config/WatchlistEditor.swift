import Foundation
import Yams

/// Edits a watchlist file as text, so its comments, order and layout stay as the user wrote
/// them: `add` inserts one list item, `remove` takes one out, `rename` changes one `name:`.
/// Every edit is checked by loading the result before it is written.
public enum WatchlistEditor {
    public enum EditError: Error, CustomStringConvertible {
        case notAWatchlist(String)
        case noSuchWatch(String)
        public var description: String {
            switch self {
            case .notAWatchlist(let why): return why
            case .noSuchWatch(let name): return "no watch named '\(name)' in this file"
            }
        }
    }

    /// A watch to add, rendered as YAML.
    public struct Entry: Sendable {
        public var name: String
        public var url: String
        public var every: String?
        public var select: String?
        public var extra: [(key: String, value: String)] = []

        public init(name: String, url: String, every: String? = nil, select: String? = nil) {
            self.name = name
            self.url = url
            self.every = every
            self.select = select
        }

        func lines(indent: String) -> [String] {
            var lines = ["\(indent)- name: \(WatchlistEditor.quoted(name))", "\(indent)  url: \(WatchlistEditor.quoted(url))"]
            if let every { lines.append("\(indent)  every: \(WatchlistEditor.quoted(every))") }
            if let select { lines.append("\(indent)  select: \(WatchlistEditor.quoted(select))") }
            for (key, value) in extra { lines.append("\(indent)  \(key): \(value)") }
            return lines
        }
    }

    /// Plain when the value cannot be misread (names, intervals), else a YAML double-quoted
    /// scalar (JSON's escapes are YAML's).
    static func quoted(_ text: String) -> String {
        let reserved: Set<String> = ["true", "false", "yes", "no", "on", "off", "null", "y", "n", "~"]
        if text.range(of: "^[A-Za-z0-9][A-Za-z0-9._-]*$", options: .regularExpression) != nil, !reserved.contains(text.lowercased()),
           Double(text) == nil {
            return text
        }
        let data = (try? JSONSerialization.data(withJSONObject: [text], options: [.withoutEscapingSlashes])) ?? Data("[\"\"]".utf8)
        let array = String(decoding: data, as: UTF8.self)
        return String(array.dropFirst().dropLast())
    }

    /// Where the `watches:` list sits in the text (0-based line numbers).
    struct Layout {
        var lines: [String]
        /// The `watches:` key's line, if any.
        var watchesLine: Int?
        /// Each item's first line (its `-`), in order, with its name.
        var items: [(line: Int, name: String?)]
        /// The first line after the list (the next top-level key, or the end).
        var end: Int
    }

    static func layout(_ text: String) throws -> Layout {
        let lines = text.components(separatedBy: "\n")
        let root: Node?
        do { root = try Yams.compose(yaml: text) } catch { throw EditError.notAWatchlist("not valid YAML: \(error)") }
        guard let root else { return Layout(lines: lines, watchesLine: nil, items: [], end: lines.count) }
        guard case .mapping(let top) = root else { throw EditError.notAWatchlist("a watchlist is a mapping with a `watches:` list") }
        var keyLines = top.map { ($0.key.string ?? "", ($0.key.mark?.line ?? 1) - 1) }
        keyLines.sort { $0.1 < $1.1 }
        guard let watches = top.first(where: { $0.key.string == "watches" }) else {
            return Layout(lines: lines, watchesLine: nil, items: [], end: lines.count)
        }
        let watchesLine = (watches.key.mark?.line ?? 1) - 1
        let end = keyLines.first { $0.1 > watchesLine }?.1 ?? lines.count
        var items: [(Int, String?)] = []
        if case .sequence(let sequence) = watches.value {
            for item in sequence {
                var line = (item.mark?.line ?? 1) - 1
                // The mark is the mapping's first key; its `- ` may sit on that line or above.
                while line > watchesLine, !lines[line].trimmingCharacters(in: .whitespaces).hasPrefix("-") { line -= 1 }
                var name: String?
                if case .mapping(let map) = item { name = map.first { $0.key.string == "name" }?.value.string }
                items.append((line, name))
            }
        }
        return Layout(lines: lines, watchesLine: watchesLine, items: items, end: end)
    }

    /// Blank and comment lines just before `end` belong to what follows.
    private static func trimmedEnd(_ lines: [String], from start: Int, to end: Int) -> Int {
        var last = end
        while last > start + 1 {
            let text = lines[last - 1].trimmingCharacters(in: .whitespaces)
            if text.isEmpty || (text.hasPrefix("#") && !lines[last - 1].hasPrefix(" ")) { last -= 1 } else { break }
        }
        return last
    }

    /// The text with `entry` appended to the `watches:` list (created when missing).
    public static func adding(_ entry: Entry, to text: String) throws -> String {
        let layout = try layout(text)
        var lines = layout.lines
        guard let watchesLine = layout.watchesLine else {
            var out = text
            if !out.isEmpty && !out.hasSuffix("\n") { out += "\n" }
            return out + "watches:\n" + entry.lines(indent: "  ").joined(separator: "\n") + "\n"
        }
        guard let first = layout.items.first else {
            // `watches:` with nothing, or `watches: []`.
            lines[watchesLine] = "watches:"
            lines.insert(contentsOf: entry.lines(indent: "  "), at: watchesLine + 1)
            return lines.joined(separator: "\n")
        }
        let indent = String(lines[first.line].prefix { $0 == " " })
        let insertAt = trimmedEnd(lines, from: layout.items.last!.line, to: layout.end)
        lines.insert(contentsOf: entry.lines(indent: indent), at: insertAt)
        return lines.joined(separator: "\n")
    }

    /// The text without the watch `name` (its whole list item).
    public static func removing(_ name: String, from text: String) throws -> String {
        let layout = try layout(text)
        guard let index = layout.items.firstIndex(where: { $0.name == name }) else { throw EditError.noSuchWatch(name) }
        let start = layout.items[index].line
        let next = index + 1 < layout.items.count ? layout.items[index + 1].line : trimmedEnd(layout.lines, from: start, to: layout.end)
        var lines = layout.lines
        lines.removeSubrange(start..<next)
        if layout.items.count == 1, let watchesLine = layout.watchesLine { lines[watchesLine] = "watches: []" }
        return lines.joined(separator: "\n")
    }

    /// The text with watch `old` named `new`.
    public static func renaming(_ old: String, to new: String, in text: String) throws -> String {
        let layout = try layout(text)
        guard let index = layout.items.firstIndex(where: { $0.name == old }) else { throw EditError.noSuchWatch(old) }
        let start = layout.items[index].line
        let end = index + 1 < layout.items.count ? layout.items[index + 1].line : layout.end
        var lines = layout.lines
        let pattern = try NSRegularExpression(pattern: "^(\\s*-?\\s*name:\\s*)(\"[^\"]*\"|'[^']*'|[^#\\s]+)")
        for number in start..<end {
            let line = lines[number]
            guard let match = pattern.firstMatch(in: line, range: NSRange(line.startIndex..., in: line)),
                  let valueRange = Range(match.range(at: 2), in: line) else { continue }
            lines[number] = line.replacingCharacters(in: valueRange, with: quoted(new))
            return lines.joined(separator: "\n")
        }
        throw EditError.noSuchWatch(old)
    }

    /// A watch name for a URL: its last meaningful path segment (or the host), made unique.
    public static func name(for url: String, taken: Set<String>) -> String {
        var name = StoryURL.slug(url)
        if name == "story" {
            let host = (URLComponents(string: url)?.host ?? "page").replacingOccurrences(of: "www.", with: "")
            name = StoryURL.slugified(host)
        }
        return StoryURL.unique(name, taken: taken.contains)
    }
}
