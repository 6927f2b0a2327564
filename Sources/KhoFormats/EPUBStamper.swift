import Foundation
import KhoCore
import ZIPFoundation

/// Why an EPUB cannot be stamped.
public enum EPUBStampError: Error, CustomStringConvertible, Sendable, LocalizedMessage {
    case notZip(String)
    case missing(String)
    case encrypted
    case unreadable(String)

    public var description: String { message(.english) }

    public func message(_ l: Localizer) -> String {
        switch self {
        case .notZip(let path): l("epub.not_zip", ["path": path])
        case .missing(let what): l("epub.missing", ["what": what])
        case .encrypted: l("epub.encrypted")
        case .unreadable(let reason): l("epub.unreadable", ["reason": reason])
        }
    }
}

/// Makes a copy of an EPUB with one more page: a QR code, the title and the link. The page is
/// registered in the package document (manifest and spine) and in the navigation (the EPUB 3 nav
/// document, or the EPUB 2 NCX); `mimetype` stays first and uncompressed; the input is not touched.
public enum EPUBStamper {
    public static let pageName = "kho-qr.xhtml"
    public static let imageName = "kho-qr.png"
    /// Entries' dates in the copy, so that the same input gives the same bytes.
    static let fixedDate = Date(timeIntervalSince1970: 946_684_800)  // 2000-01-01

