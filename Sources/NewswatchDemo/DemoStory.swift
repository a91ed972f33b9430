import Foundation

/// A state-visit story as a news site serves it: site navigation, a search box, a clock
/// banner, the article, then "Latest News" and "Top News" lists. Version 2 is the story
/// after the editors updated it. The clock and the lists change on every request, as on
/// real sites, so the demo also shows that boilerplate churn raises no alert.
public enum DemoStory {
    public static let path = "/news/valdorian-president-to-pay-first-state-visit-to-kestria-in-18-years"

    public static let headlines = [
        1: "Valdorian President To Pay First State Visit To Kestria In 18 Years",
        2: "Valdorian President Arrives In Kestria, Signs Partnership Treaty After Talks",
    ]

    static let paragraphs1 = [
        "Valdorian President Anton Merrow is due on Tuesday to begin a two-day state visit to Kestria, his office said, the first such trip by a Valdorian head of state in 18 years.",
        "The last visit at this level took place in 2006, when Kestria was governed by Ilse Varga, the mother of the current prime minister, Jonas Varga.",
        "On that occasion the guest was received with unusual warmth: the host met him on the airport apron and saw him off there, and the two laid a wreath together at the Harbour Memorial, although protocol called for the visitor to do so alone.",
        "Presidential adviser Lena Osk told journalists on Monday that the programme would run over two days, with most of the substance concentrated on the second.",
        "Merrow is expected to land in the capital, Port Alder, on Tuesday night. The welcoming ceremony and the talks, to be held at the prime minister's residence, are planned for Wednesday afternoon, Osk said.",
        "Two rounds of negotiations are planned, one in a small circle and one with full delegations, and the most delicate questions are to be taken up in a long private conversation between the two leaders during a walk in the residence gardens, followed by tea.",
        "Both sides intend to sign several documents after the talks, and the two leaders are expected to issue a joint statement, according to Osk.",
        "Osk said the capitals were negotiating a new treaty on comprehensive strategic partnership, but it was unlikely to be signed during this visit.",
        "After Kestria, Merrow is scheduled to travel on to Lirenia for talks with its senior leadership.",
    ]

    static let paragraphs2 = [
        "Valdorian President Anton Merrow arrived in Kestria late on Tuesday at the start of a two-day state visit, his office said, the first such trip by a Valdorian head of state in 18 years.",
        "Prime Minister Jonas Varga greeted Merrow at the foot of the aircraft steps at Port Alder airport, and the two leaders drove together into the city past crowds waving both countries' flags.",
        "The last visit at this level took place in 2006, when Kestria was governed by Ilse Varga, the mother of the current prime minister, Jonas Varga.",
        "On that occasion the guest was received with unusual warmth: the host met him on the airport apron and saw him off there, and the two laid a wreath together at the Harbour Memorial, although protocol called for the visitor to do so alone.",
        "Presidential adviser Lena Osk told journalists on Monday that the programme would run over two days, with most of the substance concentrated on the second.",
        "Talks were held on Wednesday afternoon at the prime minister's residence, in a small circle and then with full delegations, followed by a long private conversation between the two leaders during a walk in the residence gardens and tea.",
        "Both sides signed several documents after the talks, and the two leaders issued a joint statement, according to Osk.",
        "Merrow and Varga signed a treaty on comprehensive strategic partnership, which officials had said only a day earlier was unlikely to be ready during this visit.",
        "After Kestria, Merrow is scheduled to travel on to Lirenia for talks with its senior leadership.",
    ]

    static let latest = [
        "Storm warning issued for the northern coast", "Central bank holds rates for third month",
        "Port Alder marathon draws record field", "Rail strike called off after late-night deal",
        "Museum reopens after two-year renovation", "Grain exports rise despite drought",
    ]

    /// The page as served at `date`; `request` varies the boilerplate between requests.
    public static func page(version: Int, date: Date, request: Int) -> String {
        let paragraphs = version == 1 ? paragraphs1 : paragraphs2
        let headline = headlines[version] ?? headlines[1]!
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "dd/MM/yyyy HH:mm:ss"
        let clock = formatter.string(from: date)
        let rotated = (0..<latest.count).map { latest[($0 + request) % latest.count] }
        let published = "2024-06-18T13:12:00+03:00"
        let modified = version == 1 ? published : "2024-06-19T09:40:00+03:00"
        let stamp = version == 1 ? "18.06.2024 13:12" : "18.06.2024 13:12 (updated 19.06.2024 09:40)"
        return """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <title>\(headline) - Daily Meridian</title>
        <meta property="og:title" content="\(headline)">
        <meta property="og:site_name" content="Daily Meridian">
        <meta property="article:published_time" content="\(published)">
        <meta property="article:modified_time" content="\(modified)">
        <meta name="author" content="Daily Meridian Newsroom">
        <link rel="canonical" href="https://meridian.example\(path)">
        </head>
        <body>
        <div class="top-bar">
          <a href="/">Daily Meridian</a>
          <div class="lang-menu"><a href="/en">English</a> <a href="/fr">Français</a> <a href="/es">Español</a></div>
        </div>
        <div class="menu">
          <a href="/">Home</a> <a href="/world">World</a> <a href="/politics">Politics</a>
          <a href="/business">Business</a> <a href="/sport">Sport</a>
        </div>
        <div class="search-box"><form action="/search">SEARCH IN NEWS: <input name="q"></form></div>
        <div class="clock-banner">HOME PAGE \(clock)</div>
        <div class="breadcrumbs"><a href="/news">News</a> &gt;</div>
        <div class="page">
          <div class="article-wrap">
            <h1>\(headline)</h1>
            <div class="date">\(stamp)</div>
            <div class="article-body">
              \(paragraphs.map { "<p>\($0)</p>" }.joined(separator: "\n      "))
            </div>
          </div>
          <div class="latest-news">
            <h3>Latest News</h3>
            <ul>\(rotated.map { "<li><a href=\"/news/\($0.lowercased().replacingOccurrences(of: " ", with: "-"))\">\($0)</a> <span>\(clock)</span></li>" }.joined())</ul>
          </div>
          <div class="top-news">
            <h3>Top News</h3>
            <ul>\(rotated.reversed().map { "<li><a href=\"/top/\($0.count)\">\($0)</a></li>" }.joined())</ul>
          </div>
        </div>
        <div class="site-footer">© Daily Meridian. <a href="/about">About</a> <a href="/contact">Contact</a></div>
        </body>
        </html>
        """
    }
}
