import Foundation

/// A4 sheets of labels: each a QR code with the product's title, id and short link under it.
public enum LabelSheet {
    public struct Label: Sendable {
        public var code: QRCode
        public var title: String
        public var id: String
        public var link: String

        public init(code: QRCode, title: String, id: String, link: String) {
            self.code = code
            self.title = title
            self.id = id
            self.link = link
        }
    }

    public static let columns = 3
    public static let rows = 5
    public static var perPage: Int { columns * rows }

    /// One A4 page (210 × 297 mm) as SVG, in millimetre units.
    public static func page(_ labels: ArraySlice<Label>, margin: Int = 4) -> String {
        let cellWidth = 190.0 / Double(columns)
        let cellHeight = 277.0 / Double(rows)
        let qrSize = 34.0
        var body = ""
        for (index, label) in labels.enumerated() {
            let column = index % columns
            let row = index / columns
            let left = 10 + Double(column) * cellWidth
            let top = 10 + Double(row) * cellHeight
            let units = label.code.size + 2 * margin
            body += """
                <g>
                <rect x="\(f(left + 1))" y="\(f(top + 1))" width="\(f(cellWidth - 2))" height="\(f(cellHeight - 2))" \
                fill="none" stroke="#d0d7de" stroke-width="0.2" stroke-dasharray="1 1"/>
                <svg x="\(f(left + (cellWidth - qrSize) / 2))" y="\(f(top + 2))" width="\(f(qrSize))" height="\(f(qrSize))" \
                viewBox="0 0 \(units) \(units)" shape-rendering="crispEdges"><rect width="\(units)" height="\(units)" fill="#fff"/>\
                <path fill="#000" d="\(QRRenderer.path(label.code, margin: margin))"/></svg>

                """
            let lines = wrap(label.title, width: 30, maxLines: 2)
            for (number, line) in lines.enumerated() {
                body +=
                    "<text x=\"\(f(left + cellWidth / 2))\" y=\"\(f(top + qrSize + 6 + Double(number) * 4))\" class=\"title\">\(QRRenderer.escape(line))</text>\n"
            }
            let below = top + qrSize + 6 + Double(lines.count) * 4
            body += "<text x=\"\(f(left + cellWidth / 2))\" y=\"\(f(below + 0.5))\" class=\"id\">\(label.id)</text>\n"
            body +=
                "<text x=\"\(f(left + cellWidth / 2))\" y=\"\(f(below + 4))\" class=\"link\">\(QRRenderer.escape(shortLink(label.link)))</text>\n</g>\n"
        }
        return """
            <svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="210mm" height="297mm" viewBox="0 0 210 297" xml:lang="vi">
            <style>text { font-family: "Noto Sans", "DejaVu Sans", "Segoe UI", Arial, sans-serif; text-anchor: middle; fill: #000; }
            .title { font-size: 3.2px; font-weight: 600; } .id { font-size: 2.8px; font-family: "DejaVu Sans Mono", monospace; } \
            .link { font-size: 2.4px; fill: #444; }</style>
            <rect width="210" height="297" fill="#fff"/>
            \(body)</svg>

            """
    }

    /// Every page as SVG.
    public static func pages(_ labels: [Label]) -> [String] {
        stride(from: 0, to: labels.count, by: perPage).map { page(labels[$0..<min($0 + perPage, labels.count)]) }
    }

    /// All pages in one self-contained HTML file, one A4 page per sheet when printed.
    public static func html(_ labels: [Label], title: String) -> String {
        let pages = pages(labels).map { "<section class=\"page\">\($0)</section>" }.joined(separator: "\n")
        return """
            <!DOCTYPE html>
            <html lang="vi">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(QRRenderer.escape(title))</title>
            <style>
            @page { size: A4; margin: 0; }
            body { margin: 0; background: #eee; }
            .page { width: 210mm; height: 297mm; margin: 1rem auto; background: #fff; box-shadow: 0 0 4px #999; }
            .page svg { display: block; width: 210mm; height: 297mm; }
            @media print { body { background: none; } .page { margin: 0; box-shadow: none; break-after: page; } }
            </style>
            </head>
            <body>
            \(pages)
            </body>
            </html>

            """
    }

    /// The link without its scheme: shorter under a label, and still typed as is.
    static func shortLink(_ link: String) -> String {
        link.replacingOccurrences(of: "https://", with: "").replacingOccurrences(of: "http://", with: "")
    }

    /// Words in lines of at most `width` characters; the last line ends with … when text is left.
    static func wrap(_ text: String, width: Int, maxLines: Int) -> [String] {
        var lines: [String] = []
        var current = ""
        var words = text.split(separator: " ").map(String.init)[...]
        while let word = words.first {
            let candidate = current.isEmpty ? word : current + " " + word
            if candidate.count <= width || current.isEmpty {
                current = candidate.count > width ? String(candidate.prefix(width - 1)) + "…" : candidate
                words = words.dropFirst()
            } else {
                lines.append(current)
                current = ""
                if lines.count == maxLines { break }
            }
        }
        if !current.isEmpty, lines.count < maxLines { lines.append(current) }
        if !words.isEmpty, var last = lines.popLast() {
            if last.count >= width { last = String(last.prefix(width - 1)) }
            lines.append(last + "…")
        }
        return lines
    }

    static func f(_ value: Double) -> String { QRRenderer.format(value) }
}
