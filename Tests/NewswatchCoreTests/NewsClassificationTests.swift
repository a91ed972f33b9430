import Foundation
import Testing
@testable import NewswatchCore

/// What counts as news: every real edit alerts, a number in prose included; clocks, stamps
/// and counters stay quiet in any of ten languages; a headline edit is reported as one,
/// whichever of the page's headlines moved.
@Suite("What counts as news", .serialized)
struct NewsClassificationTests {
    static let body = "Rescue teams worked through the night in the old town, the regional governor told reporters on Monday."

    /// One line edited in prose, with the story around it unchanged.
    static let realEdits: [(String, String)] = [
        ("The death toll from the earthquake rose to 120, officials said.", "The death toll from the earthquake rose to 1,200, officials said."),
        ("The election will be held on 5 May 2025, the commission announced.", "The election will be held on 12 May 2025, the commission announced."),
        ("The vote is set for 14:00 on Thursday in the lower house.", "The vote is set for 18:00 on Thursday in the lower house."),
        ("The motion passed by 52 votes to 48 after a long debate.", "The motion passed by 58 votes to 42 after a long debate."),
        ("The government pledged $2.5 billion in reconstruction aid.", "The government pledged $25 billion in reconstruction aid."),
        ("Le bilan s'élève à 35 morts selon la préfecture.", "Le bilan s'élève à 53 morts selon la préfecture."),
        ("Die Polizei nahm am Abend 12 Personen fest.", "Die Polizei nahm am Abend 21 Personen fest."),
        ("La reunión será el 3 de marzo a las 10:00 en Madrid.", "La reunión será el 3 de marzo a las 12:00 en Madrid."),
        ("Il decreto prevede 300 milioni di euro per le imprese.", "Il decreto prevede 30 milioni di euro per le imprese."),
        ("Updated figures show 4,000 homes were destroyed.", "Updated figures show 14,000 homes were destroyed."),
        ("Final score: Arsenal 2, Chelsea 1.", "Final score: Arsenal 2, Chelsea 2."),
        ("Wynik meczu: Legia 2, Lech 1.", "Wynik meczu: Legia 1, Lech 1."),
        ("地震による死者は120人に上った。", "地震による死者は1200人に上った。"),
    ]

    /// Lines that are nothing but a stamp, a date or time, or a counter.
    static let minorEdits: [(String, String)] = [
        ("Updated: 10:05", "Updated: 11:40"),
        ("Last updated 5 May 2025, 10:05 GMT", "Last updated 5 May 2025, 11:40 GMT"),
        ("Mis à jour le 05.05.2015 à 20h13", "Mis à jour le 05.05.2015 à 21h05"),
        ("Aktualisiert am 05.05.2025, 20:13 Uhr", "Aktualisiert am 05.05.2025, 21:05 Uhr"),
        ("Stand: 5. Mai 2025, 20:13 Uhr", "Stand: 6. Mai 2025, 08:02 Uhr"),
        ("Actualizado el 5 de mayo de 2025 a las 20:13", "Actualizado el 5 de mayo de 2025 a las 21:05"),
        ("Aggiornato il 5 maggio 2025 alle 20:13", "Aggiornato il 5 maggio 2025 alle 21:05"),
        ("Atualizado em 05/05/2025 às 20h13", "Atualizado em 05/05/2025 às 21h05"),
        ("Laatst bijgewerkt: 5 mei 2025 20:13", "Laatst bijgewerkt: 5 mei 2025 21:05"),
        ("Güncelleme: 05.05.2025 20:13", "Güncelleme: 05.05.2025 21:05"),
        ("Обновлено 5 мая 2025, 20:13", "Обновлено 5 мая 2025, 21:05"),
        ("Zaktualizowano: 5 maja 2025, 20:13", "Zaktualizowano: 5 maja 2025, 21:05"),
        ("Monday, 5 May 2025 20:13", "Tuesday, 6 May 2025 08:02"),
        ("2 hours ago", "3 hours ago"),
        ("vor 5 Minuten", "vor 7 Minuten"),
        ("il y a 5 minutes", "il y a 9 minutes"),
        ("12,345 views", "12,980 views"),
        ("3 comments", "7 comments"),
        ("Comments (12)", "Comments (15)"),
        ("1.2K shares", "1.4K shares"),
        ("24 Kommentare", "31 Kommentare"),
        ("5 min read", "6 min read"),
        ("2025年5月5日 20:13", "2025年5月5日 21:05"), ("更新时间：2025-05-05 20:13", "更新时间：2025-05-05 21:05"),
        ("5分前", "7分前"), ("입력 2025.05.05 20:13", "입력 2025.05.05 21:05"),
    ]

