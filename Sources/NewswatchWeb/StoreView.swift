import Foundation
import NewswatchCore

/// Read-only access to the store for the web view. An actor: one request reads at a time
/// through the store's connection (SQLite in WAL mode, so a running `check` never blocks it
/// and it never sees half a write).
public actor StoreView {
    let store: any SnapshotStore

    public init(store: any SnapshotStore) { self.store = store }

    /// One row of the index.
    struct WatchRow: Sendable {
        var name: String
        var url: String
        var title: String?
        var versions: Int
        var lastChange: Date?
        var lastChecked: Date?
        var status: [String]
        var source: String?
        var published: Date?
    }

    func rows() throws -> [WatchRow] {
        let states = try store.states()
        var names = Set(try store.watchNames())
        // Followed stories not yet stored still have a state; sources have no versions.
        for (name, state) in states where state.followed != nil { names.insert(name) }
        return try names.sorted().compactMap { name -> WatchRow? in
            let versions = try store.versions(of: name)
            let state = states[name] ?? WatchState()
            guard !versions.isEmpty || state.followed != nil else { return nil }
            let latest = versions.last
            var status: [String] = []
            if state.consecutiveFailures > 0, state.lastError != nil { status.append("failing") }
            if state.suspectHash != nil { status.append("held") }
            if state.isRemoved { status.append("removed") }
            if latest?.extraction?.isUncertain == true { status.append("uncertain") }
            if state.followed?.retired != nil { status.append("retired") }
            return WatchRow(name: name, url: latest?.requestedURL ?? state.followed?.url ?? "", title: latest?.title, versions: versions.count,
                            lastChange: latest?.fetchedAt, lastChecked: state.lastChecked, status: status,
                            source: state.followed?.source, published: state.followed?.published)
        }
    }

    func versions(of watch: String) throws -> [VersionRecord] { try store.versions(of: watch) }

    func state(of watch: String) throws -> WatchState { try store.states()[watch] ?? WatchState() }

    func article(_ version: VersionRecord) throws -> Article { try store.article(of: version) }

    func html(_ version: VersionRecord) throws -> Data { try store.html(of: version) }

    /// The change from version `from` to `to` of a watch.
    func change(_ watch: String, from old: VersionRecord, to new: VersionRecord) throws -> Change {
        Change(watch: watch, url: new.requestedURL, old: old, new: new, oldArticle: try store.article(of: old), newArticle: try store.article(of: new))
    }

    /// The latest `limit` changes (consecutive versions) of the given watches, newest first.
    func recentChanges(of watches: [String], limit: Int) throws -> [Change] {
        var pairs: [(String, VersionRecord, VersionRecord)] = []
        for watch in watches {
            let versions = try store.versions(of: watch)
            guard versions.count >= 2 else { continue }
            for index in max(1, versions.count - limit)..<versions.count { pairs.append((watch, versions[index - 1], versions[index])) }
        }
        pairs.sort { ($0.2.fetchedAt, $0.0) > ($1.2.fetchedAt, $1.0) }
        return try pairs.prefix(limit).map { try change($0.0, from: $0.1, to: $0.2) }
    }

    func watchNames() throws -> [String] { try store.watchNames() }

    func storiesOf(source: String) throws -> [String] {
        try store.states().filter { $0.value.followed?.source == source }.map(\.key).sorted()
    }
}
