import Foundation

/// One alert as an email (RFC 5322, MIME multipart/alternative): the subject carries the
/// headline and the summary, a text/plain part the unified diff, a text/html part the
/// changed paragraphs with `<del>`/`<ins>`. `Message-ID` is the event id, so a retried
/// delivery is recognisably the same message; `In-Reply-To`/`References` name the story's
/// first alert, so mail clients thread a story's updates.
public enum EmailMessage {
    public static let domain = "newswatch.invalid"

    public static func messageID(_ eventID: String) -> String { "<\(eventID)@\(domain)>" }

    public static func render(_ alert: Alert, settings: EmailSettings, date: Date = Date()) -> Data {
        let boundary = "newswatch-" + String(alert.id.suffix(24))
        let link = alert.finalURL ?? alert.url
        let headline = alert.title?.isEmpty == false ? alert.title! : alert.watch
        var headers: [(String, String)] = [
            ("From", settings.from),
            ("To", settings.to.joined(separator: ", ")),
            ("Subject", encodedWord("[newswatch] \(headline) \u{2014} \(subjectSummary(alert))")),
            ("Date", rfc5322(date)),
            ("Message-ID", messageID(alert.id)),
        ]
        if let root = alert.storyAlertID, root != alert.id {
            headers.append(("In-Reply-To", messageID(root)))
            headers.append(("References", messageID(root)))
        }
        headers += [
            ("X-Newswatch-Event", alert.type.rawValue), ("X-Newswatch-Event-Id", alert.id), ("X-Newswatch-Watch", alert.watch),
            ("MIME-Version", "1.0"), ("Content-Type", "multipart/alternative; boundary=\"\(boundary)\""),
        ]
        var out = headers.map { "\($0.0): \(oneLine($0.1))" }.joined(separator: "\r\n") + "\r\n\r\n"
        out += "This is a multi-part message in MIME format.\r\n"
        for (type, body) in [("text/plain", plainText(alert, headline: headline, link: link)), ("text/html", html(alert, headline: headline, link: link))] {
            out += "--\(boundary)\r\nContent-Type: \(type); charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
            out += base64Lines(Data(body.utf8)) + "\r\n"
        }
        out += "--\(boundary)--\r\n"
        return Data(out.utf8)
    }

    /// Headline changes are already in the headline part of the subject.
    static func subjectSummary(_ alert: Alert) -> String {
        guard alert.oldHeadline != nil, alert.summary.hasPrefix("headline changed") else { return alert.summary }
        return "headline changed" + (alert.summary.split(separator: ";", maxSplits: 1).dropFirst().first.map { ";" + $0 } ?? "")
    }

    static func plainText(_ alert: Alert, headline: String, link: String) -> String {
        var text = "\(headline)\n\(link)\n\n\(alert.summary)\n"
        if let old = alert.oldHeadline, let new = alert.newHeadline { text += "\nHeadline: \(old)\n       -> \(new)\n" }
        if let diff = alert.diff, !diff.isEmpty { text += "\n" + diff }
        text += "\n-- \nnewswatch: \(alert.type.rawValue) alert for \(alert.watch) (event \(alert.id))\n"
        return text
    }

    static func html(_ alert: Alert, headline: String, link: String) -> String {
        func escape(_ text: String) -> String {
            text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
        }
        let del = "<del style=\"background:#fdd;color:#900\">", ins = "<ins style=\"background:#dfd;color:#060;text-decoration:none\">"
        var body = "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>\(escape(headline))</title></head>"
        body += "<body style=\"font-family:Georgia,serif;max-width:40em\">"
        body += "<h2><a href=\"\(escape(link))\">\(escape(headline))</a></h2><p><em>\(escape(alert.summary))</em></p>"
        if let old = alert.oldHeadline, let new = alert.newHeadline {
            body += "<p><strong>Headline:</strong> \(del)\(escape(old))</del> \(ins)\(escape(new))</ins></p>"
        }
        for change in ParagraphChange.list(alert) {
            switch change {
            case .edited(let runs):
                body += "<p>" + runs.map { run -> String in
                    switch run.op {
                    case .equal: return escape(run.text)
                    case .delete: return del + escape(run.text) + "</del>"
                    case .insert: return ins + escape(run.text) + "</ins>"
                    }
                }.joined() + "</p>"
            case .added(let text): body += "<p>\(ins)\(escape(text))</ins></p>"
            case .removed(let text): body += "<p>\(del)\(escape(text))</del></p>"
            }
        }
        body += "<p style=\"color:#777;font-size:small\">newswatch \u{00B7} \(escape(alert.watch)) \u{00B7} \(escape(alert.id))</p></body></html>"
        return body
    }

    /// RFC 2047 for anything but plain printable ASCII (headlines are often neither).
    static func encodedWord(_ text: String) -> String {
        let line = oneLine(text)
        if line.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) && line.count < 900 { return line }
        // Encoded words are at most 75 characters: split the UTF-8 on character boundaries.
        var words: [String] = [], chunk = ""
        for character in line {
            if (chunk + String(character)).utf8.count > 45 { words.append(chunk); chunk = "" }
            chunk.append(character)
        }
        if !chunk.isEmpty { words.append(chunk) }
        return words.map { "=?UTF-8?B?\(Data($0.utf8).base64EncodedString())?=" }.joined(separator: "\r\n ")
    }

    /// A header value never spans lines it did not fold itself (no header injection).
    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: { $0 == "\r" || $0 == "\n" }).joined(separator: " ")
            .replacingOccurrences(of: "\r\n ", with: "\r\n ")
    }

    static func base64Lines(_ data: Data) -> String {
        let encoded = data.base64EncodedString()
        var lines: [Substring] = []
        var index = encoded.startIndex
        while index < encoded.endIndex {
            let end = encoded.index(index, offsetBy: 76, limitedBy: encoded.endIndex) ?? encoded.endIndex
            lines.append(encoded[index..<end])
            index = end
        }
        return lines.joined(separator: "\r\n")
    }

    static func rfc5322(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return formatter.string(from: date)
    }
}
