/// ANSI styling for diff output; `.plain` leaves text untouched (pipes, files, NO_COLOR).
public struct TerminalStyle: Sendable {
    public var enabled: Bool

    public static let plain = TerminalStyle(enabled: false)
    public static let color = TerminalStyle(enabled: true)

    public init(enabled: Bool) { self.enabled = enabled }

    private func wrap(_ text: String, _ code: String) -> String {
        enabled ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }

    /// The SGR codes, shared with renderers that write bytes.
    enum Code {
        static let header = "1", hunk = "36", deleted = "31", inserted = "32"
    }

    public func header(_ text: String) -> String { wrap(text, Code.header) }
    public func hunk(_ text: String) -> String { wrap(text, Code.hunk) }
    public func deleted(_ text: String) -> String { wrap(text, Code.deleted) }
    public func inserted(_ text: String) -> String { wrap(text, Code.inserted) }
    public func dim(_ text: String) -> String { wrap(text, "2") }
    public func bold(_ text: String) -> String { wrap(text, "1") }
    public func warning(_ text: String) -> String { wrap(text, "33") }
}
