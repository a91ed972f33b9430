import Foundation
import NewswatchCore

/// The web view's pages, rendered from values (no I/O here, so they are cheap to test and
/// to benchmark). Everything that came from a page goes through `HTMLText.escape`.
enum Pages {
    typealias E = HTMLText

    static func watchLink(_ name: String) -> String { "/w/\(E.segment(name))" }

    static func statusBadges(_ status: [String]) -> String {
        status.map { "<span class=\"status \($0)\">\($0)</span>" }.joined()
    }

    static func index(_ rows: [StoreView.WatchRow], query: String, now: Date) -> String {
        let needle = query.trimmingCharacters(in: .whitespaces).lowercased()
        let shown = needle.isEmpty ? rows : rows.filter { $0.name.lowercased().contains(needle) || ($0.title ?? "").lowercased().contains(needle) }
        var body = "<h1>Watches</h1><form method=\"get\" action=\"/\"><input type=\"search\" name=\"q\" value=\"\(E.escape(query))\" placeholder=\"filter by name or headline\"> "
            + "<span class=\"meta\">\(shown.count) of \(rows.count)</span></form>\n"
        func table(_ rows: [StoreView.WatchRow]) -> String {
            var out = "<table><tr><th>watch</th><th>headline</th><th>last change</th><th>versions</th></tr>\n"
            for row in rows {
                let changed = row.lastChange.map { "<span title=\"\(Timestamp.display($0))\">\(E.relative($0, now: now))</span>" } ?? "never"
                out += "<tr><td><a href=\"\(watchLink(row.name))\">\(E.escape(row.name))</a>\(statusBadges(row.status))</td>"
                    + "<td>\(E.escape(row.title ?? "(not fetched yet)"))</td><td>\(changed)</td><td>\(row.versions)</td></tr>\n"
            }
            return out + "</table>\n"
        }
        let own = shown.filter { $0.source == nil }
        if !own.isEmpty { body += table(own) }
        let sources = Set(shown.compactMap(\.source)).sorted()
        for source in sources {
            let stories = shown.filter { $0.source == source }
            body += "<h2 class=\"source\">\(E.escape(source)) <span class=\"meta\">followed publication: \(stories.count) stories · "
                + "<a href=\"/s/\(E.segment(source))/feed.atom\">Atom</a></span></h2>\n" + table(stories)
        }
        if shown.isEmpty { body += "<p class=\"meta\">No watch matches.</p>" }
        return E.page(title: "Watches", feed: ("/feed.atom", "newswatch: all changes"), body: body)
    }

    struct TimelineEntry {
        var version: VersionRecord
        var summary: String?
    }

    static func story(_ watch: String, timeline: [TimelineEntry], state: WatchState, now: Date) -> String {
        let latest = timeline.last?.version
        var body = "<h1>\(E.escape(latest?.title ?? watch))</h1><p class=\"meta\">\(E.escape(watch))"
        if let url = latest?.requestedURL ?? state.followed?.url, let link = E.safeLink(url) { body += " · <a href=\"\(link)\" rel=\"noreferrer noopener\">\(E.escape(url))</a>" }
        if let source = state.followed?.source { body += " · from <a href=\"/s/\(E.segment(source))/feed.atom\">\(E.escape(source))</a>" }
        if let error = state.lastError, state.consecutiveFailures > 0 { body += " · <span class=\"status failing\">failing: \(E.escape(error))</span>" }
        body += " · <a href=\"\(watchLink(watch))/feed.atom\">Atom</a></p>\n<table><tr><th>version</th><th>fetched</th><th>headline</th><th>change</th><th></th></tr>\n"
        for entry in timeline.reversed() {
            let number = entry.version.number
            let diff = timeline.first?.version.number == number ? ""
                : "<a href=\"\(watchLink(watch))/diff/\(previous(number, in: timeline))/\(number)\">diff</a>"
            body += "<tr><td><a href=\"\(watchLink(watch))/v/\(number)\">\(number)</a></td>"
                + "<td><span title=\"\(Timestamp.display(entry.version.fetchedAt))\">\(E.relative(entry.version.fetchedAt, now: now))</span></td>"
                + "<td>\(E.escape(entry.version.title ?? ""))</td><td>\(E.escape(entry.summary ?? "first version"))</td><td>\(diff)</td></tr>\n"
        }
        body += "</table>\n"
        return E.page(title: latest?.title ?? watch, feed: ("\(watchLink(watch))/feed.atom", "\(watch): changes"), body: body)
    }

    private static func previous(_ number: Int, in timeline: [TimelineEntry]) -> Int {
        timeline.last { $0.version.number < number }?.version.number ?? number
    }

