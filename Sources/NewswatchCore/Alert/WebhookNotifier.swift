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

    static var encoder: JSONEncoder { JSONCoding.encoder }

    public static func body(for alert: Alert, format: WebhookConfig.Format) throws -> Data {
        switch format {
        case .json:
            return try encoder.encode(alert)
        case .slack:
            return try JSONSerialization.data(withJSONObject: SlackMessage.payload(alert), options: [.sortedKeys, .withoutEscapingSlashes])
        case .discord:
            return try JSONSerialization.data(withJSONObject: DiscordMessage.payload(alert), options: [.sortedKeys, .withoutEscapingSlashes])
        case .email:
            return Data()  // mail is rendered by `EmailMessage` and sent by `SMTPSender`
        }
    }

    public static func signature(secret: String, timestamp: Int, body: Data) -> String {
        var message = Data("\(timestamp).".utf8)
        message.append(body)
        return "t=\(timestamp),v1=" + Digest.hmacSHA256(key: Data(secret.utf8), message: message).hexString
    }

    /// One POST of one alert to one hook, or one message to one `email:` destination.
    public func send(_ alert: Alert, to hook: WebhookConfig) async -> NotifierResult {
        if let settings = hook.email {
            let message = EmailMessage.render(alert, settings: settings)
            switch await SMTPSender().send(message, settings: settings, timeout: hook.timeout ?? timeout) {
            case .success: return NotifierResult(delivered: true)
            case .failure(let error):
                return NotifierResult(delivered: false, error: hook.masking("\(hook.maskedURL): \(error)"), timedOut: error.isTimeout)
            }
        }
        let request: FetchRequest
        do {
            request = try makeRequest(alert, hook)
        } catch {
            return NotifierResult(delivered: false, error: "cannot encode payload: \(error)")
        }
        switch await fetcher.fetch(request) {
        case .success(let response) where response.isSuccess:
            return NotifierResult(delivered: true)
        case .success(let response):
            return NotifierResult(delivered: false, error: "HTTP \(response.status) from \(hook.maskedURL)",
                              retryAfter: response.headers["retry-after"].flatMap(Self.parseRetryAfter))
        case .failure(let error):
            return NotifierResult(delivered: false, error: hook.masking("\(hook.maskedURL): \(error)"), timedOut: error.isTimeout)
        }
    }

    /// Retry-After is seconds or an HTTP date.
    static func parseRetryAfter(_ value: String) -> TimeInterval? {
        if let seconds = TimeInterval(value.trimmingCharacters(in: .whitespaces)) { return max(0, seconds) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter.date(from: value).map { max(0, $0.timeIntervalSinceNow) }
    }

    private func makeRequest(_ alert: Alert, _ hook: WebhookConfig) throws -> FetchRequest {
        let body = try Self.body(for: alert, format: hook.format)
        var headers = hook.headers
        headers["Content-Type"] = "application/json"
        headers["X-Newswatch-Event"] = alert.type.rawValue
        headers["X-Newswatch-Event-Id"] = alert.id
        if let secret = hook.secret {
            headers["X-Newswatch-Signature"] = Self.signature(secret: secret, timestamp: Int(Date().timeIntervalSince1970), body: body)
        }
        var limits = FetchLimits()
        limits.totalTimeout = hook.timeout ?? timeout
        limits.connectTimeout = min(limits.connectTimeout, limits.totalTimeout)
        limits.maxBodyBytes = 64 * 1024
        return FetchRequest(url: hook.url, method: "POST", headers: headers, body: body, limits: limits)
    }
}
