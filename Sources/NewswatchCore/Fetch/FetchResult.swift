import Foundation

/// What a server answered. A result is any HTTP answer, including 404 and 500; transport
/// failures are `FetchError`s instead.
public struct FetchResult: Sendable {
    public var requestedURL: String
    public var finalURL: String
    public var status: Int
    /// Header names lower-cased; the last value wins for repeated headers.
    public var headers: [String: String]
    public var body: Data
    public var elapsed: TimeInterval

    public init(requestedURL: String, finalURL: String, status: Int, headers: [String: String], body: Data, elapsed: TimeInterval) {
        self.requestedURL = requestedURL
        self.finalURL = finalURL
        self.status = status
        self.headers = headers
        self.body = body
        self.elapsed = elapsed
    }

    public var isNotModified: Bool { status == 304 }
    public var isSuccess: Bool { (200..<300).contains(status) }
    public var etag: String? { headers["etag"] }
    public var lastModified: String? { headers["last-modified"] }
    public var contentType: String? { headers["content-type"] }

    /// The charset parameter of Content-Type, lower-cased, if the server sent one.
    /// What the body is when it is plainly not HTML, whatever Content-Type says.
    public var binaryKind: String? {
        let head = [UInt8](body.prefix(512))
        if head.starts(with: Array("%PDF".utf8)) { return "a PDF document" }
        if head.starts(with: [0xFF, 0xD8, 0xFF]) { return "a JPEG image" }
        if head.starts(with: [0x89, 0x50, 0x4E, 0x47]) { return "a PNG image" }
        if head.starts(with: Array("GIF8".utf8)) { return "a GIF image" }
        if head.starts(with: [0x50, 0x4B, 0x03, 0x04]) { return "a ZIP archive" }
        if head.starts(with: [0x1F, 0x8B]) { return "gzip data" }
        let controls = head.filter { $0 < 0x09 || ($0 > 0x0D && $0 < 0x20) }.count
        return head.count >= 64 && controls * 10 > head.count ? "binary data" : nil
    }

    public var charset: String? {
        guard let contentType else { return nil }
        for part in contentType.split(separator: ";").dropFirst() {
            let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pair.count == 2, pair[0].lowercased() == "charset" {
                return pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\"'")).lowercased()
            }
        }
        return nil
    }
}

public enum FetchError: Error, Sendable, CustomStringConvertible {
    case invalidURL(String)
    case schemeNotAllowed(String)
    case bodyTooLarge(limit: Int)
    case timedOut(String)
    case blockedAddress(String)
    case redirectRefused
    case transport(code: Int, message: String)
    /// The fetcher was stopped (shutdown) before the transfer finished: not the server's fault.
    case cancelled

    /// The other side did not answer in time (a hook worth no second try in the same run).
    public var isTimeout: Bool {
        if case .timedOut = self { return true }
        return false
    }

    public var description: String {
        switch self {
        case .invalidURL(let url): return "invalid URL '\(url)'"
        case .schemeNotAllowed(let scheme): return "scheme '\(scheme)' is not allowed (http and https only)"
        case .bodyTooLarge(let limit): return "response body exceeds the limit of \(limit) bytes"
        case .timedOut(let message): return "timed out: \(message)"
        case .redirectRefused: return "redirect to a scheme other than http or https refused"
        case .blockedAddress(let url): return "blocked: \(url) resolves to a private, loopback or link-local address (block_private_networks)"
        case .transport(_, let message): return message
        case .cancelled: return "cancelled: newswatch is shutting down"
        }
    }
}

/// The fetch stage. Implementations fetch a batch concurrently and answer in request order.
public protocol Fetcher: Sendable {
    func fetch(_ requests: [FetchRequest]) async -> [Result<FetchResult, FetchError>]
}

extension Fetcher {
    public func fetch(_ request: FetchRequest) async -> Result<FetchResult, FetchError> {
        await fetch([request])[0]
    }
}
