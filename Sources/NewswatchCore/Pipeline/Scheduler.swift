import Foundation

/// When a watch is next due. Fixed intervals get a small deterministic jitter (up to 10%,
/// from the watch's name) so a large watchlist spreads out instead of firing at once.
/// Adaptive watches follow a story's life: every couple of minutes while it is young or has
/// just changed, then a tenth of the time since the last change (at most a day), and not at
/// all once the story is older than `adaptiveStop`. Failures back off exponentially, and a
/// server's Retry-After is always respected.
public enum Scheduler {
    public static let adaptiveMinimum: TimeInterval = 120
    /// How often a removed story is looked at for a comeback.
    public static let removedInterval: TimeInterval = 86_400
    public static let adaptiveMaximum: TimeInterval = 86_400

    /// The interval to wait after a successful check; nil when an adaptive watch has ended.
    public static func interval(for watch: Watch, state: WatchState, now: Date) -> TimeInterval? {
        guard watch.adaptive else { return watch.every.seconds }
        let born = state.firstChecked ?? now
        if now.timeIntervalSince(born) > watch.adaptiveStop.seconds { return nil }
        let quiet = now.timeIntervalSince(state.lastChanged ?? born)
        return min(max(adaptiveMinimum, quiet / 10), adaptiveMaximum)
    }

    /// Deterministic per-watch jitter in [0, 0.1) of the interval.
    public static func jitter(_ name: String, _ interval: TimeInterval) -> TimeInterval {
        var hash: UInt64 = 0xcbf29ce484222325
        for byte in name.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100000001b3 }
        return interval * 0.1 * Double(hash % 1000) / 1000
    }

    public static func nextDue(for watch: Watch, state: WatchState, failed: Bool, retryAfter: TimeInterval?, now: Date) -> Date {
        if failed {
            let base = watch.adaptive ? adaptiveMinimum : watch.every.seconds
            let backoff = min(base * pow(2, Double(min(max(state.consecutiveFailures - 1, 0), 10))), max(base, 86_400))
            return now.addingTimeInterval(max(backoff, retryAfter ?? 0))
        }
        // A story taken down is looked at once a day (or at its own pace, if slower) to notice
        // when it comes back, without spending requests on a page that is gone.
        if state.isRemoved {
            let interval = max(watch.every.seconds, removedInterval)
            return now.addingTimeInterval(interval + jitter(watch.name, interval))
        }
        guard let interval = interval(for: watch, state: state, now: now) else { return .distantFuture }
        return now.addingTimeInterval(max(interval + jitter(watch.name, interval), retryAfter ?? 0))
    }
}
