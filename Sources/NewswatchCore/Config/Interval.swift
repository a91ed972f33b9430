import Foundation

/// A check interval such as `90s`, `15m`, `2h` or `1d`.
public struct Interval: Sendable, Hashable, Codable, CustomStringConvertible {
    public var seconds: TimeInterval

    public init(seconds: TimeInterval) { self.seconds = seconds }

    /// Parses one or more `<number><unit>` parts (`90s`, `15m`, `1h30m`, `1d 12h`) with unit
    /// s, m, h, d or w (a bare number is seconds).
    public init?(parsing text: String) {
        var rest = Substring(text.trimmingCharacters(in: .whitespaces).lowercased())
        var total: Double = 0
        guard !rest.isEmpty else { return nil }
        while !rest.isEmpty {
            let numberEnd = rest.firstIndex(where: { !$0.isNumber && $0 != "." }) ?? rest.endIndex
            guard let value = Double(rest[..<numberEnd]), value >= 0 else { return nil }
            rest = rest[numberEnd...]
            let unitEnd = rest.firstIndex(where: { $0.isNumber || $0 == " " }) ?? rest.endIndex
            guard let multiplier = Self.multiplier(of: rest[..<unitEnd]) else { return nil }
            total += value * multiplier
            rest = rest[unitEnd...].drop(while: { $0 == " " })
        }
        guard total > 0 else { return nil }
        self.seconds = total
    }

    private static func multiplier(of unit: Substring) -> Double? {
        switch unit {
        case "", "s", "sec", "secs", "second", "seconds": return 1
        case "m", "min", "mins", "minute", "minutes": return 60
        case "h", "hr", "hrs", "hour", "hours": return 3600
        case "d", "day", "days": return 86400
        case "w", "week", "weeks": return 7 * 86400
        default: return nil
        }
    }

    public var description: String {
        var rest = Int(seconds)
        if rest == 0 { return "0s" }
        var out = ""
        for (unit, size) in [("d", 86400), ("h", 3600), ("m", 60), ("s", 1)] where rest >= size {
            out += "\(rest / size)\(unit)"
            rest %= size
        }
        return out
    }
}
