/// Whether a file given to `diff --no-index` is a web page (extracted before comparing) or
/// text (compared as it is). One test for the launcher and the core, so the launcher never
/// answers for a file the core would have extracted.
public enum HTMLSniffing {
    /// A `.html`/`.htm` name, or "<html" or "<!doctype html" in the first 1,024 bytes, any case.
    public static func isHTML(path: String, bytes: some Collection<UInt8>) -> Bool {
        if hasHTMLName(path) { return true }
        let head = bytes.prefix(1024).map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }
        func contains(_ needle: String) -> Bool {
            let pattern = Array(needle.utf8)
            guard head.count >= pattern.count else { return false }
            return (0...(head.count - pattern.count)).contains { head[$0..<($0 + pattern.count)].elementsEqual(pattern) }
        }
        return contains("<html") || contains("<!doctype html")
    }

    /// The name alone says so (known before the file is read).
    public static func hasHTMLName(_ path: String) -> Bool { path.hasSuffix(".html") || path.hasSuffix(".htm") }
}
