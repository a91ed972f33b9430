import Foundation

/// One spelling per story: the URLs a feed, a sitemap and a front page give for one story
/// differ in tracking parameters, fragments, host case and default ports; each is brought to
/// one form before stories are matched, so a story is watched once whichever source found it.
public enum StoryURL {
    /// Query parameters that say who sent the reader, never which page: dropped unless a
    /// source's `keep_params:` names them. Any parameter starting `utm_` goes too.
    public static let trackingParameters: Set<String> = [
        "fbclid", "gclid", "gclsrc", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid", "ttclid", "li_fat_id",
        "mc_cid", "mc_eid", "igshid", "_ga", "_gl", "_hsenc", "_hsmi", "hsctatracking", "mkt_tok", "vero_id", "vero_conv",
        "oly_anon_id", "oly_enc_id", "rb_clickid", "s_cid", "ncid", "ocid", "cmpid", "smid", "at_medium", "at_campaign",
        "at_custom1", "at_custom2", "at_custom3", "at_custom4", "ref_src", "ref_url", "spm", "sr_share", "wt.mc_id",
        "ito", "itm_source", "itm_medium", "itm_campaign", "itm_content", "__twitter_impression",
    ]

    /// The canonical absolute form of `link` (resolved against `base`), or nil for what is not
    /// an http(s) page address (mailto:, javascript:, an empty or broken link).
    public static func canonical(_ link: String, base: String? = nil, keep: Set<String> = []) -> String? {
        let trimmed = link.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { return nil }
        let baseURL = base.flatMap { URL(string: $0) }
        guard let resolved = URL(string: trimmed, relativeTo: baseURL)?.absoluteURL
                ?? trimmed.addingPercentEncoding(withAllowedCharacters: .urlFragmentAllowed).flatMap({ URL(string: $0, relativeTo: baseURL)?.absoluteURL }),
              var components = URLComponents(url: resolved, resolvingAgainstBaseURL: false),
              let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = components.host, !host.isEmpty else { return nil }
        components.scheme = scheme
        components.host = host.lowercased()
        if (scheme == "http" && components.port == 80) || (scheme == "https" && components.port == 443) { components.port = nil }
        components.fragment = nil
        if components.path.isEmpty { components.path = "/" }
        if let items = components.percentEncodedQueryItems {
            let kept = items.filter { item in
                let name = item.name.lowercased()
                return keep.contains(name) || !(name.hasPrefix("utm_") || trackingParameters.contains(name))
            }
            components.percentEncodedQueryItems = kept.isEmpty ? nil : kept
        } else if components.percentEncodedQuery == "" {
            components.percentEncodedQuery = nil
        }
        return components.string
    }

    /// `www.example.org` and `example.org` are one site for front-page links and canonicals.
    static func siteHost(_ url: String) -> String? {
        guard let host = URLComponents(string: url)?.host?.lowercased() else { return nil }
        return host.hasPrefix("www.") ? String(host.dropFirst(4)) : host
    }

    /// A watch name for a story: `<source>.<slug>` from the URL's last meaningful path
    /// segment, at most 128 characters in all, made unique against `taken`.
    static func storyName(source: String, url: String, taken: (String) -> Bool) -> String {
        unique("\(source).\(slug(url, maxLength: max(128 - source.count - 1 - 6, 8)))", taken: taken)
    }

    /// The URL's last meaningful path segment, lower-cased, `-` for anything but letters and
    /// digits (two segments when the last is shorter than 4); "story" when there is none.
    public static func slug(_ url: String, maxLength: Int = 121) -> String {
        let path = URLComponents(string: url)?.path ?? ""
        func withoutExtension(_ segment: String) -> String {
            for suffix in [".html", ".htm", ".php", ".shtml", ".aspx"] where segment.lowercased().hasSuffix(suffix) { return String(segment.dropLast(suffix.count)) }
            return segment
        }
        let segments = path.split(separator: "/").map(String.init)
            .filter { !$0.isEmpty && !["index.html", "index.htm", "index.php", "amp"].contains($0.lowercased()) }
            .map(withoutExtension)
        var slug = segments.last ?? "story"
        if slug.count < 4, segments.count >= 2 { slug = segments.suffix(2).joined(separator: "-") }
        let name = slugified(slug)
        return name.isEmpty ? "story" : String(name.prefix(maxLength))
    }

    /// Lower-case letters and digits, runs of anything else as one `-`.
    static func slugified(_ text: String) -> String {
        let cleaned = text.lowercased().unicodeScalars.map { scalar -> Character in
            (("a"..."z").contains(Character(scalar)) || ("0"..."9").contains(Character(scalar))) ? Character(scalar) : "-"
        }
        return String(cleaned).split(separator: "-").joined(separator: "-")
    }

    /// `base`, or `base-2`, `base-3`, ... : the first that is not taken.
    static func unique(_ base: String, taken: (String) -> Bool) -> String {
        if !taken(base) { return base }
        var number = 2
        while taken("\(base)-\(number)") { number += 1 }
        return "\(base)-\(number)"
    }
}
