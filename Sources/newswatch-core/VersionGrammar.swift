import Foundation
import NewswatchCore

/// One way to name versions, for every command that takes them (`show`, `diff`):
///
///     3             version 3 (numbers start at 1 and are kept when older versions are pruned)
///     -1, ~1        the one before the latest (-2 the one before that ...)
///     latest, HEAD  the latest
///     2024-06-19    the latest version fetched by the end of that day (UTC)
///     2024-06-19T12:00:00Z   the latest version fetched at or before that instant
///
/// attached to a watch as `WATCH@3`, or as a range `WATCH@3..WATCH@7` (or `WATCH@3..7`).
enum VersionSpec: Equatable {
    case number(Int)
    case back(Int)
    case latest
    case before(Date)

    static let grammar = "a number (3), -N or ~N (-1: the one before the latest), latest, or a date (2024-06-19 or 2024-06-19T12:00:00Z)"

    static func parse(_ text: String) throws -> VersionSpec {
        let word = text.trimmingCharacters(in: .whitespaces)
        if word == "latest" || word == "HEAD" { return .latest }
        for prefix in ["-", "~", "HEAD~"] where word.hasPrefix(prefix) {
            let digits = word.dropFirst(prefix.count)
            if let count = Int(digits), digits.allSatisfy(\.isASCII) {
                if count == 0 { return .latest }
                if count > 0 { return .back(count) }
            }
        }
        if let number = Int(word), word.allSatisfy(\.isNumber) {
            guard number > 0 else {
                throw CLIError.usage("version 0 does not exist: versions are numbered from 1 (use latest, or -1 for the one before it)")
            }
            return .number(number)
        }
        if let date = Self.date(word) { return .before(date) }
        throw CLIError.usage("'\(text)' is not a version: use \(grammar)")
    }

    private static func date(_ word: String) -> Date? {
        let day = DateFormatter()
        day.locale = Locale(identifier: "en_US_POSIX")
        day.timeZone = TimeZone(identifier: "UTC")
        day.dateFormat = "yyyy-MM-dd"
        if word.count == 10, let start = day.date(from: word) { return start.addingTimeInterval(86_400 - 0.001) }
        let instant = ISO8601DateFormatter()
        return instant.date(from: word)
    }

    func resolve(in versions: [VersionRecord], watch: String) throws -> VersionRecord {
        guard let last = versions.last else { throw CLIError.usage("watch '\(watch)' has no stored versions yet (run `newswatch check`)") }
        switch self {
        case .latest:
            return last
        case .number(let number):
            guard let record = versions.first(where: { $0.number == number }) else {
                throw CLIError.usage("watch '\(watch)' has no version \(number) (it has \(Self.describe(versions)))")
            }
            return record
        case .back(let count):
            guard count < versions.count else {
                throw CLIError.usage("watch '\(watch)' has \(versions.count) version\(versions.count == 1 ? "" : "s"); -\(count) counts back too far")
            }
            return versions[versions.count - 1 - count]
        case .before(let date):
            guard let record = versions.last(where: { $0.fetchedAt <= date }) else {
                throw CLIError.usage("watch '\(watch)' has no version from \(Timestamp.display(date)) or before (the first is from \(Timestamp.display(versions[0].fetchedAt)))")
            }
            return record
        }
    }

    private static func describe(_ versions: [VersionRecord]) -> String {
        let numbers = versions.map(\.number)
        if numbers.count > 6 { return "\(numbers.first!)-\(numbers.last!), \(numbers.count) in all" }
        return numbers.map(String.init).joined(separator: ", ")
    }
}

/// A watch and the versions named with it, from the words a command was given.
struct VersionedTarget: Equatable {
    var watch: String
    var versions: [VersionSpec]

    /// `words[0]` is `WATCH`, `WATCH@SPEC` or `WATCH@A..B`; the rest are more specs. At most
    /// `limit` versions may be named in all; more is an error, never silently ignored.
    static func parse(_ words: [String], limit: Int, command: String) throws -> VersionedTarget {
        guard let first = words.first else { throw CLIError.usage("\(command) needs a watch name (see `newswatch list`)") }
        if let option = words.first(where: { $0.hasPrefix("--") }) {
            throw CLIError.usage("unknown option '\(option)' (see `newswatch \(command) --help`)")
        }
        var watch = first
        var specs: [String] = []
        if let at = first.firstIndex(of: "@") {
            watch = String(first[..<at])
            let rest = String(first[first.index(after: at)...])
            if let range = rest.range(of: "..") {
                specs.append(String(rest[..<range.lowerBound]))
                var right = String(rest[range.upperBound...])
                if let otherAt = right.firstIndex(of: "@") {
                    let otherWatch = String(right[..<otherAt])
                    guard otherWatch == watch else {
                        throw CLIError.usage("a range compares versions of one watch: '\(watch)' and '\(otherWatch)' differ")
                    }
                    right = String(right[right.index(after: otherAt)...])
                }
                specs.append(right.isEmpty ? "latest" : right)
                if words.count > 1 {
                    throw CLIError.usage("'\(first)' already names two versions; unexpected '\(words[1...].joined(separator: " "))'")
                }
            } else {
                specs.append(rest)
            }
        }
        specs += words.dropFirst()
        if watch.isEmpty { throw CLIError.usage("'\(first)' names no watch (write WATCH@VERSION)") }
        if specs.count > limit {
            let what = limit == 1 ? "one version" : "two versions"
            throw CLIError.usage("\(command) takes \(what), got \(specs.count): \(specs.joined(separator: " "))")
        }
        return VersionedTarget(watch: watch, versions: try specs.map(VersionSpec.parse))
    }
}
