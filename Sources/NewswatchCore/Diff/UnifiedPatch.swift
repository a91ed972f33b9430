import Foundation

/// Applies a unified diff (as `TextDiff.unified` writes it, or `diff -u`) to a text: the
/// project's own `patch`, used to prove diffs reproduce the new text byte for byte.
public enum UnifiedPatch {
    public struct Error: Swift.Error, CustomStringConvertible {
        public var line: Int
        public var message: String
        public var description: String { "patch line \(line): \(message)" }
    }

    public static func apply(_ patch: String, to text: String) throws -> String {
        let (old, oldHasNewline) = TextDiff.lines(text)
        var output: [String] = []
        var lastHasNewline = true  // of the last line appended to `output`
        var cursor = 0  // next old line to copy
        func copyOld(upTo end: Int) {
            guard end > cursor else { return }
            output.append(contentsOf: old[cursor..<end])
            lastHasNewline = end == old.count ? oldHasNewline : true
            cursor = end
        }
        // Split on the newline byte: "\r\n" is one Character, so a String split on "\n" would
        // keep the lines of a CRLF text together.
        let lines = patch.utf8.split(separator: 0x0A, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
        var index = 0
        while index < lines.count {
            let line = lines[index]
            guard line.hasPrefix("@@ ") else { index += 1; continue }
            guard let (oldStart, oldCount, _, _) = parseHeader(line) else { throw Error(line: index + 1, message: "bad hunk header '\(line)'") }
            let hunkStart = oldCount == 0 ? oldStart : oldStart - 1
            guard hunkStart >= cursor, hunkStart <= old.count else { throw Error(line: index + 1, message: "hunk out of order or past the end") }
            copyOld(upTo: hunkStart)
            index += 1
            while index < lines.count, let first = lines[index].first, " -+\\".contains(first) {
                let body = String(lines[index].dropFirst())
                let markerFollows = index + 1 < lines.count && lines[index + 1].hasPrefix("\\")
                switch first {
                case " ", "-":
                    guard cursor < old.count, old[cursor] == body else {
                        throw Error(line: index + 1, message: "context does not match the text at line \(cursor + 1)")
                    }
                    cursor += 1
                    if first == " " {
                        output.append(body)
                        lastHasNewline = !markerFollows
                    }
                case "+":
                    output.append(body)
                    lastHasNewline = !markerFollows
                default:
                    break  // "\ No newline at end of file": handled with the line before
                }
                index += 1
            }
        }
        copyOld(upTo: old.count)
        if output.isEmpty { return "" }
        return output.joined(separator: "\n") + (lastHasNewline ? "\n" : "")
    }

    static func parseHeader(_ line: String) -> (Int, Int, Int, Int)? {
        // @@ -a,b +c,d @@ (",b" and ",d" may be missing when 1)
        let parts = line.split(separator: " ")
        guard parts.count >= 3, parts[1].hasPrefix("-"), parts[2].hasPrefix("+") else { return nil }
        func range(_ s: Substring) -> (Int, Int)? {
            let pieces = s.dropFirst().split(separator: ",", omittingEmptySubsequences: false)
            guard let start = Int(pieces[0]) else { return nil }
            let count = pieces.count > 1 ? Int(pieces[1]) : 1
            return count.map { (start, $0) }
        }
        guard let o = range(parts[1]), let n = range(parts[2]) else { return nil }
        return (o.0, o.1, n.0, n.1)
    }
}
