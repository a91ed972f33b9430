import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Line-level furniture that sits inside article containers on news sites: datelines and
/// "Updated ..." stamps, bylines, "Related:"/"Read more:" teasers, gallery counters, share
/// prompts. Dropping them keeps a story's text stable when only its furniture changes.
enum BoilerplateLines {
    static let prefixes = [
        "related:", "related post", "related article", "related stories", "related coverage", "read more:", "read more ",
        "see more:", "more:", "also read", "also see", "read also", "you may also like", "you might also like",
        "recommended:", "recommended for you", "watch:", "watch now", "listen:", "sign up", "subscribe", "click here",
        "follow us", "share this", "share on", "image ", "image:", "images:", "photo:", "photos:", "(image", "(photo", "image credit", "credit:",
        "advertisement", "sponsored", "don't miss", "don’t miss", "more from", "trending", "most read",
        "reporting by", "additional reporting", "editing by", "writing by", "compiled by", "copyright", "©",
        "have a tip?", "get the latest", "file photo", "first published", "source:", "more articles from", "more articles by",
        // The same teasers and prompts in the other languages newsrooms publish in most.
        "lea también", "lea tambien", "lea más:", "lea mas:", "lea:", "lee también", "lee tambien", "te puede interesar",
        "leia também", "leia tambem", "leia mais:", "veja também", "veja tambem",
        "lire aussi", "à lire aussi", "À lire aussi", "a lire aussi", "voir aussi", "lisez aussi",
        "lesen sie auch", "lesen sie mehr", "mehr zum thema", "schon gelesen?", "auch interessant", "das könnte sie auch interessieren",
        "empfehlungen aus der redaktion", "empfehlungen der redaktion",
        "auch lesen:", "artikel bewerten", "möchten sie den artikel teilen", "this entry was posted", "le puede interesar",
        "leggi anche", "leggi:", "potrebbe interessarti", "lees ook", "lees meer", "ook interessant",
        "czytaj też", "czytaj także", "czytaj również", "zobacz też", "zobacz także", "okuyun:", "ayrıca okuyun",
        "читайте также", "читайте:", "vea también", "vea tambien", "ver también", "ver tambien",
        "foto:", "fotos:", "bild:", "bildquelle:", "quelle:", "crédito:", "créditos:", "fuente:", "zdjęcie:", "źródło:",
        "imagen:", "photograph by", "photo by", "photos by", "foto von", "fotos von", "bild via",
        "beitragsbild:", "titelbild:", "symbolbild:", "headerbild:", "vorschaubild:", "aufmacherbild:",
        // Credit and permalink labels under a story.
        "photo credit", "crédits photos", "crédit photo", "credits photos", "bildnachweis", "fotonachweis", "bildrechte",
        "permalink", "permalien", "enlace permanente",
        // A post's taxonomy: tags and categories (with the colon where the words could open a sentence).
        "tags:", "tagged:", "schlagworte:", "schlagwörter:", "stichworte:", "themen:", "kategorie:", "kategorien:",
        "category:", "categories:", "abgelegt unter", "veröffentlicht in:", "etiquetas:", "mots-clés",
        // Share and follow prompts beyond English.
        "folgen sie uns", "folge uns", "liken sie uns", "like us on facebook", "find us on facebook", "síguenos", "suivez-nous", "seguici", "newsletter abonnieren",
        "diesen artikel teilen", "beitrag teilen", "artikel teilen", "teilen:", "compartir:", "partager:",
        // Rating and comment prompts under a story.
        "was this article helpful", "was this helpful", "was this page helpful", "rate this article", "rate this post",
        "rate this recipe", "no votes so far", "be the first to rate", "war der artikel", "war dieser artikel",
        "war dieser beitrag", "hier können sie den artikel bewerten", "noch keine bewertungen", "(noch keine bewertungen)",
        "kommentieren sie", "compartir nota",
        "lesen sie hier", "mire:", "mira:", "jump to recipe", "print recipe",
        // Recipe cards' buttons and prompts (WP Recipe Maker, Tasty Recipes and their like).
        "pin recipe", "save recipe", "did you make this recipe", "tried this recipe", "rezept drucken", "rezept speichern",
        "imprimir receta", "imprimer la recette", "*werbung", "werbung:", "video verfügbar bis",
        // WordPress rating widgets' fixed strings.
        "how useful was this post", "how useful was this article", "click on a star to rate", "we are sorry that this post was not useful",
        "let us improve this post", "tell us how we can improve this post",
        // Paywall and account prompts over a cut story; author-page links.
        "already have an account?", "this article is exclusive to", "unlock this article", "become a paid subscriber",
        "subscribe to continue reading", "to continue reading, please", "view author page", "view all posts by",
        // Wire and contributor taglines closing syndicated stories.
        "reach the reporter", "follow ap's", "follow ap’s", "more ap ", "follow me on twitter", "follow me on linkedin",
        "tell us what you think", "você pode gostar", "você também pode gostar", "media playback is unsupported",
        "listen to this article", "print/save as pdf", "chat with us in facebook messenger",
        // Google's "preferred source" buttons (2025) and newsletter platforms' forward notes.
        "add as a reliable and trusted news source", "add as a preferred source", "add us as a preferred source",
        "make us your preferred source", "make us a preferred source", "set as a preferred source",
        "was this newsletter forwarded to you", "was this email forwarded to you",
        // Bracketed teasers ("[Read more: ...]"). Not syndication notes ("This article
        // originally appeared on The Atlantic."): Readability's and Zyte's truths keep them.
        "[read more", "(read more", "[related", "[see also", "[also read",
        // Membership and subscription prompts, and "here is the link" buttons, beyond English.
        "hazte miembro", "hazte socio", "suscríbete", "suscribete", "jetzt abonnieren", "abonnez-vous", "iscriviti",
        "hier geht es zu", "hier geht's zu", "hier geht’s zu", "hier gehts zu",
        // Appeals for readers' money set into a story, in the same languages.
        "hágase miembro", "hágase socio", "support independent journalism", "support our journalism", "support quality journalism",
        "unterstützen sie unabhängigen journalismus", "unterstützen sie unseren journalismus", "apoya el periodismo", "apoye el periodismo",
        "soutenez le journalisme", "soutenez notre journalisme", "apoie o jornalismo", "sostieni il giornalismo",
    ]
    /// Photo credits and agency attributions: the marks of a caption, not of story text.
    static let captionMarks = [
        "(image:", "(photo:", "credit:", "getty images", "reuters/", "(ap photo", "ap photo/", "(photo by",
        "image credit", "photograph:", "afp/", "/ afp", "/ ap ", "/ reuters", "epa/",
        "shutterstock", "all rights reserved", "contributed to this report", "is a reporter for", "is a staff writer",
        "follow him on twitter", "follow her on twitter", "follow us on twitter", "follow him @", "follow her @",
        "may be reached at", "can be reached at", "©",
        // Agency caption style: "In this Nov. 5, 2019, file photo, ...", "In this photo provided by ...".
        "file photo", "in this photo", "photo provided by",
        // The credit in brackets closing a caption, in the languages of the prefixes above.
        "(foto:", "(fotos:", "(bild:", "(quelle:", "(crédito:", "(créditos:", "(fuente:", "(imagen:",
        // Affiliate disclosures: the modal wording a site uses about itself, not a story's
        // sentences about affiliate marketing ("streamers earn a commission via affiliate links").
        "may contain affiliate links", "includes affiliate links", "contains affiliate links", "may use affiliate links",
        "may earn a commission", "may earn commission", "may receive a commission", "as an amazon associate", "affiliate commission",
        "may receive compensation", "may be compensated", "earn from qualifying purchases", "one or more of our advertisers",
        // Picture agencies' credits in German and British captions.
        "picture alliance", "picture-alliance", "imago images", "wenn.com",
        // Invitations to the site's channels on messaging apps and video platforms.
        "canal de telegram", "canal de whatsapp", "nuestro canal de youtube", "telegram channel", "whatsapp channel",
        "telegram-kanal", "whatsapp-kanal", "our youtube channel", "unseren youtube-kanal",
        // A rating widget's tally ("Average rating 5 / 5. Vote count: 1").
        "vote count:",
    ]
    /// What a consent manager shows in place of an embedded post or video until the reader
    /// agrees: never the story's text, and it changes with the manager's wording.
    static let consentMarks = [
        "enable all cookies", "current cookie settings", "privacy settings to enable this content", "accept cookies to view",
        "externe inhalte angezeigt werden", "einen externen inhalt von", "empfohlener redaktioneller inhalt",
        "mit einem klick anzeigen lassen", "inhalte von drittanbietern zu", "externer inhalt",
        "wir respektieren deine privatsphäre", "wir respektieren ihre privatsphäre", "datenschutzeinstellungen verwalten",
        "ohne dein einverständnis keine verbindung", "ohne ihr einverständnis keine verbindung",
    ]
    static let consentMarkNeedles = NeedleSet(consentMarks.map { Array($0.utf8) })
    /// Labels of a story's credits: alone on a line when the names are links, or opening it.
    static let creditLabels = ["written by", "edited by", "reviewed by", "fact checked by", "fact-checked by", "medically reviewed by"]
    static let wholeLines: Set<String> = Set(creditLabels).union([
        "share", "tweet", "reply", "caption", "close", "comments", "comment", "tags", "print", "email", "menu",
        // "No comments" counters in the languages above, and picture buttons.
        "no comments", "keine kommentare", "nessun commento", "sin comentarios", "aucun commentaire", "sem comentários",
        "geen reacties", "brak komentarzy", "enlarge image", "enlarge this image",
        // Labels left when a byline's names are links, and a table of contents' heading.
        "by", "table of contents", "contents", "on this page", "in this article", "inhaltsverzeichnis", "sommaire", "índice",
        "advertisement", "advert", "ad", "sponsored", "loading...", "loading", "next", "previous", "back to top", "more",
        "sharing is caring!", "share this article", "share this story", "expand", "play", "pause",
        "[email protected]", "[javascript protected email address]",
        // Blog platforms' like and share widgets, and ad labels inside stories.
        "like this:", "like loading...", "like loading…", "gefällt mir:", "gefällt mir wird geladen …", "share this:", "teilen mit:",
        "article continues below", "story continues below", "continue reading below",
        // Links back to the listing, and "read on" buttons.
        "zurück", "zurück zur übersicht", "zurück zur startseite", "zurück zur listenansicht", "back to overview", "back to list",
        "back to blog", "back to news", "read more", "weiterlesen", "mehr lesen", "continue reading", "leer más", "lire la suite",
        "bild anzeigen", "bild schließen", "bild anzeigen bild schließen", "teilen", "drucken", "compartir", "imprimir", "partager", "imprimer",
        // Ad labels beyond English ("Anzeige" above a native ad in a German story).
        "anzeige", "werbung", "publicidad", "publicité", "pubblicità", "publicidade", "reklama", "reklame", "advertentie",
        "реклама", "sponsored content", "paid content", "paid post", "promoted content",
        // Post navigation, caption toggles and call-to-action buttons.
        "previous article", "next article", "previous post", "next post", "vorheriger artikel", "nächster artikel",
        "artículo anterior", "siguiente artículo", "article précédent", "article suivant", "show caption", "hide caption",
        "book now", "watch next", "brought to you by", "advertising disclosure",
        // Print and share buttons in Polish, Dutch, Italian and Portuguese.
        "drukuj", "udostępnij", "afdrukken", "delen", "stampa", "condividi", "partilhar", "compartilhar",
        // Consent buttons over an embedded post ("Twitter freischalten").
        "twitter freischalten", "youtube freischalten", "instagram freischalten", "facebook freischalten",
        "inhalt freischalten", "video freischalten", "karte freischalten", "inhalte freischalten",
        // Donation and membership buttons.
        "donate", "donate now", "donate today", "support us", "become a member", "become a supporter", "join now",
        "spenden", "jetzt spenden", "jetzt unterstützen", "unterstützen sie uns", "donar", "dona ahora", "hágase miembro ahora",
        "únete", "faire un don", "soutenez-nous", "doe agora", "apoie", "dona ora", "sostienici",
        // Author labels left when the names are links.
        "author", "authors", "autor", "autoren", "autorin", "auteur", "autor/a",
    ])
    static let dateWords: Set<String> = [
        "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november",
        "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "mon", "tue", "wed", "thu", "fri",
        "sat", "sun", "am", "pm", "a", "m", "p", "updated", "update", "published", "posted", "last", "modified", "on", "at",
        "est", "edt", "cst", "cdt", "pst", "pdt", "gmt", "utc", "bst", "cet", "cest", "ist", "et", "pt", "ct", "th", "st", "nd",
        "rd", "of", "ago", "hours", "hour", "minutes", "minute", "days", "day", "and", "h", "min",
        // The same in the other languages newsrooms publish in most ("segunda-feira, 22 de
        // janeiro de 2018 às 0:13", "Montag, 3. Mai 2021, 14:05 Uhr").
        "janeiro", "fevereiro", "março", "maio", "junho", "julho", "setembro", "outubro", "novembro", "dezembro",
        "segunda", "terça", "quarta", "quinta", "sexta", "feira", "sábado", "domingo", "de", "às", "em", "publicado", "atualizado",
        "enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre",
        "lunes", "martes", "miércoles", "jueves", "viernes", "del", "las", "actualizado",
        "januar", "februar", "märz", "mai", "juni", "juli", "oktober", "dezember",
        "montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag", "sonntag", "uhr", "um", "aktualisiert", "veröffentlicht",
        "janvier", "février", "avril", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre",
        "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche", "le", "à", "publié",
        "gennaio", "febbraio", "aprile", "maggio", "giugno", "luglio", "settembre", "ottobre", "dicembre",
        "lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato", "domenica", "alle", "ore", "aggiornato", "pubblicato",
        // The labels of a stamp ("Veröffentlichung: 2. Februar 2022", "Stand: 03.02.2021", "Fecha: 12/05/2020").
        "date", "created", "revised", "reviewed", "veröffentlichung", "erschienen", "stand", "datum", "erstellt", "geändert", "zuletzt",
        "fecha", "publicación", "publication", "pubblicazione", "publicação",
    ]