    func classify(_ old: String, _ new: String) -> StoryDiff.Classification {
        let before = [Self.body, old, Self.body + " More."].joined(separator: "\n") + "\n"
        let after = [Self.body, new, Self.body + " More."].joined(separator: "\n") + "\n"
        return StoryDiff(TextDiff(old: before, new: after)).classification()
    }

    @Test func numbersDatesAndTimesInProseAreNews() {
        for (old, new) in Self.realEdits {
            #expect(classify(old, new) == .substantive, "\(old) -> \(new)")
            // A line added or removed in prose is news too.
            #expect(StoryDiff.classifyLine(new) == .substantive, "\(new)")
        }
    }

    @Test func clocksStampsAndCountersInTenLanguagesAreMinor() {
        for (old, new) in Self.minorEdits {
            let kind = classify(old, new)
            #expect(kind == .timestamp || kind == .number, "\(old) -> \(new): \(kind)")
        }
        #expect(NewsLines.kind(of: "12,345 views") == .counter)
        #expect(NewsLines.kind(of: "Mis à jour le 05.05.2015 à 20h13") == .stamp)
        #expect(NewsLines.kind(of: "The mayor said on 5 May 2025 that the vote was set.") == .prose)
        #expect(NewsLines.kind(of: "Updated with the latest death toll: 1,200") == .prose)
    }

