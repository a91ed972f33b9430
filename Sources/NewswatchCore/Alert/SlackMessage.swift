import Foundation

/// A Block Kit message for a Slack incoming webhook: the headline as a link, old -> new when
/// it changed, the summary, and each changed paragraph with deleted words ~struck~ and
/// inserted words *bold*. Text is escaped as Slack requires (&amp; &lt; &gt;), and the
/// message stays within Slack's limits: 3,000 characters per text block, 50 blocks (a long
/// change ends with "... N more paragraphs changed").
public enum SlackMessage {
    public static let maxTextLength = 3_000
    public static let maxBlocks = 50

    public static func payload(_ alert: Alert) -> [String: Any] {
        let link = alert.finalURL ?? alert.url
        let headline = alert.title?.isEmpty == false ? alert.title! : alert.watch
        var blocks: [[String: Any]] = []
        func section(_ text: String) -> [String: Any] {
            ["type": "section", "text": ["type": "mrkdwn", "text": truncated(text)]]
        }
        func context(_ text: String) -> [String: Any] {
            ["type": "context", "elements": [["type": "mrkdwn", "text": truncated(text)]]]
        }
        blocks.append(section("*<\(escapeLink(link))|\(escapeLabel(pageText(headline)))>*"))
        if let old = alert.oldHeadline, let new = alert.newHeadline {
            let which = alert.headlineSource.map { $0 == "headline" ? "Headline" : "Headline (\(escape($0)))" } ?? "Headline"
            blocks.append(section("\(which): \(struck(old)) \u{2192} \(bold(new))"))
        }
        blocks.append(context("\(pageText(alert.summary)) \u{00B7} \(escape(alert.watch))"))
        let changes = ParagraphChange.list(alert)
        // All paragraphs if they fit; otherwise as many as fit beside a "... N more" line.
        let room = maxBlocks - blocks.count
        let shown = changes.count <= room ? changes.count : room - 1
        for change in changes.prefix(shown) {
            switch change {
            case .edited(let runs): blocks.append(section(render(runs)))
            case .added(let text): blocks.append(section("\u{2795} " + bold(text)))
            case .removed(let text): blocks.append(section("\u{2796} " + struck(text)))
            }
        }
        if shown < changes.count {
            let more = changes.count - shown
            blocks.append(context("\u{2026} \(more) more paragraph\(more == 1 ? "" : "s") changed: <\(escapeLink(link))|read the story>"))
        }
        // `text` is the notification and the fallback where blocks are not shown.
        let fallback = truncated("\(pageText(headline)): \(pageText(alert.summary)) <\(escapeLink(link))>")
        return ["text": fallback, "blocks": blocks, "unfurl_links": false]
    }

    /// Word runs as Slack mrkdwn: ~deleted~ and *inserted*, the spaces kept outside the marks
    /// (Slack only formats marks that touch a word).
    static func render(_ runs: [WordDiff.Run]) -> String {
        runs.map { run in
            switch run.op {
            case .equal: return pageText(run.text)
            case .delete: return struck(run.text)
            case .insert: return bold(run.text)
            }
        }.joined()
    }

    static func struck(_ text: String) -> String { marked(text, "~") }
    static func bold(_ text: String) -> String { marked(text, "*") }

    private static func marked(_ text: String, _ mark: String) -> String { ParagraphChange.marked(text, mark, escape: pageText) }

    /// Text from a page: escaped, and its own `*`, `~`, `_` and backquotes turned into
    /// look-alikes, so a page can neither format our message nor fake a deletion.
    static func pageText(_ text: String) -> String {
        var out = escape(text)
        for (mark, lookalike) in [("*", "\u{2217}"), ("~", "\u{223C}"), ("_", "\u{FF3F}"), ("`", "\u{2035}")] where out.contains(mark) {
            out = out.replacingOccurrences(of: mark, with: lookalike)
        }
        return out
    }

    /// Slack's three control characters, as entities (its only escaping).
    public static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }

    /// A link label cannot hold "|", which ends the URL part.
    static func escapeLabel(_ text: String) -> String { text.replacingOccurrences(of: "|", with: "\u{2223}") }
    static func escapeLink(_ url: String) -> String { escape(url.replacingOccurrences(of: "|", with: "%7C")) }

    /// Within the per-block limit, cut at a word boundary with an ellipsis.
    static func truncated(_ text: String) -> String {
        guard text.count > maxTextLength else { return text }
        var cut = String(text.prefix(maxTextLength - 1))
        // Never end inside an entity or a half-open mark.
        if let amp = cut.lastIndex(of: "&"), !cut[amp...].contains(";") { cut = String(cut[..<amp]) }
        if let space = cut.lastIndex(of: " "), cut.distance(from: space, to: cut.endIndex) < 40 { cut = String(cut[..<space]) }
        return cut + "\u{2026}"
    }
}
