import Foundation

extension StoryCollector {
    /// A `<header>` holding only a line of prose (no heading, list, picture, form or date):
    /// a standfirst the template wrapped in `<header>`, not the headline's block.
    struct QuietHeader {
        var textBytes = 0
        var linkBytes = 0
        var structured = false
        /// `ignoredDepth` of the open link being counted, 0 when none.
        var linkLevel = 0
        var isProse: Bool { !structured && textBytes >= 60 && linkBytes * 5 <= textBytes }
    }
    /// What makes a header the headline's block or a widget, not a standfirst.
    private static let headerStructure: Set<String> = [
        "h1", "h2", "h3", "h4", "h5", "h6", "nav", "ul", "ol", "form", "img", "picture", "figure", "time", "address", "button", "svg", "iframe", "video", "table",
    ]
    /// An element opening inside the header being weighed, `depth` levels into it.
    mutating func watchQuietHeader(_ tag: Tag, depth: Int) {
        if Self.headerStructure.contains(tag.name) { quietHeader?.structured = true }
        if tag.isLink, quietHeader?.linkLevel == 0 { quietHeader?.linkLevel = depth }
    }
}
