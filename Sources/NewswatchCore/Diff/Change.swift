import Foundation

/// A stored story update: two versions of one watch and how their stories differ.
public struct Change: Sendable {
    public var watch: String
    public var url: String
    public var old: VersionRecord
    public var new: VersionRecord
    public var oldArticle: Article
    public var newArticle: Article
    public var diff: TextDiff
    public var summary: ChangeSummary

    public init(watch: String, url: String, old: VersionRecord, new: VersionRecord, oldArticle: Article, newArticle: Article) {
        self.watch = watch
        self.url = url
        self.old = old
        self.new = new
        self.oldArticle = oldArticle
        self.newArticle = newArticle
        self.diff = TextDiff(old: oldArticle.storyText, new: newArticle.storyText)
        self.summary = ChangeSummary(old: oldArticle, new: newArticle, diff: diff)
    }

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

/// The one-line account of a change, e.g. `headline changed; 2 paragraphs added, 1 edited`.
public struct ChangeSummary: Sendable, Codable, CustomStringConvertible {
    public var headlineChanged: Bool
    public var added: Int
    public var removed: Int
    public var edited: Int
    public var oldModified: String?
    public var newModified: String?

    public init(old: Article, new: Article, diff: TextDiff) {
        headlineChanged = (old.title ?? "") != (new.title ?? "")
        var added = 0, removed = 0, edited = 0
        let hasTitleLine = !(old.title ?? "").isEmpty && !(new.title ?? "").isEmpty
        var index = 0
        let edits = diff.edits
        while index < edits.count {
            let edit = edits[index]
            let skipsTitle = hasTitleLine && edit.old.lowerBound == 0 && edit.new.lowerBound == 0
            if edit.kind == .delete, index + 1 < edits.count, edits[index + 1].kind == .insert {
                let pairs = min(edit.old.count, edits[index + 1].new.count)
                edited += pairs - (skipsTitle && headlineChanged ? 1 : 0)
                removed += edit.old.count - pairs
                added += edits[index + 1].new.count - pairs
                index += 2
                continue
            }
            if edit.kind == .delete { removed += edit.old.count - (skipsTitle && headlineChanged ? 1 : 0) }
            if edit.kind == .insert { added += edit.new.count - (skipsTitle && headlineChanged ? 1 : 0) }
            index += 1
        }
        self.added = max(0, added)
        self.removed = max(0, removed)
        self.edited = max(0, edited)
        if old.modified != new.modified {
            oldModified = old.modified
            newModified = new.modified
        }
    }

    public var description: String {
        var parts: [String] = []
        if headlineChanged { parts.append("headline changed") }
        var counts: [String] = []
        func paragraphs(_ n: Int) -> String { n == 1 ? "1 paragraph" : "\(n) paragraphs" }
        if added > 0 { counts.append("\(paragraphs(added)) added") }
        if removed > 0 { counts.append(counts.isEmpty ? "\(paragraphs(removed)) removed" : "\(removed) removed") }
        if edited > 0 { counts.append(counts.isEmpty ? "\(paragraphs(edited)) edited" : "\(edited) edited") }
        if !counts.isEmpty { parts.append(counts.joined(separator: ", ")) }
        if oldModified != nil || newModified != nil {
            parts.append("modified \(oldModified ?? "?") -> \(newModified ?? "?")")
        }
        return parts.isEmpty ? "no visible change" : parts.joined(separator: "; ")
    }
}

public enum Timestamp {
    public static func display(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}