    /// The diff body alone (also the content of Atom entries).
    static func diffBody(_ change: Change, sideBySide: Bool) -> String {
        var out = ""
        if change.summary.headlineChanged {
            out += "<div class=\"headline-change\"><strong>Headline changed</strong>: <del>\(E.escape(change.summary.oldHeadline ?? ""))</del> → "
                + "<ins>\(E.escape(change.summary.newHeadline ?? ""))</ins></div>\n"
        }
        let story = change.story
        for operation in story.operations {
            switch operation {
            case .equal(let old, _):
                if old.count > 0 { out += "<p class=\"meta\">… \(old.count) unchanged paragraph\(old.count == 1 ? "" : "s")</p>\n" }
            case .delete(let range, _):
                for i in range { out += sideBySide ? side("<del>\(E.escape(story.oldLines[i]))</del>", "") : "<p><del>\(E.escape(story.oldLines[i]))</del></p>\n" }
            case .insert(let range, _):
                for j in range { out += sideBySide ? side("", "<ins>\(E.escape(story.newLines[j]))</ins>") : "<p><ins>\(E.escape(story.newLines[j]))</ins></p>\n" }
            case .edit(_, _, let words):
                if sideBySide {
                    let left = words.runs.map { $0.op == .insert ? "" : ($0.op == .delete ? "<del>\(E.escape($0.text))</del>" : E.escape($0.text)) }.joined()
                    let right = words.runs.map { $0.op == .delete ? "" : ($0.op == .insert ? "<ins>\(E.escape($0.text))</ins>" : E.escape($0.text)) }.joined()
                    out += side(left, right)
                } else {
                    out += "<p>" + words.runs.map { run in
                        switch run.op {
                        case .equal: E.escape(run.text)
                        case .delete: "<del>\(E.escape(run.text))</del>"
                        case .insert: "<ins>\(E.escape(run.text))</ins>"
                        }
                    }.joined() + "</p>\n"
                }
            }
        }
        return out
    }

    private static func side(_ left: String, _ right: String) -> String {
        "<div class=\"side\"><div>\(left)</div><div>\(right)</div></div>\n"
    }

    static func diff(_ change: Change, sideBySide: Bool) -> String {
        let watch = change.watch
        let base = "\(watchLink(watch))/diff/\(change.old.number)/\(change.new.number)"
        var body = "<h1>\(E.escape(change.newArticle.title ?? watch))</h1><p class=\"meta\"><a href=\"\(watchLink(watch))\">\(E.escape(watch))</a>"
            + " · version <a href=\"\(watchLink(watch))/v/\(change.old.number)\">\(change.old.number)</a> (\(Timestamp.display(change.old.fetchedAt)))"
            + " → <a href=\"\(watchLink(watch))/v/\(change.new.number)\">\(change.new.number)</a> (\(Timestamp.display(change.new.fetchedAt)))"
            + " · " + (sideBySide ? "<a href=\"\(base)\">inline</a>" : "<a href=\"\(base)?view=side\">side by side</a>") + "</p>\n"
        body += "<p><strong>\(E.escape(change.summary.description))</strong></p>\n" + diffBody(change, sideBySide: sideBySide)
        return E.page(title: "\(watch) \(change.old.number)→\(change.new.number)", feed: ("\(watchLink(watch))/feed.atom", "\(watch): changes"), body: body)
    }

    static func version(_ watch: String, _ version: VersionRecord, article: Article) -> String {
        var body = "<p class=\"meta\"><a href=\"\(watchLink(watch))\">\(E.escape(watch))</a> · version \(version.number), fetched \(Timestamp.display(version.fetchedAt))"
        if let link = E.safeLink(version.finalURL) { body += " · <a href=\"\(link)\" rel=\"noreferrer noopener\">original</a>" }
        body += " · <a href=\"\(watchLink(watch))/v/\(version.number)/page\">the page as fetched</a></p>\n"
        body += "<h1>\(E.escape(article.title ?? "(untitled)"))</h1>\n"
        let meta = [article.byline.map { "by \($0)" }, article.published.map { "published \($0)" }, article.modified.map { "modified \($0)" }].compactMap { $0 }
        if !meta.isEmpty { body += "<p class=\"meta\">\(E.escape(meta.joined(separator: " · ")))</p>\n" }
        for block in article.blocks { body += "<p>\(E.escape(block.text))</p>\n" }
        return E.page(title: article.title ?? watch, feed: ("\(watchLink(watch))/feed.atom", "\(watch): changes"), body: body)
    }

    static func notFound(_ message: String) -> String {
        E.page(title: "Not found", feed: nil, body: "<h1>Not found</h1><p>\(E.escape(message))</p>")
    }
}
