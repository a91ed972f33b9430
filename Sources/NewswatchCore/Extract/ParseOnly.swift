import Foundation

/// Parses a page and frees the tree, doing nothing else: the baseline the extraction
/// benchmark compares against.
public enum ParseOnly {
    public static func parse(_ html: Data) -> Bool {
        HTMLDocument.parseAndDiscard(html)
    }
}