    /// The page's words are in the repository's language (`l`).
    public static func stamp(
        input: String, output: String, qrPNG: Data, title: String, link: String, _ l: Localizer = .vietnamese
    ) throws(EPUBStampError) {
        // Read with kho's own ZIP reader (bounded; a damaged entry is an error, not a hang), written
        // with ZIPFoundation.
        let archive: ZipIndex
        do { archive = try ZipIndex(path: input) } catch { throw .notZip(input) }
        func read(_ path: String) -> Data? {
            guard let entry = archive[path] else { return nil }
            return archive.data(entry, limit: 16 << 20)
        }
        if let encryption = read("META-INF/encryption.xml"),
            EPUBParser.contentIsEncrypted(encryptionXML: String(decoding: encryption, as: UTF8.self))
        {
            throw .encrypted
        }
        guard let container = read("META-INF/container.xml") else { throw .missing("META-INF/container.xml") }
        guard let opfPath = XMLFacts(String(decoding: container, as: UTF8.self)).attributes(named: "full-path").first
        else { throw .missing(Localizer.current("epub.part.package")) }
        guard let opfData = read(opfPath) else { throw .missing(Localizer.current("epub.part.package_file", ["path": opfPath])) }
        var opf = String(decoding: opfData, as: UTF8.self)
        let facts = XMLFacts(opf)
        let version3 = (facts.rootAttributes["version"] ?? "2.0").hasPrefix("3")
        let base = opfPath.parentPath
        func inPackage(_ name: String) -> String { base.isEmpty ? name : "\(base)/\(name)" }
        let pageID = unique("kho-qr-page", in: opf)
        let imageID = unique("kho-qr-image", in: opf)

        // A fixed-layout book: the page takes the viewport of the book's first page; with none to
        // copy, the page alone is reflowable (rendition:layout-reflowable on its spine entry).
        let fixedLayout = opf.range(
            of: #"property\s*=\s*["']rendition:layout["'][^>]*>\s*pre-paginated"#, options: .regularExpression) != nil
        var viewport: Viewport?
        if fixedLayout, let first = firstSpineDocument(facts), let data = read(inPackage(first)) {
            viewport = Viewport(document: String(decoding: data, as: UTF8.self))
        }
        let itemrefProperties = fixedLayout && viewport == nil ? " properties=\"rendition:layout-reflowable\"" : ""

        // The package document: two manifest items and a spine entry at the end, written with the
        // namespace prefix the document uses for its own (`<opf:item>` where it writes `<opf:manifest>`).
        opf = try insert(before: "manifest", in: opf) { p in
            "<\(p)item id=\"\(pageID)\" href=\"\(pageName)\" media-type=\"application/xhtml+xml\"/>\n"
                + "<\(p)item id=\"\(imageID)\" href=\"\(imageName)\" media-type=\"image/png\"/>\n"
        }
        opf = try insert(before: "spine", in: opf) { p in
            "<\(p)itemref idref=\"\(pageID)\"\(itemrefProperties)/>\n"
        }

        var replaced: [String: Data] = [opfPath: Data(opf.utf8)]
        let label = l("ebook.qr_label", ["title": title])
        let alt = l("ebook.qr_alt", ["link": link])
        let hint = l("ebook.qr_hint")
        let lang = l.language.rawValue
        if version3 {
            // The nav document: a link to the page at the end of the table of contents.
            guard
                let navHref = facts.items.first(where: { ($0.properties ?? "").split(separator: " ").contains("nav") })?
                    .href
            else { throw .missing(Localizer.current("epub.part.nav")) }
            let navPath = inPackage(navHref)
            guard let navData = read(navPath) else { throw .missing(Localizer.current("epub.part.nav_file", ["path": navPath])) }
            let relative = relativePath(from: navHref.parentPath, to: pageName)
            var nav = String(decoding: navData, as: UTF8.self)
            guard let tocStart = nav.range(of: "epub:type=\"toc\""),
                let close = nav.range(of: "</ol>", range: tocStart.upperBound..<nav.endIndex)
            else { throw .missing(Localizer.current("epub.part.toc")) }
            nav.insert(contentsOf: "<li><a href=\"\(relative)\">\(escape(label))</a></li>\n", at: close.lowerBound)
            replaced[navPath] = Data(nav.utf8)
        } else if let ncxHref = facts.items.first(where: { $0.mediaType == "application/x-dtbncx+xml" })?.href {
            // EPUB 2: a navPoint at the end of the NCX's navMap.
            let ncxPath = inPackage(ncxHref)
            guard let ncxData = read(ncxPath) else { throw .missing("NCX \(ncxPath)") }
            var ncx = String(decoding: ncxData, as: UTF8.self)
            let orders = ncx.components(separatedBy: "playOrder=\"").dropFirst().compactMap {
                Int($0.prefix { $0.isNumber })
            }
            let relative = relativePath(from: ncxHref.parentPath, to: pageName)
            let pointID = unique("kho-qr-nav", in: ncx)
            ncx = try insert(before: "navMap", in: ncx) { n in
                "<\(n)navPoint id=\"\(pointID)\" playOrder=\"\((orders.max() ?? 0) + 1)\">"
                    + "<\(n)navLabel><\(n)text>\(escape(label))</\(n)text></\(n)navLabel><\(n)content src=\"\(relative)\"/>"
                    + "</\(n)navPoint>\n"
            }
            replaced[ncxPath] = Data(ncx.utf8)
        }

        let page =
            version3
            ? """
            <?xml version="1.0" encoding="UTF-8"?>
            <!DOCTYPE html>
            <html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" lang="\(lang)" xml:lang="\(lang)" dir="ltr">
            <head><title>\(escape(label))</title>\(viewport.map { "<meta name=\"viewport\" content=\"\(escape($0.content))\"/>" } ?? "")</head>
            <body\(viewport == nil ? "" : " style=\"margin: 0\"")>
            <section style="text-align: center\(viewport.map { "; width: \($0.width)px; height: \($0.height)px; overflow: hidden" } ?? "")">
            <h1>\(escape(title))</h1>
            <p><img src="\(imageName)" alt="\(escape(alt))" style="width: 50%; max-width: 12em"/></p>
            <p>\(escape(hint))</p>
            <p><a href="\(escape(link))">\(escape(link))</a></p>
            </section>
            </body>
            </html>

            """
            : """
            <?xml version="1.0" encoding="UTF-8"?>
            <!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.1//EN" "http://www.w3.org/TR/xhtml11/DTD/xhtml11.dtd">
            <html xmlns="http://www.w3.org/1999/xhtml" xml:lang="\(lang)" dir="ltr">
            <head><title>\(escape(label))</title></head>
            <body>
            <div style="text-align: center">
            <h1>\(escape(title))</h1>
            <p><img src="\(imageName)" alt="\(escape(alt))" style="width: 50%"/></p>
            <p>\(escape(hint))</p>
            <p><a href="\(escape(link))">\(escape(link))</a></p>
            </div>
            </body>
            </html>

            """

        // The copy: mimetype first and stored, then every entry, replaced where changed, then the page.
        let temporary = output + ".part"
        try? FileManager.default.removeItem(atPath: temporary)
        do {
            let copy = try Archive(url: URL(fileURLWithPath: temporary), accessMode: .create)
            func add(_ path: String, _ data: Data, compressed: Bool) throws {
                try copy.addEntry(
                    with: path, type: .file, uncompressedSize: Int64(data.count), modificationDate: fixedDate,
                    compressionMethod: compressed ? .deflate : .none
                ) { position, size in data.subdata(in: Int(position)..<Int(position) + size) }
            }
            try add("mimetype", Data("application/epub+zip".utf8), compressed: false)
            for entry in archive.entries where !entry.isDirectory && !entry.isSymlink && entry.name != "mimetype" {
                guard let data = replaced[entry.name] ?? read(entry.name) else {
                    throw EPUBStampError.unreadable(entry.name)
                }
                try add(entry.name, data, compressed: true)
            }
            try add(inPackage(pageName), Data(page.utf8), compressed: true)
            try add(inPackage(imageName), qrPNG, compressed: false)
        } catch let error as EPUBStampError {
            try? FileManager.default.removeItem(atPath: temporary)
            throw error
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw .unreadable("\(error)")
        }
        guard rename(temporary, output) == 0 else {
            try? FileManager.default.removeItem(atPath: temporary)
            throw .unreadable(Localizer.current("epub.cannot_write", ["path": output]))
        }
    }

    /// A fixed-layout page's viewport (`<meta name="viewport" content="width=600, height=800">`).
    struct Viewport {
        var content: String
        var width: Int
        var height: Int

        init?(document: String) {
            guard
                let meta = document.range(
                    of: #"<meta\s[^>]*name\s*=\s*["']viewport["'][^>]*>"#, options: .regularExpression),
                let value = document[meta].range(of: #"content\s*=\s*["'][^"']*["']"#, options: .regularExpression)
            else { return nil }
            let content = String(document[meta][value].drop { $0 != "\"" && $0 != "'" }.dropFirst().dropLast())
            func number(_ name: String) -> Int? {
                guard let range = content.range(of: #"\#(name)\s*=\s*[0-9]+"#, options: .regularExpression) else {
                    return nil
                }
                return Int(content[range].drop { !$0.isNumber })
            }
            guard let width = number("width"), let height = number("height"), width > 0, height > 0 else { return nil }
            self.content = content
            self.width = width
            self.height = height
        }
    }

    /// The href of the spine's first XHTML document, relative to the package document.
    static func firstSpineDocument(_ facts: XMLFacts) -> String? {
        let xhtml = Dictionary(
            facts.items.filter { $0.mediaType == "application/xhtml+xml" }.compactMap { item in
                item.id.map { ($0, item.href) }
            },
            uniquingKeysWith: { first, _ in first })
        return facts.spine.lazy.compactMap { xhtml[$0] }.first
    }

    /// Inserts, before the closing tag of `element`, what `make` writes with that tag's namespace
    /// prefix (`opf:`, or nothing), so that new elements take the document's own form.
    static func insert(before element: String, in document: String, _ make: (String) -> String)
        throws(EPUBStampError) -> String
    {
        guard let range = document.range(of: "</([A-Za-z0-9]+:)?\(element)>", options: .regularExpression) else {
            throw .missing(Localizer.current("epub.part.element", ["element": element]))
        }
        let tag = document[range].dropFirst(2).dropLast()
        let prefix = tag.firstIndex(of: ":").map { String(tag[...$0]) } ?? ""
        var result = document
        result.insert(contentsOf: make(prefix), at: range.lowerBound)
        return result
    }

    static func unique(_ base: String, in document: String) -> String {
        var candidate = base
        var number = 2
        while document.contains("\"\(candidate)\"") {
            candidate = "\(base)-\(number)"
            number += 1
        }
        return candidate
    }

    static func relativePath(from folder: String, to name: String) -> String {
        let depth = folder.split(separator: "/").count
        return String(repeating: "../", count: depth) + name
    }

    static func escape(_ text: String) -> String { Markup.escape(text) }
}