    /// Headings after which a page has left the story: what follows is teasers, comments
    /// or the author box, never more of the article.
    static let endOfStory: Set<String> = [
        "you may also like", "you might also like", "related", "related articles", "related stories", "related posts",
        "related content", "related coverage", "related reading", "more stories", "more from", "recommended", "recommended for you",
        "recommended reading",
        "comments", "leave a reply", "leave a comment", "about the author", "tags", "read next", "most popular",
        "most read", "trending", "trending now", "more on this story", "more like this",
        "what to read next", "popular stories", "latest news", "top news", "top stories", "join the conversation",
        // Other languages.
        "mehr zum thema", "das könnte sie auch interessieren", "weitere artikel", "empfehlungen der redaktion", "empfehlungen aus der redaktion", "ähnliche artikel", "kommentare", "meistgelesen",
        "aktuellste beiträge", "neueste beiträge", "empfohlen für dich", "aktuelle news", "ähnliche beiträge", "weitere beiträge", "das könnte dich auch interessieren",
        "artículos relacionados", "noticias relacionadas", "notas relacionadas", "te puede interesar", "comentarios", "más noticias", "lo más leído",
        "articles similaires", "sur le même sujet", "à lire aussi", "commentaires", "les plus lus",
        "articoli correlati", "potrebbe interessarti", "commenti", "più letti",
        "artigos relacionados", "notícias relacionadas", "leia também", "comentários", "mais lidas",
        "gerelateerde artikelen", "lees ook", "reacties", "meest gelezen",
        "powiązane artykuły", "czytaj także", "czytaj też", "komentarze", "najczęściej czytane",
        "похожие статьи", "читайте также", "комментарии", "ilgili haberler", "yorumlar",
        // The same headings as newsrooms in these languages also word them (not the teaser
        // labels a story carries midway, "Lesen Sie auch", "Leggi anche": see `teaserLabels`).
        "también te puede interesar", "lo más visto", "más leídas", "más vistas", "temas relacionados",
        "contenido relacionado", "contenido patrocinado", "noticias recomendadas", "sobre el autor",
        "ti potrebbe interessare", "potrebbe interessarti anche", "sull'autore", "sull’autore",
        "vous aimerez aussi", "nos derniers articles", "à propos de l'auteur", "à propos de l’auteur",
        "você também pode gostar", "mais notícias", "sobre o autor",
        "über den autor", "über die autorin", "zum autor", "zur autorin",
        // Deutsche Welle's related media, in its languages.
        "audios and videos on the topic", "audios und videos zum thema", "audios et vidéos sur le sujet", "audios y videos sobre el tema",
    ]

