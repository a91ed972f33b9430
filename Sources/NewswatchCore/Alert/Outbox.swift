import Foundation

/// One alert owed to one webhook. Entries are created when a change is stored and kept
/// until delivered (or, past the hook's maximum age, marked dead); they carry the alert but
/// never the secret, which is read from the watchlist at send time.
public struct OutboxEntry: Codable, Sendable {
    public enum Status: String, Codable, Sendable { case pending, delivered, dead }

    /// Sequence number: creation order, which is delivery order per watch and hook.
    public var sequence: Int
    public var alert: Alert
    public var hookURL: String
    /// The hook's `WebhookConfig.identity` (absent in entries written before it existed,
    /// which are matched by URL).
    public var hookID: String?
    public var format: WebhookConfig.Format
    public var status: Status
    public var attempts: Int
    public var createdAt: Date
    public var nextAttempt: Date
    public var lastError: String?
    public var deliveredAt: Date?

    /// `ALERTID-HOOK`, unique per entry and stable.
    public var id: String { "\(alert.id)-\((hookID ?? Digest.sha256(Data(hookURL.utf8)).hexString).prefix(8))" }

    /// This entry's hook among `hooks`: the one with its configuration; failing that (the
    /// secret or headers were changed since, or an entry older than hook identities), the
    /// current configuration of the same URL.
    func hook(in hooks: [WebhookConfig]) -> WebhookConfig? {
        if let hookID, let exact = hooks.first(where: { $0.identity == hookID }) { return exact }
        return hooks.first(where: { $0.url == hookURL })
    }

    var hookKey: String { hookID ?? hookURL }
}

/// The outbox: durable alerts awaiting delivery. Written in the store directory, one file per
/// entry (`outbox/SEQUENCE.json`, write-temp-then-rename) plus `outbox/alerted.json`, the
/// last version of each watch whose alerts exist; a check that died between storing a version
/// and writing its alerts is repaired from that on the next run, so nothing is lost.
public final class Outbox: @unchecked Sendable {
    public let directory: String
    private let temporaryDirectory: String

    /// alerted.json as this process last read or updated it; written by `flushMarkers()`.
    private var markers: [String: Int]?
    private var markersDirty = false
    private let lock = NSLock()
    /// Entry ids on disk and the next sequence number, read once per run (see `refresh()`) so
    /// that queueing an alert does not re-read every entry.
    private var index: (ids: Set<String>, nextSequence: Int)?
    /// Delivered entries are kept this long (for `alerts`), then removed.
    public var retention: TimeInterval = 7 * 86400

    public init(storeRoot: String) {
        directory = (storeRoot as NSString).appendingPathComponent("outbox")
        temporaryDirectory = (storeRoot as NSString).appendingPathComponent("tmp")
    }

    static var encoder: JSONEncoder { JSONCoding.encoder }
    static var decoder: JSONDecoder { JSONCoding.decoder }

