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
    public func hook(in hooks: [WebhookConfig]) -> WebhookConfig? {
        if let hookID, let exact = hooks.first(where: { $0.identity == hookID }) { return exact }
        return hooks.first(where: { $0.url == hookURL })
    }

    var hookKey: String { hookID ?? hookURL }
}

/// The outbox: durable alerts awaiting delivery, kept by an `OutboxStorage` (a table of the
/// store's database, or files in stores of the older layout) with the last version of each
/// watch whose alerts exist; a check that died between storing a version and writing its
/// alerts is repaired from that on the next run, so nothing is lost.
public final class Outbox: @unchecked Sendable {
    public let storage: any OutboxStorage

    /// The markers as this process last read or updated them; written by `flushMarkers()`.
    private var markers: [String: Int]?
    /// Whether any markers were ever recorded (a new outbox has none).
    private var hadMarkers = false
    private var changedMarkers: Set<String> = []
    private let lock = NSLock()
    /// Entry ids stored and the next sequence number, read once per run (see `refresh()`) so
    /// that queueing an alert does not re-read every entry.
    private var index: (ids: Set<String>, nextSequence: Int)?
    /// Delivered entries are kept this long (for `alerts`), then removed.
    public var retention: TimeInterval = 7 * 86400

    public init(storage: any OutboxStorage) {
        self.storage = storage
    }

    /// The outbox of a store in the file layout at `storeRoot`.
    public convenience init(storeRoot: String) {
        self.init(storage: FileOutboxStorage(storeRoot: storeRoot))
    }

    public func entries() -> [OutboxEntry] { storage.loadEntries() }

    func save(_ entry: OutboxEntry) throws { try storage.save(entry) }

    /// Forgets what this process read: call at the start of each run under the writer lock,
    /// since other processes (a cron `check` between a daemon's cycles) may have written.
    public func refresh() {
        lock.lock()
        index = nil
        markers = nil
        changedMarkers = []
        lock.unlock()
    }

    /// The last version number of each watch whose alerts have been queued.
    public func alertedVersions() -> [String: Int] {
        lock.lock()
        defer { lock.unlock() }
        return loadedMarkers()
    }

    /// Whether no alert markers were ever recorded: a new outbox, which starts from the
    /// versions already stored rather than alerting old history.
    public var isFresh: Bool {
        lock.lock()
        defer { lock.unlock() }
        _ = loadedMarkers()
        return !hadMarkers
    }

    private func loadedMarkers() -> [String: Int] {
        if let markers { return markers }
        let loaded = storage.loadMarkers()
        hadMarkers = loaded != nil
        markers = loaded ?? [:]
        return loaded ?? [:]
    }

    /// Writes the alerted-version markers if `enqueue` moved any. Called once per batch of
    /// stored versions rather than per version: a marker that lags behind after a crash only
    /// makes the next run queue those alerts again (same event ids), never lose one.
    public func flushMarkers() throws {
        lock.lock()
        defer { lock.unlock() }
        guard !changedMarkers.isEmpty, let markers else { return }
        try storage.saveMarkers(markers, changed: changedMarkers)
        changedMarkers = []
        hadMarkers = true
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
            changedMarkers.insert(watch)
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
            storage.remove(entry)
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
                entry.deliveredAt = now
                entry.lastError = nil
            } else {
                if result.timedOut { timedOutHooks.insert(entry.hookKey) }
                entry.lastError = result.error
                let backoff = min(30 * pow(2, Double(min(entry.attempts, 12))), 3600)
                entry.nextAttempt = now.addingTimeInterval(max(backoff, result.retryAfter ?? 0))
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

    /// Undelivered entries whose hook is no longer configured (removed, or its URL, secret or
    /// headers changed) are queued again for the current hooks of their watch that want
    /// that event, and the stale entries removed. Returns how many entries moved.
    public func retarget(_ id: String?, watches: [Watch], now: Date = Date()) throws -> Int {
        let hooks = Array(Set(watches.flatMap(\.webhooks)))
        var moved = 0
        for entry in entries() where entry.status != .delivered && entry.hook(in: hooks) == nil
            && (id == nil || entry.id == id || entry.alert.id == id) {
            guard let watch = watches.first(where: { $0.name == entry.alert.watch }) else { continue }
            let current = watch.webhooks.filter { $0.wants(entry.alert.event) }
            guard !current.isEmpty else { continue }
            try enqueue(entry.alert, hooks: current, now: now)
            storage.remove(entry)
            moved += 1
        }
        return moved
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
