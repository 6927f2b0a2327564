import Foundation
import KhoCore

/// A product as simple Dublin Core (`oai_dc`), as `catalogue-schema/OAI-PMH.md` documents.
enum DublinCore {
    /// The DCMI Type Vocabulary term for a kind of product.
    static func dcmiType(_ kind: String, vocabulary: Vocabulary) -> String {
        switch kind {
        case "radio-report", "radio-drama": return "Sound"
        case "video", "documentary", "tv-report", "mooc-lesson": return "MovingImage"
        case "exhibition-photo", "poster", "banner": return "StillImage"
        default: return "Text"
        }
    }

    static func record(_ product: Product, site: Site) -> String {
        let vocabulary = site.vocabulary
        let metadata = product.metadata
        var elements: [(String, String)] = [("title", metadata.title)]
        if let agency = metadata.agency {
            elements.append(("creator", agency))
            elements.append(("publisher", agency))
        }
        for code in metadata.topics {
            if let topic = vocabulary.topics.first(where: { $0.code == code }) {
                elements.append(("subject", "\(topic.labelVi) (\(topic.label))"))
            } else {
                elements.append(("subject", code))
            }
        }
        if let description = metadata.description { elements.append(("description", description)) }
        if let date = metadata.published ?? metadata.produced { elements.append(("date", date.description)) }
        elements.append(("type", dcmiType(metadata.kind, vocabulary: vocabulary)))
        if let kind = vocabulary.kinds.first(where: { $0.code == metadata.kind }) {
            elements.append(("type", "\(kind.labelVi) (\(kind.label))"))
        }
        for mime in Set(product.files.map(\.object.mime)).sorted() { elements.append(("format", mime)) }
        elements.append(("identifier", site.link(product.id)))
        for language in metadata.languages { elements.append(("language", language.code)) }
        if let ref = metadata.province {
            let current = vocabulary.currentUnit(of: ref)?.name
            let registered = vocabulary.unit(ref)?.name
            elements.append(("coverage", current ?? registered ?? ref.code))
            if let registered, registered != current { elements.append(("coverage", registered)) }
        }
        // A licence as its name and its deed's URI, so that a harvester can tell what it may re-use.
        if let licence = vocabulary.licence(metadata.rights) {
            elements.append(("rights", "\(licence.labelVi) (\(licence.label))"))
            if let url = licence.url { elements.append(("rights", url)) }
        } else if let rights = metadata.rights {
            elements.append(("rights", rights))
        }
        let body = elements.map { "<dc:\($0.0)>\(Markup.escape($0.1))</dc:\($0.0)>" }.joined()
        return """
            <oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://www.openarchives.org/OAI/2.0/oai_dc/ http://www.openarchives.org/OAI/2.0/oai_dc.xsd">\(body)</oai_dc:dc>
            """
    }
}
