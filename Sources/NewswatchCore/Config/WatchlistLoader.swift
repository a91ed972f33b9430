import Foundation
import Yams

/// Every mistake found in a load, so a user fixes them all in one go.
public struct ConfigErrors: Error, Sendable, CustomStringConvertible {
    public var errors: [ConfigError]
    public var description: String { errors.map(\.description).joined(separator: "\n") }
}

/// Reads watchlist YAML files, validating as it goes and keeping line/column for every node
/// so errors can point at the exact spot.
public struct WatchlistLoader: Sendable {
    public var environment: [String: String]

    /// False for commands that only read the store (`list`, `log`, `show`, `diff`, `stats`):
    /// an unset variable in a webhook's or mail server's credentials is then left unexpanded
    /// instead of being an error, since those commands never send anything.
    public var requireSecrets: Bool

    public init(environment: [String: String] = ProcessInfo.processInfo.environment, requireSecrets: Bool = true) {
        self.environment = environment
        self.requireSecrets = requireSecrets
    }

    static let topLevelKeys = ["defaults", "webhooks", "email", "watches", "follow"]
    static let followKeys = ["name", "feed", "sitemap", "front", "links", "every", "follow_for", "max_new", "keep_params", "headers", "select", "remove", "webhooks", "email", "ignore_lines", "alert_on"]
    static let emailKeys = ["smtp", "from", "to", "user", "password", "on", "timeout", "max_age"]
    static let defaultsKeys = ["every", "headers", "proxy", "select", "remove", "ignore_lines", "alert_on", "adaptive_stop", "block_private_networks"]
    static let watchKeys = ["name", "url", "every", "headers", "proxy", "select", "remove", "webhooks", "ignore_lines", "alert_on", "adaptive_stop", "block_private_networks"]
    static let webhookKeys = ["url", "format", "secret", "headers", "on", "timeout", "max_age"]
    public static let namePattern = try! NSRegularExpression(pattern: "^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")

