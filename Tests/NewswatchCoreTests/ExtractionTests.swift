import Foundation
import Testing
@testable import NewswatchCore
import NewswatchDemo

@Suite("Article extraction")
struct ExtractionTests {
    let extractor = ReadabilityExtractor()

    /// `count` paragraphs of plain story prose ("Paragraph 1 of the story, ..."), the filler
    /// around the element a test is about.
    func storyParagraphs(_ count: Int) -> String {
        (1...count).map { "<p>Paragraph \($0) of the story, which goes on with enough words, commas, and detail to score as prose.</p>" }.joined()
    }

    func extract(_ html: String, select: String? = nil, remove: [String] = []) throws -> Article {
        try extractor.extract(ExtractionInput(html: Data(html.utf8), select: select.map { try! ContentSelector(parsing: $0) },
                                              remove: remove.map { try! ContentSelector(parsing: $0) }))
    }

    @Test func seedStylePageYieldsOnlyTheStory() throws {
        let html = DemoStory.page(version: 1, date: Date(timeIntervalSince1970: 1_718_700_000), request: 3)
        let article = try extract(html)
        let pageParagraphs = html.components(separatedBy: "<p>").dropFirst().compactMap { $0.components(separatedBy: "</p>").first }
        #expect(pageParagraphs.count == 9)
        #expect(article.blocks.map(\.text) == pageParagraphs)
        #expect(article.title == "Valdorian President To Pay First State Visit To Kestria In 18 Years")
        #expect(article.published == "2024-06-18T13:12:00+03:00")
        #expect(article.siteName == "Daily Meridian")
        #expect(article.language == "en")
        for boilerplate in ["Latest News", "Top News", "SEARCH IN NEWS", "HOME PAGE", "Politics", "Storm warning", "About"] {
            #expect(!article.text.contains(boilerplate), "\(boilerplate) leaked into the body")
        }
    }

    /// A standfirst set beside the headline, outside the story's container, opens the story;
    /// a caption, a pull quote or the first paragraph repeated there does not.
    @Test func standfirstBesideTheHeadlineOpensTheStory() throws {
        func page(_ besideHeadline: String) -> String {
            """
            <html><head><title>Storm floods the coast</title></head><body>
            <nav><a href="/">Home</a> <a href="/news">News</a></nav>
            <div class="page"><div class="hero"><h1>Storm floods the coast</h1><p class="byline">By Ana Writer</p>\(besideHeadline)</div>
            <div class="layout"><div class="main"><div class="article-body">
            <p>The storm reached the coast on Tuesday night, flooding roads, homes and fields from the harbour to the river mouth, officials said.</p>
            <p>More than 1,200 people were moved to shelters, according to the regional government, which said the water would take days to recede.</p>
            <p>Rescue teams worked through the night, and schools stayed closed on Wednesday while engineers checked bridges along the coast road.</p>
            </div></div>
            <div class="sidebar"><ul><li><a href="/a">Another story</a></li><li><a href="/b">A third story</a></li></ul></div></div></div>
            </body></html>
            """
        }
        let standfirst = "Thousands were moved to shelters as the water rose faster than forecast."
        let withStandfirst = try extract(page("<p class=\"dek\">\(standfirst)</p>"))
        #expect(withStandfirst.blocks.first?.text == standfirst, "\(withStandfirst.blocks.map(\.text))")
        #expect(withStandfirst.blocks.count == 4)
        let caption = "Flooded streets in the harbour district on Tuesday, seen from a rescue helicopter."
        let withCaption = try extract(page("<figure><img src=\"x.jpg\"><figcaption>\(caption)</figcaption></figure>"))
        #expect(!withCaption.text.contains(caption) && withCaption.blocks.count == 3, "\(withCaption.blocks.map(\.text))")
        // A caption as many German and French templates mark it: a "legend" under the picture.
        let withLegend = try extract(page("<div class=\"image\"><a href=\"x.jpg\"><img src=\"x.jpg\"></a></div><div class=\"legend\"><div class=\"content\">\(caption)</div></div>"))
        #expect(!withLegend.text.contains(caption) && withLegend.blocks.count == 3, "\(withLegend.blocks.map(\.text))")
        let quote = "\u{201C}We have never seen water this high in the harbour,\u{201D} the mayor said on Tuesday."
        #expect(!(try extract(page("<p>\(quote)</p>"))).text.contains(quote))
        let repeated = try extract(page("<p>The storm reached the coast on Tuesday night, flooding roads, homes and fields from the harbour to the river mouth, officials said.</p>"))
        #expect(repeated.text.components(separatedBy: "The storm reached the coast").count == 2, "\(repeated.blocks.map(\.text))")
        // A credit, a bio or a script's text beside the headline is no summary: the standfirst after it is.
        for notSummary in ["Reviewed by Jane Roe, MD, a physician who checks every article on this site before it runs.",
                           "By Ana Writer, a deputy editor who has covered the coast and its storms for over a decade.",
                           "{ let active = [...document.querySelectorAll('.anchor')].map(el => el.id); console.log(active); }"] {
            let withNoise = try extract(page("<p>\(notSummary)</p><p class=\"dek\">\(standfirst)</p>"))
            #expect(withNoise.blocks.first?.text == standfirst && !withNoise.text.contains(notSummary), "\(withNoise.blocks.map(\.text))")
        }
        let byTuesday = "By Tuesday, the water had reached the old town, and thousands were moved to shelters."
        #expect(try extract(page("<p class=\"dek\">\(byTuesday)</p>")).blocks.first?.text == byTuesday)
        // A deck styled as a heading opens the story when it is as long as a paragraph and no
        // paragraph there is one; a short subheading does not.
        let deck = "Thousands were moved to shelters as the water rose faster than forecast, and the regional government said it would take days to recede."
        #expect(try extract(page("<h2>\(deck)</h2>")).blocks.first?.text == deck)
        #expect(try extract(page("<h2>\(deck)</h2><p class=\"dek\">\(standfirst)</p>")).blocks.first?.text == standfirst)
        #expect(!(try extract(page("<h2>Thousands moved to shelters</h2>")).text.contains("Thousands moved")))
    }

    /// Headings whose ids are anchors made from their words ("h-why-use-social-shopping")
    /// are story headings, whatever furniture word the anchor happens to contain.
    @Test func headingAnchorsAreNotFurnitureNames() throws {
        let paragraph = "<p>Brands sell through the apps their customers already use, and the checkout happens without leaving the feed, which raises conversion.</p>"
        let html = "<html><body><article><h1>Social shopping</h1>" + paragraph
            + "<h2 id=\"h-why-use-social-shopping\">Why use social shopping?</h2>" + paragraph + paragraph
            + "<h2 id=\"h-comments-from-sellers\">What sellers told us</h2>" + paragraph + "</article></body></html>"
        let headings = try extract(html).blocks.filter { $0.kind == .heading }.map(\.text)
        #expect(headings == ["Why use social shopping?", "What sellers told us"], "\(headings)")
    }

    /// A picture's caption inside the story is not story text: a swapped photo is not an
    /// edit. The paragraphs around the figure stay, and so does a quotation's attribution.
    @Test func figureCaptionsInsideTheStoryAreLeftOut() throws {
        let caption = "Workers remove a hammer and sickle from a neon sign that reads Glory to Communism, in 1991, as the party lost power."
        let html = """
            <html><body><div class="article-body">
            <p>The storm reached the coast on Tuesday night, flooding roads, homes and fields from the harbour to the river mouth, officials said.</p>
            <figure><img src="a.jpg"><figcaption><span>\(caption)</span> <span>Photo agency</span></figcaption></figure>
            <p>More than 1,200 people were moved to shelters, according to the regional government, which said the water would take days to recede.</p>
            <p>Rescue teams worked through the night, and schools stayed closed on Wednesday while engineers checked bridges along the coast road.</p>
            </div></body></html>
            """
        let article = try extract(html)
        #expect(!article.text.contains("Workers remove a hammer"), "\(article.blocks.map(\.text))")
        #expect(article.blocks.count == 3, "\(article.blocks.map(\.text))")
        // A quotation's attribution and a table's title are content, not picture captions.
        let quoted = html.replacingOccurrences(of: "<img src=\"a.jpg\">", with: "<blockquote><p>We have never seen water this high in the harbour, not in fifty years.</p></blockquote>")
        #expect(try extract(quoted).text.contains("Workers remove a hammer"))
    }

    /// A short story in a page-builder widget (its class sounds like furniture) beside a
    /// "Latest News" grid of excerpts (their classes sound like content): the grid follows a
    /// heading that says it is other stories, so the story is taken instead.
    @Test func aLatestNewsGridIsNotTheStory() throws {
        let story = (1...6).map { "<p>Paragraph \($0) of the story: if someone is hurt at the gym, the waiver they signed may limit, but not end, their claim.</p>" }.joined()
        let excerpt = { (n: Int) in "<article class=\"post\"><h3><a href=\"/p\(n)\">Other story \(n)</a></h3><div class=\"post-excerpt\"><p>Excerpt \(n) of another story, with commas, names, places, dates, and enough words to look like prose in a list of posts.</p></div></article>" }
        let html = "<html><body><div class=\"widget-container\">" + story + "</div><div><h2>Latest News</h2><div class=\"posts-container\">"
            + (1...4).map(excerpt).joined() + "</div></div></body></html>"
        let article = try extract(html)
        #expect(article.text.contains("Paragraph 6 of the story") && !article.text.contains("Excerpt 2"), "\(article.blocks.map(\.text))")
    }

    /// The reverse: a sidebar the template puts first ends with a "Latest News" heading right
    /// before the story's container (the sidebar's class hashed, so nothing names it). A long
    /// story with few links is not a list of teasers, however its heading reads.
    @Test func aLongStoryAfterASidebarsLatestHeadingIsTheStory() throws {
        let story = (1...14).map { "<p>Paragraph \($0) of the review: the app teaches with short daily lessons, spaced repetition, and a chatbot that corrects mistakes.</p>" }.joined()
        let picks = (1...4).map { "<p>Weekly pick \($0), with commas, notes, and links, for every learner who wants to go further, faster.</p>" }.joined()
        let sidebar = "<div class=\"c8f3a1e\">" + picks + "<h4>Latest News</h4></div>"
        let html = "<html><body><aside-wrap><div>" + sidebar + "</div></aside-wrap><main><div class=\"c2b7d90\">" + story + "</div></main></body></html>"
        let article = try extract(html)
        #expect(article.text.contains("Paragraph 1 of the review") && article.text.contains("Paragraph 14 of the review"), "\(article.blocks.map(\.text))")
        #expect(!article.text.contains("Weekly pick 2"), "\(article.blocks.map(\.text))")
    }

