import Foundation

/// Parses a page and frees the tree, doing nothing else: the baseline the extraction
/// benchmark compares against.
public enum ParseOnly {
    public static func parse(_ html: Data, charset: String? = nil) -> Bool {
        (try? HTMLDocument(data: html, encoding: charset)) != nil
    }
}
