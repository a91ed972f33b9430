import Foundation
import NewswatchCore

/// Renders a check report: news on stdout, trouble on stderr.
struct ReportPrinter {
    var style: TerminalStyle
    var json: Bool
    /// When the run happened (`check --now` or the clock): every JSON event carries it.
    var now = Date()

    func print(_ report: CheckReport) {
        for event in report.events { print(event, parsed: !report.recognisedUnparsed.contains(event.watch.name)) }
        printTrailer(report)
    }

    /// What the run could not do beyond single watches: store errors, alerts not delivered.
    func printTrailer(_ report: CheckReport) {
        for problem in report.storeErrors { Terminal.error(problem) }
        for delivery in report.deliveries where !delivery.delivered {
            Terminal.error("alert \(delivery.alertID) not delivered yet (kept in the outbox, retried later): \(delivery.error ?? "")")
        }
    }

    /// One event; `parsed` false when the story's bytes matched the stored version's.
    func print(_ event: CheckEvent, parsed: Bool) {
        warnIfUncertain(event)
        if json {
            Terminal.write(jsonLine(event, parsed: parsed) + "\n")
            return
        }
        switch event {
        case .new(let watch, let version, let article):
            let from = watch.follow.map { " [from \($0.source)]" } ?? ""
            Terminal.write(style.bold("new: \(watch.name)") + ": \(article.title ?? "(untitled)") (\(ChangeSummary.paragraphs(article.blocks.count)), version \(version.number)) \(watch.url)\(from)\n")
        case .changed(let watch, let change) where !change.summary.isSubstantive && watch.alertOn != .any:
            // Stored, but only spacing, a clock, a stamp or a counter moved: not news, so
            // nothing on stdout (cron stays quiet); a person at a terminal gets one line.
            if Terminal.stderrIsTerminal { Terminal.info("minor: \(watch.name): \(change.summary)") }
        case .changed(let watch, let change):
            Terminal.write(style.bold("changed: \(watch.name)") + ": \(Self.headline(change))\(change.summary) (version \(change.new.number)) \(watch.url)\n")
            Terminal.write(style.enabled ? change.renderer.wordDiffStyled(style) : change.unified(style: style))
        case .failed(let watch, let reason):
            Terminal.error("\(watch.name): \(reason)")
        case .held(let watch, let reason):
            Terminal.error("\(watch.name): held: \(reason)")
        case .removed(let watch, let status):
            Terminal.write(style.bold("removed: \(watch.name)") + ": the page now answers HTTP \(status) \(watch.url)\n")
        case .restored(let watch, let change):
            let what = change.map { "; \($0.summary)" } ?? " with the same story"
            Terminal.write(style.bold("restored: \(watch.name)") + ": the page answers again\(what) \(watch.url)\n")
            if let change { Terminal.write(style.enabled ? change.renderer.wordDiffStyled(style) : change.unified(style: style)) }
        case .unchanged, .notModified, .stillRemoved, .rebaselined:
            break
        }
    }

    /// A story found with low confidence may not be the story: say so when a version is stored.
    private func warnIfUncertain(_ event: CheckEvent) {
        let article: Article?
        switch event {
        case .new(_, _, let stored): article = stored
        case .changed(_, let change): article = change.newArticle
        default: article = nil
        }
        guard let quality = article?.extraction, quality.isUncertain else { return }
        Terminal.warn("\(event.watch.name): extraction uncertain (\(quality.method.rawValue), confidence \(String(format: "%.2f", quality.confidence))): "
                      + "consider select: (newswatch extract --explain \(event.watch.url))")
    }

    /// The story's headline ahead of the summary, unless the summary already quotes it.
    static func headline(_ change: Change) -> String {
        guard !change.summary.headlineChanged, let title = change.newArticle.title, !title.isEmpty else { return "" }
        return "\(title): "
    }

    private func jsonLine(_ event: CheckEvent, parsed: Bool) -> String {
        var object: [String: Any] = ["watch": event.watch.name, "url": event.watch.url]
        switch event {
        case .new(_, let version, let article):
            object["event"] = "new"
            object["version"] = version.number
            object["title"] = article.title ?? NSNull()
        case .changed(_, let change):
            object["event"] = "changed"
            object["oldVersion"] = change.old.number
            object["version"] = change.new.number
            object["title"] = change.newArticle.title ?? NSNull()
            object["summary"] = change.summary.description
            object["classification"] = change.summary.classification.rawValue
            object["diff"] = change.unified()
        case .unchanged:
            object["event"] = "unchanged"
            // false: the story's bytes matched the stored version's, so the page was not parsed.
            object["parsed"] = parsed
        case .notModified:
            object["event"] = "not-modified"
        case .failed(_, let reason):
            object["event"] = "failed"
            object["reason"] = reason
        case .held(_, let reason):
            object["event"] = "held"
            object["reason"] = reason
        case .removed(_, let status):
            object["event"] = "removed"
            object["status"] = status
        case .stillRemoved:
            object["event"] = "still-removed"
        case .rebaselined(_, let version):
            object["event"] = "rebaselined"
            object["version"] = version.number
        case .restored(_, let change):
            object["event"] = "restored"
            if let change {
                object["oldVersion"] = change.old.number
                object["version"] = change.new.number
                object["summary"] = change.summary.description
                object["diff"] = change.unified()
            }
        }
        // `type` names the event as `event` does (scripts written for either keep working).
        object["type"] = object["event"]
        object["at"] = Timestamp.display(now)
        if let follow = event.watch.follow {
            object["source"] = follow.source
            if let published = follow.published { object["published"] = Timestamp.display(published) }
        }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
