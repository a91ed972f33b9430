import Foundation

/// The alert stage: hands alerts to the outside world.
public protocol Notifier: Sendable {
    func deliver(_ alert: Alert, to hooks: [WebhookConfig]) async -> [DeliveryOutcome]
}

public struct DeliveryOutcome: Sendable {
    public var hook: WebhookConfig
    public var alertID: String
    /// nil when delivered.
    public var error: String?
    public var delivered: Bool { error == nil }
}
