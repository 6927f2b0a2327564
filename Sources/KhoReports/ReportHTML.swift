import Foundation
import KhoCore

/// A report as one self-contained HTML file: no external assets, inline CSS and SVG, readable on a
/// phone and in print, UTF-8 throughout.
public enum ReportHTML {
    static func escape(_ text: String) -> String { Markup.escape(text) }

    /// Horizontal bars with the 15-20 % band shaded behind them, drawn for a phone's width: each
    /// label on its own line above its bar, so the text is read at its size on a 390 px screen and
    /// no label is cut; the band's two labels sit either side of it and never overlap.
    public static func chart(
        _ rows: [(label: String, ratio: Ratio?)], title: String, band: Bool, _ l: Localizer = .english
    ) -> String {
        let width = 360.0
        let barWidth = width - 64  // room for the value after the longest bar
        let rowHeight = 34.0
        let height = Double(rows.count) * rowHeight + 22
        let maximum = max(25.0, (rows.compactMap { $0.ratio?.percent }.max() ?? 0) * 1.05)
        func x(_ percent: Double) -> Double { (barWidth * min(percent, maximum) / maximum * 10).rounded() / 10 }
        var svg = """
            <svg viewBox="0 0 \(Int(width)) \(Int(height))" role="img" aria-label="\(escape(title))" class="chart">
            <title>\(escape(title))</title>
            """
        let axis = height - 6
        if band {
            svg += """
                <rect x="\(x(15))" y="0" width="\(x(20) - x(15))" height="\(height - 20)" class="band"/>
                <text x="\(x(15) - 2)" y="\(axis)" text-anchor="end" class="axis">\(l.percent(15, digits: 0))</text>\
                <text x="\(x(20) + 2)" y="\(axis)" class="axis">\(l.percent(20, digits: 0))</text>
                """
        } else {
            svg += "<text x=\"\(x(100))\" y=\"\(axis)\" text-anchor=\"end\" class=\"axis\">\(l.percent(100, digits: 0))</text>"
        }
        for (index, row) in rows.enumerated() {
            let y = Double(index) * rowHeight
            let value = row.ratio?.percent ?? 0
            let state = row.ratio?.band?.rawValue ?? "plain"
            let text = row.ratio?.percent.map { l.percent($0, digits: 1) } ?? l("number.not_available")
            svg += """
                <text x="0" y="\(y + 13)" class="label">\(escape(String(row.label.prefix(48))))</text>
                <rect x="0" y="\(y + 17)" width="\(max(0, x(value)))" height="11" class="bar \(state)"/>
                <text x="\(x(value) + 4)" y="\(y + 27)" class="value">\(escape(text))</text>
                """
        }
        return svg + "</svg>"
    }

