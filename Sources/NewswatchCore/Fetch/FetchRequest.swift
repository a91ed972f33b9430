import Foundation

/// One HTTP (or file://) request. Conditional-request validators come from the previous
/// fetch of the same watch, so an unchanged page costs the server a 304 and us nothing.
public struct FetchRequest: Sendable, Hashable {
    public var url: String
    public var method: String
    public var headers: [String: String]
    public var body: Data?
    public var etag: String?
    public var lastModified: String?
    public var limits: FetchLimits
    /// A proxy named in the watchlist (`proxy:`); proxies in the environment are never used.
    public var proxy: String?

    public init(
        url: String, method: String = "GET", headers: [String: String] = [:], body: Data? = nil,
        etag: String? = nil, lastModified: String? = nil, limits: FetchLimits = FetchLimits(), proxy: String? = nil
    ) {
        self.proxy = proxy
        self.url = url
        self.method = method
        self.headers = headers
        self.body = body
        self.etag = etag
        self.lastModified = lastModified
        self.limits = limits
    }
}

/// Bounds that keep a hostile or broken server from hanging a run or exhausting memory.
public struct FetchLimits: Sendable, Hashable {
    public var connectTimeout: TimeInterval = 10
    public var totalTimeout: TimeInterval = 30
    /// Bytes of the *decoded* body; also bounds gzip bombs, since decoding happens first.
    public var maxBodyBytes: Int = 10 * 1024 * 1024
    public var maxRedirects: Int = 5
    /// `file://` is only ever fetched when a watch names it itself; redirects never reach it.
    public var allowFileScheme: Bool = false
    /// Refuse loopback, private, link-local and metadata addresses (after DNS, on every redirect).
    public var blockPrivateNetworks: Bool = false

    public init() {}
}
