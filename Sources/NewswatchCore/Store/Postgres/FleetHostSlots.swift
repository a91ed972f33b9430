import Foundation

/// Per-host politeness across every worker using one database: a host has `perHost` slots,
/// each a PostgreSQL advisory lock (keyed by the host's hash and the slot number) held for
/// the length of one request on a connection of its own. A worker that dies loses its
/// session and with it its slots, so nothing is left held.
public final class FleetHostSlots: @unchecked Sendable {
    private let connection: PostgresConnection
    private let lock = NSLock()
    public let perHost: Int
    /// Slots this process holds: advisory locks are re-entrant within a session, so a second
    /// lane of this worker would otherwise "take" a slot its first lane already has.
    private var held: Set<String> = []

    public init(url: String, perHost: Int) throws {
        connection = try PostgresConnection(url: url)
        self.perHost = max(1, perHost)
    }

    static func hostKey(_ host: String) -> Int32 {
        var hash: UInt32 = 2_166_136_261
        for byte in host.lowercased().utf8 { hash = (hash ^ UInt32(byte)) &* 16_777_619 }
        return Int32(bitPattern: hash)
    }

    /// A free slot for `host`, now held by this worker; nil when all are taken.
    func tryAcquire(_ host: String) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        for slot in 0..<perHost where !held.contains("\(host)#\(slot)") {
            let rows = try? connection.query("SELECT pg_try_advisory_lock($1::int4, $2::int4)",
                                             [.integer(Int64(Self.hostKey(host))), .integer(Int64(1_000 + slot))])
            if case .integer(1)? = rows?.first?.first {
                held.insert("\(host)#\(slot)")
                return slot
            }
        }
        return nil
    }

    func release(_ host: String, slot: Int) {
        lock.lock()
        defer { lock.unlock() }
        _ = try? connection.query("SELECT pg_advisory_unlock($1::int4, $2::int4)", [.integer(Int64(Self.hostKey(host))), .integer(Int64(1_000 + slot))])
        held.remove("\(host)#\(slot)")
    }
}

/// A fetcher whose requests to one host never exceed the fleet's per-host slots: each
/// request waits for a slot, is fetched, and gives the slot back.
public struct FleetLimitedFetcher: Fetcher {
    public let inner: any Fetcher
    public let slots: FleetHostSlots

    public init(inner: any Fetcher, slots: FleetHostSlots) {
        self.inner = inner
        self.slots = slots
    }

    public func fetch(_ requests: [FetchRequest]) async -> [Result<FetchResult, FetchError>] {
        var byHost: [String: [Int]] = [:]
        for (index, request) in requests.enumerated() {
            byHost[URLComponents(string: request.url)?.host?.lowercased() ?? "", default: []].append(index)
        }
        return await withTaskGroup(of: [(Int, Result<FetchResult, FetchError>)].self) { group in
            for (host, indices) in byHost {
                // As many lanes per host as slots; each lane takes the host's next request.
                let queue = RequestQueue(indices)
                for _ in 0..<min(slots.perHost, indices.count) {
                    group.addTask {
                        var done: [(Int, Result<FetchResult, FetchError>)] = []
                        while let index = queue.next() {
                            var slot = slots.tryAcquire(host)
                            while slot == nil {
                                try? await Task.sleep(nanoseconds: 20_000_000)
                                slot = slots.tryAcquire(host)
                            }
                            let result = await inner.fetch([requests[index]])[0]
                            slots.release(host, slot: slot!)
                            done.append((index, result))
                        }
                        return done
                    }
                }
            }
            var results = [Result<FetchResult, FetchError>](repeating: .failure(.cancelled), count: requests.count)
            for await lane in group { for (index, result) in lane { results[index] = result } }
            return results
        }
    }

    /// The indices of one host's requests, handed out one at a time to its lanes.
    final class RequestQueue: @unchecked Sendable {
        private var items: [Int]
        private let lock = NSLock()
        init(_ items: [Int]) { self.items = items.reversed() }
        func next() -> Int? {
            lock.lock()
            defer { lock.unlock() }
            return items.popLast()
        }
    }
}
