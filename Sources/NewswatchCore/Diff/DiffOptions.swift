import Foundation

/// Noise control applied to both texts before comparing: lines matching `ignoreLines`
/// (regular expressions, per watch or on the command line) are dropped, and white space and
/// case can be ignored. With any of these set the diff shows the filtered texts.
public struct DiffOptions: Sendable {
    public var ignoreLines: [String]
    public var ignoreWhitespace: Bool
    public var ignoreCase: Bool

    public init(ignoreLines: [String] = [], ignoreWhitespace: Bool = false, ignoreCase: Bool = false) {
        self.ignoreLines = ignoreLines
        self.ignoreWhitespace = ignoreWhitespace
        self.ignoreCase = ignoreCase
    }

    public var isIdentity: Bool { ignoreLines.isEmpty && !ignoreWhitespace && !ignoreCase }

    /// Checks the patterns, naming the first that does not compile.
    public static func validate(_ patterns: [String]) -> String? {
        for pattern in patterns where (try? NSRegularExpression(pattern: pattern)) == nil { return pattern }
        return nil
    }

    public func prepare(_ text: String) -> String {
        guard !isIdentity else { return text }
        let expressions = ignoreLines.compactMap { try? NSRegularExpression(pattern: $0) }
        let (lines, endsWithNewline) = TextDiff.lines(text)
        let kept = lines.compactMap { line -> String? in
            let range = NSRange(line.startIndex..., in: line)
            if expressions.contains(where: { $0.firstMatch(in: line, range: range) != nil }) { return nil }
            var result = line
            if ignoreWhitespace { result = result.split(whereSeparator: \.isWhitespace).joined(separator: " ") }
            if ignoreCase { result = result.lowercased() }
            return result
        }
        return kept.isEmpty ? "" : kept.joined(separator: "\n") + (endsWithNewline ? "\n" : "")
    }
}
