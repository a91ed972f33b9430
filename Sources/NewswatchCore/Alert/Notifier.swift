import Foundation

/// The alert stage: hands alerts to the outside world.
public protocol Notifier: Sendable {
    /// One attempt to hand one alert to one hook.
    func send(_ alert: Alert, to hook: WebhookConfig) async -> NotifierResult
}

extension Notifier {
    /// Sends once to each hook (the direct path, when no outbox is kept).
    public func deliver(_ alert: Alert, to hooks: [WebhookConfig]) async -> [DeliveryOutcome] {
        var outcomes: [DeliveryOutcome] = []
        for hook in hooks {
            let result = await send(alert, to: hook)
            outcomes.append(DeliveryOutcome(hook: hook, alertID: alert.id, error: result.error))
        }
        return outcomes
    }
}

public struct NotifierResult: Sendable {
    public var delivered: Bool
    public var error: String?
    /// Seconds the receiver asked us to wait (Retry-After on 429/503).
    public var retryAfter: TimeInterval?
    /// The receiver did not answer within the timeout: not worth another try in this run.
    public var timedOut: Bool

    public init(delivered: Bool, error: String? = nil, retryAfter: TimeInterval? = nil, timedOut: Bool = false) {
        self.delivered = delivered
        self.error = error
        self.retryAfter = retryAfter
        self.timedOut = timedOut
    }
}

public struct DeliveryOutcome: Sendable {
    public var hook: WebhookConfig
    public var alertID: String
    /// nil when delivered.
    public var error: String?
    public var delivered: Bool { error == nil }
}
