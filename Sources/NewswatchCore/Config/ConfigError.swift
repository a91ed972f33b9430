import Foundation

/// A watchlist mistake, always naming where it is.
public struct ConfigError: Error, Sendable, CustomStringConvertible {
    public var location: SourceLocation?
    public var path: String
    public var field: String?
    public var message: String

    public init(location: SourceLocation?, path: String, field: String? = nil, message: String) {
        self.location = location
        self.path = path
        self.field = field
        self.message = message
    }

    public var description: String {
        let place = location?.description ?? path
        if let field { return "\(place): \(field): \(message)" }
        return "\(place): \(message)"
    }
}