    private func ensure() throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: temporaryDirectory, withIntermediateDirectories: true)
    }

    public func entries() -> [OutboxEntry] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.hasSuffix(".json") && $0 != "alerted.json" }.compactMap { name in
            FileManager.default.contents(atPath: (directory as NSString).appendingPathComponent(name))
                .flatMap { try? Self.decoder.decode(OutboxEntry.self, from: $0) }
        }.sorted { $0.sequence < $1.sequence }
    }

    private func path(of entry: OutboxEntry) -> String {
        (directory as NSString).appendingPathComponent(String(format: "%012d.json", entry.sequence))
    }

    func save(_ entry: OutboxEntry) throws {
        try ensure()
        try AtomicFile.write(try Self.encoder.encode(entry), to: path(of: entry), temporaryDirectory: temporaryDirectory)
    }

    /// Forgets what this process read: call at the start of each run under the writer lock,
    /// since other processes (a cron `check` between a daemon's cycles) may have written.
    public func refresh() {
        lock.lock()
        index = nil
        markers = nil
        markersDirty = false
        lock.unlock()
    }

    /// The last version number of each watch whose alerts have been queued.
    public func alertedVersions() -> [String: Int] {
        lock.lock()
        defer { lock.unlock() }
        return loadedMarkers()
    }

    private func loadedMarkers() -> [String: Int] {
        if let markers { return markers }
        let data = FileManager.default.contents(atPath: (directory as NSString).appendingPathComponent("alerted.json"))
        let loaded = data.flatMap { try? JSONDecoder().decode([String: Int].self, from: $0) } ?? [:]
        markers = loaded
        return loaded
    }

    /// Writes the alerted-version markers if `enqueue` moved any. Called once per batch of
    /// stored versions rather than per version: a marker that lags behind after a crash only
    /// makes the next run queue those alerts again (same event ids), never lose one.
    public func flushMarkers() throws {
        lock.lock()
        defer { lock.unlock() }
        guard markersDirty, let markers else { return }
        try ensure()
        try AtomicFile.write(try JSONEncoder().encode(markers), to: (directory as NSString).appendingPathComponent("alerted.json"),
                             temporaryDirectory: temporaryDirectory)
        markersDirty = false
    }

    /// Queues `alert` for each hook, then records the version as alerted (in that order, so a
    /// crash in between re-queues rather than loses; the same event id is then sent again and
    /// receivers drop the duplicate). The record reaches disk at the next `flushMarkers()`.
    public func enqueue(_ alert: Alert?, hooks: [WebhookConfig], watch: String, version: Int, now: Date) throws {
        try enqueue(alert, hooks: hooks, now: now)
        lock.lock()
        var alerted = loadedMarkers()
        if (alerted[watch] ?? 0) < version || alerted.isEmpty {
            alerted[watch] = max(alerted[watch] ?? 0, version)
            markers = alerted
            markersDirty = true
        }
        lock.unlock()
    }

    /// Queues an alert tied to no stored version (a watch that started failing).
    public func enqueue(_ alert: Alert?, hooks: [WebhookConfig], now: Date) throws {
        guard let alert, !hooks.isEmpty else { return }
        lock.lock()
        defer { lock.unlock() }
        if index == nil {
            let current = entries()
            index = (Set(current.map(\.id)), (current.map(\.sequence).max() ?? 0) + 1)
        }
        for hook in hooks {
            let entry = OutboxEntry(sequence: index!.nextSequence, alert: alert, hookURL: hook.url, hookID: hook.identity, format: hook.format,
                                    status: .pending, attempts: 0, createdAt: now, nextAttempt: now)
            guard !index!.ids.contains(entry.id) else { continue }
            try save(entry)
            index!.ids.insert(entry.id)
            index!.nextSequence += 1
        }
    }

    /// Removes those of `entries` delivered longer than `retention` ago (kept until then for `alerts`).
    private func pruneDelivered(_ entries: [OutboxEntry], now: Date) {
        for entry in entries where entry.status == .delivered && now.timeIntervalSince(entry.deliveredAt ?? entry.createdAt) > retention {
            try? FileManager.default.removeItem(atPath: path(of: entry))
        }
    }

    /// Sends what is due, oldest first; a watch's later alerts to a hook wait while an
    /// earlier one to that hook is still failing, so receivers see each story's events in
    /// order. Failures back off exponentially (honouring Retry-After) until `maxAge`. A hook
    /// that times out is not tried again in this run (a circuit breaker): one timeout per hook
    /// per run, not one per alert, so a hook that never answers cannot hold a check for
    /// minutes; its alerts stay pending for the next run or `alerts retry`.
    public func deliver(hooks: [WebhookConfig], notifier: any Notifier, now: Date = Date(), force: Bool = false,
                        quickRetries: Int = 2) async -> [DeliveryOutcome] {
        var outcomes: [DeliveryOutcome] = []
        var blocked = Set<String>()  // "watch|hook" with an earlier entry still pending
        var timedOutHooks = Set<String>()
        let all = entries()
        pruneDelivered(all, now: now)
        for var entry in all where entry.status == .pending {
            let lane = "\(entry.alert.watch)|\(entry.hookKey)"
            guard let hook = entry.hook(in: hooks) else {
                entry.status = .dead
                entry.lastError = "webhook \(WebhookConfig.masked(entry.hookURL)) is no longer in the watchlists"
                try? save(entry)
                continue
            }
            if blocked.contains(lane) { continue }
            if now.timeIntervalSince(entry.createdAt) > hook.maxAge {
                entry.status = .dead
                entry.lastError = (entry.lastError ?? "") + " (gave up after \(Interval(seconds: hook.maxAge)))"
                try? save(entry)
                continue
            }
            guard force || entry.nextAttempt <= now else { blocked.insert(lane); continue }
            if timedOutHooks.contains(entry.hookKey) {
                outcomes.append(DeliveryOutcome(hook: hook, alertID: entry.alert.id, error: "not tried: \(hook.maskedURL) timed out earlier in this run"))
                continue
            }
            var result = await notifier.send(entry.alert, to: hook)
            var tries = 1
            while !result.delivered, !result.timedOut, tries <= quickRetries, result.retryAfter == nil {
                try? await Task.sleep(nanoseconds: UInt64(250_000_000 * tries))
                result = await notifier.send(entry.alert, to: hook)
                tries += 1
            }
            entry.attempts += tries
            if result.delivered {
                entry.status = .delivered
                entry.deliveredAt = Date()
                entry.lastError = nil
            } else {
                if result.timedOut { timedOutHooks.insert(entry.hookKey) }
                entry.lastError = result.error
                let backoff = min(30 * pow(2, Double(min(entry.attempts, 12))), 3600)
                entry.nextAttempt = Date().addingTimeInterval(max(backoff, result.retryAfter ?? 0))
                blocked.insert(lane)
            }
            try? save(entry)
            outcomes.append(DeliveryOutcome(hook: hook, alertID: entry.alert.id, error: result.error))
        }
        return outcomes
    }

    /// When the earliest pending alert is next due for a try, if any is pending.
    public func nextRetry() -> Date? {
        entries().filter { $0.status == .pending }.map(\.nextAttempt).min()
    }

    /// Makes entries due now again (dead ones too); all when `id` is nil. Returns how many.
    @discardableResult
    public func retry(_ id: String?, now: Date = Date()) throws -> Int {
        var count = 0
        for var entry in entries() where entry.status != .delivered && (id == nil || entry.id == id || entry.alert.id == id) {
            entry.status = .pending
            entry.nextAttempt = now
            entry.createdAt = max(entry.createdAt, now.addingTimeInterval(-60))  // a manual retry restarts the age clock
            try save(entry)
            count += 1
        }
        return count
    }
}
