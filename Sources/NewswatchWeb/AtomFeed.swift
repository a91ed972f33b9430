import Foundation
import NewswatchCore

/// Atom 1.0 (RFC 4287) feeds of changes: one entry per stored change, its summary and its
/// HTML diff. Entry ids are stable: the watch, the two version numbers and the new
/// version's story hash.
enum AtomFeed {
    static func render(title: String, selfURL: String, alternate: String, feedID: String, changes: [Change], now: Date) -> String {
        let E = HTMLText.self
        let updated = changes.map(\.new.fetchedAt).max() ?? Date(timeIntervalSince1970: 0)
        var out = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n"
            + "<title>\(E.escape(title))</title>\n<id>\(E.escape(feedID))</id>\n<updated>\(Timestamp.display(updated))</updated>\n"
            + "<link rel=\"self\" type=\"application/atom+xml\" href=\"\(E.escape(selfURL))\"/>\n<link rel=\"alternate\" type=\"text/html\" href=\"\(E.escape(alternate))\"/>\n"
            + "<author><name>newswatch</name></author>\n<generator>newswatch</generator>\n"
        for change in changes {
            let link = alternate.trimmingSuffix("/") + "/w/\(E.segment(change.watch))/diff/\(change.old.number)/\(change.new.number)"
            let id = "urn:newswatch:change:\(E.segment(change.watch)):\(change.old.number)-\(change.new.number):\(change.new.storyHash.prefix(16))"
            let html = "<p><strong>\(E.escape(change.summary.description))</strong></p>" + Pages.diffBody(change, sideBySide: false)
            out += "<entry>\n<title>\(E.escape(change.watch)): \(E.escape(change.newArticle.title ?? "")) (\(E.escape(change.summary.description)))</title>\n"
                + "<id>\(id)</id>\n<updated>\(Timestamp.display(change.new.fetchedAt))</updated>\n"
                + "<link rel=\"alternate\" type=\"text/html\" href=\"\(E.escape(link))\"/>\n"
                + "<summary>\(E.escape(change.summary.description))</summary>\n"
                + "<content type=\"html\">\(E.escape(html))</content>\n</entry>\n"
        }
        return out + "</feed>\n"
    }
}

extension String {
    func trimmingSuffix(_ suffix: String) -> String { hasSuffix(suffix) ? String(dropLast(suffix.count)) : self }
}
