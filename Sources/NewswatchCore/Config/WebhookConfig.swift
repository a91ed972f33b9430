import Foundation

/// Where and how to deliver alerts. `secret` is already expanded from `${ENV}`; it is
/// never printed (see `description`).
public struct WebhookConfig: Sendable, Hashable, CustomStringConvertible {
    /// `email` hooks come from a watchlist's `email:` section and are sent over SMTP.
    public enum Format: String, Sendable, Hashable, CaseIterable, Codable { case json, slack, discord, email }
    public enum Event: String, Sendable, Hashable, CaseIterable { case changed, new, removed, restored, error }

    public var url: String
    public var format: Format
    public var secret: String?
    public var headers: [String: String]
    public var on: Set<Event>
    /// Per-attempt timeout; nil uses the notifier's default (10 s).
    public var timeout: TimeInterval?
    /// Undelivered alerts older than this are marked dead (default 3 days).
    public var maxAge: TimeInterval = 3 * 86400
    /// For `email` hooks: sender, recipients and credentials. `url` is then the SMTP server
    /// followed by `#to=...`, so one server with two sets of recipients is two hooks.
    public var email: EmailSettings?

    public init(url: String, format: Format = .json, secret: String? = nil, headers: [String: String] = [:],
                on: Set<Event> = [.changed, .removed]) {
        self.url = url
        self.format = format
        self.secret = secret
        self.headers = headers
        self.on = on
    }

    /// The hook's destination as one name (SHA-256 of URL, format, secret, headers and mail
    /// settings; not `on:`, which only routes): two hooks with one URL but different secrets
    /// are two hooks.
    public var identity: String {
        var parts = [url, format.rawValue, secret ?? ""]
        parts += headers.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        if let email { parts += [email.server, email.from, email.to.joined(separator: ","), email.user ?? "", email.password ?? ""] }
        return Digest.sha256(Data(parts.joined(separator: "\u{1F}").utf8)).hexString
    }

    /// The URL as messages show it: `scheme://host[:port]/…`. A Slack or Discord hook URL is
    /// itself the secret, and cron mails whatever reaches stderr.
    public static func masked(_ url: String) -> String {
        guard let components = URLComponents(string: url), let scheme = components.scheme, let host = components.host else { return "(webhook)" }
        let port = components.port.map { ":\($0)" } ?? ""
        let rest = components.path.isEmpty || components.path == "/" ? "/" : "/…"
        return "\(scheme)://\(host)\(port)\(rest)"
    }

    public var maskedURL: String { Self.masked(url) }

    /// `text` with this hook's URL masked wherever it appears.
    public func masking(_ text: String) -> String { text.replacingOccurrences(of: url, with: maskedURL) }

    /// Whether this hook takes an event of this kind. A hook that wants removals also hears
    /// when the story comes back: the other half of the same news.
    public func wants(_ event: Event) -> Bool {
        on.contains(event) || (event == .restored && on.contains(.removed))
    }

    public var description: String { "webhook \(maskedURL) (\(format.rawValue)\(secret == nil ? "" : ", signed"))" }
}
