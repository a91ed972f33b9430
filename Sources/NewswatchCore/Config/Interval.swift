import Foundation

/// A check interval such as `90s`, `15m`, `2h` or `1d`.
public struct Interval: Sendable, Hashable, Codable, CustomStringConvertible {
    public var seconds: TimeInterval

    public init(seconds: TimeInterval) { self.seconds = seconds }

    /// Parses `<number><unit>` with unit s, m, h, d or w (a bare number is seconds).
    public init?(parsing text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        guard let unitIndex = trimmed.firstIndex(where: { !$0.isNumber && $0 != "." }) ?? Optional(trimmed.endIndex) else { return nil }
        guard let value = Double(trimmed[..<unitIndex]), value > 0 else { return nil }
        let multiplier: Double
        switch trimmed[unitIndex...] {
        case "", "s", "sec", "secs", "second", "seconds": multiplier = 1
        case "m", "min", "mins", "minute", "minutes": multiplier = 60
        case "h", "hr", "hrs", "hour", "hours": multiplier = 3600
        case "d", "day", "days": multiplier = 86400
        case "w", "week", "weeks": multiplier = 7 * 86400
        default: return nil
        }
        self.seconds = value * multiplier
    }

    public var description: String {
        let s = Int(seconds)
        if s % 86400 == 0 { return "\(s / 86400)d" }
        if s % 3600 == 0 { return "\(s / 3600)h" }
        if s % 60 == 0 { return "\(s / 60)m" }
        return "\(s)s"
    }
}
