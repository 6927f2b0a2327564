import Foundation
import KhoCore

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// An EPUB opened for reading in place (never unpacked to disk): its spine in reading order, its
/// table of contents, and any of its entries by path. Used by `kho serve` to let a phone with
/// no e-book app read the book in a browser.
public final class EPUBBook {
    /// One document of the spine.
    public struct SpineItem: Sendable, Equatable {
        /// The entry's path inside the container, e.g. `OEBPS/text/ch01.xhtml`.
        public var path: String
        public var mediaType: String
    }

    /// One entry of the table of contents.
    public struct TOCEntry: Sendable, Equatable {
        public var title: String
        /// The entry path it points to (without its fragment).
        public var path: String
        public var fragment: String?
        public var depth: Int
    }

    public let title: String?
    public let language: String?
    public let spine: [SpineItem]
    public let toc: [TOCEntry]
    /// Media types of the manifest's items, by entry path.
    public let mediaTypes: [String: String]
    private let archive: ZipIndex

    /// The most kho reads of one entry into memory (a chapter, an image, a stylesheet).
    public static let entryLimit = 64 << 20

    /// Opens the EPUB at `path`, or says why it cannot be read online.
    public init(path: String) throws(EPUBBookError) {
        guard let archive = try? ZipIndex(path: path) else {
            throw .unreadable("not a readable ZIP container")
        }
        self.archive = archive
        if let encryption = archive["META-INF/encryption.xml"],
            EPUBParser.contentIsEncrypted(encryptionXML: EPUBParser.read(encryption, in: archive) ?? "")
        {
            throw .unreadable("the content is encrypted (DRM)")
        }
        guard let container = archive["META-INF/container.xml"],
            let containerXML = EPUBParser.read(container, in: archive),
            let opfPath = XMLFacts(containerXML).attributes(named: "full-path").first,
            let opfEntry = archive[opfPath], let opfText = EPUBParser.read(opfEntry, in: archive)
        else { throw .unreadable("no package document") }
        let package = PackageOutline(opfText)
        let base = Self.folder(of: opfPath)
        var byID: [String: (path: String, mediaType: String, properties: String)] = [:]
        var mediaTypes: [String: String] = [:]
        for item in package.items {
            guard let path = Self.resolve(item.href, from: base) else { continue }
            byID[item.id] = (path, item.mediaType, item.properties)
            mediaTypes[path] = item.mediaType
        }
        self.mediaTypes = mediaTypes
        title = package.title
        language = package.language
        spine = package.itemrefs.compactMap { idref in
            byID[idref].map { SpineItem(path: $0.path, mediaType: $0.mediaType) }
        }
        // EPUB 3: the navigation document; EPUB 2: the NCX the spine names.
        var entries: [TOCEntry] = []
        if let nav = byID.values.first(where: { $0.properties.split(separator: " ").contains("nav") }),
            let entry = archive[nav.path], let text = EPUBParser.read(entry, in: archive)
        {
            entries = TOCOutline(text, navigation: true).entries(base: Self.folder(of: nav.path))
        }
        if entries.isEmpty, let ncxID = package.tocID, let ncx = byID[ncxID], let entry = archive[ncx.path],
            let text = EPUBParser.read(entry, in: archive)
        {
            entries = TOCOutline(text, navigation: false).entries(base: Self.folder(of: ncx.path))
        }
        toc = entries
        if spine.isEmpty { throw .unreadable("the spine names no document") }
    }

    /// The bytes of one entry, or nil when there is none (or it is larger than `entryLimit`).
    public func data(at path: String) -> Data? {
        guard let entry = archive[path], !entry.isDirectory, !entry.isSymlink else { return nil }
        return EPUBParser.data(entry, in: archive, limit: Self.entryLimit)
    }

    /// The folder part of an entry path, with its trailing slash ("" at the top).
    static func folder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return String(path[...slash])
    }

    /// An href relative to `base`, resolved to an entry path: percent-decoded, `.` and `..`
    /// applied, never leaving the container. Nil for absolute URLs and paths that climb out.
    public static func resolve(_ href: String, from base: String) -> String? {
        let withoutFragment = href.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(
            String.init) ?? ""
        guard !withoutFragment.isEmpty, !withoutFragment.contains(":"), !withoutFragment.hasPrefix("/"),
            let decoded = withoutFragment.removingPercentEncoding, !decoded.contains("\0"), !decoded.contains("\\")
        else { return nil }
        var parts: [Substring] = base.split(separator: "/")
        for part in decoded.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == ".." {
                guard !parts.isEmpty else { return nil }
                parts.removeLast()
            } else {
                parts.append(part)
            }
        }
        return parts.isEmpty ? nil : parts.joined(separator: "/")
    }
}

