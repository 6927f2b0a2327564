import KhoCore

/// Technical metadata as one line for people: `PDF 1.4, 2 pages, 200 ppi, PDF/A-1B`.
enum TechnicalText {
    /// In the reader's language: `PDF 1.4, 2 trang, 200 ppi` in Vietnamese.
    static func summary(_ metadata: TechnicalMetadata) -> String {
        let l = Output.l
        var parts: [String] = []
        let name = metadata.format == "text" ? "text" : metadata.format.uppercased()
        parts.append([name, metadata.formatVersion].compactMap { $0 }.joined(separator: " "))
        if let codec = metadata.codec { parts.append(codec) }
        if let pages = metadata.pageCount {
            parts.append(pages == 1 ? l("technical.page") : l("technical.pages", ["count": l.integer(pages)]))
        }
        if let width = metadata.width, let height = metadata.height { parts.append("\(width)×\(height) px") }
        if let ppi = metadata.resolutionPPI { parts.append("\(number(ppi, l)) ppi") }
        if let colour = metadata.colourMode { parts.append(colour) }
        if let duration = metadata.durationSeconds { parts.append("\(number(duration, l)) s") }
        if let bitrate = metadata.bitrateKbps {
            parts.append("\(number(bitrate, l)) kbps" + (metadata.bitrateMode.map { " \($0)" } ?? ""))
        }
        if let rate = metadata.sampleRate { parts.append("\(l.integer(rate)) Hz") }
        if let channels = metadata.channels {
            parts.append(channels == 1 ? l("technical.mono") : l("technical.channels", ["count": String(channels)]))
        }
        if let pdfa = metadata.pdfa { parts.append("PDF/A-\(pdfa)") }
        if metadata.encrypted == true { parts.append(l("technical.encrypted")) }
        if let title = metadata.title { parts.append("“\(title)”") }
        if let language = metadata.language { parts.append(l("technical.language", ["code": language])) }
        if let identifier = metadata.identifier { parts.append(l("technical.identifier", ["id": identifier])) }
        if let encoding = metadata.encoding { parts.append(encoding) }
        if let words = metadata.wordCount { parts.append(l("technical.words", ["count": l.integer(words)])) }
        var text = parts.joined(separator: ", ")
        if !metadata.notes.isEmpty { text += " [" + metadata.notes.joined(separator: "; ") + "]" }
        return text
    }

    /// A whole number as it is; otherwise one decimal, with the language's separator.
    static func number(_ value: Double, _ l: Localizer) -> String {
        value == value.rounded() ? l.integer(Int(value)) : l.decimal(value, digits: 1)
    }
}