    public static func render(_ report: Report, _ l: Localizer = .english) -> String {
        let title = ReportText.title(report, l)
        var body = "<h1>\(escape(title))</h1>\n<dl class=\"meta\">"
        for (term, value) in [
            (l("report.meta.scope"), ReportText.scope(report, l)),
            (l("report.meta.catalogue"), ReportText.catalogue(report, l, key: "report.catalogue.short")),
            (l("report.meta.made"), l("report.made.short", ["at": report.generatedAt, "software": report.software])),
            (l("report.meta.definitions"), report.definitionsVersion),
        ] {
            body += "<dt>\(escape(term))</dt><dd>\(escape(value))</dd>"
        }
        body += "</dl>\n"
        if let message = ReportText.message(report, l) { body += "<p class=\"message\">\(escape(message))</p>\n" }
        body +=
            "<section><h2>\(escape(l("report.html.summary")))</h2><table><thead><tr><th>\(escape(l("report.column.figure")))</th>"
            + "<th>\(escape(l("report.column.value")))</th><th>\(escape(l("report.html.band")))</th></tr></thead><tbody>"
        for row in ReportText.figureRows(report.totals, l) {
            let indent = row[0].hasPrefix("  ") ? " class=\"sub\"" : ""
            let value = row[1].contains(" = ") ? percentFromText(row[1]) : escape(row[1])
            body +=
                "<tr\(indent)><td>\(escape(row[0].trimmingCharacters(in: .whitespaces)))</td><td>\(value)</td><td>\(escape(row[2]))</td></tr>"
        }
        body += "</tbody></table></section>\n"
        let groups = report.groups
        if let shares = report.totals.shares {
            let rows =
                [(label: l("report.html.all_products"), ratio: Optional(shares.target))]
                + groups.map { ($0.label, $0.figures.shares?.target) }
            body +=
                "<section><h2>\(escape(l("report.html.share_chart")))</h2>\(chart(rows, title: l("report.html.share_chart_title"), band: true, l))</section>\n"
        }
        if let books = report.totals.books {
            let rows =
                [(label: l("report.html.all_books"), ratio: Optional(books.target))]
                + groups.map { ($0.label, $0.figures.books?.target) }
            body +=
                "<section><h2>\(escape(l("report.html.book_chart")))</h2>\(chart(rows, title: l("report.html.book_chart_title"), band: true, l))</section>\n"
        }
        if let coverage = report.totals.coverage {
            let rows =
                [(label: l("report.html.all_products"), ratio: Optional(coverage.digitised))]
                + groups.map { ($0.label, $0.figures.coverage?.digitised) }
            body +=
                "<section><h2>\(escape(l("report.html.coverage_chart")))</h2>\(chart(rows, title: l("report.html.coverage_chart_title"), band: false, l))</section>\n"
        }
        if let previous = report.previous {
            body += "<section><h2>\(escape(l("report.change_since", ["period": previous.period])))</h2><table><tbody>"
            for row in ReportText.changeRows(previous, l) {
                body += "<tr><td>\(escape(row[0]))</td><td>\(escape(row[1]))</td></tr>"
            }
            body += "</tbody></table></section>\n"
        }
        if let grouping = report.grouping {
            body +=
                "<section><h2>\(escape(l("report.by", ["grouping": ReportText.groupingName(grouping, l)])))</h2><div class=\"scroll\"><table><thead><tr>"
            body += ReportText.groupHeader(report, l).map { "<th>\(escape($0))</th>" }.joined() + "</tr></thead><tbody>"
            for group in groups {
                body +=
                    "<tr>"
                    + ReportText.groupRow(group.label, group.figures, products: ReportText.products(group.figures), l)
                    .map { "<td>\(escape($0))</td>" }.joined() + "</tr>"
            }
            body +=
                "<tr class=\"total\">"
                + ReportText.groupRow(l("report.total"), report.totals, products: ReportText.products(report.totals), l)
                .map { "<td>\(escape($0))</td>" }.joined() + "</tr>"
            body += "</tbody></table></div></section>\n"
        }
        if let list = report.notDigitised, let coverage = report.totals.coverage {
            body +=
                "<section><h2>\(escape(l("report.not_digitised", ["count": l.integer(coverage.notDigitised)])))</h2><div class=\"scroll\"><table><thead><tr>"
                + ReportText.notDigitisedHeader(l).map { "<th>\(escape($0))</th>" }.joined() + "</tr></thead><tbody>"
            for item in list {
                body +=
                    "<tr><td><code>\(item.id)</code></td><td>\(escape(item.kind))</td><td>\(escape(item.province ?? ""))</td><td>\(escape(item.published ?? ""))</td><td>\(escape(item.title))</td></tr>"
            }
            if list.count < coverage.notDigitised {
                body +=
                    "<tr><td colspan=\"5\">\(escape(l("report.html.more", ["count": l.integer(coverage.notDigitised - list.count)])))</td></tr>"
            }
            body += "</tbody></table></div></section>\n"
        }
        body += "<section><h2>\(escape(l("report.definitions")))</h2><dl>"
        for (key, value) in ReportText.definitions(report, l) {
            body += "<dt>\(escape(key))</dt><dd>\(escape(value))</dd>"
        }
        body += "</dl></section>"
        return """
            <!DOCTYPE html>
            <html lang="\(l.language.rawValue)">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="generator" content="\(escape(report.software))">
            <title>\(escape(title))</title>
            <style>
            body { font-family: "Noto Sans", "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; margin: 0 auto; max-width: 60rem; padding: 1rem; color: #1d2329; line-height: 1.45; }
            h1 { font-size: 1.5rem; margin-bottom: .5rem; } h2 { font-size: 1.15rem; margin-top: 1.8rem; border-bottom: 1px solid #d0d7de; }
            dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; font-size: .9rem; } dl.meta dd { margin: 0; }
            table { border-collapse: collapse; width: 100%; font-size: .92rem; } th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid #e5e9ee; vertical-align: top; }
            tr.sub td:first-child { padding-left: 1.5rem; } tr.total td { font-weight: 600; } small { color: #57606a; }
            .scroll { overflow-x: auto; } .message { background: #fff8c5; padding: .6rem; border-radius: 4px; }
            svg.chart { width: 100%; height: auto; max-width: 30rem; font-size: 12px; }
            .band { fill: #dafbe1; } .bar { fill: #8c959f; } .bar.within { fill: #1a7f37; } .bar.below { fill: #cf222e; } .bar.above { fill: #0969da; }
            .label, .value, .axis { fill: #1d2329; } .axis { font-size: 10px; }
            @media print { body { max-width: none; padding: 0; } section { break-inside: avoid; } .scroll { overflow: visible; } }
            </style>
            </head>
            <body>
            \(body)
            </body>
            </html>

            """
    }

    /// "12 / 80 = 15.00 %" → "15.00 % (12 / 80)", for table cells.
    static func percentFromText(_ text: String) -> String {
        let parts = text.components(separatedBy: " = ")
        guard parts.count == 2 else { return escape(text) }
        return "\(escape(parts[1])) <small>(\(escape(parts[0])))</small>"
    }
}
