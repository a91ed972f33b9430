import FlyingFox
import Foundation
import NewswatchCore

/// Routes requests to pages, feeds and the JSON API; adds the security headers, checks the
/// token, answers conditional GETs. Read-only: nothing here writes to the store.
public struct WebApp: HTTPHandler {
    let view: StoreView
    /// Required (as `Authorization: Bearer`, basic-auth password or `?token=`) when set.
    let token: String?
    /// Changes per Atom feed.
    static let feedEntries = 50
    /// Versions summarised on a story's timeline (the newest).
    static let timelineLength = 200

    public init(view: StoreView, token: String?) {
        self.view = view
        self.token = token
    }

    /// Script may never run in our origin; styles are inline; forms submit only here.
    static let contentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

    public func handleRequest(_ request: HTTPRequest) async throws -> HTTPResponse {
        guard request.method == .GET || request.method == .HEAD else { return text(.methodNotAllowed, "read-only: GET only\n").response }
        guard authorised(request) else {
            return HTTPResponse(statusCode: .unauthorized, headers: [HTTPHeader("WWW-Authenticate"): "Basic realm=\"newswatch\"", .contentType: "text/plain; charset=utf-8"],
                                body: Data("a token is required (Authorization: Bearer TOKEN, or basic auth with the token as password)\n".utf8))
        }
        let parts = request.path.split(separator: "/").map { $0.removingPercentEncoding ?? String($0) }
        let query = Dictionary(request.query.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
        let now = Date()
        do {
            return try await route(parts, query: query, request: request, now: now)
        } catch {
            return page(.internalServerError, Pages.notFound("the store could not be read: \(error)")).response
        }
    }

    private func route(_ parts: [String], query: [String: String], request: HTTPRequest, now: Date) async throws -> HTTPResponse {
        let base = "http://\(request.headers[.host] ?? "localhost")"
        switch parts.count {
        case 0:
            return conditional(request, page(.ok, Pages.index(try await view.rows(), query: query["q"] ?? "", now: now)))
        case 1 where parts[0] == "feed.atom":
            let changes = try await view.recentChanges(of: try await view.watchNames(), limit: Self.feedEntries)
            return conditional(request, atom(AtomFeed.render(title: "newswatch: all changes", selfURL: base + "/feed.atom", alternate: base + "/",
                                                             feedID: "urn:newswatch:feed:all", changes: changes, now: now)))
        default:
            break
        }
        if parts.count == 3, parts[0] == "s", parts[2] == "feed.atom" {
            let source = parts[1]
            let changes = try await view.recentChanges(of: try await view.storiesOf(source: source), limit: Self.feedEntries)
            return conditional(request, atom(AtomFeed.render(title: "newswatch: \(source)", selfURL: base + request.path, alternate: base + "/",
                                                             feedID: "urn:newswatch:feed:source:\(HTMLText.segment(source))", changes: changes, now: now)))
        }
        if parts.first == "api" { return try await api(Array(parts.dropFirst()), request: request) }
        guard parts.count >= 2, parts[0] == "w" else { return page(.notFound, Pages.notFound("no such page")).response }
        let watch = parts[1]
        let versions = try await view.versions(of: watch)
        let state = try await view.state(of: watch)
        guard !versions.isEmpty || state.followed != nil else { return page(.notFound, Pages.notFound("no watch named '\(watch)' in this store")).response }
        let rest = Array(parts.dropFirst(2))
        func version(_ text: String) -> VersionRecord? { Int(text).flatMap { number in versions.first { $0.number == number } } }
        switch rest.count {
        case 0:
            return conditional(request, page(.ok, Pages.story(watch, timeline: try await timeline(watch, versions), state: state, now: now)))
        case 1 where rest[0] == "feed.atom":
            let changes = try await view.recentChanges(of: [watch], limit: Self.feedEntries)
            return conditional(request, atom(AtomFeed.render(title: "newswatch: \(watch)", selfURL: base + request.path, alternate: base + "/",
                                                             feedID: "urn:newswatch:feed:watch:\(HTMLText.segment(watch))", changes: changes, now: now)))
        case 2 where rest[0] == "v":
            guard let record = version(rest[1]) else { return page(.notFound, Pages.notFound("\(watch) has no version \(rest[1])")).response }
            return conditional(request, page(.ok, Pages.version(watch, record, article: try await view.article(record))))
        case 3 where rest[0] == "v" && rest[2] == "page":
            guard let record = version(rest[1]) else { return page(.notFound, Pages.notFound("\(watch) has no version \(rest[1])")).response }
            // The page as fetched is someone else's HTML: shown as text, in a sandbox, never
            // as a document of our origin.
            return HTTPResponse(statusCode: .ok, headers: [.contentType: "text/plain; charset=utf-8", HTTPHeader("Content-Security-Policy"): "sandbox",
                                                           HTTPHeader("X-Content-Type-Options"): "nosniff"], body: try await view.html(record))
        case 3 where rest[0] == "diff":
            guard let old = version(rest[1]), let new = version(rest[2]) else { return page(.notFound, Pages.notFound("\(watch) has no such versions")).response }
            let change = try await view.change(watch, from: old, to: new)
            return conditional(request, page(.ok, Pages.diff(change, sideBySide: query["view"] == "side")))
        default:
            return page(.notFound, Pages.notFound("no such page")).response
        }
    }

    /// The JSON API: what `list --json`, `log --json`, `show --json` and `diff --json` print.
    private func api(_ parts: [String], request: HTTPRequest) async throws -> HTTPResponse {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        switch (parts.first, parts.count) {
        case ("list", 1):
            let rows = try await view.rows().map { row -> [String: Any] in
                ["name": row.name, "url": row.url, "title": row.title ?? NSNull(), "versions": row.versions, "status": row.status,
                 "lastChange": row.lastChange.map(Timestamp.display) ?? NSNull(), "lastChecked": row.lastChecked.map(Timestamp.display) ?? NSNull(),
                 "source": row.source ?? NSNull()]
            }
            return conditional(request, json(try JSONSerialization.data(withJSONObject: rows, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])))
        case ("log", 2):
            return conditional(request, json(try encoder.encode(try await view.versions(of: parts[1]))))
        case ("show", 3):
            guard let record = try await view.versions(of: parts[1]).first(where: { $0.number == Int(parts[2]) }) else { return text(.notFound, "no such version\n").response }
            return conditional(request, json(Data(try await view.article(record).outputJSON().utf8)))
        case ("diff", 4):
            let versions = try await view.versions(of: parts[1])
            guard let old = versions.first(where: { $0.number == Int(parts[2]) }), let new = versions.first(where: { $0.number == Int(parts[3]) }) else {
                return text(.notFound, "no such versions\n").response
            }
            let change = try await view.change(parts[1], from: old, to: new)
            return conditional(request, json(try encoder.encode(change.renderer.document(summary: change.summary, diff: change.diff))))
        default:
            return text(.notFound, "API: /api/list, /api/log/WATCH, /api/show/WATCH/N, /api/diff/WATCH/FROM/TO\n").response
        }
    }