    /// A report split over many deeply nested sections, ending in a long list of citations
    /// (commas everywhere): list items count half, so the sections, not the list, are the story.
    @Test func aListOfCitationsDoesNotOutscoreASectionedReport() throws {
        let section = (1...8).map { n in
            "<div class=\"blk\"><div><div><div><h2>Finding \(n)</h2><div class=\"rt\">"
                + (1...4).map { k in "<p>In finding \(n), part \(k), the reviewers compared the groups, the doses, and the outcomes over twelve weeks, and they reported that the effect, while small, held across sites, ages, and the follow-up visits that came later in the study period.</p>" }.joined()
                + "</div></div></div></div></div>"
        }.joined()
        let citations = (1...14).map { n in "<li>Author A, Author B, Author C, et al. Study number \(n) of the practice, its effects, and its safety. Journal of Trials, 2020; 12(\(n)): 100-110.</li>" }.joined()
        let html = "<html><body><main><div class=\"page\">" + section + "<div class=\"blk\"><h2>References</h2><ul>" + citations + "</ul></div></div></main></body></html>"
        let article = try extract(html)
        #expect(article.text.contains("In finding 1, part 1") && article.text.contains("In finding 8, part 4"), "\(article.text.prefix(300))")
    }

    @Test func changingSidebarsDoNotChangeTheStory() throws {
        let a = try extract(DemoStory.page(version: 1, date: Date(timeIntervalSince1970: 1_718_700_000), request: 1))
        let b = try extract(DemoStory.page(version: 1, date: Date(timeIntervalSince1970: 1_718_790_000), request: 4))
        #expect(a.storyText == b.storyText)
    }

    @Test func readsJSONLDMetadata() throws {
        let article = try extract("""
        <html><head><title>Ignored | Site</title>
        <script type="application/ld+json">{"@context":"https://schema.org","@graph":[{"@type":"WebSite","name":"Site"},
          {"@type":"NewsArticle","headline":"JSON-LD Headline","author":[{"@type":"Person","name":"Ana Ruiz"},{"@type":"Person","name":"Li Wei"}],
           "datePublished":"2024-06-18T10:00:00Z","dateModified":"2024-06-19T08:00:00Z","description":"The lead."}]}</script>
        </head><body><article><p>\(String(repeating: "Body text of the article, with commas, and more. ", count: 5))</p></article></body></html>
        """)
        #expect(article.title == "JSON-LD Headline")
        #expect(article.byline == "Ana Ruiz, Li Wei")
        #expect(article.published == "2024-06-18T10:00:00Z")
        #expect(article.modified == "2024-06-19T08:00:00Z")
        #expect(article.lead == "The lead.")
        #expect(article.blocks.count == 1)
    }

    @Test func decodesEntitiesAndNormalisesWhitespace() throws {
        let article = try extract("<html><body><article><p>  Caf&eacute;\n\n  &amp;   bar&nbsp;&nbsp;tab\tend, with enough text to count as a paragraph here. </p></article></body></html>")
        #expect(article.blocks.first?.text == "Café & bar tab end, with enough text to count as a paragraph here.")
    }

    @Test func selectAndRemoveOverrideTheAutomaticChoice() throws {
        let html = """
        <html><body><div id="story"><p>Chosen paragraph.</p><div class="ad">Buy now</div></div>
        <div id="other"><p>\(String(repeating: "A much longer paragraph, which automatic extraction would prefer, ", count: 8))</p></div></body></html>
        """
        let article = try extract(html, select: "#story", remove: [".ad"])
        #expect(article.blocks.map(\.text) == ["Chosen paragraph."])
    }

    /// As browsers do: a page labelled UTF-8 (or unlabelled and almost all UTF-8) with a stray
    /// byte is read as UTF-8 with U+FFFD in its place, not re-read as windows-1252 from start
    /// to end; a legacy page without a label is still windows-1252.
    @Test func strayBytesInUTF8PagesBecomeReplacementCharacters() throws {
        func page(_ meta: String, _ body: [UInt8]) -> Data {
            Data("<html><head>\(meta)</head><body><article><p>".utf8) + Data(body) + Data(", a paragraph long enough to be the story, with commas.</p></article></body></html>".utf8)
        }
        let zurich = Array("Zürich, Genève und Köln".utf8)
        for meta in ["<meta charset=\"utf-8\">", ""] {
            let damaged = page(meta, zurich + [0xFF] + Array(" meldeten Schäden".utf8))
            let text = try extractor.extract(ExtractionInput(html: damaged)).text
            #expect(text.contains("Zürich, Genève und Köln\u{FFFD} meldeten Schäden"), "\(meta): \(text)")
        }
        let viaHTTP = try extractor.extract(ExtractionInput(html: page("", zurich + [0xC3]), charset: "utf-8")).text
        #expect(viaHTTP.contains("Zürich, Genève und Köln\u{FFFD},"), "\(viaHTTP)")
        let legacy = try extractor.extract(ExtractionInput(html: page("", [0x63, 0x61, 0x66, 0xE9, 0x20, 0x63, 0x72, 0xE8, 0x6D, 0x65]))).text
        #expect(legacy.contains("café crème"), "\(legacy)")
        // A page labelled GB2312 that is UTF-8 (common) with one character cut short: still
        // UTF-8 with one U+FFFD, not the whole page read as GBK.
        let chinese = Array("据新华社报道，市议会周二投票批准了新一年的预算，其中包括道路维修、新图书馆分馆以及扩大城市东部地区的公交服务的资金。".utf8)
        let mislabelled = page("<meta charset=\"gb2312\">", chinese + [0xE5, 0xBF] + chinese)
        let read = try extractor.extract(ExtractionInput(html: mislabelled)).text
        #expect(read.contains("的资金。\u{FFFD}据新华社报道"), "\(read)")
    }

    /// A stray NUL (a broken CMS, a bad proxy) is dropped as browsers drop it; libxml2 stopped
    /// reading at it, so the story after it was lost. UTF-16 saved without a byte-order mark
    /// is read as UTF-16, not as NUL-riddled bytes.
    @Test func nulCharactersAndUTF16WithoutByteOrderMark() throws {
        var damaged = Data("<html><body><article><p>First paragraph of the story, long enough, with commas, and more words.</p>".utf8)
        damaged.append(0)
        damaged.append(Data("<p>Second para\u{0}graph after the NUL byte, also long enough, with commas, too.</p></article></body></html>".utf8))
        let text = try extractor.extract(ExtractionInput(html: damaged)).text
        #expect(text.contains("First paragraph of the story") && text.contains("Second paragraph after the NUL byte"), "\(text)")

        let story = "Zürich meldet Schäden, sagte die Polizei am Montag, und die Straßen bleiben gesperrt."
        let page = "<html><head><title>Unwetter</title></head><body><article><p>\(story)</p></article></body></html>"
        for encoding in [String.Encoding.utf16LittleEndian, .utf16BigEndian] {
            let bytes = page.data(using: encoding)!
            #expect(try extractor.extract(ExtractionInput(html: bytes)).text == story, "\(encoding)")
        }
    }

    @Test func legacyEncodingFromHTTPCharset() throws {
        // "Türkçe haber: İstanbul'da şiddetli yağış" in windows-1254.
        let text = "Türkçe haber: İstanbul'da şiddetli yağış, sokaklar sular altında kaldı ve ulaşım aksadı."
        var bytes = Data("<html><body><article><p>".utf8)
        let windows1254: [Character: UInt8] = ["ü": 0xFC, "ç": 0xE7, "İ": 0xDD, "ş": 0xFE, "ğ": 0xF0, "ı": 0xFD]
        bytes.append(contentsOf: text.flatMap { windows1254[$0].map { [$0] } ?? Array(String($0).utf8) })
        bytes.append(Data("</p></article></body></html>".utf8))
        let article = try extractor.extract(ExtractionInput(html: bytes, charset: "windows-1254"))
        #expect(article.blocks.first?.text == text)
    }

