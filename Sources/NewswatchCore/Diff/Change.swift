import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A stored story update: two versions of one watch and how their stories differ.
public struct Change: Sendable {
    public var watch: String
    public var url: String
    public var old: VersionRecord
    public var new: VersionRecord
    public var oldArticle: Article
    public var newArticle: Article
    public var diff: TextDiff
    public var story: StoryDiff
    public var summary: ChangeSummary

    public init(watch: String, url: String, old: VersionRecord, new: VersionRecord, oldArticle: Article, newArticle: Article,
                options: DiffOptions = DiffOptions()) {
        self.init(watch: watch, url: url, old: old, new: new, oldArticle: oldArticle, newArticle: newArticle,
                  oldText: oldArticle.storyText, newText: newArticle.storyText, options: options)
    }

    /// Compares given texts (e.g. two plain-text files) rather than the articles' story text.
    public init(watch: String, url: String, old: VersionRecord, new: VersionRecord, oldArticle: Article, newArticle: Article,
                oldText: String, newText: String, options: DiffOptions = DiffOptions()) {
        self.watch = watch
        self.url = url
        self.old = old
        self.new = new
        self.oldArticle = oldArticle
        self.newArticle = newArticle
        self.diff = TextDiff(old: options.prepare(oldText), new: options.prepare(newText))
        self.story = StoryDiff(diff)
        self.summary = ChangeSummary(old: oldArticle, new: newArticle, story: story)
    }

    public var renderer: DiffRenderer { DiffRenderer(story: story) }

    public func unified(style: TerminalStyle = .plain) -> String {
        diff.unified(oldLabel: "\(watch)@\(old.number)\t\(Timestamp.display(old.fetchedAt))",
                     newLabel: "\(watch)@\(new.number)\t\(Timestamp.display(new.fetchedAt))", style: style)
    }

    /// Paragraphs present only in the new version, and only in the old one.
    public var addedParagraphs: [String] {
        diff.edits.filter { $0.kind == .insert }.flatMap { diff.newLines[$0.new] }
    }

    public var removedParagraphs: [String] {
        diff.edits.filter { $0.kind == .delete }.flatMap { diff.oldLines[$0.old] }
    }
}

/// The one-line account of a change, e.g.
/// `headline changed; 2 paragraphs added, 1 edited; modified 18.06.2024 13:12 -> 19.06.2024 09:40`.
public struct ChangeSummary: Sendable, Codable, CustomStringConvertible {
    public var headlineChanged: Bool
    /// The headline before and after, when it changed, and which one changed: "headline"
    /// (the one readers see) or a stale or edited "og:title", "JSON-LD headline", "<title>".
    public var oldHeadline: String?
    public var newHeadline: String?
    public var headlineSource: String?
    public var added: Int
    public var removed: Int
    public var edited: Int
    public var moved: Int
    public var addedWords: Int
    public var removedWords: Int
    public var oldModified: String?
    public var newModified: String?
    public var classification: StoryDiff.Classification

    public init(old: Article, new: Article, story: StoryDiff) {
        if (old.title ?? "") != (new.title ?? "") {
            (oldHeadline, newHeadline, headlineSource) = (old.title, new.title, "headline")
        } else if let before = old.headlines, let after = new.headlines,
                  let changed = zip(before.all, after.all).dropFirst().first(where: { $0.0.text != $0.1.text }) {
            // The visible headline stayed; one the page states elsewhere (social cards,
            // search results) moved, or was left stale while the others moved.
            (oldHeadline, newHeadline, headlineSource) = (changed.0.text, changed.1.text, changed.0.source)
        }
        headlineChanged = headlineSource != nil
        // Line 0 of a story text is the headline when there is one; it is counted apart.
        let oldTitleLine = (old.title ?? "").isEmpty ? -1 : 0
        let newTitleLine = (new.title ?? "").isEmpty ? -1 : 0
        var added = 0, removed = 0, edited = 0, addedWords = 0, removedWords = 0
        func words(_ line: String) -> Int { WordDiff.tokenize(line).filter { $0.first?.isLetter == true || $0.first?.isNumber == true }.count }
        for operation in story.operations {
            switch operation {
            case .equal: break
            case .delete(let range, _):
                for i in range where i != oldTitleLine { removed += 1; removedWords += words(story.oldLines[i]) }
            case .insert(let range, _):
                for j in range where j != newTitleLine { added += 1; addedWords += words(story.newLines[j]) }
            case .edit(let i, let j, let diff):
                if i == oldTitleLine && j == newTitleLine { continue }
                if i == oldTitleLine { removed += 1; added += 1; continue }
                edited += 1
                for run in diff.runs where run.op != .equal {
                    let count = WordDiff.tokenize(run.text).filter { $0.first?.isLetter == true || $0.first?.isNumber == true }.count
                    if run.op == .insert { addedWords += count } else { removedWords += count }
                }
            }
        }
        moved = story.moves.count
        self.added = max(0, added - moved)
        self.removed = max(0, removed - moved)
        self.edited = edited
        self.addedWords = addedWords
        self.removedWords = removedWords
        if old.modified != new.modified {
            oldModified = old.modified
            newModified = new.modified
        }
        var classification = story.classification()
        if headlineChanged { classification = .substantive }
        self.classification = classification
    }

    /// Worth telling someone about: real wording, not only spacing, clocks or counters.
    public var isSubstantive: Bool { classification == .substantive }

    public var description: String {
        var parts: [String] = []
        if headlineChanged {
            let which = headlineSource == nil || headlineSource == "headline" ? "" : " (\(headlineSource!))"
            parts.append("headline changed\(which): \(Self.quoted(oldHeadline)) -> \(Self.quoted(newHeadline))")
        }
        var counts: [String] = []
        for (n, label) in [(added, "added"), (removed, "removed"), (edited, "edited"), (moved, "moved")] where n > 0 {
            counts.append(counts.isEmpty ? "\(Self.paragraphs(n)) \(label)" : "\(n) \(label)")
        }
        if !counts.isEmpty { parts.append(counts.joined(separator: ", ")) }
        if oldModified != nil || newModified != nil {
            parts.append("modified \(oldModified ?? "?") -> \(newModified ?? "?")")
        }
        if parts.isEmpty { parts.append("no visible change") }
        if classification != .substantive && classification != .none { parts.append("\(classification.rawValue) only") }
        return parts.joined(separator: "; ")
    }

    /// "1 paragraph", "3 paragraphs".
    public static func paragraphs(_ count: Int) -> String { count == 1 ? "1 paragraph" : "\(count) paragraphs" }

    static func quoted(_ headline: String?) -> String {
        guard let headline, !headline.isEmpty else { return "(none)" }
        return "\u{201C}\(headline)\u{201D}"
    }
}

public enum Timestamp {
    /// RFC 3339 in UTC, seconds precision ("2026-11-30T03:33:00Z").
    public static func display(_ date: Date) -> String {
        UTCTimestamp.rfc3339(secondsSince1970: date.timeIntervalSince1970)
    }
}