    /// More shapes of the same furniture, and prose that merely looks like it.
    @Test func moreStampShapesAndProseThatLooksLikeThem() {
        let minor = [
            "Published: Tuesday, May 6, 2025 at 9:45 a.m. EDT", "Updated 12:05 p.m. ET, Wed May 7, 2025", "Posted 3 hours ago",
            "Last modified on 7 May 2025", "May 7, 2025", "07/05/2025 09:45", "2025-05-07T09:45:00Z", "Updated May 7, 2025 at 09:45 BST",
            "Publié le 7 mai 2025 à 09h45", "Mis à jour le 7 mai 2025 à 10:12", "Veröffentlicht am 7. Mai 2025 um 09:45 Uhr",
            "Publicado el 7 de mayo de 2025, 09:45", "Pubblicato il 7 maggio 2025 alle 09:45", "Publicado em 7 de maio de 2025, às 09h45",
            "Gepubliceerd op 7 mei 2025 om 09:45", "Yayınlanma: 07.05.2025 09:45", "Опубликовано 7 мая 2025 в 09:45",
            "Opublikowano: 7 maja 2025, 09:45", "1,234 views", "15 comments", "👍 1.2K", "Read time: 4 minutes", "3 min read",
            "Updated: Wednesday, May 7th 2025, 9:45 AM", "10 hours ago", "Aktualisiert vor 3 Stunden", "Actualizado hace 2 horas",
        ]
        let prose = [
            "The storm killed 12 people on Tuesday, officials said.", "Updated: police now say 15 people died.",
            "Turnout was 64.5%, the electoral commission said.", "Il y a eu 45 blessés selon les pompiers.",
            "The meeting will start at 9:45 a.m. on Wednesday.", "Die Sitzung beginnt am 7. Mai um 10 Uhr im Rathaus.",
        ]
        for line in minor { #expect(NewsLines.kind(of: line) != .prose, "\(line)") }
        for line in prose { #expect(NewsLines.kind(of: line) == .prose, "\(line)") }
    }

    static func page(h1: String, linkedData: String, openGraph: String, title: String, lines: [String]) -> String {
        """
        <html lang="en"><head><title>\(title) | The Daily Example</title>
        <meta property="og:title" content="\(openGraph)"><meta property="og:site_name" content="The Daily Example">
        <script type="application/ld+json">{"@context":"https://schema.org","@type":"NewsArticle","headline":"\(linkedData)","author":{"@type":"Person","name":"Dana Reyes"}}</script>
        </head><body><header><nav><a href="/">Home</a> <a href="/world">World</a></nav></header>
        <main><article><h1>\(h1)</h1><p class="byline">By Dana Reyes</p>
        \(lines.map { "<p>\($0)</p>" }.joined(separator: "\n"))
        </article><aside><h2>Latest News</h2><ul><li><a href="/a">Another story</a></li></ul></aside></main></body></html>
        """
    }

    static let headline = "Earthquake strikes coastal region, hundreds feared dead"
    static let story = [
        "A powerful earthquake struck the coastal region early on Monday, flattening homes and cutting power to thousands, officials said.",
        "The regional governor said rescue teams were searching collapsed buildings in the old town and that hospitals were overwhelmed.",
        "Aftershocks continued through the morning, and authorities urged residents to stay away from damaged structures.",
    ]

    /// Through `check` with a recording webhook: one watch per case, fetched twice.
    @Test func realEditsAlertAndClocksStayQuietEndToEnd() throws {
        let server = try TestServer()
        defer { server.stop() }
        let work = Fixtures.temporaryDirectory()
        var cases: [(name: String, before: String, after: String, news: Bool)] = []
        for (index, edit) in Self.realEdits.enumerated() {
            cases.append(("real-\(index)", Self.page(h1: Self.headline, linkedData: Self.headline, openGraph: Self.headline, title: Self.headline, lines: [Self.story[0], edit.0] + Self.story.dropFirst()),
                          Self.page(h1: Self.headline, linkedData: Self.headline, openGraph: Self.headline, title: Self.headline, lines: [Self.story[0], edit.1] + Self.story.dropFirst()), true))
        }
        for (index, edit) in Self.minorEdits.enumerated() {
            cases.append(("minor-\(index)", Self.page(h1: Self.headline, linkedData: Self.headline, openGraph: Self.headline, title: Self.headline, lines: [edit.0] + Self.story),
                          Self.page(h1: Self.headline, linkedData: Self.headline, openGraph: Self.headline, title: Self.headline, lines: [edit.1] + Self.story), false))
        }
        let edited = Self.headline + " as toll rises"
        let headlineCases: [(String, String)] = [
            ("headline-visible", Self.page(h1: edited, linkedData: Self.headline, openGraph: Self.headline, title: Self.headline, lines: Self.story)),
            ("headline-jsonld", Self.page(h1: Self.headline, linkedData: edited, openGraph: Self.headline, title: Self.headline, lines: Self.story)),
            ("headline-og", Self.page(h1: Self.headline, linkedData: Self.headline, openGraph: edited, title: Self.headline, lines: Self.story)),
            ("headline-visible-and-jsonld", Self.page(h1: edited, linkedData: edited, openGraph: Self.headline, title: Self.headline, lines: Self.story)),
        ]
        let original = Self.page(h1: Self.headline, linkedData: Self.headline, openGraph: Self.headline, title: Self.headline, lines: Self.story)
        for (name, after) in headlineCases { cases.append((name, original, after, true)) }

        for item in cases { try item.before.write(toFile: "\(server.root)/\(item.name).html", atomically: true, encoding: .utf8) }
        try (["webhooks: [ { url: \"\(server.url("/webhook"))\", on: [changed] } ]", "watches:"]
             + cases.map { "  - { name: \($0.name), url: \"\(server.url("/site/\($0.name).html"))\" }" }).joined(separator: "\n")
            .write(toFile: work + "/w.yaml", atomically: true, encoding: .utf8)
        let check = ["check", "--all", "--watchlists", work + "/w.yaml", "--store", work + "/store", "--color", "never"]
        #expect(try runCLI(check).status == 0)
        for item in cases { try item.after.write(toFile: "\(server.root)/\(item.name).html", atomically: true, encoding: .utf8) }
        let run = try runCLI(check)
        #expect(run.status == 0, "\(run.stderr)")

        let log = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(string: server.url("/webhook-log"))!)) as! [[String: Any]]
        let alerts = log.compactMap { ($0["body"] as? String).flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] } }
        let alerted = Set(alerts.filter { $0["type"] as? String == "changed" }.compactMap { $0["watch"] as? String })
        for item in cases {
            #expect(alerted.contains(item.name) == item.news, "\(item.name): \(item.news ? "a real edit did not alert" : "a clock or counter alerted")")
            #expect(run.stdout.contains("changed: \(item.name):") == item.news, "\(item.name) on stdout: \(run.stdout)")
        }
        // Headline edits are reported as such, with both headlines, from whichever source moved.
        let quotedOld = "\u{201C}\(Self.headline)\u{201D}", quotedNew = "\u{201C}\(edited)\u{201D}"
        #expect(run.stdout.contains("changed: headline-visible: headline changed: \(quotedOld) -> \(quotedNew)"), "\(run.stdout)")
        #expect(run.stdout.contains("changed: headline-jsonld: headline changed (JSON-LD headline): \(quotedOld) -> \(quotedNew)"), "\(run.stdout)")
        #expect(run.stdout.contains("changed: headline-og: headline changed (og:title): \(quotedOld) -> \(quotedNew)"), "\(run.stdout)")
        #expect(run.stdout.contains("changed: headline-visible-and-jsonld: headline changed: \(quotedOld) -> \(quotedNew)"), "\(run.stdout)")
        for name in ["headline-visible", "headline-jsonld", "headline-og", "headline-visible-and-jsonld"] {
            let line = run.stdout.split(separator: "\n").first { $0.hasPrefix("changed: \(name):") } ?? ""
            #expect(!line.contains("paragraph"), "a headline edit reported as paragraphs: \(line)")
        }
        // The page's headlines are kept with each version.
        let store = try SQLiteStore(root: work + "/store")
        let latest = try #require(try store.latestVersion(of: "headline-og"))
        let headlines = try #require(try store.article(of: latest).headlines)
        #expect(headlines.visible == Self.headline && headlines.openGraph == edited && headlines.linkedData == Self.headline)
    }
}