    /// Text encoded with Python's codecs (an independent encoder), declared by HTTP or by <meta>.
    @Test(arguments: [
        ("windows-1251", "cceef1eae2e03a20eff0e0e2e8f2e5ebfcf1f2e2ee20eee1faffe2e8ebee20edeee2fbe520ece5f0fb20efeee4e4e5f0e6eae820fdeaeeedeeece8eae82e",
         "Москва: правительство объявило новые меры поддержки экономики."),
        ("shift_jis", "938c8b9e937382cd905682b582a28cf092ca8c7689e682f094ad955c82b582bd8142", "東京都は新しい交通計画を発表した。"),
        ("gbk", "b1b1bea9cad0d5feb8aed0fbb2bcc1cbd0c2b5c4bdbbcda8b9e6bbaea1a3", "北京市政府宣布了新的交通规划。"),
        // Seven-bit: every byte is ASCII, the kanji shifted in by escape sequences.
        ("iso-2022-jp", "1b2442456c357e4554244f3f37243724243872444c375732682472482f493d2437243f21231b2842", "東京都は新しい交通計画を発表した。"),
        // Labels as browsers know them (WHATWG), beyond the names iconv knows.
        ("x-euc-jp", "c5ecb5fec5d4a4cfbfb7a4b7a4a4b8f2c4ccb7d7b2e8a4f2c8afc9bda4b7a4bfa1a3", "東京都は新しい交通計画を発表した。"),
        ("x-mac-cyrillic", "8ceef1eae2e03a20eff0e0e2e8f2e5ebfcf1f2e2ee20eee1fadfe2e8ebee20edeee2fbe520ece5f0fb2e", "Москва: правительство объявило новые меры."),
        ("iso-8859-8-i", "eee5f2f6fa20e4f2e9f820e0e9f9f8e420e0fa20e4faf7f6e9e120e4e7e3f92e", "מועצת העיר אישרה את התקציב החדש."),
        ("korean", "bdc3c0c7c8b8b4c220bbf520bfb9bbeac0bb20bdc2c0cec7dfb4d92e", "시의회는 새 예산을 승인했다."),
        ("x-x-big5", "a5abc4b3b77ca7e5ade3a446b773a440a67eaabab977bae2a143", "市議會批准了新一年的預算。"),
        // A label no browser knows is ignored: the default, windows-1252.
        ("win-1251", "4d6f73636f7720e92074e9", "Moscow é té"),
        ("iso-8859-9", "416e6b6172612764612068fc6bfc6d65742079656e6920656b6f6e6f6d696b20f66e6c656d6c65722061e7fd6b6c6164fd2e",
         "Ankara'da hükümet yeni ekonomik önlemler açıkladı."),
    ])
    func legacyEncodings(charset: String, hex: String, expected: String) throws {
        var encoded = Data()
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            encoded.append(UInt8(hex[index..<next], radix: 16)!)
            index = next
        }
        func page(meta: Bool) -> Data {
            var html = Data("<html><head>\(meta ? "<meta charset=\"\(charset)\">" : "")</head><body><article><p>".utf8)
            html.append(encoded)
            html.append(Data("</p></article></body></html>".utf8))
            return html
        }
        let viaHTTP = try extractor.extract(ExtractionInput(html: page(meta: false), charset: charset))
        #expect(viaHTTP.blocks.first?.text == expected)
        let viaMeta = try extractor.extract(ExtractionInput(html: page(meta: true)))
        #expect(viaMeta.blocks.first?.text == expected)
    }

    @Test func hostileInputsDoNotCrash() throws {
        #expect(try extract("").blocks.isEmpty)
        var garbage = SeededGenerator(seed: 7)
        let binary = Data((0..<100_000).map { _ in UInt8.random(in: 0...255, using: &garbage) })
        _ = try extractor.extract(ExtractionInput(html: binary))
        let deep = String(repeating: "<div>", count: 100_000) + "deep text" + String(repeating: "</div>", count: 100_000)
        _ = try extract(deep)
        // A 20 MB page: thousands of paragraphs, all of them kept.
        let paragraph = "<p>A long story keeps going, paragraph after paragraph, with commas, clauses and numbers like 42.</p>"
        let big = "<html><body><article>" + String(repeating: paragraph, count: 20_000_000 / paragraph.utf8.count) + "</article></body></html>"
        let article = try extract(big)
        #expect(article.blocks.count == 20_000_000 / paragraph.utf8.count)
    }

    @Test func mislabelledUTF8IsReadAsUTF8() throws {
        let html = "<html><head><meta charset=\"gb2312\"></head><body><article><p>深度学习的新进展，研究人员发表了论文，内容涉及记忆网络与推理能力的结合。</p></article></body></html>"
        let article = try extract(html)
        #expect(article.blocks.first?.text == "深度学习的新进展，研究人员发表了论文，内容涉及记忆网络与推理能力的结合。")
    }

    @Test func datelinesTeasersAndCaptionsAreNotStory() throws {
        let story = storyParagraphs(5)
        let html = """
        <html><body><article><h1>Headline</h1><p>Updated 12:24 am EST, Wednesday, November 20, 2019</p><p>By Jane Roe</p>
        \(story)<p>Related: Another story you might click</p><p>The protests began in June (Image: GETTY)</p>
        <h3>You may also like</h3><p>Some other story, with a teaser line that looks like prose, and commas.</p></article></body></html>
        """
        let article = try extract(html)
        #expect(article.blocks.map(\.text) == (1...5).map { "Paragraph \($0) of the story, which goes on with enough words, commas, and detail to score as prose." })
        // Blog and CMS templates' own furniture, in English, German and Spanish.
        let templated = """
        <html><body><article><h1>Headline</h1>\(story)<p>This entry was posted in News and tagged storm, coast.</p>
        <p>Auch lesen: Another story you might click</p><p>Artikel bewerten</p><p>Flooded harbour at dawn. © Jane Roe / Agency</p>
        <p>In this Nov. 5, 2019, file photo, rescue workers carry sandbags along the harbour wall.</p><p>More articles from Jane Roe</p><p>[email protected]</p>
        <p>Der Hafen am Morgen nach dem Sturm (Foto: picture alliance/dpa)</p><p>Photograph by Ed Marshall, Harbour Trust</p><p>Image: Harbour Trust</p>
        <p>War der Artikel nützlich?</p><p>Was this article helpful?</p><p>COMPARTIR NOTA</p>
        <p>VEA TAMBIÉN: Otra noticia que podría interesarle</p><p>Like this:</p><p>Like Loading...</p><p>Gefällt mir:</p><p>Lesen Sie hier: Eine andere Geschichte</p>
        <p>Editorial Note: this site may contain affiliate links. If you buy through them, we may earn a commission.</p>
        <p>Crédits photos : Bestimage</p><p>Bildnachweis: Quelle, cc-Lizenz</p><p>Permalink: https://example.org/p/42</p>
        <p>Tags: Eigentum, Facebook, Open Source</p><p>Kategorie: Erste Versuche</p><p>Abgelegt unter Aktuelles</p>
        <p>Zurück zur Übersicht</p><p>Weiterlesen</p><p>Read More</p><p>Folgen Sie uns auf Twitter</p><p>Diesen Artikel teilen</p><p>Drucken</p>
        <p>Unterstützen Sie unabhängigen Journalismus!</p><p>Hágase miembro ahora</p><p>Donate</p>
        <p>Pin Recipe</p><p>Did you make this recipe? Tag @janeroe on Instagram</p>
        <h3>Aktuellste Beiträge</h3><p>Some other story, with a teaser line that looks like prose, and commas.</p></article></body></html>
        """
        #expect(try extract(templated).blocks.map(\.text) == article.blocks.map(\.text))
        // Captions outside <figcaption>, told by the agency credit closing them; a sentence
        // that names an agency stays.
        let credited = "<p>WikiLeaks founder Julian Assange (AFP)</p><p>Flooded streets in Madrid, Tuesday, Nov. 19, 2019. (Manu Fernandez/AP)</p><p>Michael Conroy, AP</p><p>Sex Offender Registry via AP</p>"
        let sentence = "The figures were first reported by Reuters and confirmed by AP"
        let captioned = try extract("<html><body><article><h1>Headline</h1>\(story)\(credited)<p>\(sentence).</p></article></body></html>").blocks.map(\.text)
        #expect(captioned == article.blocks.map(\.text) + [sentence + "."], "\(captioned)")
        // A duration is not a date: a recipe's time and a trip's day stay, a stamp goes.
        let durations = try extract("<html><body><article><h1>Headline</h1><p>Updated 5 min ago</p>\(story)<h3>Day 7</h3><p>15 – 30 Min</p></article></body></html>").blocks.map(\.text)
        #expect(durations == article.blocks.map(\.text) + ["Day 7", "15 – 30 Min"], "\(durations)")
        // The author box closing a story goes; the same kind of sentence mid-story is news.
        let news = "Evan Roe is a freelance writer, and he was detained on Tuesday while covering the flood, his lawyer said."
        let withBio = try extract("<html><body><article><h1>Headline</h1>\(story)<p>\(news)</p>\(story.replacingOccurrences(of: "Paragraph", with: "Section"))<p>Jane Roe is a freelance writer and researcher. She has written for many outlets.</p></article></body></html>")
        #expect(withBio.text.contains(news) && !withBio.text.contains("researcher"), "\(withBio.blocks.map(\.text))")
        // Long bios (a paragraph of career) and "has written for" bios close stories too.
        let career = String(repeating: " With a background in health reporting, she has covered gardens, homes and the people in them.", count: 6)
        let longBio = try extract("<html><body><article><h1>Headline</h1>\(story)<p>Arricca Elin SanSone is a writer, editor, and content creator.\(career)</p></article></body></html>")
        #expect(!longBio.text.contains("SanSone"), "\(longBio.blocks.map(\.text))")
        // Bios of contributors who are not journalists: a company's owner, a specialist, a new hire.
        for bio in ["Karina Cohen is the owner of CR Maids, a local cleaning company serving the Greater Denver area.",
                    "Camille is a content specialist at Yoast, where she writes guides for site owners.",
                    "Emiliano joined pv magazine in March 2017. He has been reporting on solar energy since 2009.",
                    "Jule Radeck studierte Sportwissenschaften, bevor sie als Volontärin nach Hamburg zog.",
                    "Anna Beispiel ist freie Journalistin und lebt in Leipzig."] {
            let closed = try extract("<html><body><article><h1>Headline</h1>\(story)<p>\(bio)</p></article></body></html>")
            #expect(closed.blocks.map(\.text) == article.blocks.map(\.text), "\(closed.blocks.map(\.text))")
        }
        let wroteFor = try extract("<html><body><article><h1>Headline</h1>\(story)<p>Lauren has written for the Events blog since 2018. She covers tools and planning.</p></article></body></html>")
        #expect(!wroteFor.text.contains("Lauren") && wroteFor.text.contains("Paragraph 5"), "\(wroteFor.blocks.map(\.text))")
        // A "Leave a comment" button mid-post is a link, not the heading that ends the story.
        let button = try extract("<html><body><article><h1>Headline</h1>\(story)<p><a href=\"/p/x/comments\">Leave a comment</a></p>\(story.replacingOccurrences(of: "Paragraph", with: "Section"))</article></body></html>")
        #expect(button.text.contains("Section 5 of the story"), "\(button.blocks.map(\.text))")
        // A story about affiliate marketing keeps its sentences; only a site's own disclosure goes.
        let aboutAffiliates = "Streamers earn a commission when viewers buy games, gear, or software via affiliate links."
        let reported = try extract("<html><body><article><h1>Headline</h1>\(story)<p>\(aboutAffiliates)</p></article></body></html>")
        #expect(reported.text.contains(aboutAffiliates))
        // Reading-time labels, ad labels, rating widgets and paywall prompts between paragraphs go.
        let labels = "<p>11 min read</p><p>| Reading Time: 7 minutes</p><p>Lesezeit: 2 Minuten</p><p>5 Minuten Lesezeit</p><p>Estimated reading time:</p><p>Anzeige</p><p>Publicidad</p>"
            + "<p>How useful was this post?</p><p>Click on a star to rate it!</p><p>Average rating 5 / 5. Vote count: 1</p>"
            + "<p>Already have an account? Log in</p><p>This article is exclusive to Example+ subscribers</p><p>View author page</p>"
            + "<p>Advert</p><p>Reach the reporters on Twitter at http://twitter.com/example</p><p>Follow AP's full coverage of Brexit at https://apnews.com/Brexit</p>"
            + "<p>More AP NBA: https://apnews.com/NBA</p><p>Follow me on Twitter or LinkedIn. Check out my website.</p><p>Tell us what YOU think...</p>"
            + "<p>segunda-feira, 22 de janeiro de 2018 às 0:13</p><p>Dienstag, 1. Februar 2022</p><p>03. November 2021 um 15:18 Uhr</p><p>mardi 5 juin 2018</p>"
            + "<p>4 de mayo de 2022 - 00:38</p><p>Keine Kommentare</p><p>Nessun commento</p><p>Tempo de leitura: 1 minuto</p><p>Media playback is unsupported on your device</p>"
            + "<p>By</p><p>Edited by</p><p>Reviewed by</p><p>Table of Contents</p><p>Inhaltsverzeichnis</p><p>Listen to this article in summarized format</p>"
            + "<p>Chat with us in Facebook Messenger. Find out what's happening in the world as it unfolds.</p>"
            + "<p>Liken Sie uns auf Facebook</p><p>Like us on Facebook</p>"
            + "<p>0 Kommentare</p><p>Kommentare (0)</p><p>Schreibe einen Kommentar:</p><p>To view or add a comment, sign in</p>"
            + "<p>Para comentar debes registrarte y completar los datos generales.</p><p>Post Comment (+)</p>"
            + "<p>Hinterlasse jetzt einen Kommentar</p><p>Kommentieren</p><p>Dodaj komentarz</p><p>Pingback: Die besten Links der Woche – Ein anderes Blog</p>"
            + "<p>Previous article</p><p>In this article:</p><p>↑ Back to Top</p><p>Show Caption</p><p>1 Share</p><p>1,693 views</p>"
            + "<p>SMS Facebook Twitter Email</p><p>Add as a Reliable and Trusted News Source</p>"
            + "<p>Posted by David at December 16, 2025 11:15 AM</p><p>By: Jane Roe, Dec 17, 2025</p>"
            + "<p>Autoren:</p><p>Beitragsbild: Titelseite der Zeitung vom 2.4.2019, Ausriss.</p><p>Advertising Disclosure</p>"
            + "<p>Von Cosima Künzel</p><p>Por Gustavo E. Méndez</p><p>Von Markus Balser, Berlin</p>"
            + "<p>Empfohlener redaktioneller Inhalt</p><p>An dieser Stelle findet Ihr einen externen Inhalt von Instagram, der den Artikel ergänzt.</p>"
            + "<p>You can update your privacy settings to enable this content. Please enable all cookies to use this feature.</p>"
            + "<p>Twitter freischalten</p><p>Wir respektieren deine Privatsphäre und stellen deshalb ohne dein Einverständnis keine Verbindung zu Twitter her.</p><p>Datenschutzeinstellungen verwalten</p>"
            + "<p>This post contains references to products from one or more of our advertisers. We may receive compensation when you click on links to those products.</p>"
            + "<p>Will Smith bei der Premiere in Berlin. Judy Eddy/WENN.com</p><p>Der Bundestag in Berlin. picture alliance/dpa</p>"
            + "<p>HAZTE MIEMBRO Y DISFRUTA DE BENEFICIOS EXCLUSIVOS</p><p>Hier geht es zur neuen Vorstandsstruktur</p><p>[Read more: A Guide to Small Business Accounting]</p>"
            + "<p>¿Ya sabías que tenemos canal de Telegram? Únete desde tu celular.</p><p>drukuj</p><p>Condividi</p>"
            + "<p>Cafe im Bohnenviertel. Foto: Stuttgart Marketing</p><p>Tegnell at one of the agency's daily briefings. Photo: Jonathan Nackstrand/AFP</p>"
        let labelled = try extract("<html><body><article><h1>Headline</h1>\(labels)\(story)\(labels)\(story)</article></body></html>")
        #expect(labelled.blocks.map(\.text) == article.blocks.map(\.text) + article.blocks.map(\.text), "\(labelled.blocks.map(\.text))")
        // A site's most-read list and "you may like" in Portuguese and Italian end the story.
        for heading in ["Popular on IndieWire", "Trending at The Hill", "Você pode gostar...", "Potrebbe piacerti anche", "Empfehlungen der Redaktion",
                        "Audios et vidéos sur le sujet"] {
            let ended = try extract("<html><body><article><h1>Headline</h1>\(story)<h3>\(heading)</h3><p>Some other story, with a teaser line that looks like prose, and commas.</p></article></body></html>")
            #expect(ended.blocks.map(\.text) == article.blocks.map(\.text), "\(heading): \(ended.blocks.map(\.text))")
        }
        // "Bild:" after a word is prose, not a credit.
        let picture = "Die Bilder zeichnen ein klares Bild: Deutsche fühlen sich im Alltag bedroht, und das seit Jahren."
        #expect(try extract("<html><body><article><h1>Headline</h1>\(story)<p>\(picture)</p></article></body></html>").text.contains(picture))
        // A sentence about comments is the author's; only the comment section's labels go.
        let aboutComments = "Comments from readers poured in after the first story, and 120 of them asked the same question."
        #expect(try extract("<html><body><article><h1>Headline</h1>\(story)<p>\(aboutComments)</p></article></body></html>").text.contains(aboutComments))
        // A breadcrumb ending with the headline, and a byline label with a colon, above the story go.
        let trail = try extract("<html><body><article><h1>Headline</h1><p>Home Climate Headline</p><p>Written by: Julie Mollins</p>\(story)</article></body></html>")
        #expect(trail.blocks.map(\.text) == article.blocks.map(\.text), "\(trail.blocks.map(\.text))")
        // Linked section labels above the story go; the same link inside it stays.
        let kicked = try extract("<html><body><article><p><a href=\"/promis\">Promis</a></p><p><a href=\"/tv\">TV</a></p><h1>Headline</h1>\(story)<p><a href=\"/promis\">Promis</a></p></article></body></html>")
        #expect(kicked.blocks.map(\.text) == article.blocks.map(\.text) + ["Promis"], "\(kicked.blocks.map(\.text))")
        // A heading that opens with "Von" is no byline unless only names follow.
        let route = try extract("<html><body><article><h1>Headline</h1>\(story)<h2>Von Berlin nach Hamburg</h2>\(story)</article></body></html>")
        #expect(route.text.contains("Von Berlin nach Hamburg"))
        // A signature without a date is kept (Readability keeps it); a dated one is a byline.
        let signature = "Posted by Andrew Hayden, Software Engineer on Google Play"
        #expect(try extract("<html><body><article><h1>Headline</h1>\(story)<p>\(signature)</p></article></body></html>").text.contains(signature))
        // A sentence about reading time is story text; only the label goes.
        let aboutReading = "Reading time: 20 minutes a day, the study found, was enough to lift scores."
        #expect(try extract("<html><body><article><h1>Headline</h1>\(story)<p>\(aboutReading)</p></article></body></html>").text.contains(aboutReading))
    }

    @Test func linkedDataBodyWhenThePageShowsFarLess() throws {
        let sentences = (1...6).map { "Paragraph \($0): the council voted on Tuesday to close the harbour, a decision fishermen & traders had opposed for months." }
        func page(body: String, shown: String) -> String {
            let ld = #"{"@context":"https://schema.org","@type":"NewsArticle","headline":"Harbour closes","articleBody":"\#(body)"}"#
            return "<html><head><title>Harbour closes</title><script type=\"application/ld+json\">\(ld)</script></head><body><h1>Harbour closes</h1>\(shown)<script>render()</script></body></html>"
        }
        // Rendered by script: the page body is an empty mount point; the stated body is the story.
        let rendered = try extract(page(body: sentences.joined(separator: "\\n"), shown: "<div id=\"root\"></div>"))
        #expect(rendered.blocks.map(\.text) == sentences)
        #expect(rendered.extraction?.method == .linkedData)
        // Markup and entities inside the stated body are read as markup.
        let marked = try extract(page(body: sentences.map { "<p>\($0.replacingOccurrences(of: "&", with: "&amp;"))</p>" }.joined(), shown: "<div id=\"root\"></div>"))
        #expect(marked.blocks.map(\.text) == sentences)
        let divided = try extract(page(body: sentences.map { "<div>\($0.replacingOccurrences(of: "&", with: "&amp;"))</div>" }.joined(), shown: "<div id=\"root\"></div>"))
        #expect(divided.blocks.map(\.text) == sentences)
        // A page that shows its story keeps the page's reading (headings, order, its own text),
        // even when the stated body differs.
        let shown = "<article>" + sentences.map { "<p>\($0)</p>" }.joined() + "</article>"
        let full = try extract(page(body: sentences.prefix(2).joined(separator: "\\n") + " Extra sentence only in the metadata.", shown: shown))
        #expect(full.blocks.map(\.text) == sentences)
        #expect(full.extraction?.method == .container)
        // A page cut to a teaser: its one paragraph is a sixth of the stated story.
        let cut = try extract(page(body: sentences.joined(separator: "\\n"), shown: "<article><p>\(sentences[0])</p></article>"))
        #expect(cut.blocks.map(\.text) == sentences)
        // A short stated body is no reason to distrust a page that shows a story...
        let summary = sentences[0] + " " + sentences[1]
        let shownStory = try extract(page(body: summary, shown: "<article><p>\(sentences[2])</p><p>\(sentences[3])</p></article>"))
        #expect(shownStory.extraction?.method != .linkedData && shownStory.text.contains("Paragraph 3"))
        // ...but better than nothing on a page that shows none; a mere phrase is not a story.
        let onlyStated = try extract(page(body: summary, shown: "<div id=\"root\"></div>"))
        #expect(onlyStated.extraction?.method == .linkedData && onlyStated.text.contains("Paragraph 2"))
        let teaser = try extract(page(body: "Short summary of the story.", shown: "<div id=\"root\"></div>"))
        #expect(teaser.extraction?.method != .linkedData)
    }

    /// A linked name in a data table's cell is the table's data, even wrapped in a `<div>`;
    /// a box of several links beside the table is still a box of links.
    /// A paragraph set in a `<div>` (nothing block-level inside) with a linked name or two is
    /// story, as a `<p>` is; a short line of little but a link is still furniture.
    @Test func divParagraphsWithLinksAreStory() throws {
        let linked = "<div>The minister, <a href=\"/p/1\">Anna Schmidt</a>, met the <a href=\"/o/2\">Federal Audit Office</a> on Monday, and "
            + "<a href=\"/t/3\">the committee</a> will report in June.</div>"
        let promo = "<div><a href=\"/mba\">Learn more about the programme</a> here</div>"
        let html = "<html><body><article>" + storyParagraphs(3) + linked + promo + storyParagraphs(3) + "</article></body></html>"
        let text = try extract(html).text
        #expect(text.contains("met the Federal Audit Office on Monday, and the committee will report in June."), "\(text)")
        #expect(!text.contains("Learn more about the programme"), "\(text)")
    }

    @Test func linkedCellValuesAreData() throws {
        let rows = ["Farm Heroes Super Saga", "Google Maps", "Netflix"].map { name in
            "<tr><td><div><a href=\"https://play.example/\(name.count)\">\(name)</a></div></td><td><div>Download size before and after the change, measured on the same phone</div></td><td><div>12.5 MB, 38% smaller</div></td></tr>"
        }.joined()
        let html = "<html><body><article><h1>Headline</h1>\(storyParagraphs(4))<table>\(rows)</table><div><a href=\"/a\">Home</a> <a href=\"/b\">World news</a> <a href=\"/c\">Sport</a></div></article></body></html>"
        let lines = try extract(html).blocks.map(\.text)
        #expect(lines.contains("Farm Heroes Super Saga") && lines.contains("Netflix"), "\(lines)")
        #expect(!lines.contains { $0.contains("World news") }, "\(lines)")
    }

    @Test func aLetterWithATableOfSignatoriesIsTheArticleNotTheTable() throws {
        let letter = (1...10).map { "<p>Paragraph \($0) of the letter argues that open debate is the lifeblood of a free society and must be defended by all of us.</p>" }.joined()
        let names = (1...2).map { column in "<td><span>" + (1...30).map { "<strong>Name \(column)-\($0)</strong>, <span>Rutgers University</span><br>" }.joined() + "</span></td>" }
        // Two columns of names in one row, and an empty row, as the page had it.
        let rows = "<tr>" + names.joined() + "</tr><tr><td></td></tr>"
        let html = "<html><body><article class=\"post\"><h1>A Letter</h1><div class=\"wysiwyg-content\">\(letter)<table><tbody>\(rows)</tbody></table></div></article></body></html>"
        let text = try extract(html).text
        #expect(text.contains("Paragraph 10 of the letter") && text.contains("Name 2-30, Rutgers University"), "\(text)")
    }

    @Test func aSectionWithListsOfLinksIsStillStory() throws {
        let story = (1...5).map { "<p>Paragraph \($0) of the report, which goes on with enough words, commas, and detail to score as prose.</p>" }.joined()
        let patches = (1...12).map { "<li><a href=\"https://example.org/p/\($0)\">libgccjit: patch number \($0) for the backend</a></li>" }.joined()
        let prose = "<p>Many patches were sent for review this month and I hope most of them land before the next release of the compiler.</p><p>I sent all the patches that were ready in the hope that we can stay as close to upstream as possible.</p>"
        let section = "<div class=\"sect1\"><h2>GCC patches status</h2><div class=\"sectionbody\">\(prose)<ul>\(patches)</ul><ul>\(patches)</ul></div></div>"
        let report = try extract("<html><body><article><h1>Progress report</h1>\(story)\(section)\(story)</article></body></html>")
        #expect(report.text.contains("Many patches were sent") && report.text.contains("GCC patches status"), "\(report.blocks.map(\.text))")
        // Short sentences and one paragraph of prose of its own are enough (its lists still go).
        let terse = "<p>Some progress on the GCC side.</p><p>Many were sent for review:</p><ul>\(patches)</ul><p>I sent every patch that was ready, hoping we can stay as close to upstream as we can.</p>"
        let terseReport = try extract("<html><body><article><h1>Progress report</h1>\(story)<div class=\"sect1\"><h2>GCC patches status</h2><div class=\"sectionbody\">\(terse)</div></div>\(story)</article></body></html>")
        #expect(terseReport.text.contains("GCC patches status") && terseReport.text.contains("Many were sent for review:"), "\(terseReport.blocks.map(\.text))")
        // The same box under a teaser heading, or a grid of teasers under no heading, is not.
        let teasers = (1...6).map { "<div class=\"card\"><a href=\"/t/\($0)\">Teaser \($0): another story on this site with a long linked title</a><p>An excerpt of that other story, long enough to read like a paragraph of prose on its own.</p></div>" }.joined()
        let grid = try extract("<html><body><article><h1>Progress report</h1>\(story)<div class=\"grid\">\(teasers)</div>\(story)</article></body></html>")
        #expect(!grid.text.contains("Teaser"), "\(grid.blocks.map(\.text))")
    }

    @Test func numberedTextBlocksWithoutClassesAreChunksOfOneStory() throws {
        // A CMS writes each text block into its own table row, told apart only by a numbered id,
        // and the blocks differ in length (the first scores well ahead of the others).
        func cell(_ n: Int, sentences: Int) -> String {
            let text = (1...sentences).map { "Section \(n), tip \($0): carry water, cash, and a copy of your passport, as officials advise" }.joined(separator: "<br>")
            return "<tr><td></td><td id=\"Text\(36940 + n)\"><p>\(text).</p></td><td></td></tr>"
        }
        let rows = cell(1, sentences: 12) + cell(2, sentences: 7) + cell(3, sentences: 6)
        let html = "<html><body><table><tr><td class=\"nav\"><a href=\"/\">Home</a></td></tr></table><table>\(rows)</table></body></html>"
        let text = try extract(html).text
        #expect((1...3).allSatisfy { text.contains("Section \($0), tip 1:") }, "\(text)")
    }

    @Test func aComponentsBodyIsNotAContentName() throws {
        // A shop's contact panel ("panel-body") outscored the region's description on the
        // "body" in its class; Bootstrap names every box's inside that way.
        let story = (1...5).map { "<p>Paragraph \($0) of the description goes on long enough to read as prose, about the region and its wines and the valleys.</p>" }.joined()
        let address = ["Wine shop of the region in the city", "Owner and proprietor of the wine shop", "Street of the shop, number eighteen", "Opening hours Monday to Friday noon to seven"]
        let panel = "<div class=\"panel\"><div class=\"panel-body\">" + address.map { "<p>\($0)</p>" }.joined() + "</div></div>"
        let page = try extract("<html><body><div class=\"row\"><div class=\"col-md-9\"><div>\(story)</div></div><div class=\"col-md-3\">\(panel)</div></div></body></html>")
        #expect(page.text.contains("Paragraph 5 of the description") && !page.text.contains("Opening hours"), "\(page.text)")
        #expect(!ClassWords.soundsLikeContent(KeywordSet.signature("card-body")))
        #expect(!ClassWords.soundsLikeContent(KeywordSet.signature("panel-body panel-primary")))
        #expect(ClassWords.soundsLikeContent(KeywordSet.signature("card-body post-content")))
        #expect(ClassWords.soundsLikeContent(KeywordSet.signature("article-body")))
        #expect(ClassWords.soundsLikeContent(KeywordSet.signature("body")))
    }

    @Test func linkedHeadlinesInCapitalsAreOtherStories() throws {
        let story = storyParagraphs(4)
        let teaser = "<p><strong><a href=\"/entertainment/taylor-swift-amas\">TAYLOR SWIFT CLEARED TO PERFORM HITS AT AMAS AMID FEUD</a></strong></p>"
        // Scripts without case have no capitals: a linked Arabic line is not shouting.
        let kept = "<h2>WHAT YOU NEED TO MAKE JAM</h2><p>LAURIE OAKES IS THE NINE NETWORK POLITICAL EDITOR</p><p><a href=\"/deals/tv\">Samsung 65-inch QLED TV for $999 at Best Buy</a></p>"
            + "<p><a href=\"/ar/report\">التقرير الكامل عن الانتخابات البرلمانية في المنطقة</a></p>"
        let text = try extract("<html><body><article><h1>Headline</h1>\(story)\(teaser)\(story)\(kept)</article></body></html>").text
        #expect(!text.contains("TAYLOR SWIFT"), "\(text)")
        #expect(text.contains("WHAT YOU NEED TO MAKE JAM") && text.contains("LAURIE OAKES IS THE NINE") && text.contains("Samsung 65-inch"), "\(text)")
        #expect(text.contains("التقرير الكامل عن الانتخابات"), "\(text)")
    }

    @Test func whatShowsOnHoverIsNotText() throws {
        let story = storyParagraphs(4)
        // A glossary term's definition, a politician's card of links, a share popover...
        let glossary = "<p>Organic traffic and <dfn class=\"Term_term__m2Q\">keyword</dfn><span class=\"Term_tooltip__8VN\"><span class=\"Term_tooltipBubble__mu\"><strong>Keyword</strong><br>A keyword is what users write into a search engine.<br><a href=\"/glossary/keyword\">Learn more</a></span></span> rankings are now directional indicators.</p>"
        let card = "<p>He threatened Rep. <span class=\"rollover-people\"><a class=\"rollover-people-link\" href=\"/people/ilhan-omar\">Ilhan Omar</a><span class=\"rollover-people-block\"><span class=\"rollover-block\"><a class=\"name\" href=\"/people/ilhan-omar\">Ilhan Omar</a><a href=\"/policy/1\">Hillicon Valley: Progressives oppose rider</a></span></span></span> (D-Minn.) in calls.</p>"
        let share = "<div class=\"popover\"><div class=\"popover-content\">Share this story on your networks today</div></div>"
        // ...but a term that carries its tooltip inside it is the sentence's word.
        let trigger = "<p>The <span class=\"tooltip\">quorum<span class=\"tooltiptext\">The minimum number of members present</span></span> was reached at noon.</p>"
        let text = try extract("<html><body><article><h1>Headline</h1>\(story)\(glossary)\(card)\(share)\(trigger)\(story)</article></body></html>").text
        #expect(text.contains("Organic traffic and keyword rankings are now directional indicators."), "\(text)")
        #expect(text.contains("He threatened Rep. Ilhan Omar (D-Minn.) in calls."), "\(text)")
        #expect(text.contains("The quorum was reached at noon."), "\(text)")
        #expect(!text.contains("Learn more") && !text.contains("Share this story") && !text.contains("minimum number"), "\(text)")
    }

    @Test func aSiblingNeedsAQuarterOfTheStorysScore() throws {
        // A box beside the story with a little prose of its own (a firm's pitch) stays out;
        // one with a third as much as the story is more of it.
        func box(_ count: Int) -> String {
            (1...count).map { "<p>Pitch \($0): our attorneys, with decades of practice, answer your questions, free of charge, today.</p>" }.joined()
        }
        for (count, joins) in [(4, false), (8, true)] {
            let page = "<html><body><div class=\"wrap\"><div class=\"story\">\(storyParagraphs(20))</div><div class=\"pitch\">\(box(count))</div></div></body></html>"
            let text = try extract(page).text
            #expect(text.contains("Pitch 1:") == joins, "\(count) paragraphs: \(text.suffix(300))")
        }
    }

    @Test func orderedListItemsCarryTheirNumbers() throws {
        let ranking = "<h2>The best phones</h2><ol><li>Pixel 9</li><li><p>iPhone 16</p><p>Its camera is the best we tested, with a night mode that works.</p></li><li>1. Galaxy S25 (numbered by hand)</li></ol>"
        let steps = "<ol start=\"4\"><li>Fold it flat.</li><li>Make one cut, with <a href=\"/s\">scissors</a>.<ul><li>Straight</li></ul></li></ol><ul><li>A bullet</li></ul>"
        let lines = try extract("<html><body><article><h1>Headline</h1>\(storyParagraphs(4))\(ranking)\(steps)</article></body></html>").blocks.map(\.text)
        let list = Array(lines.drop { !$0.hasPrefix("The best phones") }.dropFirst())
        #expect(list == ["1. Pixel 9", "2. iPhone 16", "Its camera is the best we tested, with a night mode that works.", "1. Galaxy S25 (numbered by hand)",
                         "4. Fold it flat.", "5. Make one cut, with scissors.", "Straight", "A bullet"], "\(lines)")
    }

    @Test func aDateWithItsBylineOrTimeIsNotStory() throws {
        let story = storyParagraphs(5)
        let expected = (1...5).map { "Paragraph \($0) of the story, which goes on with enough words, commas, and detail to score as prose." }
        for line in ["October 11, 2023 by Autumn Huerter", "05/10/2018 - Publicado por: Clarissa Borba - Categoria: Saúde",
                     "November 20, 2019 - 11:28 AMT", "November 20, 2019 Emiliano Bellini", "3rd March 2021 | By Jane Roe"] {
            let lines = try extract("<html><body><article><h1>Headline</h1><p>\(line)</p>\(story)</article></body></html>").blocks.map(\.text)
            #expect(lines == expected, "\(line): \(lines)")
        }
        // Further down, a date and a name is a timeline's entry; a date opening a sentence is prose.
        let timeline = "<p>December 7, 1941 Pearl Harbor</p><p>June 6, 1944 by sea and by air, the landings began.</p>"
        let lines = try extract("<html><body><article><h1>Headline</h1>\(story)\(timeline)</article></body></html>").blocks.map(\.text)
        #expect(lines.suffix(2) == ["December 7, 1941 Pearl Harbor", "June 6, 1944 by sea and by air, the landings began."], "\(lines)")
    }

    @Test func theSectionNamedAboveTheStoryIsALabel() throws {
        let story = storyParagraphs(4)
        let expected = (1...4).map { "Paragraph \($0) of the story, which goes on with enough words, commas, and detail to score as prose." }
        let ld = #"<script type="application/ld+json">{"@type":"NewsArticle","headline":"Headline here","articleSection":["Promis","Unterhaltung"]}</script>"#
        let html = "<html><head>\(ld)</head><body><article><div class=\"kicker\"><span>Promis</span></div><h2>Headline here</h2><p>Veröffentlichung: 2. Februar 2022</p>\(story)</article></body></html>"
        let lines = try extract(html).blocks.map(\.text)
        #expect(lines == expected, "\(lines)")
        // The same word is story text where the page names another section, or none.
        let other = html.replacingOccurrences(of: "\"Promis\",", with: "")
        #expect(try extract(other).blocks.map(\.text).first == "Promis")
    }

    @Test func anInlineDatelineOpensTheStory() throws {
        let story = storyParagraphs(4)
        let html = "<html><body><article><h1>Headline</h1><div class=\"dateline\">Updated by the desk, Nov 19, 6:55 AM</div><p><span class=\"dateline\">CAIRO —</span> Gunmen opened fire on visitors at the museum on Wednesday.</p>\(story)</article></body></html>"
        let text = try extract(html).text
        #expect(text.hasPrefix("CAIRO — Gunmen opened fire"), "\(text)")
        #expect(!text.contains("Updated by the desk"), "\(text)")
    }

    @Test func streamedChunksAreReadWhereTheirPlaceholderSits() throws {
        // React's streamed server rendering: the story's later parts arrive hidden at the end
        // of <body>, and a script swaps each for its placeholder and the fallback after it.
        let intro = (1...3).map { "<p>Opening paragraph \($0) of the story, with enough words, commas, and detail to score as prose.</p>" }.joined()
        let streamed = (1...4).map { "<p>Streamed paragraph \($0) of the story, with enough words, commas, and detail to score as prose.</p>" }.joined()
        let html = """
        <html><body><article><h1>Cloud stocks</h1>\(intro)<!--$?--><template id="B:1"></template><div>Loading paragraph...</div><!--/$-->
        <p>Closing paragraph of the story, after the placeholder, with words, commas, and detail enough.</p></article>
        <footer><p>Site footer</p></footer>
        <div hidden id="S:1">\(streamed)</div><script>$RC("B:1","S:1")</script>
        <div hidden id="S:7"><p>A hidden chunk that no placeholder asks for stays hidden, whatever it says at length.</p></div>
        </body></html>
        """
        let text = try extract(html).text
        let order = ["Opening paragraph 3", "Streamed paragraph 1", "Streamed paragraph 4", "Closing paragraph"].map { text.range(of: $0)?.lowerBound }
        #expect(order.allSatisfy { $0 != nil } && order.map { $0! } == order.map { $0! }.sorted(), "\(text)")
        #expect(!text.contains("Loading paragraph") && !text.contains("no placeholder asks for"), "\(text)")
        let report = try ReadabilityExtractor().explain(ExtractionInput(html: Data(html.utf8))).1
        #expect(report.notes.contains { $0.contains("streamed chunk") }, "\(report.notes)")
    }

    @Test func linksUnderATeaserLabelAreOtherStories() throws {
        let story = storyParagraphs(4)
        let box = "<p><strong>DON'T MISS</strong></p><p><a href=\"/news/1\">China furious at Macron for Hong Kong protest jibe</a> [<strong>INSIGHT]</strong></p>"
            + "<p><a href=\"/news/2\">Hong Kong threatened with military intervention</a> [REACTION]</p>"
        // A label followed by prose (a paragraph with a link in it) introduces nothing to drop.
        let prose = "<p>Read more:</p><p>The report, which <a href=\"/report\">the ministry published</a> on Monday, runs to forty pages and names every school.</p>"
        let text = try extract("<html><body><article><h1>Headline</h1>\(story)\(box)\(story)\(prose)</article></body></html>").text
        #expect(!text.contains("China furious") && !text.contains("Hong Kong threatened") && !text.contains("DON'T MISS"), "\(text)")
        #expect(text.contains("The report, which the ministry published on Monday"), "\(text)")
        #expect(BoilerplateLines.isTeaserLabel("Read more here:") && BoilerplateLines.isTeaserLabel("Lesen Sie auch »"))
        #expect(BoilerplateLines.isTeaserLabel("» À lire aussi") && BoilerplateLines.isTeaserLabel("ЧИТАЙТЕ ТАКЖЕ:"))
        #expect(!BoilerplateLines.isTeaserLabel("Moreover") && !BoilerplateLines.isTeaserLabel("Related stories were rare in that year's coverage"))
    }

    @Test func aHeaderOfProseInsideTheStoryIsItsStandfirst() throws {
        let story = storyParagraphs(4)
        let standfirst = "<header>Neuroscience tells us that most of the work done by our brains happens unconsciously. New research investigates.</header>"
        // A header with the headline, a byline or a date is the headline's block: still skipped.
        let headline = "<header><h2>Brain science</h2><p>Your daily dose of brain science, every morning, in one newsletter.</p></header>"
        let html = "<html><body><div class=\"article_body\"><div itemprop=\"articleBody\">\(headline)\(standfirst)\(story)</div></div></body></html>"
        let text = try extract(html).text
        #expect(text.hasPrefix("Neuroscience tells us that most of the work"), "\(text)")
        #expect(!text.contains("Your daily dose"), "\(text)")
    }

    @Test func theStandfirstInTheHeadlinesHeaderOpensTheStory() throws {
        let story = storyParagraphs(4)
        let lead = "Damit Mitarbeiter gesund bleiben, müssen sich Unternehmen einiges einfallen lassen. Die Ideen reichen vom Spuckschutz bis zur Kontrolle der Körpertemperatur."
        let header = "<header class=\"article-header\"><p class=\"kicker\">Wirtschaft</p><h1>Abstand im Betrieb</h1><p class=\"intro\">\(lead)</p><p>Von Anna Beispiel</p></header>"
        let html = "<html><body><article>\(header)<div class=\"article-body\">\(story)</div></article></body></html>"
        let text = try extract(html).text
        #expect(text.hasPrefix(lead), "\(text)")
        #expect(!text.contains("Abstand im Betrieb") && !text.contains("Wirtschaft") && !text.contains("Anna Beispiel"), "\(text)")
        // The same paragraph in a caption, or a header without the headline, is no standfirst.
        let captioned = "<header><h1>Abstand im Betrieb</h1><figure><img src=\"a.jpg\"><figcaption><p>\(lead)</p></figcaption></figure></header>"
        #expect(!(try extract("<html><body><article>\(captioned)<div class=\"article-body\">\(story)</div></article></body></html>").text.contains("Spuckschutz")))
        let noHeadline = "<header class=\"site-header\"><p>\(lead)</p><nav><a href=\"/\">Home</a></nav></header>"
        #expect(!(try extract("<html><body>\(noHeadline)<article><div class=\"article-body\">\(story)</div></article></body></html>").text.contains("Spuckschutz")))
    }

    @Test func embeddedPostCardsAreNotStory() throws {
        let story = storyParagraphs(5)
        let card = "<blockquote class=\"wp-embedded-content\" data-secret=\"x\"><p><a href=\"https://example.org/other/\">Another post entirely</a></p></blockquote>"
        let article = try extract("<html><body><article class=\"entry-content\"><h1>Headline</h1>\(story)\(card)\(story)</article></body></html>")
        #expect(!article.text.contains("Another post"), "\(article.blocks.map(\.text))")
        #expect(article.blocks.count == 10)
    }

    @Test func headingPermalinksAreNotHeadingText() throws {
        let story = storyParagraphs(4)
        let html = """
        <html><body><article><h1>Headline</h1>\(story)
        <h2 id="s2">Preferring real estate<a class="subhead-anchor" href="#s2">#section2</a></h2>\(story)
        <h2 id="s3">Sphinx style<a class="headerlink" href="#s3" title="Link to this heading">¶</a></h2>\(story)
        <h2 id="s4"><a class="anchor" href="#s4">A heading that is all link</a></h2>\(story)
        <h2 id="s5">Section links<a href="#s5">#5</a></h2>\(story)</article></body></html>
        """
        let headings = try extract(html).blocks.filter { $0.kind == .heading }.map(\.text)
        // Only a permalink after the heading's words goes: an anchor that is the heading's only
        // text stays, and so does a same-page link not named as a permalink.
        #expect(headings == ["Preferring real estate", "Sphinx style", "A heading that is all link", "Section links#5"])
    }

    /// Zero-width spaces and soft hyphens are invisible and go; joiners shape what a reader
    /// sees (a Persian word, an emoji sequence) and stay.
    @Test func joinersStayInvisibleMarksGo() throws {
        let persian = "من می\u{200C}خواهم این متن را بخوانم، زیرا درباره\u{200C}ی بودجه\u{200C}ی شهر است و جزئیات زیادی دارد."
        let flag = "The parade drew thousands 🏳️\u{200D}🌈 and a family 👨\u{200D}👩\u{200D}👧 marched, the organisers said on Sunday."
        let hidden = "The coun\u{AD}cil voted\u{200B} on the bud\u{AD}get, and the mayor signed it on Tuesday after a long debate."
        let html = "<html><body><article><p>\(persian)</p><p>&zwj;</p><p>\(flag)</p><p>&zwnj; &zwnj;</p><p>\(hidden)</p>\(storyParagraphs(3))</article></body></html>"
        let lines = try extract(html).blocks.map(\.text)
        #expect(lines.prefix(3) == [persian, flag, "The council voted on the budget, and the mayor signed it on Tuesday after a long debate."], "\(lines)")
    }

    /// A link inside a Chinese or Japanese sentence is a word of its own; pop-up glossary
    /// links and ruby inside a word are not, and Latin text keeps its own spacing.
    @Test func linksInCJKSentencesAreWordsOfTheirOwn() throws {
        func firstLine(_ paragraph: String) throws -> String? {
            let filler = "<p>这是一个足够长的段落，用来让提取器把它当作正文，而不是页面上的其他部分，内容包括很多文字、标点和细节。</p>"
            return try extract("<html><body><article>\(paragraph)\(filler)\(filler)</article></body></html>").blocks.first?.text
        }
        #expect(try firstLine("<p>パスワード管理ソフト<a href=\"https://keepass.info/\">KeePass</a>の起動ショートカットキーと同じなのです。長い文章が続きます、続きます。</p>")
                == "パスワード管理ソフト KeePass の起動ショートカットキーと同じなのです。長い文章が続きます、続きます。")
        #expect(try firstLine("<p>研究结果发表在<a href=\"/science\">科学</a>刊物《自然》上，研究人员表示，这是一个重要的进展。</p>")
                == "研究结果发表在 科学 刊物《自然》上，研究人员表示，这是一个重要的进展。")
        #expect(try firstLine("<p><ruby>法律<rt>ほうりつ</rt></ruby>では<a href=\"javascript:void(0)\" class=\"dicWin\"><ruby>虐待<rt>ぎゃくたい</rt></ruby></a>をした<ruby>子<rt>こ</rt></ruby>どもの話です、長い文章です。</p>")
                == "法律では虐待をした子どもの話です、長い文章です。")
        #expect(try firstLine("<p>รัฐบาลประกาศแผน<a href=\"/budget\">งบประมาณ</a>ใหม่สำหรับปีหน้า และจะเริ่มใช้ในเดือนมกราคม</p>")
                == "รัฐบาลประกาศแผน งบประมาณ ใหม่สำหรับปีหน้า และจะเริ่มใช้ในเดือนมกราคม")
        #expect(try firstLine("<p>The <a href=\"/x\">council</a>'s vote, and <a href=\"/y\">its</a> budget, passed on Tuesday with a wide margin.</p>")
                == "The council's vote, and its budget, passed on Tuesday with a wide margin.")
    }

    /// Readability's comma count, which scores prose, reads the commas of the script at hand.
    @Test func commasAreCountedInEveryScript() {
        for (text, expected) in [("One, two, three", 2), ("北京，上海、广州", 2), ("قال الوزير، في بيان، إن", 2), ("no commas here", 0)] {
            var collapser = WhitespaceCollapser()
            Array(text.utf8).withUnsafeBufferPointer { collapser.append($0) }
            #expect(collapser.commaCount == expected, "\(text)")
        }
    }

    @Test func rubyReadingsAreNotText() throws {
        let sentence = "<p><ruby>子<rp>(</rp><rt>こ</rt><rp>)</rp></ruby>どもへの<ruby>虐待<rt>ぎゃくたい</rt></ruby>をなくすための<ruby>法律<rt>ほうりつ</rt></ruby>ができて、<ruby>親<rt>おや</rt></ruby>が<ruby>子<rt>こ</rt></ruby>どもを<ruby>教育<rt>きょういく</rt></ruby>するために、体罰を禁止することになりました。</p>"
        let article = try extract("<html><body><article><h1>見出し</h1>\(String(repeating: sentence, count: 4))</article></body></html>")
        #expect(article.blocks.first?.text == "子どもへの虐待をなくすための法律ができて、親が子どもを教育するために、体罰を禁止することになりました。")
        // The same under a selector, which reads libxml2's tree instead of the stream.
        let selected = try extract("<html><body><div class=\"story\">\(sentence)</div></body></html>", select: "div.story")
        #expect(selected.blocks.map(\.text) == article.blocks.prefix(1).map(\.text))
    }

    @Test func teaserHeadingsEndTheStoryByTheirShape() throws {
        let story = storyParagraphs(5)
        let after = "<p>Some other story, with a teaser line that looks like prose, and commas.</p>"
        for heading in ["More Great WIRED Stories", "Other posts", "RELATED NEWS", "More related posts:", "Recent articles from our blog",
                        "Weitere Korsett Artikel", "VERWANDTE BEITRÄGE", "Más noticias de Colombia", "Autres articles",
                        "Diese Artikel könnten dich auch interessieren:", "TAMBIÉN TE PUEDE INTERESAR", "You might also enjoy", "Recommended Reading",
                        "Lo más visto", "Temas relacionados", "À propos de l’auteur", "Über den Autor", "Mais notícias", "Sull'autore"] {
            let text = try extract("<html><body><article><h1>Headline</h1>\(story)<h3>\(heading)</h3>\(after)</article></body></html>").text
            #expect(!text.contains("Some other story"), "\(heading): \(text)")
        }
        // A reading list, and a heading of the story that happens to start the same way.
        for heading in ["Further reading", "More stories emerge from the flood zone every day"] {
            let text = try extract("<html><body><article><h1>Headline</h1>\(story)<h3>\(heading)</h3>\(after)</article></body></html>").text
            #expect(text.contains("Some other story"), "\(heading): \(text)")
        }
    }

    @Test func anEndHeadingLeftOutInItsBoxOfLinksStillEndsTheStory() throws {
        // A shop blog's "Other related articles..." sits in a box with a "View all" link; the
        // cards come after the box, each a linked title and an excerpt.
        let heading = "<div class=\"title-wrapper\"><h2>Other related articles...</h2><a href=\"/blog\">View all</a></div>"
        let cards = "<ul class=\"slider\">" + (1...3).map {
            "<li><h3><a href=\"/blog/\($0)\">Card \($0)</a></h3><p>Excerpt \($0): how to hang a gallery wall of your own, with hooks, a level and patience.</p></li>"
        }.joined() + "</ul>"
        let page = "<html><body><main><h1>Headline</h1>\(storyParagraphs(8))<section>\(heading)\(cards)</section></main></body></html>"
        let lines = try extract(page).blocks.map(\.text)
        #expect(lines.contains { $0.hasPrefix("Paragraph 8 ") }, "\(lines)")
        #expect(!lines.contains { $0.contains("Excerpt") || $0.contains("Card") || $0.contains("related") }, "\(lines)")
        // A box of related links set between the story's paragraphs went whole: the story's
        // last paragraph after it stays.
        let box = "<div><h3>RELATED STORIES</h3><ul>" + (1...4).map { "<li><a href=\"/r/\($0)\">Related story \($0)</a></li>" }.joined() + "</ul></div>"
        let setIn = "<html><body><article><h1>Headline</h1><div class=\"entry\">\(storyParagraphs(6))\(box)<p>The last paragraph of the story, after the box of related stories.</p></div></article></body></html>"
        let story = try extract(setIn).blocks.map(\.text)
        #expect(story.last?.hasPrefix("The last paragraph") == true, "\(story)")
        #expect(!story.contains { $0.contains("Related story") || $0 == "RELATED STORIES" }, "\(story)")
    }

    @Test func aTeaserBoxNearTheTopDoesNotEndTheStory() throws {
        let intro = "<p>The interview ran on Monday evening, and the philosopher was asked about work.</p><p>Richard Roe in conversation with Karin Doe</p>"
        let box = "<h3>Mehr zum Thema</h3><ul>" + (1...4).map { "<li><a href=\"/teaser/\($0)\">Teaser \($0) about basic income</a></li>" }.joined() + "</ul>"
        let interview = (1...12).map { "<p>Answer \($0): it is only a question of time, he said, until half of the people no longer work nine to five, and that will change how we live.</p>" }.joined()
        let related = "<h3>Related</h3>" + (1...3).map { "<p><a href=\"/other/\($0)\">Other story \($0)</a></p>" }.joined()
        let article = try extract("<html><body><article><h1>Headline</h1>\(intro)\(box)\(interview)\(related)</article></body></html>")
        let lines = article.blocks.map(\.text)
        #expect(lines.contains { $0.hasPrefix("Answer 12:") }, "the interview after the box is kept: \(lines)")
        #expect(!lines.contains { $0.contains("Teaser") || $0.contains("Mehr zum Thema") || $0.contains("Other story") }, "\(lines)")
        // A longer opening: the story still runs on after the box, paragraph after paragraph.
        let longIntro = (1...12).map { "<p>Opening \($0): the interview ran on Monday evening, and the philosopher was asked about work and money.</p>" }.joined()
        let boxed = try extract("<html><body><article><h1>Headline</h1>\(longIntro)\(box)\(interview)</article></body></html>").blocks.map(\.text)
        #expect(boxed.contains { $0.hasPrefix("Answer 12:") } && !boxed.contains { $0.contains("Teaser") }, "\(boxed)")
        // Teasers closing a story alternate titles and excerpts: the heading ends the story.
        let cards = "<h3>Related</h3>" + (1...20).map { "<h4><a href=\"/c/\($0)\">Card \($0)</a></h4><p>Excerpt \($0): a teaser paragraph long enough to count as prose, with commas, clauses, a number like 42 and a point.</p><p>Good Morning America</p>" }.joined()
        let teased = try extract("<html><body><article><h1>Headline</h1>\(longIntro)\(cards)</article></body></html>")
        #expect(!teased.text.contains("Excerpt"), "\(teased.blocks.map(\.text))")
        // A discussion always ends the story, however much prose it holds.
        let comments = "<h3>Comments</h3>" + interview.replacingOccurrences(of: "Answer", with: "Reader")
        let discussed = try extract("<html><body><article><h1>Headline</h1>\(intro)\(interview.prefix(400))\(comments)</article></body></html>")
        #expect(!discussed.text.contains("Reader"))
    }

    @Test func textKeptOffScreenByUtilityClassesIsNotStory() throws {
        let story = storyParagraphs(4)
        let html = """
        <html><body><article><h1>Headline</h1><p class="byline">By <a href="/jane">Jane Roe<span class="sr-only"> (opens in a new tab)</span></a></p>\(story)
        <p class="hidden">A teaser for the app, hidden at every width, with commas, and enough words to look like prose.</p>
        <p class="hidden md:block">Shown from medium screens up: a sentence of the story, with commas, clauses and a point.</p>
        <p class="d-none d-lg-block">Shown on large screens: another sentence of the story, with commas and a point.</p>
        <p><span class="screen-reader-text">Posted on</span> November 30, 2026</p></article></body></html>
        """
        let text = try extract(html).text
        #expect(!text.contains("opens in a new tab") && !text.contains("teaser for the app") && !text.contains("Posted on"), "\(text)")
        #expect(text.contains("Shown from medium screens up") && text.contains("Shown on large screens"), "\(text)")
        // A hidden link is hidden too: a heading's "#" anchor shown only on hover by script.
        let anchored = try extract("<html><body><article><h1>Headline</h1>\(story)<h2 id=\"d\">Direct purchase options <a class=\"hidden\" href=\"#d\">#</a></h2>\(story)</article></body></html>")
        #expect(anchored.blocks.filter { $0.kind == .heading }.map(\.text) == ["Direct purchase options"])
    }

    @Test func listsOfLinkedItemsInTheStoryStayAndListsOfLinksGo() throws {
        let story = storyParagraphs(4)
        // Release notes: each item a linked bug and a few words on it (about 70% link text).
        let fixed = "<ul>" + (1...5).map { "<li><a href=\"/bug/\($0)\">Bug 16770\($0) – the fullscreen window moved</a> when the source changed</li>" }.joined() + "</ul>"
        let related = "<ul>" + (1...5).map { "<li><a href=\"/story/\($0)\">Another story number \($0) you might read</a></li>" }.joined() + "</ul>"
        let text = try extract("<html><body><article><h1>Headline</h1>\(story)<p>Fixed this week:</p>\(fixed)\(story)\(related)\(story)</article></body></html>").text
        #expect(text.contains("Bug 167705 – the fullscreen window moved when the source changed"), "\(text)")
        #expect(!text.contains("Another story number"), "\(text)")
        // A course list: each item a linked title and a few words of its own (about 85% link text).
        let courses = "<ul>" + (1...6).map { "<li><a href=\"/course/\($0)\">Career Essentials in Generative AI, part \($0)</a> (4 hours)</li>" }.joined() + "</ul>"
        let listed = try extract("<html><body><article><h1>Headline</h1>\(story)<p>Free courses this month:</p>\(courses)\(story)</article></body></html>").text
        #expect(listed.contains("Career Essentials in Generative AI, part 6 (4 hours)"), "\(listed)")
    }

    @Test func aSectionWithLinksInItsSentencesIsStoryNotABoxOfLinks() throws {
        let story = storyParagraphs(4)
        // Few commas, a linked name in each long sentence, a short linked line: about a quarter
        // of the text is link, over Readability's 20%, yet the paragraphs are the story's.
        let section = "<div><p>The new <a href=\"/van\">electric camper van</a> drew the longest queues at the show in Bern this year. Its roof tent sleeps two adults and the solar panel feeds a fridge.</p>"
            + "<p>Next to it the <a href=\"/ford\">Swiss edition of the Ford camper</a> made its debut. Only sixty of them will be built and most are already sold to dealers.</p>"
            + "<p><a href=\"https://example.ch\">www.example.ch</a></p></div>"
        let text = try extract("<html><body><article><h1>Headline</h1>\(story)\(section)\(story)</article></body></html>").text
        #expect(text.contains("Its roof tent sleeps two adults") && text.contains("Only sixty of them will be built"), "\(text)")
        // A teaser box: linked titles, each with a line of its own, stays out.
        let teasers = "<div>" + (1...4).map { "<p><a href=\"/story/\($0)\">Another story number \($0) you might read today</a></p><p>A short line on it.</p>" }.joined() + "</div>"
        let teased = try extract("<html><body><article><h1>Headline</h1>\(story)\(teasers)\(story)</article></body></html>").text
        #expect(!teased.contains("Another story number"), "\(teased)")
    }

    @Test func preformattedTextKeepsItsLines() throws {
        let story = storyParagraphs(4)
        let code = "<pre><code>user = {\n    prefix: \"Mrs.\",\n\n    firstName: \"Laura\"\n};\r\nname = <span class=\"fn\">formatName</span>( user );\n</code></pre>"
        let html = "<html><body><article><h1>Headline</h1>\(story)\(code)\(story)</article></body></html>"
        for article in [try extract(html), try extract(html, select: "article")] {
            let lines = article.blocks.filter { $0.kind == .preformatted }.map(\.text)
            #expect(lines == ["user = {", "prefix: \"Mrs.\",", "firstName: \"Laura\"", "};", "name = formatName( user );"], "\(lines)")
        }
        // Outside <pre>, line breaks in the source are only white space.
        let wrapped = try extract("<html><body><article><h1>Headline</h1>\(story)<p>A sentence\nwrapped in the source,\n  as editors do, and long enough to be prose.</p></article></body></html>")
        #expect(wrapped.text.contains("A sentence wrapped in the source, as editors do"))
    }

    @Test func teaserArticlesBesideTheStorysArticleAreOtherStories() throws {
        let story = storyParagraphs(6)
        let more = (1...3).map { "<p>More \($0): the story goes on below its first part, with words, commas, and detail enough to score.</p>" }.joined()
        let teasers = (1...3).map { "<article class=\"home-post\"><h4><a href=\"/t/\($0)\">Teaser \($0)</a></h4><div class=\"entry-content\">Teaser \($0) excerpt: another story's opening, with commas, words, and a point.</div></article>" }.joined()
        // The story's text continues outside its <article>, so the container is wider than it.
        let html = "<html><body><div id=\"content\"><main><article class=\"post type-post\"><h1>Headline</h1><div class=\"entry-content\">\(story)</div></article><div class=\"more\">\(more)</div></main>\(teasers)</div></body></html>"
        let text = try extract(html).text
        #expect(text.contains("Paragraph 6") && !text.contains("Teaser"), "\(text)")
        // A live blog: entries of the story's own class are the story.
        let entries = (1...6).map { "<article class=\"entry\"><p>Entry \($0), 10:\($0)0: the minister spoke again, and the crowd, which had waited for hours, cheered.</p><p>Reporters, who had followed her all day, asked about the budget, the roads and the schools.</p></article>" }.joined()
        let liveBlog = try extract("<html><body><div id=\"live\">\(entries)</div></body></html>")
        let live = liveBlog.text
        #expect((1...6).allSatisfy { live.contains("Entry \($0),") }, "\(live)")
        // Read as one container, not rescued by the paragraph fallback.
        #expect(liveBlog.extraction?.method == .container)
    }

    /// Pages without selectors are read by streaming the parser's events; pages with
    /// selectors go through libxml2's tree and are replayed. Both must give the same article,
    /// so the tree (what libxml2 builds) checks the streaming reader, page by page.
    @Test func streamingReaderMatchesTheTree() throws {
        var pages = [DemoStory.page(version: 2, date: Date(timeIntervalSince1970: 1_718_790_000), request: 5)]
        let site = SyntheticNewsSite(pages: 12)
        pages += (0..<12).map { site.html(story: $0, fetch: $0) }
        let prose = "Officials said on Tuesday that the plan, which had been debated for months, would go ahead in spring."
        pages += [
            // A story container named like furniture (the class-blind retry), tables, lists and quotes.
            "<html><body><div class=\"sidebar-story\"><p>\(prose)</p><p>\(prose) Again.</p></div><aside>Aside</aside></body></html>",
            "<html lang=\"de\"><body><article><h2>Sub</h2><p>\(prose)</p><ul><li>One &amp; two</li><li><a href=\"/x\">link</a> text</li></ul>"
                + "<table><tr><td>12</td><td>May 3, 2024</td></tr></table><blockquote>\(prose)</blockquote><pre>  code\n  block</pre></article></body></html>",
            // Hidden elements, roles, nested teaser articles, javascript: links, entities, CDATA-ish script text.
            "<html><body><main><article><p style=\"display: none\">hidden</p><p aria-hidden=\"true\">also hidden</p><div role=\"navigation\">Menu</div>"
                + "<p>\(prose) <a href=\"javascript:void(0)\">widget</a> caf&eacute;&nbsp;bar</p><article><p>Teaser, short.</p></article>"
                + "<p>\(prose)<br>after a break<img src=x alt=y></p><script>var x = \"<p>not text</p>\";</script></article></main></body></html>",
            // Unclosed tags the parser has to close, text after </html>, and stray end tags.
            "<html><body><div id=content><p>\(prose)<p>\(prose) Second.<div><span>\(prose)</div></span></div></body></html>trailing",
            "",
            "<p>\(prose)</p>",
            // What the script stripper must get right: markup-looking text inside scripts,
            // comments and attribute values, upper case, unterminated and empty scripts.
            "<html><head><script>var s = \"<p>not story</p>\"; if (a<b) {}</script><STYLE>p{}</STYLE></head><body><article>"
                + "<!-- <script> --><p>\(prose)</p><div title=\"<script>\">\(prose) Two.</div><script/><p>\(prose) Three.</p>"
                + "<SCRIPT type=\"text/javascript\">document.write('</div><p>injected</p>')</SCRIPT><p>\(prose) Four.</p>"
                + "<div data-x=it's>\(prose) Five.</div><script>never closed <p>\(prose) Lost?</p></article></body></html>",
            "<html><head><script type=\"application/ld+json\">{\"@type\":\"NewsArticle\",\"headline\":\"LD headline\",\"author\":\"Ann Lee\"}</script>"
                + "</head><body><!-- unterminated comment <script>x</script><p>\(prose)</p></body></html>",
        ]
        for (number, page) in pages.enumerated() {
            let streamed = try extract(page)
            let viaTree = try extract(page, remove: ["xpath://no-such-element"])
            #expect(streamed == viaTree, "page \(number): streaming and tree readings differ")
        }
        #expect(try extract(pages[0]).blocks.count == 9, "the demo story itself was read")
    }

    @Test func canonicalURLComesOnlyFromCanonicalLinks() throws {
        let body = "<body><article><p>\(String(repeating: "A story sentence, with commas, that reads like prose. ", count: 6))</p></article></body>"
        let withAuthorLink = try extract("<html><head><link rel=\"author\" href=\"/humans.txt\"><link rel=\"canonical\" href=\"https://example.org/story\"></head>\(body)</html>")
        #expect(withAuthorLink.canonicalURL == "https://example.org/story")
        let onlyAuthorLink = try extract("<html><head><link rel=\"author\" href=\"/humans.txt\"></head>\(body)</html>")
        #expect(onlyAuthorLink.canonicalURL == nil)
    }

    @Test func scriptStripperCutsScriptAndStyleBodiesOnly() {
        func strip(_ html: String) -> String? {
            Array(html.utf8).withUnsafeBytes { ScriptStripper.strip($0) }.map { String(decoding: $0, as: UTF8.self) }
        }
        #expect(strip("<p>a</p><script src=\"x.js\">var x = '</p>';</script><style>p { color: red }</STYLE><p>b</p>")
                == "<p>a</p><script src=\"x.js\"></script><style></STYLE><p>b</p>")
        #expect(strip("<p>a plain page without any script at all</p>") == nil)
        #expect(strip("<script type=\"application/ld+json\">{\"headline\": \"kept\"}</script><p>text</p>") == nil)
        #expect(strip("<!-- <script>inside a comment</script> --><p>text after the comment</p>") == nil)
        #expect(strip("<p>text</p><script>an unterminated script runs to the end") == nil)
        #expect(strip("<div title=\"<script>\">quoted</div><script>x</script>") == "<div title=\"<script>\">quoted</div><script></script>")
        // Inside <!-- a script's own <script>...</script> (old ad code writing a tag) does not
        // end it, as the HTML standard's script-data states say; after --> the next one does.
        #expect(strip("<script><!--\ndocument.write('<script src=\"a.js\"></script>');\nvar p = '<p>no</p>';\n//--></script><p>story</p>")
                == "<script></script><p>story</p>")
        #expect(strip("<script><!-- x --> y</script><p>a</p><script>z</script>") == "<script></script><p>a</p><script></script>")
        #expect(strip("<script><!-- <script> never closed -->") == nil)
    }
}