    /// The end-of-story headings that open a reader discussion rather than a list of teasers.
    static let commentsHeadings: Set<String> = [
        "comments", "leave a reply", "leave a comment", "join the conversation", "kommentare", "comentarios",
        "commentaires", "commenti", "comentários", "reacties", "komentarze", "комментарии", "yorumlar",
    ]

    static func isCommentsHeading(_ text: String) -> Bool {
        let key = headingKey(text)
        return isCommentCount(key) || commentsHeadings.contains(key)
    }

    private static let storyEndPunctuation = CharacterSet(charactersIn: " .:…!")

    /// A heading as the lists above spell it: lower-cased, without closing punctuation.
    private static func headingKey(_ text: String) -> String {
        if let key = asciiKey(text, trimming: storyEndPunctuationBytes) { return key }
        var key = text.lowercased().trimmingCharacters(in: storyEndPunctuation)
        while key.hasSuffix(".") { key.removeLast() }
        return key
    }
    private static let storyEndPunctuationBytes = Array(" .:!".utf8)

    /// An ASCII line lower-cased and trimmed of `trimming` at both ends, without Foundation's
    /// costly string calls (asked of every short line); nil when the line is not ASCII.
    static func asciiKey(_ text: String, trimming: [UInt8]) -> String? {
        var bytes = Array(text.utf8)
        guard !bytes.contains(where: { $0 >= 0x80 }) else { return nil }
        var start = 0, end = bytes.count
        while start < end, trimming.contains(bytes[start]) { start += 1 }
        while end > start, trimming.contains(bytes[end - 1]) { end -= 1 }
        for i in start..<end where bytes[i] >= 0x41 && bytes[i] <= 0x5A { bytes[i] += 32 }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }

