import Foundation

extension StoryCollector {
    /// A skipped `<header>`, weighed while it is skipped: whether it holds only a line of
    /// prose (no heading, list, picture, form or date), a standfirst the template wrapped in
    /// `<header>`; and, when it holds the headline, the first paragraph of prose after it.
    struct QuietHeader {
        var textBytes = 0
        var linkBytes = 0
        var structured = false
        /// `ignoredDepth` of the open link being counted, 0 when none.
        var linkLevel = 0
        var isProse: Bool { !structured && textBytes >= 60 && linkBytes * 5 <= textBytes }

        /// Whether an `<h1>` opened in the header.
        var holdsHeadline = false
        /// `ignoredDepth` of the `<p>` after the headline being read, 0 when none.
        var leadLevel = 0
        /// `ignoredDepth` of an open `<figure>`, 0 when none: a caption is no standfirst.
        var figureLevel = 0
        var lead = WhitespaceCollapser()
        var leadLinkBytes = 0
        /// The first paragraph after the headline of at least `HeaderLead.minimumCharacters`.
        var leadText: String?
    }

    /// The first paragraph of prose after the headline in a skipped `<header>` (the page's
    /// headline block: kicker, headline, standfirst, byline, date): a standfirst candidate.
    struct HeaderLead {
        var header: PageTree.NodeID
        var text: String
        var linkBytes: Int
        /// Blocks collected before the header: where it sits among them.
        var blocksBefore: Int
        static let minimumCharacters = 60
    }

    /// What makes a header the headline's block or a widget, not a standfirst.
    private static let headerStructure: Set<String> = [
        "h1", "h2", "h3", "h4", "h5", "h6", "nav", "ul", "ol", "form", "img", "picture", "figure", "time", "address", "button", "svg", "iframe", "video", "table",
    ]
    /// An element opening inside the header being weighed, `depth` levels into it.
    mutating func watchQuietHeader(_ tag: Tag, depth: Int) {
        if Self.headerStructure.contains(tag.name) { quietHeader?.structured = true }
        if tag.isLink, quietHeader?.linkLevel == 0 { quietHeader?.linkLevel = depth }
        if tag.name == "h1" { quietHeader?.holdsHeadline = true }
        if tag.name == "figure" || tag.name == "figcaption", quietHeader?.figureLevel == 0 { quietHeader?.figureLevel = depth }
        if tag.name == "p", let header = quietHeader, header.holdsHeadline, header.leadText == nil, header.leadLevel == 0, header.figureLevel == 0 {
            quietHeader?.leadLevel = depth
            quietHeader?.lead = WhitespaceCollapser()
            quietHeader?.leadLinkBytes = 0
        }
    }

    /// Text inside the header being weighed.
    mutating func readQuietHeader(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard quietHeader != nil else { return }
        var visible = 0
        for byte in bytes where byte > 0x20 { visible += 1 }
        // In place: a copy of the header would copy the lead's bytes on every text event.
        quietHeader!.textBytes += visible
        let inLink = quietHeader!.linkLevel > 0
        if inLink { quietHeader!.linkBytes += visible }
        if quietHeader!.leadLevel > 0 {
            let before = quietHeader!.lead.bytes.count
            quietHeader!.lead.append(bytes)
            if inLink { quietHeader!.leadLinkBytes += quietHeader!.lead.bytes.count - before }
        }
    }

    /// An element closing inside the header being weighed, at `depth`.
    mutating func closeInQuietHeader(depth: Int) {
        guard quietHeader != nil else { return }
        if depth == quietHeader!.linkLevel { quietHeader!.linkLevel = 0 }
        if depth == quietHeader!.figureLevel { quietHeader!.figureLevel = 0 }
        if depth == quietHeader!.leadLevel {
            quietHeader!.leadLevel = 0
            let text = quietHeader!.lead.take()
            // A short line (a byline, a date) is not the lead: the next paragraph may be.
            if text.utf8.count >= HeaderLead.minimumCharacters { quietHeader!.leadText = text }
        }
    }
}