    /// Loads a file, or every `*.yaml`/`*.yml` file of a directory in name order.
    public func load(path: String) throws -> Watchlist {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ConfigErrors(errors: [ConfigError(location: nil, path: path, message: "no watchlist file or directory at this path (`newswatch init` creates one with a commented example; `newswatch add URL` then adds a page)")])
        }
        var files = [path]
        if isDirectory.boolValue {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
            files = names.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
                .map { (path as NSString).appendingPathComponent($0) }
            if files.isEmpty {
                throw ConfigErrors(errors: [ConfigError(location: nil, path: path, message: "directory holds no *.yaml watchlist")])
            }
        }
        var state = LoadState()
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else {
                state.errors.append(ConfigError(location: nil, path: file, message: "cannot read file"))
                continue
            }
            guard let text = String(data: data, encoding: .utf8) else {
                state.errors.append(ConfigError(location: nil, path: file, message: "file is not valid UTF-8"))
                continue
            }
            parse(text: text, file: file, into: &state)
        }
        if !state.errors.isEmpty { throw ConfigErrors(errors: state.errors) }
        return Watchlist(watches: state.watches, follows: state.follows, files: files, warnings: state.warnings)
    }

    /// Parses one watchlist's text; `file` names it in messages.
    public func load(text: String, file: String) throws -> Watchlist {
        var state = LoadState()
        parse(text: text, file: file, into: &state)
        if !state.errors.isEmpty { throw ConfigErrors(errors: state.errors) }
        return Watchlist(watches: state.watches, follows: state.follows, files: [file], warnings: state.warnings)
    }

    private struct LoadState {
        var watches: [Watch] = []
        var follows: [FollowSource] = []
        var firstDefinition: [String: SourceLocation] = [:]
        var errors: [ConfigError] = []
        var warnings: [String] = []
    }

    private struct Defaults {
        var every = Interval(seconds: 900)
        /// Whether the file's defaults name an interval (followed stories are adaptive otherwise).
        var everyGiven = false
        var headers: [String: String] = [:]
        var select: ContentSelector?
        var remove: [ContentSelector] = []
        var ignoreLines: [String] = []
        var alertOn = Watch.AlertPolicy.substantive
        var adaptive = false
        var adaptiveStop = Interval(seconds: 7 * 86400)
        var blockPrivate = false
        var proxy: String?
    }

    private func parse(text: String, file: String, into state: inout LoadState) {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            state.errors.append(ConfigError(location: nil, path: file, message: "invalid YAML: \(error)"))
            return
        }
        let context = Context(file: file, loader: self)
        guard let root, case .mapping(let top) = root else {
            state.errors.append(ConfigError(location: context.location(root), path: file,
                                            message: "a watchlist is a mapping with a `watches:` list"))
            return
        }
        var defaults = Defaults()
        var globalHooks: [WebhookConfig] = []
        var watchesNode: Node?
        var followNode: Node?
        for (keyNode, value) in top {
            let key = keyNode.string ?? ""
            switch key {
            case "defaults":
                guard case .mapping(let map) = value else { context.error("defaults", value, "must be a mapping", &state); continue }
                for (k, v) in map {
                    let name = k.string ?? ""
                    switch name {
                    case "every":
                        if v.string == "adaptive" { defaults.adaptive = true } else if let every = context.interval(v, field: "defaults.every", &state) { defaults.every = every; defaults.everyGiven = true }
                    case "adaptive_stop":
                        if let stop = context.interval(v, field: "defaults.adaptive_stop", &state) { defaults.adaptiveStop = stop }
                    case "block_private_networks":
                        defaults.blockPrivate = context.bool(v, field: "defaults.block_private_networks", &state) ?? false
                    case "proxy": defaults.proxy = context.proxy(v, field: "defaults.proxy", &state)
                    case "headers": defaults.headers = context.stringMap(v, field: "defaults.headers", &state)
                    case "select": defaults.select = context.selector(v, field: "defaults.select", &state)
                    case "remove": defaults.remove = context.selectors(v, field: "defaults.remove", &state)
                    case "ignore_lines": defaults.ignoreLines = context.patterns(v, field: "defaults.ignore_lines", &state)
                    case "alert_on": defaults.alertOn = context.alertPolicy(v, field: "defaults.alert_on", &state) ?? defaults.alertOn
                    default: context.unknownKey(name, k, known: Self.defaultsKeys, in: "defaults", &state)
                    }
                }
            case "webhooks":
                globalHooks += context.webhooks(value, field: "webhooks", &state)
            case "email":
                globalHooks += context.email(value, field: "email", &state)
            case "watches":
                watchesNode = value
            case "follow":
                followNode = value
            default:
                context.unknownKey(key, keyNode, known: Self.topLevelKeys, in: "the top level", &state)
            }
        }
        if let followNode {
            parseFollows(followNode, defaults: defaults, hooks: globalHooks, context: context, into: &state)
        }
        guard let watchesNode else {
            if followNode == nil {
                state.errors.append(ConfigError(location: context.location(root), path: file, field: "watches",
                                                message: "missing `watches:` list (or a `follow:` list)"))
            }
            return
        }
        guard case .sequence(let list) = watchesNode else {
            context.error("watches", watchesNode, "must be a list of watches", &state)
            return
        }
        for (index, item) in list.enumerated() {
            let prefix = "watches[\(index)]"
            guard case .mapping(let map) = item else {
                context.error(prefix, item, "each watch is a mapping with `name` and `url`", &state)
                continue
            }
            var name: String?
            var url: String?
            var watch = Watch(name: "", url: "", every: defaults.every, headers: defaults.headers,
                              select: defaults.select, remove: defaults.remove, webhooks: globalHooks,
                              source: context.location(item))
            watch.ignoreLines = defaults.ignoreLines
            watch.alertOn = defaults.alertOn
            watch.adaptive = defaults.adaptive
            watch.adaptiveStop = defaults.adaptiveStop
            watch.blockPrivateNetworks = defaults.blockPrivate
            watch.proxy = defaults.proxy
            var ownHooks: [WebhookConfig]?
            for (k, v) in map {
                let key = k.string ?? ""
                let field = "\(prefix).\(key)"
                switch key {
                case "name":
                    guard let value = context.scalar(v, field: field, &state) else { continue }
                    if Self.namePattern.firstMatch(in: value, range: NSRange(value.startIndex..., in: value)) == nil {
                        context.error(field, v, "'\(value)' is not a valid name (letters, digits, '.', '_', '-'; starts with a letter or digit; at most 128)", &state)
                    } else {
                        name = value
                    }
                case "url":
                    guard let value = context.scalar(v, field: field, &state).map({ context.expand($0, field: field, node: v, &state) }) else { continue }
                    if let problem = Self.urlProblem(value) { context.error(field, v, problem, &state) } else { url = value }
                case "every":
                    if v.string == "adaptive" {
                        watch.adaptive = true
                    } else if let every = context.interval(v, field: field, &state) {
                        watch.every = every
                        watch.adaptive = false
                    }
                case "adaptive_stop":
                    if let stop = context.interval(v, field: field, &state) { watch.adaptiveStop = stop }
                case "block_private_networks":
                    watch.blockPrivateNetworks = context.bool(v, field: field, &state) ?? watch.blockPrivateNetworks
                case "proxy":
                    watch.proxy = context.proxy(v, field: field, &state)
                default:
                    if !context.readPageKey(key, v, field: field, into: &watch, hooks: &ownHooks, &state) {
                        context.unknownKey(key, k, known: Self.watchKeys, in: prefix, &state)
                    }
                }
            }
            if let ownHooks { watch.webhooks = globalHooks + ownHooks }
            guard let name else {
                if map.first(where: { $0.key.string == "name" }) == nil { context.error("\(prefix).name", item, "missing (every watch needs a unique name)", &state) }
                continue
            }
            guard let url else {
                if map.first(where: { $0.key.string == "url" }) == nil { context.error("\(prefix).url", item, "missing (watch '\(name)' needs a url)", &state) }
                continue
            }
            watch.name = name
            watch.url = url
            if let first = state.firstDefinition[name] {
                context.error("\(prefix).name", item, "duplicate watch name '\(name)' (first defined at \(first))", &state)
                continue
            }
            state.firstDefinition[name] = watch.source
            state.watches.append(watch)
        }
    }

    /// The `follow:` list: one source per entry, with exactly one of feed, sitemap or front.
    private func parseFollows(_ node: Node, defaults: Defaults, hooks globalHooks: [WebhookConfig], context: Context, into state: inout LoadState) {
        guard case .sequence(let list) = node else {
            context.error("follow", node, "must be a list of sources (each with name and feed, sitemap or front)", &state)
            return
        }
        for (index, item) in list.enumerated() {
            let prefix = "follow[\(index)]"
            guard case .mapping(let map) = item else {
                context.error(prefix, item, "each source is a mapping with `name` and one of feed, sitemap or front", &state)
                continue
            }
            var template = Watch(name: "", url: "", every: defaults.every, headers: defaults.headers,
                                 select: defaults.select, remove: defaults.remove, webhooks: globalHooks, source: context.location(item))
            template.ignoreLines = defaults.ignoreLines
            template.alertOn = defaults.alertOn
            // Stories are young when found: adaptive unless the defaults name an interval.
            template.adaptive = defaults.adaptive || !defaults.everyGiven
            template.adaptiveStop = defaults.adaptiveStop
            template.blockPrivateNetworks = defaults.blockPrivate
            template.proxy = defaults.proxy
            var name: String?
            var kinds: [(FollowSource.Kind, String)] = []
            var links: LinkFilter?
            var every: Interval?
            var followFor: Interval?
            var maxNew: Int?
            var keep: Set<String> = []
            var ownHooks: [WebhookConfig]?
            for (k, v) in map {
                let key = k.string ?? ""
                let field = "\(prefix).\(key)"
                switch key {
                case "name":
                    guard let value = context.scalar(v, field: field, &state) else { continue }
                    if Self.namePattern.firstMatch(in: value, range: NSRange(value.startIndex..., in: value)) == nil || value.count > 64 {
                        context.error(field, v, "'\(value)' is not a valid name (letters, digits, '.', '_', '-'; starts with a letter or digit; at most 64)", &state)
                    } else {
                        name = value
                    }
                case "feed", "sitemap", "front":
                    guard let value = context.scalar(v, field: field, &state).map({ context.expand($0, field: field, node: v, &state) }) else { continue }
                    if let problem = Self.urlProblem(value) { context.error(field, v, problem, &state) }
                    else { kinds.append((FollowSource.Kind(rawValue: key)!, value)) }
                case "links":
                    guard let value = context.scalar(v, field: field, &state) else { continue }
                    do { links = try LinkFilter(parsing: value) } catch { context.error(field, v, "\(error)", &state) }
                case "every":
                    every = context.interval(v, field: field, &state)
                case "follow_for":
                    followFor = context.interval(v, field: field, &state)
                case "max_new":
                    guard let text = context.scalar(v, field: field, &state) else { continue }
                    if let number = Int(text), number > 0, number <= 100_000 { maxNew = number }
                    else { context.error(field, v, "'\(text)' is not a number of stories from 1 to 100000", &state) }
                case "keep_params":
                    guard case .sequence(let names) = v else { context.error(field, v, "must be a list of query parameter names", &state); continue }
                    for param in names { if let text = context.scalar(param, field: field, &state) { keep.insert(text.lowercased()) } }
                default:
                    if !context.readPageKey(key, v, field: field, into: &template, hooks: &ownHooks, &state) {
                        context.unknownKey(key, k, known: Self.followKeys, in: prefix, &state)
                    }
                }
            }
            if let ownHooks { template.webhooks = globalHooks + ownHooks }
            guard let name else {
                if map.first(where: { $0.key.string == "name" }) == nil { context.error("\(prefix).name", item, "missing (every source needs a unique name)", &state) }
                continue
            }
            guard kinds.count == 1, let (kind, url) = kinds.first else {
                if kinds.count > 1 { context.error(prefix, item, "source '\(name)' names \(kinds.map(\.0.rawValue).joined(separator: " and ")); give one per entry", &state) }
                else if !map.contains(where: { ["feed", "sitemap", "front"].contains($0.key.string ?? "") }) {
                    context.error(prefix, item, "source '\(name)' needs one of feed, sitemap or front", &state)
                }
                continue
            }
            if links != nil && kind != .front {
                context.error("\(prefix).links", item, "links applies to front pages only (a \(kind.rawValue) lists its stories itself)", &state)
                continue
            }
            var source = FollowSource(name: name, kind: kind, url: url, storyTemplate: template, location: context.location(item))
            source.links = links
            if let every { source.every = every }
            if let followFor { source.followFor = followFor }
            if let maxNew { source.maxNew = maxNew }
            source.keepParams = keep
            if let first = state.firstDefinition[name] {
                context.error("\(prefix).name", item, "duplicate name '\(name)' (first defined at \(first))", &state)
                continue
            }
            state.firstDefinition[name] = source.location
            state.follows.append(source)
        }
    }

    /// Nil when the URL is acceptable, otherwise why not.
    public static func urlProblem(_ value: String) -> String? {
        guard let components = URLComponents(string: value), let scheme = components.scheme?.lowercased() else {
            return "'\(value)' is not a valid URL"
        }
        switch scheme {
        case "http", "https":
            if (components.host ?? "").isEmpty { return "'\(value)' has no host" }
            return nil
        case "file":
            return components.path.isEmpty ? "'\(value)' names no file" : nil
        default:
            return "scheme '\(scheme)' is not supported (http, https or file)"
        }
    }

    /// Helpers that know which file they are reading.
    private struct Context {
        let file: String
        let loader: WatchlistLoader

        func location(_ node: Node?) -> SourceLocation {
            SourceLocation(file: file, line: node?.mark?.line ?? 1, column: node?.mark?.column ?? 1)
        }

        func error(_ field: String, _ node: Node, _ message: String, _ state: inout LoadState) {
            state.errors.append(ConfigError(location: location(node), path: file, field: field, message: message))
        }

        func unknownKey(_ key: String, _ node: Node, known: [String], in place: String, _ state: inout LoadState) {
            // An error, not a warning: a misspelt `webhook:` would otherwise send nothing, silently.
            var message = "unknown key '\(key)' in \(place)"
            if let suggestion = closest(to: key, in: known) { message += "; did you mean '\(suggestion)'?" }
            else { message += " (known: \(known.joined(separator: ", ")))" }
            let field = place == "the top level" ? key : "\(place).\(key)"
            state.errors.append(ConfigError(location: location(node), path: file, field: field, message: message))
        }

        /// The keys a watch and a followed source's stories share (how a page is fetched, read
        /// and alerted on); false for any other key.
        func readPageKey(_ key: String, _ v: Node, field: String, into watch: inout Watch, hooks: inout [WebhookConfig]?, _ state: inout LoadState) -> Bool {
            switch key {
            case "headers": watch.headers.merge(stringMap(v, field: field, &state)) { _, new in new }
            case "select": watch.select = selector(v, field: field, &state)
            case "remove": watch.remove = selectors(v, field: field, &state)
            case "webhooks": hooks = (hooks ?? []) + webhooks(v, field: field, &state)
            case "email": hooks = (hooks ?? []) + email(v, field: field, &state)
            case "ignore_lines": watch.ignoreLines += patterns(v, field: field, &state)
            case "alert_on": watch.alertOn = alertPolicy(v, field: field, &state) ?? watch.alertOn
            default: return false
            }
            return true
        }

        func scalar(_ node: Node, field: String, _ state: inout LoadState) -> String? {
            guard case .scalar(let scalar) = node else {
                error(field, node, "must be a single value", &state)
                return nil
            }
            return scalar.string
        }

        func interval(_ node: Node, field: String, _ state: inout LoadState) -> Interval? {
            guard let text = scalar(node, field: field, &state) else { return nil }
            guard let interval = Interval(parsing: text) else {
                error(field, node, "'\(text)' is not a duration (use e.g. 90s, 15m, 2h, 1d, or adaptive)", &state)
                return nil
            }
            if interval.seconds < 10 {
                error(field, node, "'\(text)' is shorter than the 10s minimum", &state)
                return nil
            }
            return interval
        }

        func proxy(_ node: Node, field: String, _ state: inout LoadState) -> String? {
            guard let value = scalar(node, field: field, &state).map({ expand($0, field: field, node: node, &state) }) else { return nil }
            guard let components = URLComponents(string: value), let scheme = components.scheme?.lowercased(),
                  ["http", "https", "socks4", "socks4a", "socks5", "socks5h"].contains(scheme), !(components.host ?? "").isEmpty else {
                error(field, node, "'\(value)' is not a proxy URL (http://host:port, https://, socks5://, socks5h://)", &state)
                return nil
            }
            return value
        }

        func bool(_ node: Node, field: String, _ state: inout LoadState) -> Bool? {
            guard let text = scalar(node, field: field, &state) else { return nil }
            switch text.lowercased() {
            case "true", "yes", "on": return true
            case "false", "no", "off": return false
            default:
                error(field, node, "'\(text)' is not true or false", &state)
                return nil
            }
        }

        func intervalAllowingShort(_ node: Node, field: String, _ state: inout LoadState) -> Interval? {
            guard let text = scalar(node, field: field, &state) else { return nil }
            guard let interval = Interval(parsing: text) else {
                error(field, node, "'\(text)' is not a duration (use e.g. 5s, 10m, 3d)", &state)
                return nil
            }
            return interval
        }

        func stringMap(_ node: Node, field: String, secret: Bool = false, _ state: inout LoadState) -> [String: String] {
            guard case .mapping(let map) = node else {
                error(field, node, "must be a mapping of names to values", &state)
                return [:]
            }
            var result: [String: String] = [:]
            for (k, v) in map {
                guard let key = k.string, let value = scalar(v, field: "\(field).\(k.string ?? "?")", &state) else { continue }
                result[key] = expand(value, field: "\(field).\(key)", node: v, secret: secret, &state)
            }
            return result
        }

        func selector(_ node: Node, field: String, _ state: inout LoadState) -> ContentSelector? {
            guard let text = scalar(node, field: field, &state) else { return nil }
            do {
                let selector = try ContentSelector(parsing: text)
                try HTMLDocument.validate(selector)
                return selector
            } catch {
                self.error(field, node, "\(error)", &state)
                return nil
            }
        }

        func selectors(_ node: Node, field: String, _ state: inout LoadState) -> [ContentSelector] {
            if case .scalar = node { return selector(node, field: field, &state).map { [$0] } ?? [] }
            guard case .sequence(let list) = node else {
                error(field, node, "must be a selector or a list of selectors", &state)
                return []
            }
            return list.enumerated().compactMap { selector($1, field: "\(field)[\($0)]", &state) }
        }

        func patterns(_ node: Node, field: String, _ state: inout LoadState) -> [String] {
            let items: [Node]
            if case .sequence(let list) = node { items = Array(list) } else { items = [node] }
            var result: [String] = []
            for (index, item) in items.enumerated() {
                guard let pattern = scalar(item, field: "\(field)[\(index)]", &state) else { continue }
                if DiffOptions.validate([pattern]) != nil {
                    error("\(field)[\(index)]", item, "'\(pattern)' is not a valid regular expression", &state)
                } else {
                    result.append(pattern)
                }
            }
            return result
        }

        func alertPolicy(_ node: Node, field: String, _ state: inout LoadState) -> Watch.AlertPolicy? {
            guard let value = scalar(node, field: field, &state) else { return nil }
            guard let policy = Watch.AlertPolicy(rawValue: value) else {
                error(field, node, "'\(value)' is not an alert policy (substantive or any)", &state)
                return nil
            }
            return policy
        }

        func webhooks(_ node: Node, field: String, _ state: inout LoadState) -> [WebhookConfig] {
            guard case .sequence(let list) = node else {
                error(field, node, "must be a list of webhooks", &state)
                return []
            }
            var hooks: [WebhookConfig] = []
            for (index, item) in list.enumerated() {
                let prefix = "\(field)[\(index)]"
                guard case .mapping(let map) = item else {
                    error(prefix, item, "each webhook is a mapping with a `url`", &state)
                    continue
                }
                var hook = WebhookConfig(url: "")
                var valid = true
                for (k, v) in map {
                    let key = k.string ?? ""
                    let keyField = "\(prefix).\(key)"
                    switch key {
                    case "url":
                        let value = scalar(v, field: keyField, &state).map { expand($0, field: keyField, node: v, secret: true, &state) } ?? ""
                        let unresolved = !loader.requireSecrets && value.contains("${")
                        if !unresolved, let problem = WatchlistLoader.urlProblem(value), !value.isEmpty { error(keyField, v, problem, &state); valid = false }
                        hook.url = value
                    case "format":
                        let value = scalar(v, field: keyField, &state) ?? ""
                        if let format = WebhookConfig.Format(rawValue: value), format != .email { hook.format = format } else {
                            error(keyField, v, "'\(value)' is not a format (json, slack or discord)", &state)
                            valid = false
                        }
                    case "secret":
                        hook.secret = scalar(v, field: keyField, &state).map { expand($0, field: keyField, node: v, secret: true, &state) }
                    case "headers":
                        hook.headers = stringMap(v, field: keyField, secret: true, &state)
                    case "timeout":
                        if let interval = intervalAllowingShort(v, field: keyField, &state) { hook.timeout = interval.seconds }
                    case "max_age":
                        if let interval = intervalAllowingShort(v, field: keyField, &state) { hook.maxAge = interval.seconds }
                    case "on":
                        if let events = events(v, field: keyField, &state) { hook.on = events } else { valid = false }
                    default:
                        unknownKey(key, k, known: WatchlistLoader.webhookKeys, in: prefix, &state)
                    }
                }
                if hook.url.isEmpty {
                    error("\(prefix).url", item, "missing (a webhook needs a url)", &state)
                    valid = false
                }
                if valid { hooks.append(hook) }
            }
            return hooks
        }

        /// An `on:` list (or one event); nil, with the errors recorded, when one is not an event.
        func events(_ node: Node, field: String, _ state: inout LoadState) -> Set<WebhookConfig.Event>? {
            var events: Set<WebhookConfig.Event> = []
            var valid = true
            let items: [Node] = { if case .sequence(let s) = node { return Array(s) } else { return [node] } }()
            for item in items {
                let value = item.string ?? ""
                if let event = WebhookConfig.Event(rawValue: value) { events.insert(event) } else {
                    error(field, item, "'\(value)' is not an event (changed, new, removed, restored, error)", &state)
                    valid = false
                }
            }
            return valid ? events : nil
        }

        /// An `email:` section (one mapping, or a list of them) as mail hooks.
        func email(_ node: Node, field: String, _ state: inout LoadState) -> [WebhookConfig] {
            if case .sequence(let list) = node {
                return list.enumerated().flatMap { email($1, field: "\(field)[\($0)]", &state) }
            }
            guard case .mapping(let map) = node else {
                error(field, node, "must be a mapping with smtp, from and to", &state)
                return []
            }
            var server: String?, from: String?, to: [String] = [], user: String?, password: String?
            var hook = WebhookConfig(url: "", format: .email)
            var valid = true
            for (k, v) in map {
                let key = k.string ?? ""
                let keyField = "\(field).\(key)"
                switch key {
                case "smtp":
                    guard let value = scalar(v, field: keyField, &state).map({ expand($0, field: keyField, node: v, secret: true, &state) }) else { valid = false; continue }
                    let unresolved = !loader.requireSecrets && value.contains("${")
                    let scheme = URLComponents(string: value)?.scheme?.lowercased()
                    if !unresolved, scheme != "smtp" && scheme != "smtps" || (URLComponents(string: value)?.host ?? "").isEmpty {
                        error(keyField, v, "'\(value)' is not an SMTP server (smtp://host:587 with STARTTLS, or smtps://host:465)", &state)
                        valid = false
                    }
                    server = value
                case "from":
                    from = scalar(v, field: keyField, &state).map { expand($0, field: keyField, node: v, &state) }
                    if let from, let problem = EmailSettings.addressProblem(from) { error(keyField, v, problem, &state); valid = false }
                case "to":
                    let items: [Node] = { if case .sequence(let s) = v { return Array(s) } else { return [v] } }()
                    for (index, item) in items.enumerated() {
                        guard let address = scalar(item, field: "\(keyField)[\(index)]", &state).map({ expand($0, field: keyField, node: item, &state) }) else { continue }
                        if let problem = EmailSettings.addressProblem(address) { error("\(keyField)[\(index)]", item, problem, &state); valid = false }
                        to.append(address)
                    }
                case "user":
                    user = scalar(v, field: keyField, &state).map { expand($0, field: keyField, node: v, secret: true, &state) }
                case "password":
                    password = scalar(v, field: keyField, &state).map { expand($0, field: keyField, node: v, secret: true, &state) }
                case "on":
                    if let events = events(v, field: keyField, &state) { hook.on = events } else { valid = false }
                case "timeout":
                    if let interval = intervalAllowingShort(v, field: keyField, &state) { hook.timeout = interval.seconds }
                case "max_age":
                    if let interval = intervalAllowingShort(v, field: keyField, &state) { hook.maxAge = interval.seconds }
                default:
                    unknownKey(key, k, known: WatchlistLoader.emailKeys, in: field, &state)
                }
            }
            for (name, value) in [("smtp", server), ("from", from)] where value == nil {
                error("\(field).\(name)", node, "missing (an email section needs smtp, from and to)", &state)
                valid = false
            }
            if to.isEmpty, map.first(where: { $0.key.string == "to" }) == nil {
                error("\(field).to", node, "missing (an email section needs smtp, from and to)", &state)
                valid = false
            }
            if (user == nil) != (password == nil) {
                error("\(field).\(user == nil ? "user" : "password")", node, "user and password go together", &state)
                valid = false
            }
            guard valid, let server, let from else { return [] }
            let settings = EmailSettings(server: server, from: from, to: to, user: user, password: password)
            hook.url = settings.hookIdentity
            hook.email = settings
            return [hook]
        }

        /// Replaces `${NAME}` with the environment's value, so secrets stay out of committed files.
        /// `secret`: a credential only sending needs; see `requireSecrets`.
        func expand(_ value: String, field: String, node: Node, secret: Bool = false, _ state: inout LoadState) -> String {
            guard value.contains("${") else { return value }
            var result = ""
            var rest = Substring(value)
            while let start = rest.range(of: "${") {
                result += rest[..<start.lowerBound]
                guard let end = rest[start.upperBound...].firstIndex(of: "}") else {
                    error(field, node, "unterminated ${ in value", &state)
                    return value
                }
                let name = String(rest[start.upperBound..<end])
                if let replacement = loader.environment[name] {
                    result += replacement
                } else if secret && !loader.requireSecrets {
                    result += "${\(name)}"
                } else {
                    error(field, node, "environment variable '\(name)' is not set", &state)
                }
                rest = rest[rest.index(after: end)...]
            }
            return result + rest
        }
    }
}

/// The known word nearest to a mistyped one, if any is close enough to be a likely typo.
public func closest(to word: String, in candidates: [String]) -> String? {
    let scored = candidates.map { ($0, editDistance(word.lowercased(), $0)) }.min { $0.1 < $1.1 }
    guard let (best, distance) = scored, distance <= max(2, word.count / 3) else { return nil }
    return best
}

func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
        current[0] = i
        for j in 1...b.count {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        swap(&previous, &current)
    }
    return previous[b.count]
}
