import Foundation
import KhoCore

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// EPUB: the OCF container (ZIP), `META-INF/container.xml`, and the package document's version,
/// title, language and unique identifier. `META-INF/encryption.xml` with anything but font
/// obfuscation means the content is encrypted (DRM).
enum EPUBParser {
    /// The most kho inflates of one XML entry: enough for any package document, not for a zip bomb.
    static let entryLimit = 4 << 20

    static func parse(_ file: FileBytes) -> TechnicalMetadata {
        var result = TechnicalMetadata(format: "epub")
        let archive: ZipIndex
        do { archive = try ZipIndex(path: file.path) } catch {
            // A ZIP ends with its central directory's end record, within the last 64 KiB + 22
            // bytes; ZipIndex looks there first, so a truncated file costs no long search.
            if case .noEndRecord = error {
                result.notes.append(error.description)
            } else {
                result.notes.append("not a readable ZIP container: \(error)")
            }
            return result
        }
        if let mimetype = archive["mimetype"], let text = read(mimetype, in: archive),
            text.trimmingCharacters(in: .whitespacesAndNewlines) != "application/epub+zip"
        {
            result.notes.append("mimetype entry says '\(text)', not application/epub+zip")
        }
        if let encryption = archive["META-INF/encryption.xml"] {
            result.encrypted = contentIsEncrypted(encryptionXML: read(encryption, in: archive) ?? "")
            if result.encrypted == true { result.notes.append("encrypted content (DRM): META-INF/encryption.xml") }
        } else {
            result.encrypted = false
        }
        guard let container = archive["META-INF/container.xml"], let containerXML = read(container, in: archive) else {
            result.notes.append("no META-INF/container.xml")
            return result
        }
        guard let opfPath = XMLFacts(containerXML).attributes(named: "full-path").first else {
            result.notes.append("META-INF/container.xml names no package document")
            return result
        }
        guard let opfEntry = archive[opfPath], let opf = read(opfEntry, in: archive) else {
            result.notes.append("the package document \(opfPath) is missing")
            return result
        }
        let facts = XMLFacts(opf)
        result.formatVersion = facts.rootAttributes["version"]
        result.title = facts.texts["title"]?.first
        result.language = facts.texts["language"]?.first
        let uniqueID = facts.rootAttributes["unique-identifier"]
        result.identifier = facts.identifiers.first { $0.id == uniqueID }?.value ?? facts.identifiers.first?.value
        if result.formatVersion == nil { result.notes.append("the package document has no version") }
        return result
    }

    /// Whether `META-INF/encryption.xml` encrypts content (DRM), rather than only obfuscating fonts:
    /// any algorithm but the IDPF and Adobe font obfuscations, or none named, counts as encryption.
    static func contentIsEncrypted(encryptionXML: String) -> Bool {
        let algorithms = XMLFacts(encryptionXML).attributes(named: "Algorithm")
        let obfuscation: Set<String> = ["http://www.idpf.org/2008/embedding", "http://ns.adobe.com/pdf/enc#RC"]
        return algorithms.isEmpty || !algorithms.allSatisfy(obfuscation.contains)
    }

    static func read(_ entry: ZipIndex.Entry, in archive: ZipIndex) -> String? {
        data(entry, in: archive, limit: entryLimit).flatMap { String(data: $0, encoding: .utf8) }
    }

    /// An entry's bytes, or nil when it is larger than `limit` (declared or found) or damaged.
    static func data(_ entry: ZipIndex.Entry, in archive: ZipIndex, limit: Int) -> Data? {
        archive.data(entry, limit: limit)
    }
}

/// The few facts kho wants from an XML document, gathered with Foundation's XMLParser
/// (external entities are not resolved).
final class XMLFacts: NSObject, XMLParserDelegate {
    var rootAttributes: [String: String] = [:]
    var texts: [String: [String]] = [:]
    var identifiers: [(id: String?, value: String)] = []
    /// Manifest items of a package document.
    var items: [(id: String?, href: String, mediaType: String?, properties: String?)] = []
    /// The spine's itemrefs, in reading order.
    var spine: [String] = []
    private var allAttributes: [String: [String]] = [:]
    private var current = ""
    private var currentID: String?
    private var depth = 0

    init(_ text: String) {
        super.init()
        let parser = XMLParser(data: Data(text.utf8))
        parser.shouldResolveExternalEntities = false
        parser.shouldProcessNamespaces = true
        parser.delegate = self
        _ = parser.parse()
    }

    func attributes(named name: String) -> [String] { allAttributes[name] ?? [] }

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        if depth == 0 { rootAttributes = attributes }
        depth += 1
        for (key, value) in attributes { allAttributes[key, default: []].append(value) }
        if elementName == "item", let href = attributes["href"] {
            items.append((attributes["id"], href, attributes["media-type"], attributes["properties"]))
        }
        if elementName == "itemref", let idref = attributes["idref"] { spine.append(idref) }
        current = ""
        currentID = attributes["id"]
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { current += string }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
        depth -= 1
        let text = current.trimmingCharacters(in: .whitespacesAndNewlines)
        if namespaceURI == "http://purl.org/dc/elements/1.1/", !text.isEmpty {
            texts[elementName, default: []].append(text)
            if elementName == "identifier" { identifiers.append((currentID, text)) }
        }
        current = ""
    }
}
