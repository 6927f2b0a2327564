import Foundation
import KhoCore

/// `kho report exhibitions`: the provinces that held an exhibition, as text, Markdown, CSV or HTML.
public enum ExhibitionReport {
    static func mark(_ value: Bool) -> String { value ? "✓" : "–" }

    static func title(_ coverage: ExhibitionCoverage, _ l: Localizer) -> String {
        coverage.period.map { l("xreport.title.period", ["period": $0]) } ?? l("xreport.title")
    }

    /// The figures: provinces covered against 34, and how.
    static func figures(_ coverage: ExhibitionCoverage, _ l: Localizer) -> [[String]] {
        let count = coverage.provinces.count
        func share(_ value: Int) -> String {
            "\(l.integer(value)) / \(l.integer(count)) = \(l.percent(count == 0 ? 0 : Double(value) * 100 / Double(count)))"
        }
        return [
            [l("xreport.covered"), share(coverage.covered), l("xreport.target")],
            [l("xreport.covered_both"), share(coverage.coveredInPersonAndOnline), ""],
            [l("xreport.covered_languages"), share(coverage.coveredVietnameseAndForeign), ""],
            [l("xreport.held"), l.integer(coverage.held), l("xreport.of_total", ["total": l.integer(coverage.total)])],
            [l("xreport.abroad"), l.integer(coverage.abroad.reduce(0) { $0 + $1.exhibitions.count }), l("xreport.countries", ["count": l.integer(coverage.abroad.count)])],
        ]
    }

    static func provinceHeader(_ l: Localizer) -> [String] {
        [l("xreport.column.province"), l("xreport.column.held"), l("xreport.column.in_person"), l("xreport.column.online"),
         l("xreport.column.vietnamese"), l("xreport.column.foreign"), l("xreport.column.ethnic")]
    }

    static func provinceRows(_ coverage: ExhibitionCoverage, _ l: Localizer) -> [[String]] {
        coverage.provinces.map { row in
            [row.name, mark(row.held), l.integer(row.inPerson), l.integer(row.online), mark(row.vietnamese), mark(row.foreign), mark(row.ethnic)]
        }
    }

    static func abroadRows(_ coverage: ExhibitionCoverage, _ l: Localizer) -> [[String]] {
        coverage.abroad.map { row in
            [l.language == .vi ? row.nameVi : row.name, l.integer(row.exhibitions.count), l.integer(row.inPerson), l.integer(row.online)]
        }
    }

    static func made(_ coverage: ExhibitionCoverage, _ l: Localizer) -> String {
        l("report.made.short", ["at": Timestamp.string(coverage.generatedAt), "software": coverage.software])
    }

    public static func table(_ coverage: ExhibitionCoverage, _ l: Localizer) -> String {
        var lines = [title(coverage, l), made(coverage, l), ""]
        lines += Markup.columns(figures(coverage, l))
        lines += ["", l("xreport.by_province") + ":"]
        lines += Markup.columns([provinceHeader(l)] + provinceRows(coverage, l)).map { "  " + $0 }
        if !coverage.abroad.isEmpty {
            lines += ["", l("xreport.by_country") + ":"]
            lines += Markup.columns(
                [[l("xreport.column.country"), l("xreport.column.exhibitions"), l("xreport.column.in_person"), l("xreport.column.online")]]
                    + abroadRows(coverage, l)
            ).map { "  " + $0 }
        }
        if coverage.withoutPlace > 0 { lines += ["", l("xreport.without_place", ["count": l.integer(coverage.withoutPlace)])] }
        lines += ["", l("xreport.definition")]
        return lines.joined(separator: "\n") + "\n"
    }

    public static func markdown(_ coverage: ExhibitionCoverage, _ l: Localizer) -> String {
        func row(_ cells: [String]) -> String {
            "| " + cells.map { $0.replacingOccurrences(of: "|", with: "\\|") }.joined(separator: " | ") + " |"
        }
        var lines = ["# " + title(coverage, l), "", made(coverage, l), ""]
        lines += [row([l("report.column.figure"), l("report.column.value"), ""]), "| --- | --- | --- |"]
        lines += figures(coverage, l).map(row)
        lines += ["", "## " + l("xreport.by_province"), "", row(provinceHeader(l)), "|" + String(repeating: " --- |", count: 7)]
        lines += provinceRows(coverage, l).map(row)
        if !coverage.abroad.isEmpty {
            lines += ["", "## " + l("xreport.by_country"), ""]
            lines += [row([l("xreport.column.country"), l("xreport.column.exhibitions"), l("xreport.column.in_person"), l("xreport.column.online")]), "| --- | --- | --- | --- |"]
            lines += abroadRows(coverage, l).map(row)
        }
        lines += ["", l("xreport.definition")]
        return lines.joined(separator: "\n") + "\n"
    }

    public static func csvRows(_ coverage: ExhibitionCoverage, _ l: Localizer) -> [[String]] {
        [["place", "code", "held", "in_person", "online", "vietnamese", "foreign", "ethnic", "exhibitions"]]
            + coverage.provinces.map { row in
                [row.name, row.code, String(row.held), String(row.inPerson), String(row.online), String(row.vietnamese),
                 String(row.foreign), String(row.ethnic), row.exhibitions.joined(separator: " ")]
            }
            + coverage.abroad.map { row in
                [l.language == .vi ? row.nameVi : row.name, "abroad:" + row.code, "true", String(row.inPerson), String(row.online), "", "", "",
                 row.exhibitions.joined(separator: " ")]
            }
    }

    public static func html(_ coverage: ExhibitionCoverage, _ l: Localizer) -> String {
        func e(_ text: String) -> String { Markup.escape(text) }
        func table(_ header: [String], _ rows: [[String]]) -> String {
            "<table><thead><tr>" + header.map { "<th>\(e($0))</th>" }.joined() + "</tr></thead><tbody>"
                + rows.map { "<tr>" + $0.map { "<td>\(e($0))</td>" }.joined() + "</tr>" }.joined() + "</tbody></table>"
        }
        var body = "<h1>\(e(title(coverage, l)))</h1><p>\(e(made(coverage, l)))</p>"
        body += table([l("report.column.figure"), l("report.column.value"), ""], figures(coverage, l))
        body += "<h2>\(e(l("xreport.by_province")))</h2>" + table(provinceHeader(l), provinceRows(coverage, l))
        if !coverage.abroad.isEmpty {
            body += "<h2>\(e(l("xreport.by_country")))</h2>"
                + table([l("xreport.column.country"), l("xreport.column.exhibitions"), l("xreport.column.in_person"), l("xreport.column.online")], abroadRows(coverage, l))
        }
        body += "<p>\(e(l("xreport.definition")))</p>"
        return """
            <!DOCTYPE html>
            <html lang="\(l.language == .vi ? "vi" : "en")"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(e(title(coverage, l)))</title>
            <style>body{font-family:"Noto Sans",Arial,sans-serif;max-width:60rem;margin:1rem auto;padding:0 1rem;color:#1d2329}table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #d0d7de}</style>
            </head><body>\(body)</body></html>

            """
    }
}
