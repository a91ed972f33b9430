import Foundation

/// One paragraph of a story as an alert shows it: edited (with its word runs), added or
/// removed. The headline line is left out: alerts show the headline on its own.
public enum ParagraphChange: Sendable, Equatable {
    /// Old and new wording as whole words (split at white space): chat apps format marks
    /// only around whole words, so "$2.5" -> "$25" shows as one word replaced.
    case edited([WordDiff.Run])
    case added(String)
    case removed(String)

    /// `text` wrapped in a chat app's emphasis `mark` (`~`, `*`, `~~`, `**`) around its words,
    /// white space kept outside (apps format marks only where they touch a word), the words
    /// passed through `escape`. White space alone is returned as it is.
    static func marked(_ text: String, _ mark: String, escape: (String) -> String) -> String {
        let core = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !core.isEmpty else { return text }
        let leading = text.prefix { $0.isWhitespace }, trailing = String(text.reversed().prefix { $0.isWhitespace }.reversed())
        return "\(leading)\(mark)\(escape(core))\(mark)\(trailing)"
    }

    /// The changed paragraphs of an alert, in story order.
    public static func list(_ alert: Alert) -> [ParagraphChange] {
        guard let document = alert.change else {
            return alert.removedParagraphs.map(ParagraphChange.removed) + alert.addedParagraphs.map(ParagraphChange.added)
        }
        // Line 0 of a story text is its headline when it has one.
        let headlineLine = alert.title?.isEmpty == false || alert.oldHeadline?.isEmpty == false ? 0 : -1
        var changes: [ParagraphChange] = []
        for operation in document.ops {
            switch operation.op {
            case "insert":
                for (offset, line) in (operation.lines ?? []).enumerated() where operation.new.first.map({ $0 + offset }) != headlineLine {
                    changes.append(.added(line))
                }
            case "delete":
                for (offset, line) in (operation.lines ?? []).enumerated() where operation.old.first.map({ $0 + offset }) != headlineLine {
                    changes.append(.removed(line))
                }
            case "edit":
                if operation.old.first == headlineLine { continue }
                let runs = operation.words ?? []
                changes.append(.edited(wholeWords(old: runs.filter { $0.op != .insert }.map(\.text).joined(),
                                                  new: runs.filter { $0.op != .delete }.map(\.text).joined())))
            default:
                continue
            }
        }
        return changes
    }

    /// Runs over white-space-separated words, each run's words joined by single spaces and
    /// runs separated by one space: "worth ~$2.5~ *$25* billion".
    static func wholeWords(old: String, new: String) -> [WordDiff.Run] {
        let a = old.split(whereSeparator: \.isWhitespace).map(String.init), b = new.split(whereSeparator: \.isWhitespace).map(String.init)
        var runs: [WordDiff.Run] = []
        for edit in Myers.diff(a, b, maxCost: 2_000) {
            let words = edit.kind == .insert ? b[edit.new] : a[edit.old]
            let text = words.joined(separator: " ")
            if !runs.isEmpty { runs.append(WordDiff.Run(op: .equal, text: " ")) }
            runs.append(WordDiff.Run(op: edit.kind, text: text))
        }
        return runs
    }
}
