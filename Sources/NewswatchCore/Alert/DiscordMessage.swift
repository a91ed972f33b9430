import Foundation

/// An embed for a Discord webhook: title (the headline) linking to the story, a description
/// with the summary and the changed words as ~~old~~ **new**, the watch in the footer.
/// Within Discord's limits: title 256, description 4,096 and 6,000 characters in all; page
/// text is escaped so it cannot format itself, and mentions never ping anyone.
public enum DiscordMessage {
    public static let maxTitle = 256
    public static let maxDescription = 4_096
    public static let maxTotal = 6_000
    public static let maxFieldValue = 1_024

    public static func payload(_ alert: Alert) -> [String: Any] {
        let link = alert.finalURL ?? alert.url
        let title = clip(alert.title?.isEmpty == false ? alert.title! : alert.watch, maxTitle)
        let footer = "newswatch \u{00B7} \(alert.watch)"
        var fields: [[String: Any]] = []
        if let old = alert.oldHeadline, let new = alert.newHeadline {
            let name = alert.headlineSource.map { $0 == "headline" ? "Headline" : "Headline (\($0))" } ?? "Headline"
            fields.append(["name": name, "value": clip("~~\(escape(old))~~ \u{2192} **\(escape(new))**", maxFieldValue), "inline": false])
        }
        let fieldsLength = fields.reduce(0) { $0 + (($1["name"] as? String)?.count ?? 0) + (($1["value"] as? String)?.count ?? 0) }
        let budget = min(maxDescription, maxTotal - title.count - footer.count - fieldsLength)
        var description = escape(alert.summary)
        let changes = ParagraphChange.list(alert)
        for (index, change) in changes.enumerated() {
            let line: String
            switch change {
            case .edited(let runs): line = render(runs)
            case .added(let text): line = "\u{2795} **\(escape(text))**"
            case .removed(let text): line = "\u{2796} ~~\(escape(text))~~"
            }
            let remaining = changes.count - index
            let more = "\n\n\u{2026} \(remaining) more paragraph\(remaining == 1 ? "" : "s") changed"
            if description.count + 2 + line.count + (remaining > 1 ? more.count : 0) > budget {
                description += more
                break
            }
            description += "\n\n" + line
        }
        var embed: [String: Any] = ["title": title, "url": link, "description": clip(description, budget), "footer": ["text": footer],
                                    "timestamp": Timestamp.display(alert.createdAt)]
        if !fields.isEmpty { embed["fields"] = fields }
        embed["color"] = alert.type == .removed ? 0xC0392B : 0x2E86C1
        return ["embeds": [embed], "allowed_mentions": ["parse": [String]()]]
    }

    static func render(_ runs: [WordDiff.Run]) -> String {
        runs.map { run in
            switch run.op {
            case .equal: return escape(run.text)
            case .delete: return marked(run.text, "~~")
            case .insert: return marked(run.text, "**")
            }
        }.joined()
    }

    private static func marked(_ text: String, _ mark: String) -> String { ParagraphChange.marked(text, mark, escape: escape) }

    /// Discord markdown's special characters, backslash-escaped, so a page can neither format
    /// nor hide text in our message, nor make a masked link: `\ * _ ~ ` | [ ]` anywhere, and
    /// `>`, `#` and `-` where they would start a quote, a heading or a list.
    public static func escape(_ text: String) -> String {
        var out = ""
        var lineStart = true
        for character in text {
            if "\\*_~`|[]".contains(character) || (lineStart && ">#-".contains(character)) { out.append("\\") }
            out.append(character)
            if character == "\n" { lineStart = true } else if !character.isWhitespace { lineStart = false }
        }
        return out
    }

    static func clip(_ text: String, _ limit: Int) -> String {
        guard text.count > limit else { return text }
        var cut = String(text.prefix(limit - 1))
        while cut.last == "\\" { cut.removeLast() }
        return cut + "\u{2026}"
    }
}