    private func timeline(_ watch: String, _ versions: [VersionRecord]) async throws -> [Pages.TimelineEntry] {
        let shown = Array(versions.suffix(Self.timelineLength))
        var entries: [Pages.TimelineEntry] = []
        var previous: (VersionRecord, Article)? = versions.count > shown.count ? (versions[versions.count - shown.count - 1], try await view.article(versions[versions.count - shown.count - 1])) : nil
        for record in shown {
            let article = try await view.article(record)
            var summary: String?
            if let (old, oldArticle) = previous {
                summary = Change(watch: watch, url: record.requestedURL, old: old, new: record, oldArticle: oldArticle, newArticle: article).summary.description
            }
            entries.append(Pages.TimelineEntry(version: record, summary: summary))
            previous = (record, article)
        }
        return entries
    }

    private func authorised(_ request: HTTPRequest) -> Bool {
        guard let token else { return true }
        if request.query.first(where: { $0.name == "token" })?.value == token { return true }
        guard let header = request.headers[.authorization] else { return false }
        if header == "Bearer \(token)" { return true }
        if header.hasPrefix("Basic "), let decoded = Data(base64Encoded: String(header.dropFirst(6))).map({ String(decoding: $0, as: UTF8.self) }),
           let colon = decoded.firstIndex(of: ":"), String(decoded[decoded.index(after: colon)...]) == token {
            return true
        }
        return false
    }

    /// A response before it is sent: conditional GETs need the body.
    struct Reply {
        var status: HTTPStatusCode
        var headers: HTTPHeaders
        var body: Data
        var response: HTTPResponse { HTTPResponse(statusCode: status, headers: headers, body: body) }
    }

    private func headers(_ contentType: String) -> HTTPHeaders {
        [.contentType: contentType, HTTPHeader("Content-Security-Policy"): Self.contentSecurityPolicy,
         HTTPHeader("X-Content-Type-Options"): "nosniff", HTTPHeader("Referrer-Policy"): "no-referrer"]
    }

    private func page(_ status: HTTPStatusCode, _ html: String) -> Reply {
        Reply(status: status, headers: headers("text/html; charset=utf-8"), body: Data(html.utf8))
    }

    private func atom(_ xml: String) -> Reply {
        Reply(status: .ok, headers: headers("application/atom+xml; charset=utf-8"), body: Data(xml.utf8))
    }

    private func json(_ data: Data) -> Reply {
        Reply(status: .ok, headers: headers("application/json"), body: data)
    }

    private func text(_ status: HTTPStatusCode, _ message: String) -> Reply {
        Reply(status: status, headers: headers("text/plain; charset=utf-8"), body: Data(message.utf8))
    }

    /// A strong ETag from the body; `If-None-Match` with it gets 304 and no body.
    private func conditional(_ request: HTTPRequest, _ reply: Reply) -> HTTPResponse {
        var hash: UInt64 = 0xcbf29ce484222325
        for byte in reply.body { hash = (hash ^ UInt64(byte)) &* 0x100000001b3 }
        let etag = "\"\(String(hash, radix: 16))-\(reply.body.count)\""
        var headers = reply.headers
        headers[.eTag] = etag
        if request.headers[.ifNoneMatch] == etag { return HTTPResponse(statusCode: .notModified, headers: headers) }
        return HTTPResponse(statusCode: reply.status, headers: headers, body: reply.body)
    }
}
