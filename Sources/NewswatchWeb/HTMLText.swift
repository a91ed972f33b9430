import Foundation
import NewswatchCore

/// Text from pages (headlines, paragraphs, URLs) only ever reaches HTML through these.
enum HTMLText {
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text.unicodeScalars {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(character)
            }
        }
        return out
    }

    /// A path segment (watch names are letters, digits, `.`, `_`, `-`, but be strict anyway).
    static func segment(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? ""
    }

    /// An http(s) link for an href, or nil (no `javascript:` from a stored page ever becomes a link).
    static func safeLink(_ url: String) -> String? {
        guard let scheme = URLComponents(string: url)?.scheme?.lowercased(), scheme == "http" || scheme == "https" else { return nil }
        return escape(url)
    }

    /// "3 hours ago", "in 5 minutes", "just now".
    static func relative(_ date: Date, now: Date) -> String {
        let seconds = now.timeIntervalSince(date)
        let magnitude = abs(seconds)
        let (value, unit): (Int, String) = switch magnitude {
        case ..<60: (0, "")
        case ..<3600: (Int(magnitude / 60), "minute")
        case ..<86400: (Int(magnitude / 3600), "hour")
        default: (Int(magnitude / 86400), "day")
        }
        if value == 0 { return "just now" }
        let phrase = "\(value) \(unit)\(value == 1 ? "" : "s")"
        return seconds >= 0 ? "\(phrase) ago" : "in \(phrase)"
    }

    static let style = """
    body{font-family:Georgia,serif;max-width:62em;margin:1.5em auto;padding:0 1em;color:#222;line-height:1.45}
    a{color:#0645ad}h1{font-size:1.5em;margin:.2em 0}h2{font-size:1.15em;margin:1.2em 0 .4em}
    nav{font-family:sans-serif;font-size:.9em;margin-bottom:1em}nav a{margin-right:1em}
    table{border-collapse:collapse;width:100%;font-size:.95em}td,th{padding:.35em .5em;border-bottom:1px solid #ddd;text-align:left;vertical-align:top}
    th{font-family:sans-serif;font-size:.8em;color:#555}.meta{color:#666;font-family:sans-serif;font-size:.85em}
    .status{font-family:sans-serif;font-size:.75em;padding:.1em .4em;border-radius:.3em;background:#eee;margin-left:.4em}
    .failing,.removed{background:#fdd}.held,.uncertain{background:#ffd}.retired{background:#eee;color:#777}
    del{background:#fee;color:#b00}ins{background:#efe;color:#070;text-decoration:none}
    .side{display:grid;grid-template-columns:1fr 1fr;gap:1em}.side div{border-left:3px solid #ddd;padding-left:.6em}
    .headline-change{background:#fffbe6;border:1px solid #eed;padding:.5em}.source{background:#f7f7f7}
    form input{font-size:1em;padding:.2em .4em;width:20em}
    """

    /// A whole page. `feed`: the Atom feed the page advertises.
    static func page(title: String, feed: (href: String, title: String)?, body: String) -> String {
        var head = "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>\(escape(title)) · newswatch</title>"
            + "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><style>\(style)</style>"
        if let feed { head += "<link rel=\"alternate\" type=\"application/atom+xml\" title=\"\(escape(feed.title))\" href=\"\(escape(feed.href))\">" }
        return head + "</head><body><nav><a href=\"/\">newswatch</a><a href=\"/feed.atom\">all changes (Atom)</a></nav>\n" + body + "\n</body></html>\n"
    }
}