/// Why an EPUB cannot be read online.
public enum EPUBBookError: Error, Sendable, CustomStringConvertible {
    case unreadable(String)
    public var description: String {
        switch self {
        case .unreadable(let reason): return "this e-book cannot be read online: \(reason)"
        }
    }
}

/// The parts of a package document a reader needs: manifest, spine, NCX id, title, language.
private final class PackageOutline: NSObject, XMLParserDelegate {
    var items: [(id: String, href: String, mediaType: String, properties: String)] = []
    var itemrefs: [String] = []
    var tocID: String?
    var title: String?
    var language: String?
    private var text = ""

    init(_ xml: String) {
        super.init()
        let parser = XMLParser(data: Data(xml.utf8))
        parser.shouldResolveExternalEntities = false
        parser.shouldProcessNamespaces = true
        parser.delegate = self
        _ = parser.parse()
    }

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        text = ""
        switch elementName {
        case "item":
            if let id = attributes["id"], let href = attributes["href"] {
                items.append((id, href, attributes["media-type"] ?? "", attributes["properties"] ?? ""))
            }
        case "itemref":
            if let idref = attributes["idref"], attributes["linear"] != "no" { itemrefs.append(idref) }
        case "spine": tocID = attributes["toc"]
        default: break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
        let value = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if namespaceURI == "http://purl.org/dc/elements/1.1/", !value.isEmpty {
            if elementName == "title", title == nil { title = value }
            if elementName == "language", language == nil { language = value }
        }
        text = ""
    }
}

/// The table of contents of an EPUB 3 navigation document (`nav epub:type="toc"`) or an NCX.
private final class TOCOutline: NSObject, XMLParserDelegate {
    private var raw: [(title: String, href: String, depth: Int)] = []
    private let navigation: Bool
    private var inTOC = false
    private var navDepth = 0
    private var listDepth = 0
    private var anchorHref: String?
    private var label = ""
    private var inLabel = false
    private var pointDepth = 0
    private var pendingLabel: String?

    init(_ xml: String, navigation: Bool) {
        self.navigation = navigation
        super.init()
        let parser = XMLParser(data: Data(xml.utf8))
        parser.shouldResolveExternalEntities = false
        parser.shouldProcessNamespaces = true
        parser.delegate = self
        _ = parser.parse()
    }

    func entries(base: String) -> [EPUBBook.TOCEntry] {
        raw.compactMap { entry in
            guard let path = EPUBBook.resolve(entry.href, from: base) else { return nil }
            let fragment = entry.href.split(separator: "#", maxSplits: 1).dropFirst().first.map(String.init)
            let title = entry.title.split(whereSeparator: \.isWhitespace).joined(separator: " ")
            return EPUBBook.TOCEntry(
                title: title.isEmpty ? path : title, path: path, fragment: fragment, depth: max(0, entry.depth))
        }
    }

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        if navigation {
            if elementName == "nav" {
                navDepth += 1
                let type = attributes["epub:type"] ?? attributes["type"] ?? ""
                if type.split(separator: " ").contains("toc") { inTOC = true }
            }
            guard inTOC else { return }
            if elementName == "ol" { listDepth += 1 }
            if elementName == "a" {
                anchorHref = attributes["href"]
                label = ""
            }
        } else {
            if elementName == "navPoint" { pointDepth += 1 }
            if elementName == "text" {
                inLabel = true
                label = ""
            }
            if elementName == "content", let src = attributes["src"] {
                raw.append((pendingLabel ?? "", src, pointDepth - 1))
                pendingLabel = nil
            }
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if (navigation && anchorHref != nil) || inLabel { label += string }
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
        if navigation {
            if elementName == "a", let href = anchorHref, inTOC {
                raw.append((label, href, listDepth - 1))
                anchorHref = nil
            }
            if elementName == "ol", inTOC { listDepth -= 1 }
            if elementName == "nav" {
                navDepth -= 1
                inTOC = false
            }
        } else {
            if elementName == "text" {
                inLabel = false
                if pendingLabel == nil { pendingLabel = label }
            }
            if elementName == "navPoint" { pointDepth -= 1 }
        }
    }
}
