import Foundation

/// How a store built on tables (SQLite, PostgreSQL) turns a snapshot into a version: blobs
/// deltified against the previous version (or, for a new watch, the site's latest page),
/// the record numbered after the latest, the site's base moved once per host per process.
/// Written once here; each store supplies only its statements.
protocol VersionWriter: AnyObject {
    var objects: ObjectDatabase { get }
    /// Hosts whose site base this process already moved (see `append`).
    var refreshedSites: Set<String> { get set }
    func latestVersion(of watch: String) throws -> VersionRecord?
    func insert(_ record: VersionRecord, for watch: String) throws
    func siteReference(_ host: String) throws -> String?
    func recordSite(_ host: String, object: String) throws
    func transaction<T>(_ body: () throws -> T) throws -> T
}

extension VersionWriter {
    func decodeArticle(of version: VersionRecord) throws -> Article {
        let data = try objects.get(version.article)
        do { return try JSONCoding.decoder.decode(Article.self, from: data) } catch {
            throw StoreError.corruptObject(id: version.article, reason: "not an article record")
        }
    }

    /// What a new version's blobs are deltified against: the previous version's; for a
    /// watch's first page, the latest page stored from the same site (news sites share one
    /// template, so even a first version costs little).
    func deltaBases(previous: VersionRecord?, finalURL: String) throws -> (article: String?, html: String?) {
        if let previous { return (previous.article, previous.html) }
        let host = URLComponents(string: finalURL)?.host?.lowercased()
        return (nil, try host.flatMap(siteReference).flatMap { objects.exists($0) ? $0 : nil })
    }

    func prepareEncodedVersion(article: Article, html: Data, finalURL: String, after previous: VersionRecord?) -> PreparedVersion? {
        guard let json = try? JSONCoding.encoder.encode(article),
              let bases = try? deltaBases(previous: previous, finalURL: finalURL),
              let htmlBlob = try? objects.encode(html, base: bases.html),
              let articleBlob = try? encodeArticle(json, base: bases.article, html: html, htmlBlob: htmlBlob) else { return nil }
        return PreparedVersion(previous: previous?.number, article: articleBlob, html: htmlBlob)
    }

    /// A story's first article is encoded against its own page: the text was extracted from
    /// that HTML, so most of it is copied from there (a first article cost about 3.7 KB
    /// deflated on the store benchmark's pages). Later ones against the previous article.
    func encodeArticle(_ json: Data, base: String?, html: Data, htmlBlob: ObjectDatabase.Encoded) throws -> ObjectDatabase.Encoded {
        if let base { return try objects.encode(json, base: base) }
        guard let depth = objects.depth(of: htmlBlob) else { return try objects.encode(json, base: nil) }
        return try objects.encode(json, against: ObjectDatabase.Base(id: htmlBlob.id, content: html, depth: depth))
    }

    func appendVersion(_ snapshot: Snapshot, to watch: String, prepared: PreparedVersion?) throws -> VersionRecord {
        guard StoreFormat.isSafeName(watch) else { throw StoreError.invalidWatchName(watch) }
        return try transaction {
            let previous = try latestVersion(of: watch)
            let articleID: String, htmlID: String
            let bases = try deltaBases(previous: previous, finalURL: snapshot.finalURL)
            // Prepared blobs fit when encoded after this same version; a first page prepared
            // before its site had a page stored is encoded again against that page.
            if let prepared, prepared.previous == previous?.number, prepared.html.base != nil || bases.html == nil {
                articleID = try objects.write(prepared.article)
                htmlID = try objects.write(prepared.html, content: snapshot.html)
            } else {
                let htmlBlob = try objects.encode(snapshot.html, base: bases.html)
                let articleBlob = try encodeArticle(try JSONCoding.encoder.encode(snapshot.article), base: bases.article,
                                                    html: snapshot.html, htmlBlob: htmlBlob)
                htmlID = try objects.write(htmlBlob, content: snapshot.html)
                articleID = try objects.write(articleBlob)
            }
            let record = VersionRecord(snapshot: snapshot, number: (previous?.number ?? 0) + 1, article: articleID, html: htmlID)
            try insert(record, for: watch)
            // Any recent page of the site serves as a base for the next new watch there: the
            // reference moves to a fresh page once per site per process, not on every version.
            if let host = URLComponents(string: snapshot.finalURL)?.host?.lowercased(), !refreshedSites.contains(host) {
                refreshedSites.insert(host)
                try recordSite(host, object: htmlID)
            }
            return record
        }
    }
}
