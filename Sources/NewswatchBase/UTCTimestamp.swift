#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// RFC 3339 in UTC with seconds precision ("2026-11-30T03:33:00Z"), from seconds since 1970.
/// Written out by hand: an ISO8601DateFormatter costs about a millisecond to set up, a fifth
/// of a whole `diff` run, and the launcher has no Foundation at all.
public enum UTCTimestamp {
    public static func rfc3339(secondsSince1970 interval: Double) -> String {
        // Whole seconds of the time rounded to milliseconds first, as Foundation's formatter does.
        var seconds = time_t(((interval * 1000).rounded() / 1000).rounded(.down))
        var parts = tm()
        guard gmtime_r(&seconds, &parts) != nil else { return "\(interval)" }
        func pad(_ value: Int32, _ width: Int) -> String {
            let digits = String(value)
            return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2))Z"
    }
}
