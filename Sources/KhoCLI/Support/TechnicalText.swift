import KhoCore

/// Technical metadata as one line for people: `PDF 1.4, 2 pages, 200 ppi, PDF/A-1B`.
enum TechnicalText {
    static func summary(_ metadata: TechnicalMetadata) -> String {
        var parts: [String] = []
        let name = metadata.format == "text" ? "text" : metadata.format.uppercased()
        parts.append([name, metadata.formatVersion].compactMap { $0 }.joined(separator: " "))
        if let codec = metadata.codec { parts.append(codec) }
        if let pages = metadata.pageCount { parts.append("\(pages) page\(pages == 1 ? "" : "s")") }
        if let width = metadata.width, let height = metadata.height { parts.append("\(width)×\(height) px") }
        if let ppi = metadata.resolutionPPI { parts.append("\(number(ppi)) ppi") }
        if let colour = metadata.colourMode { parts.append(colour) }
        if let duration = metadata.durationSeconds { parts.append("\(number(duration)) s") }
        if let bitrate = metadata.bitrateKbps {
            parts.append("\(number(bitrate)) kbps" + (metadata.bitrateMode.map { " \($0)" } ?? ""))
        }
        if let rate = metadata.sampleRate { parts.append("\(rate) Hz") }
        if let channels = metadata.channels { parts.append(channels == 1 ? "mono" : "\(channels) channels") }
        if let pdfa = metadata.pdfa { parts.append("PDF/A-\(pdfa)") }
        if metadata.encrypted == true { parts.append("encrypted") }
        if let title = metadata.title { parts.append("“\(title)”") }
        if let language = metadata.language { parts.append("lang \(language)") }
        if let identifier = metadata.identifier { parts.append("id \(identifier)") }
        if let encoding = metadata.encoding { parts.append(encoding) }
        if let words = metadata.wordCount { parts.append("\(words) words") }
        var text = parts.joined(separator: ", ")
        if !metadata.notes.isEmpty { text += " [" + metadata.notes.joined(separator: "; ") + "]" }
        return text
    }

    static func number(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)
    }
}
