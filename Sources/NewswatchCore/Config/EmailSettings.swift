import Foundation

/// An `email:` section of a watchlist: where alerts are mailed from and to, through which
/// SMTP server. `smtp://` upgrades with STARTTLS when the server offers it; `smtps://` is
/// TLS from the start.
public struct EmailSettings: Sendable, Hashable {
    public var server: String
    public var from: String
    public var to: [String]
    public var user: String?
    public var password: String?

    public init(server: String, from: String, to: [String], user: String? = nil, password: String? = nil) {
        self.server = server
        self.from = from
        self.to = to
        self.user = user
        self.password = password
    }

    /// The outbox's name for this destination: the server and the recipients, no credentials.
    public var hookIdentity: String { server + "#to=" + to.joined(separator: ",") }

    /// Nil when `address` can go into an SMTP envelope and a header line, otherwise why not.
    /// Line breaks would let a watchlist value inject headers.
    public static func addressProblem(_ address: String) -> String? {
        if address.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "<" || $0 == ">" || $0 == "," || $0 == " " }) {
            return "'\(address)' is not a mail address (one address, like desk@example.org)"
        }
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."), !parts[1].hasSuffix(".") else {
            return "'\(address)' is not a mail address (one address, like desk@example.org)"
        }
        return nil
    }
}
