import Foundation

/// POSTs alerts as JSON (or Slack/Discord message shapes), signed with HMAC-SHA256 when the
/// hook has a secret: `X-Newswatch-Signature: t=<unix time>,v1=<hex of HMAC(secret, "t.body")>`.
public struct WebhookNotifier: Notifier {
    public var fetcher: any Fetcher
    public var timeout: TimeInterval

    public init(fetcher: any Fetcher = CurlFetcher(), timeout: TimeInterval = 10) {
        self.fetcher = fetcher
        self.timeout = timeout
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    public static func body(for alert: Alert, format: WebhookConfig.Format) throws -> Data {
        let headline = "[newswatch] \(alert.watch): \(alert.summary)"
        let link = alert.finalURL ?? alert.url
        switch format {
        case .json:
            return try encoder.encode(alert)
        case .slack:
            return try JSONSerialization.data(withJSONObject: ["text": "\(headline)\n<\(link)|\(alert.title ?? link)>"], options: [.sortedKeys])
        case .discord:
            let content = "\(headline)\n\(alert.title ?? "") \(link)"
            return try JSONSerialization.data(withJSONObject: ["content": String(content.prefix(2000))], options: [.sortedKeys])
        }
    }

    public static func signature(secret: String, timestamp: Int, body: Data) -> String {
        var message = Data("\(timestamp).".utf8)
        message.append(body)
        return "t=\(timestamp),v1=" + Digest.hmacSHA256(key: Data(secret.utf8), message: message).hexString
    }

    public func deliver(_ alert: Alert, to hooks: [WebhookConfig]) async -> [DeliveryOutcome] {
        var requests: [FetchRequest] = []
        var outcomes: [DeliveryOutcome?] = []
        for hook in hooks {
            do {
                let body = try Self.body(for: alert, format: hook.format)
                var headers = hook.headers
                headers["Content-Type"] = "application/json"
                headers["X-Newswatch-Event"] = alert.type.rawValue
                headers["X-Newswatch-Event-Id"] = alert.id
                if let secret = hook.secret {
                    headers["X-Newswatch-Signature"] = Self.signature(secret: secret, timestamp: Int(Date().timeIntervalSince1970), body: body)
                }
                var limits = FetchLimits()
                limits.totalTimeout = timeout
                limits.maxBodyBytes = 64 * 1024
                requests.append(FetchRequest(url: hook.url, method: "POST", headers: headers, body: body, limits: limits))
                outcomes.append(nil)
            } catch {
                outcomes.append(DeliveryOutcome(hook: hook, alertID: alert.id, error: "cannot encode payload: \(error)"))
            }
        }
        var results = await fetcher.fetch(requests).makeIterator()
        return zip(hooks, outcomes).map { hook, prepared in
            if let prepared { return prepared }
            switch results.next()! {
            case .success(let response) where response.isSuccess:
                return DeliveryOutcome(hook: hook, alertID: alert.id, error: nil)
            case .success(let response):
                return DeliveryOutcome(hook: hook, alertID: alert.id, error: "HTTP \(response.status) from \(hook.url)")
            case .failure(let error):
                return DeliveryOutcome(hook: hook, alertID: alert.id, error: "\(hook.url): \(error)")
            }
        }
    }
}