    /// "12 Comments", "3 responses".
    private static func isCommentCount(_ key: String) -> Bool {
        guard let first = key.first, first.isNumber else { return false }
        return key.hasSuffix("comments") || key.hasSuffix("responses")
    }

    /// Labels that introduce a few teaser links inside a story, alone on their line.
    static let teaserLabels = [
        "don't miss", "don’t miss", "read more", "read also", "also read", "read next", "related", "recommended", "see also",
        "more from", "more on this", "you may also like", "you might also like", "most read", "trending",
        "lesen sie auch", "lesen sie mehr", "mehr zum thema", "auch interessant", "schon gelesen", "lea también", "lee también",
        "leia também", "veja também", "lire aussi", "à lire aussi", "leggi anche", "czytaj też", "czytaj także", "zobacz też",
        "zobacz także", "читайте также", "te puede interesar", "le puede interesar",
    ]
    /// "DON'T MISS", "Read more:", "Lesen Sie auch »": a teaser label alone on its line (one
    /// short word more allowed: "Read more here"). Byte comparisons: asked of every short line.
    static func isTeaserLabel(_ text: String) -> Bool {
        guard text.utf8.count <= 60, let first = text.utf8.first,
              labelFirstBytes.contains(first >= 0x41 && first <= 0x5A ? first + 32 : first) else { return false }
        let lower = Array((asciiKey(text, trimming: labelTrimBytes) ?? text.lowercased().trimmingCharacters(in: labelTrim)).utf8)
        return teaserLabelBytes.contains { label in
            lower.count >= label.count && lower.count <= label.count + 8 && lower.starts(with: label)
                && (lower.count == label.count || lower[label.count] == 0x20)
        }
    }
    private static let teaserLabelBytes = teaserLabels.map { Array($0.utf8) }
    private static let labelTrim = CharacterSet(charactersIn: " :.-–—»>|")
    private static let labelTrimBytes = Array(" :.->|".utf8)
    /// First bytes a label line can open with (a label's, or a trimmed mark's), lowercase.
    private static let labelFirstBytes = Set(teaserLabelBytes.compactMap(\.first) + Array(" :.->|".utf8) + [0xC2, 0xD0, 0xE2])

    static func endsStory(_ text: String) -> Bool {
        // Headings are short; "you might also like" phrasings run a little longer ("Diese
        // Artikel könnten dich auch interessieren:").
        guard text.utf8.count <= 240, text.count <= 60 else { return false }
        let lower = headingKey(text)
        if text.count <= 40, isCommentCount(lower) || endOfStory.contains(lower) { return true }
        // Byte tests first: most short lines are neither, and the expressions are slow.
        let bytes = Array(lower.utf8)
        if alsoInterestingMarkBytes.contains(where: { contains(bytes, $0) }),
           alsoInteresting.firstMatch(in: lower, range: NSRange(lower.startIndex..., in: lower)) != nil { return true }
        guard teaserHeadingStartBytes.contains(where: { bytes.starts(with: $0) }) else { return false }
        return teaserHeading.firstMatch(in: lower, range: NSRange(lower.startIndex..., in: lower)) != nil
    }

