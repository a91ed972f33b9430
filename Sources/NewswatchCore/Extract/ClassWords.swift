import Foundation

/// Class and id words that mark page furniture or content, after Readability's lists plus
/// news-site staples. Matched against `KeywordSet` signatures of an element's class and id.
enum ClassWords {
    /// Class/id words of page furniture (after Readability's list, plus news-site staples).
    static let unlikely = KeywordSet([
        " ad ", " ads ", " advert", " ad break", " agegate", " banner", " breadcrumb", " combx", " comment", " community",
        " cookie", " consent", " cover wrap", " disqus", " footer", " gdpr", " masthead", " menu", " newsletter",
        " pagination", " pager ", " popup", " promo", " related", " remark", " replies", " rss", " share", " sharing",
        " shoutbox", " sidebar", " skyscraper", " social", " sponsor", " subscribe", " supplemental", " most read",
        " mostread", " most popular", " popular", " trending", " recommend", " outbrain", " taboola", " navbar",
        " topnav", " subnav", " toolbar", " latest news", " top news", " signup", " sign up", " paywall", " modal",
        " legend", " yom remote", " ai2html", " gallery", " slideshow", " carousel", " lightbox", " tags ", " tag list",
        " tag cloud", " post tags", " byline", " timestamp", " author bio", " author box", " about author",
        " author info", " bio ", " more stories", " print only",
    ])
    /// What shows on hover: a glossary term's definition, a politician's card of links, a share
    /// menu. Furniture even when named "content" ("popover-content"); the term it explains sits
    /// outside it ("<dfn>keyword</dfn><span class=term-tooltip>...").
    static let hoverCard = KeywordSet([" tooltip", " popover", " hovercard", " hover card", " rollover block"])
    /// Class tokens of the element a tooltip is attached to, when the tooltip is nested inside
    /// it (`<span class="tooltip">term<span class="tooltiptext">...`): the term is text.
    static let tooltipTriggers: Set<String> = ["tooltip", "has-tooltip", "tooltip-trigger", "popover-trigger", "has-popover"]

    /// Furniture as a block ("Updated Nov 19, 6:55 AM" under the headline) but not inline: a
    /// `<span class="dateline">CAIRO —</span>` opens the story's first sentence.
    static let blockFurniture = KeywordSet([" dateline"])

    /// Furniture even when its class also says "content": WordPress's card for an embedded
    /// post ("wp-embedded-content"), another post's title and excerpt set into this one.
    static let embeddedPost = KeywordSet([" wp embedded"])
    static let maybeContent = KeywordSet([" and ", " article", " body", " column", " content", " main", " shadow", " story", " post", " entry", " text"])
    static let positive = KeywordSet([
        " article", " body", " content", " entry", " hentry", " h entry", " main", " page", " post", " text", " blog", " story",
    ])
    /// The parts of a UI component named "body" ("panel-body", "card-body"): the inside of a
    /// box (an address, a price, a teaser), which says nothing about a story.
    static let componentParts: Set<String> = [
        "panel", "card", "modal", "box", "widget", "accordion", "tab", "dropdown", "popover", "toast", "offcanvas", "list",
        "media", "alert",
    ]

    /// Whether a class/id signature sounds like content, not counting a component's "body".
    static func soundsLikeContent(_ signature: [UInt8]) -> Bool {
        guard positive.matches(signature) else { return false }
        let words = signature.split(separator: 0x20)
        guard words.contains(where: { $0.elementsEqual("body".utf8) }) else { return true }
        var kept: [UInt8] = [0x20]
        for (index, word) in words.enumerated() {
            if word.elementsEqual("body".utf8), index > 0, componentParts.contains(String(decoding: words[index - 1], as: UTF8.self)) { continue }
            kept.append(contentsOf: word)
            kept.append(0x20)
        }
        return positive.matches(kept)
    }
    static let negative = KeywordSet([
        " ad ", " hidden", " hid ", " banner", " combx", " comment", " com ", " contact", " foot", " footnote", " gdpr", " masthead",
        " media", " meta", " outbrain", " promo", " related", " scroll", " share", " shoutbox", " sidebar", " skyscraper",
        " sponsor", " shopping", " tags", " tool", " widget", " byline", " caption",
    ])
    /// Furniture that can hold plenty of prose and still never be the story: reader
    /// comments, consent and cookie notices, dialogs.
    static let neverStory = KeywordSet([
        " comment", " disqus", " replies", " reply", " remark", " feedback", " community", " shoutbox", " cookie", " consent",
        " gdpr", " modal", " dialog", " popup", " legal", " privacy", " terms", " forum",
    ])
    /// Class words of the permalink beside a heading (Sphinx, MkDocs, Docusaurus, GitHub,
    /// Hugo and WordPress themes).
    static let headingPermalink = KeywordSet([" anchor", " headerlink", " header link", " hash link", " permalink", " heading link", " heading anchor"])
    static let skippedRoles: Set<String> = ["menu", "menubar", "complementary", "navigation", "alert", "alertdialog", "dialog", "banner", "contentinfo", "search"]

}