    /// "You might also like", "Diese Artikel könnten dich auch interessieren", "También te
    /// puede interesar", "Vous aimerez aussi": a heading that hands the reader other stories.
    private static let alsoInterestingMarks = ["interess", "like", "enjoy", "aimerez", "pourriez", "pourrez", "interesar", "lees ook", "gostar", "piacer"]
    private static let alsoInterestingMarkBytes = alsoInterestingMarks.map { Array($0.utf8) }
    private static let alsoInteresting = try! NSRegularExpression(pattern:
        #"könnten? (?:sie|dich|euch) (?:auch |ebenfalls )?interessieren|(?:también )?(?:te|les) (?:puede|podría|pueden|podrían) interesar|you (?:may|might|will) (?:also )?(?:like|enjoy|be interested)|vous (?:aimerez|pourriez|pourrez) (?:aussi|également)|potrebbero? interessarti|(?:pode|podem) (?:te |lhe )?interessar|lees ook|(?:você|voce) (?:também |tambem )?(?:pode|vai) gostar|potrebbe (?:anche )?piacerti"#)

    /// Teaser headings by their shape, in English ("More Great WIRED Stories", "Other posts",
    /// "Related news") and five other languages ("Weitere Korsett Artikel", "Más noticias de
    /// Colombia"). Not "Further reading": a reading list is part of many articles.
    private static let teaserHeadingStarts = [
        "related", "recommended", "recent", "more", "latest", "popular", "similar", "other", "top", "trending",
        "weitere", "ähnliche", "verwandte", "aktuelle", "neueste", "beliebte", "meistgelesene",
        "más", "otras", "otros", "últimas", "autres", "derniers", "dernières", "altri", "altre", "ultime", "outras", "outros",
    ]
    private static let teaserHeadingStartBytes = teaserHeadingStarts.map { Array($0.utf8) }
    private static let teaserHeading = try! NSRegularExpression(pattern:
        #"^(?:related|recommended|recent|more|latest|popular|similar|other|top)\b[\w\s'’,&-]{0,30}\b(?:articles?|posts?|stories|news|reads|guides)\b[\w\s'’]{0,20}$"#
        + #"|^(?:weitere|ähnliche|verwandte|aktuelle|neueste|beliebte|meistgelesene)\b[\w\s'’,&-]{0,30}\b(?:artikel|beiträge|nachrichten|news|meldungen|stories)\b[\w\s'’]{0,20}$"#
        + #"|^(?:más|otras|otros|últimas|autres|derniers|dernières|altri|altre|ultime|outras|outros)\b[\w\s'’,&-]{0,30}\b(?:noticias|artículos|notas|articles|actualités|articoli|notizie|notícias|artigos|matérias)\b[\w\s'’]{0,20}$"#
        // "Popular on IndieWire", "Trending at The Hill": the site's own most-read list.
        + #"|^(?:popular|trending) (?:on|at) [\w\s'’.&-]{1,30}$"#)

    /// `inTable`: cells and list items hold dates and numbers as data, so datelines are kept there.
    static let prefixNeedles = NeedleSet(prefixes.map { Array($0.utf8) })
    static let captionMarkNeedles = NeedleSet(captionMarks.map { Array($0.utf8) })

    static func isBoilerplate(_ text: String, title: String?, byline: String?, nearTop: Bool, inTable: Bool) -> Bool {
        boilerplateReason(text, title: title, byline: byline, nearTop: nearTop, inTable: inTable) != nil
    }

    /// Why a line inside the story's container is furniture, or nil when it is story text.
    static func boilerplateReason(_ text: String, title: String?, byline: String?, nearTop: Bool, inTable: Bool) -> String? {
        if nearTop, let title, text == title { return "the headline, repeated" }
        if nearTop, let title, isBreadcrumb(text, endingWith: title) { return "a breadcrumb ending with the headline" }
        // Every rule below is about short lines; long paragraphs are story text.
        guard text.utf8.count <= 600 else { return nil }
        let lowerBytes = asciiLowercased(text)
        if lowerBytes.count <= 40, isWholeLineLabel(lowerBytes) { return "a button or label" }
        let lower = String(decoding: lowerBytes, as: UTF8.self)
        if let byline, !byline.isEmpty, lower == byline.lowercased() || lower == "by " + byline.lowercased() { return "the byline" }
        guard text.count <= 300 else { return nil }
        let opening = lowerOpening(text, asciiLowered: lowerBytes)
        if let index = prefixNeedles.firstPrefix(of: opening) { return "starts like furniture (\"\(prefixes[index])\")" }
        if let index = captionMarkNeedles.firstContained(in: lowerBytes) { return "a caption or credit (\"\(captionMarks[index])\")" }
        if consentMarkNeedles.firstContained(in: lowerBytes) != nil { return "a consent placeholder for embedded content" }
        if !inTable, lowerBytes.count <= 80, lowerBytes.contains(where: { $0 >= 0x30 && $0 <= 0x39 }), isDateLine(lower) { return "a dateline" }
        if !inTable, lowerBytes.count <= 160, isDatedByline(text, bytes: lowerBytes, nearTop: nearTop) { return "a date with its byline or time" }
        if lowerBytes.count <= 60, isReadingTime(lower, bytes: lowerBytes) { return "a reading-time label" }
        if lowerBytes.count <= 200, isCommentPrompt(lower, bytes: lowerBytes) { return "a comment counter or prompt" }
        if lowerBytes.count <= 40, isEngagementCounter(lower, bytes: lowerBytes) { return "a share or view counter" }
        if lowerBytes.count <= 80, isShareBar(lowerBytes) { return "share buttons" }
        if endsWithCredit(text, bytes: lowerBytes) { return "a caption ending in a picture credit" }
        if endsWithAgencyCredit(text) { return "a caption ending in a news agency's credit" }
        // "By Jane Doe", "By Jane Doe and John Roe - 11/18/19 11:04 PM EST"
        if lowerBytes.count <= 80, isForeignByline(text, bytes: lowerBytes) { return "a byline" }
        if let opening = bylineOpenings.first(where: { lowerBytes.starts(with: $0.bytes) }), text.split(separator: " ").count <= 12,
           !opening.needsDate || lowerBytes.contains(where: { $0 >= 0x30 && $0 <= 0x39 }),
           !text.hasSuffix("."), let name = text.dropFirst(opening.bytes.count).first(where: { $0 != " " }), name.isUppercase { return "a byline" }
        return nil
    }

    /// "Home Climate Management of Intact Forestlands ...", "News » Politics » <headline>": the
    /// trail to the story, ending with its headline, above it.
    static func isBreadcrumb(_ text: String, endingWith title: String) -> Bool {
        guard !title.isEmpty, text.utf8.count > title.utf8.count, text.utf8.count <= title.utf8.count + 60, text.hasSuffix(title) else { return false }
        let trail = text.dropLast(title.count).trimmingCharacters(in: .whitespaces)
        let lower = trail.lowercased()
        return lower.hasPrefix("home") || lower.hasPrefix("startseite") || lower.hasPrefix("inicio") || lower.hasPrefix("accueil")
            || trail.contains("»") || trail.contains("›") || trail.hasSuffix(">") || trail.hasSuffix("/")
    }

    /// "By Jane Doe", "By: Jane Doe, Dec 17, 2025", "Posted by David at December 16, 2025 11:15 AM":
    /// the longer openings only with a date or a colon ("Written by: Julie Mollins"), as
    /// "Posted by Jane Doe, Engineer" alone is a signature some stories keep.
    private static let bylineOpenings: [(bytes: [UInt8], needsDate: Bool)] =
        ["by ", "by: ", "posted by: ", "written by: ", "author: ", "autor: ", "autorin: "].map { (Array($0.utf8), false) }
        + ["posted by ", "written by ", "published by "].map { (Array($0.utf8), true) }

    /// "Von Cosima Künzel", "Por Gustavo E. Méndez", "Von Markus Balser, Berlin": a byline in
    /// German, Spanish, Portuguese, French or Italian. Only names (two to four capitalised
    /// words, a second author, a place) follow the word: "Von Berlin nach Hamburg" is a heading.
    static func isForeignByline(_ text: String, bytes: [UInt8]) -> Bool {
        guard foreignBylineOpenings.contains(where: { bytes.starts(with: $0) }) else { return false }
        return foreignByline.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }
    private static let foreignBylineOpenings = ["von ", "por ", "par ", "di "].map { Array($0.utf8) }
    private static let bylineName = #"\p{Lu}[\p{L}.'’-]*(?: \p{Lu}[\p{L}.'’-]*){1,3}"#
    private static let foreignByline = try! NSRegularExpression(pattern:
        #"^(?:Von|VON|Por|POR|Par|PAR|Di|DI) "# + bylineName + #"(?:,? (?:und|y|e|et|and) "# + bylineName + #")?(?:, \p{Lu}[\p{L}-]+)?$"#)

    /// The line's first 48 characters lower-cased for the prefix test, with non-ASCII letters
    /// too ("VEA TAMBIÉN:"); only when the opening has any, as full lower-casing is costly.
    static func lowerOpening(_ text: String, asciiLowered: [UInt8]) -> [UInt8] {
        guard asciiLowered.prefix(64).contains(where: { $0 >= 0x80 }) else { return asciiLowered }
        return Array(text.prefix(48).lowercased().utf8)
    }

    /// "October 11, 2023 by Autumn Huerter", "05/10/2018 - Publicado por: Clarissa Borba",
    /// "November 20, 2019 - 11:28 AMT": a date opening the line, then who wrote it or when.
    /// A date followed by a bare name ("November 20, 2019 Emiliano Bellini") only near the
    /// story's top: further down, "December 7, 1941 Pearl Harbor" is a timeline's entry.
    static func isDatedByline(_ text: String, bytes: [UInt8], nearTop: Bool) -> Bool {
        // Byte tests first: asked of every short line, and the expressions are slow.
        guard bytes.count >= 8, let first = bytes.first,
              (first >= 0x30 && first <= 0x39) || monthOpenings.contains(where: { bytes.starts(with: $0) }),
              bytes.prefix(24).contains(where: { $0 >= 0x30 && $0 <= 0x39 }) else { return false }
        let range = NSRange(text.startIndex..., in: text)
        if datedByline.firstMatch(in: text, range: range) != nil { return true }
        return nearTop && datedName.firstMatch(in: text, range: range) != nil
    }
    private static let monthOpenings = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"].map { Array($0.utf8) }
    private static let datePattern = #"(?:(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.? \d{1,2}(?:st|nd|rd|th)?,? \d{4}|\d{1,2}(?:st|nd|rd|th)? (?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?,? \d{4}|\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{4}-\d{2}-\d{2})"#
    private static let datedByline = try! NSRegularExpression(pattern:
        "^(?i:" + datePattern + #")(?:\s*[-|·•,–—]\s*|\s+)(?:(?i:by|por|von|par|publicado por|posted by|written by)\s*:?\s+\p{Lu}.*|\d{1,2}[:.]\d{2}\s*(?i:am|pm|a\.m\.|p\.m\.)?(?:\s+\p{Lu}{2,5})?)$"#)
    private static let datedName = try! NSRegularExpression(pattern:
        "^(?i:" + datePattern + #")(?:\s*[-|·•,–—]\s*|\s+)\p{Lu}[\p{L}'’.-]+(?: \p{Lu}[\p{L}'’.-]+){1,3}$"#)

    /// "Jane Roe is a freelance writer and researcher. ...": a name, then a role in journalism.
    /// Only asked of the story's last lines: the same sentence mid-story is news about a
    /// reporter, at the end it is the author box.
    static func isAuthorBio(_ text: String) -> Bool {
        guard text.utf8.count <= 1_000, let first = text.first, first.isUppercase else { return false }
        return authorBio.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }
    private static let authorBio = try! NSRegularExpression(pattern:
        #"^\p{Lu}[\p{L}.'’-]+(?: \p{Lu}[\p{L}.'’-]+){0,3} (?:is|was|has been) (?:a|an|the)\b[^.]{0,120}\b(?:writer|reporter|journalist|editor|correspondent|author|contributor|columnist|producer|blogger|specialist|marketer|strategist|consultant|founder|owner|expert|enthusiast|manager|director|analyst|researcher|designer|photographer)s?\b"#
        + #"|^\p{Lu}[\p{L}.'’-]+(?: \p{Lu}[\p{L}.'’-]+){0,3} joined [^.]{1,60} in (?:\p{L}+ )?\d{4}\b"#
        // The same in German: "Jule Radeck studierte Sportwissenschaften, bevor ...", "Anna Roe
        // ist freie Journalistin", "Max Roe arbeitet seit 2015 als Redakteur".
        + #"|^\p{Lu}[\p{L}.'’-]+(?: \p{Lu}[\p{L}.'’-]+){0,3} (?:studierte|absolvierte|volontierte) "#
        + #"|^\p{Lu}[\p{L}.'’-]+(?: \p{Lu}[\p{L}.'’-]+){0,3} (?:ist|war|arbeitet[^.]{0,30} als) [^.]{0,80}\b(?i:journalist|redakteur|autor|korrespondent|fotograf|volontär|texter|blogger)(?:in)?\b"#
        + #"|^\p{Lu}[\p{L}.'’-]+(?: \p{Lu}[\p{L}.'’-]+){0,3} (?:has written|has been writing|writes|has reported) (?:for|about)\b"#)

    /// "TAYLOR SWIFT CLEARED TO PERFORM HITS AT AMAS": a line that is all link and all capitals
    /// is another story's headline set into this one. Headings in capitals ("WHAT YOU NEED TO
    /// MAKE JAM") are not links; linked lines in mixed case (deal lists, race calendars) are
    /// story text often enough to stay.
    static func isCapitalTeaser(_ block: TextBlock) -> Bool {
        guard block.kind != .heading, block.linkDensity >= 0.95 else { return false }
        // Capitals counted, not letters: scripts without case (Arabic, Chinese) have none.
        var capitals = 0
        for scalar in block.text.unicodeScalars where scalar.properties.isAlphabetic {
            if scalar.properties.isLowercase { return false }
            if scalar.properties.isUppercase { capitals += 1 }
        }
        return capitals >= 20 && block.text.split(separator: " ").count >= 4
    }

    /// "Cafe im Bohnenviertel. Foto: Stuttgart Marketing": a sentence, then a picture credit
    /// closing the line. Only after a sentence's end: "ein klares Bild: Deutsche fühlen sich
    /// ..." is prose.
    static func endsWithCredit(_ text: String, bytes: [UInt8]) -> Bool {
        guard creditMarkBytes.contains(where: { contains(bytes, $0) }) else { return false }
        return creditAtEnd.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }
    private static let creditMarkBytes = ["foto: ", "fotos: ", "bild: ", "photo: ", "image: ", "quelle: "].map { Array($0.utf8) }
    private static let creditAtEnd = try! NSRegularExpression(pattern: #"[.!?)"”] (?:Foto|Fotos|Bild|Photo|Image|Quelle): .{1,60}$"#)

    /// "WikiLeaks founder Julian Assange (AFP)", "... in Madrid, Tuesday. (Manu Fernandez/AP)",
    /// "Michael Conroy, AP", "Jaafar ASHTIYEH / AFP": a picture's caption or credit, told by the
    /// news agency or picture library closing it, so captions outside `<figcaption>` go too
    /// (see `ContentScorer.figureCaption`). Five scrapinghub pages better (two in the held-out
    /// fold, to 1.000 and +0.004), mozilla's wapo-1 -0.011 (Readability keeps captions).
    static func endsWithAgencyCredit(_ text: String) -> Bool {
        // Byte tests first: asked of every short line, and the expression is slow.
        let bytes = text.utf8
        guard let last = bytes.last, last == 0x29 /* ) */ || agencySuffixes.contains(where: { bytes.reversed().starts(with: $0.reversed()) }) else { return false }
        let tail = String(text.suffix(80))
        return agencyCredit.firstMatch(in: tail, range: NSRange(tail.startIndex..., in: tail)) != nil
    }
    private static let agencySuffixes = [" AP", " AFP", " Reuters", " Getty Images"].map { Array($0.utf8) }
    private static let agencyCredit = try! NSRegularExpression(pattern:
        #"(?:\((?:[^()]{0,60}/\s*)?(?:AP|AFP|Reuters|Getty Images|EPA|dpa|Shutterstock|AP Photo|Xinhua|ANP|PA)\)|(?:,|/|\bvia|\s)\s*(?:AP|AFP|Reuters|Getty Images))$"#)

    /// "11 min read", "Reading Time: 7 minutes", "Lesezeit: 2 Minuten": a label that changes
    /// whenever the story grows, so keeping it would report an edit nobody made.
    static func isReadingTime(_ lower: String, bytes: [UInt8]) -> Bool {
        guard readingTimeMarks.contains(where: { contains(bytes, $0) }) else { return false }
        return readingTime.firstMatch(in: lower, range: NSRange(lower.startIndex..., in: lower)) != nil
    }
    private static let readingTimeMarks = ["read", "lese", "lectura", "lecture", "lettura", "leitura"].map { Array($0.utf8) }
    private static let readingTime = try! NSRegularExpression(pattern:
        #"^[^\p{L}\d]*(?:\d+\s*(?:min|mins|minute|minutes|minuten)\.?\s*(?:read|lesezeit|de lectura|de lecture|di lettura)(?:\s*time)?"#
        + #"|(?:estimated\s+)?(?:reading time|lesezeit|lesedauer|tiempo de lectura|temps de lecture|tempo di lettura|tempo de leitura)\s*:?\s*(?:(?:ca\.\s*)?\d+\s*(?:min|mins|minute|minutes|minuten|minuto|minutos|minuti)\.?)?)[^\p{L}\d]*$"#)

    /// A button or label alone on its line, with or without a colon or arrows ("In this
    /// article:", "↑ Back to Top").
    static func isWholeLineLabel(_ lowerBytes: [UInt8]) -> Bool {
        if wholeLines.contains(String(decoding: lowerBytes, as: UTF8.self)) { return true }
        // Decoration is a colon or space, or an arrow or guillemet (bytes over 0x7F), at either end.
        guard let first = lowerBytes.first, let last = lowerBytes.last,
              first >= 0x80 || last >= 0x80 || last == 0x3A || first == 0x3E || first == 0x20 || last == 0x20 else { return false }
        let trimmed = String(decoding: lowerBytes, as: UTF8.self).trimmingCharacters(in: labelDecoration)
        return trimmed.utf8.count < lowerBytes.count && wholeLines.contains(trimmed)
    }
    private static let labelDecoration = CharacterSet(charactersIn: " :↑↓←→»«›‹>")

    /// "1 Share", "1,693 views", "3.409 letture": a tally that changes by the hour.
    static func isEngagementCounter(_ lower: String, bytes: [UInt8]) -> Bool {
        guard let first = bytes.first, first >= 0x30 && first <= 0x39 else { return false }
        return engagementCounter.firstMatch(in: lower, range: NSRange(lower.startIndex..., in: lower)) != nil
    }
    private static let engagementCounter = try! NSRegularExpression(pattern:
        #"^[\d.,]+\s*[km]?\s*(?:shares?|views?|likes?|reads?|letture|aufrufe|visualizaciones|vues|visualizações|visualizzazioni)$"#)

    /// "SMS Facebook Twitter Email": a row of share buttons, every word a network's name.
    static func isShareBar(_ bytes: [UInt8]) -> Bool {
        // Byte test first: every row of share buttons names one of the big networks or email.
        guard shareBarGateBytes.contains(where: { contains(bytes, $0) }) else { return false }
        let lower = String(decoding: bytes, as: UTF8.self)
        let words = lower.split { $0 == " " || $0 == "|" || $0 == "/" || $0 == "," || $0 == "·" }
        return words.count >= 3 && words.allSatisfy { shareBarWords.contains(String($0)) }
    }
    private static let shareBarGateBytes = ["facebook", "twitter", "linkedin", "whatsapp", "mail"].map { Array($0.utf8) }
    private static let shareBarWords: Set<String> = [
        "facebook", "twitter", "x", "email", "e-mail", "mail", "sms", "linkedin", "whatsapp", "pinterest", "reddit",
        "telegram", "print", "share", "tumblr", "messenger", "flipboard", "threads", "bluesky", "copy", "link", "xing",
    ]

    /// "0 Kommentare", "Schreibe einen Kommentar:", "To view or add a comment, sign in", "Para
    /// comentar debes registrarte ...": the comment section's counter, form label or sign-in
    /// note, never story text. Anchored at the line's start: a story's sentence about
    /// comments ("Let us know in the comments") is the author's and stays.
    static func isCommentPrompt(_ lower: String, bytes: [UInt8]) -> Bool {
        guard commentMarks.firstContained(in: bytes) != nil else { return false }
        return commentPrompt.firstMatch(in: lower, range: NSRange(lower.startIndex..., in: lower)) != nil
    }
    private static let commentMarks = NeedleSet(["omment", "oment", "комментари", "ingback", "rackback"].map { Array($0.utf8) })
    private static let commentWords = #"(?:comments?|kommentare?|comentarios?|commentaires?|commenti|comentários|responses|replies)"#
    private static let commentPrompt = try! NSRegularExpression(pattern: "^(?:"
        // Counters: "0 Kommentare", "Kommentare (0)", "Kommentare insgesamt: 0".
        + #"\(?\d+\)?\s*"# + commentWords + #"\b.{0,40}"#
        + "|" + commentWords + #"\s*(?:insgesamt)?\s*(?:\(\d+\)|:\s*\d+)"#
        + #"|(?:no|keine|sin|aucun|nessun|sem) (?:comments?|kommentare|comentarios|commentaires?|commento|comentários)\b.{0,60}"#
        // Form labels and sign-in notes.
        + #"|schreib(?:e|en sie) (?:einen|den ersten|ihren) kommentar\b.{0,20}|kommentar (?:erstellen|schreiben|verfassen|abgeben|hinzufügen)\b.{0,20}|kommentarfunktion\b.{0,40}"#
        + #"|(?:write|post|add|leave|submit) (?:a |your |the first )?comment\b.{0,30}"#
        + #"|(?:to (?:view or )?(?:add|post|leave) a comment|you must be logged in to post a comment|log in to (?:post a )?comment|sign in to comment|by posting a comment|be the first to comment|comment via:?)\b.{0,160}"#
        + #"|hinterlasse (?:jetzt |gerne |doch )?(?:einen|deinen|ihren) kommentar\b.{0,30}|kommentieren\b.{0,20}"#
        + #"|(?:dodaj|napisz) komentarz\b.{0,30}|(?:оставить|добавить|написать) комментарий\b.{0,30}"#
        // A pingback or trackback in the comment list: another blog's post linking here.
        + #"|(?:pingback|trackback)(?: von| from| by| de| di)?:?\s.{0,200}"#
        + #"|para comentar\b.{0,80}|(?:deja|dejar|escribe|escribir|añade|agrega) (?:un|tu|su) comentario\b.{0,30}"#
        + #"|(?:laisser|laissez|écrire|ajouter) un commentaire\b.{0,30}|(?:lascia|scrivi|aggiungi) un commento\b.{0,30}|(?:deixe|deixar|escreva) (?:um |seu )?comentário\b.{0,30}"#
        + ")$")

    /// Lower-cases ASCII letters only: enough for the English marks above, and cheap.
    static func asciiLowercased(_ text: String) -> [UInt8] {
        text.utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 32 : $0 }
    }

    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        haystack.withUnsafeBytes { h in needle.withUnsafeBytes { n in ByteSearch.contains(h, n) } }
    }

    /// Units that make a duration, not a date, when no other date word is with them: "15 –
    /// 30 Min" is a recipe's time, "5 min ago" a stamp.
    static let durationWords: Set<String> = ["min", "minute", "minutes", "hours", "hour", "h", "days", "day"]

    /// A line made only of date and time words and numbers, such as "October 12, 2017" or
    /// "Updated 12:24 am EST, Wednesday, November 20, 2019".
    static func isDateLine(_ lower: String) -> Bool {
        let tokens = lower.split { !$0.isLetter && !$0.isNumber }
        guard !tokens.isEmpty, tokens.count <= 16 else { return false }
        var numbers = 0
        var words = 0
        for token in tokens {
            if token.allSatisfy(\.isNumber) {
                numbers += 1
            } else if token.first!.isNumber && ["st", "nd", "rd", "th", "h", "am", "pm"].contains(where: { token.hasSuffix($0) }) {
                numbers += 1
            } else if case let word = String(token), dateWords.contains(word) {
                if !durationWords.contains(word) { words += 1 }
            } else {
                return false
            }
        }
        // Bare numbers are table cells and scores; a date has a date word or date punctuation.
        let datePunctuation = lower.contains(":") || lower.contains("/") || lower.filter({ $0 == "." || $0 == "-" }).count >= 2
        return numbers > 0 && (words > 0 || (datePunctuation && numbers >= 3) || lower.contains(":") && numbers >= 2)
    }
}
