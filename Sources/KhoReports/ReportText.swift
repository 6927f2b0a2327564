import Foundation
import KhoCore

/// Reports for people: an aligned table for the terminal, or Markdown.
public enum ReportText {
    static func percent(_ ratio: Ratio?, _ l: Localizer) -> String {
        guard let ratio else { return "—" }
        let fraction = "\(l.integer(ratio.numerator)) / \(l.integer(ratio.denominator))"
        guard let percent = ratio.percent else { return "\(fraction) = \(l("number.not_available"))" }
        return "\(fraction) = \(l.percent(percent, digits: 2))"
    }

    static func band(_ ratio: Ratio?, _ l: Localizer) -> String {
        guard let band = ratio?.band else { return "" }
        return l("report.band.\(band.rawValue)")
    }

    static func shortBand(_ ratio: Ratio?, _ l: Localizer) -> String {
        guard let band = ratio?.band else { return "" }
        return l("report.band.short.\(band.rawValue)")
    }

    /// The report's title in the reader's language (the JSON keeps the English one).
    public static func title(_ report: Report, _ l: Localizer) -> String {
        l("report.title.\(report.report.rawValue)", ["period": report.scope["period"] ?? ""])
    }

    /// The scope as "key value; key value", or "all products".
    static func scope(_ report: Report, _ l: Localizer) -> String {
        guard !report.scope.isEmpty else { return l("report.scope.all") }
        return report.scope.sorted { $0.key < $1.key }.map { key, value in
            let name = l.has("report.scope.key.\(key)") ? l("report.scope.key.\(key)") : key
            return "\(name) \(value)"
        }.joined(separator: "; ")
    }

    static func catalogue(_ report: Report, _ l: Localizer, key: String = "report.catalogue") -> String {
        l(
            key,
            [
                "products": l.integer(report.catalogue.products),
                "change": report.catalogue.lastChange ?? l("report.catalogue.no_change"),
                "digest": report.catalogue.digest,
            ])
    }

    /// The header lines every report starts with: what, scope, source, rules.
    static func header(_ report: Report, _ l: Localizer) -> [String] {
        [
            title(report, l),
            l("report.scope", ["scope": scope(report, l)]),
            catalogue(report, l),
            l(
                "report.made",
                ["at": report.generatedAt, "software": report.software, "version": report.definitionsVersion]),
        ]
    }

    static func message(_ report: Report, _ l: Localizer) -> String? { report.message.map { _ in l("report.empty") } }

    static func figureRows(_ figures: Figures, _ l: Localizer) -> [[String]] {
        var rows: [[String]] = []
        if let shares = figures.shares {
            rows.append([l("report.row.target_share"), percent(shares.target, l), band(shares.target, l)])
            rows.append(["  " + l("report.row.ethnic"), percent(shares.ethnic, l), ""])
            rows.append(["  " + l("report.row.foreign"), percent(shares.foreign, l), ""])
            rows.append(["  " + l("report.row.digital"), percent(shares.digital, l), ""])
            for key in ["ethnic_and_foreign", "ethnic_and_digital", "foreign_and_digital", "all_three", "none"] {
                rows.append(["    " + l("report.row.\(key)"), l.integer(shares.overlaps[key] ?? 0), ""])
            }
        }
        if let books = figures.books {
            rows.append([
                l("report.row.book_titles", ["target": l.integer(ReportDefinitions.bookTitleTarget)]),
                percent(books.progress, l), "",
            ])
            rows.append(["  " + l("report.row.book_share"), percent(books.target, l), band(books.target, l)])
            rows.append(["  " + l("report.row.book_foreign"), percent(books.foreign, l), ""])
            rows.append(["  " + l("report.row.book_ethnic"), percent(books.ethnic, l), ""])
            rows.append(["  " + l("report.row.ebooks"), percent(books.ebook, l), ""])
        }
        if let coverage = figures.coverage {
            rows.append([l("report.row.digitised"), percent(coverage.digitised, l), ""])
            rows.append([
                "  " + l("report.row.shared"),
                coverage.shared.available ? percent(coverage.shared.ratio, l) : l("report.online.unavailable"), "",
            ])
            rows.append([
                "  " + l("report.row.online"),
                coverage.online.available ? percent(coverage.online.ratio, l) : l("report.online.unavailable"), "",
            ])
        }
        return rows
    }

    /// The period comparison: counts as whole numbers, shares in percentage points.
    static func changeRows(_ previous: Report.PreviousPeriod, _ l: Localizer) -> [[String]] {
        ["products", "book_titles", "target_share_points", "book_share_points", "digitised_points"].compactMap { key in
            guard let value = previous.change[key] else { return nil }
            let text =
                key.hasSuffix("_points")
                ? l("report.change.points", ["value": l.signed(value, digits: 2)]) : l.signed(value, digits: 0)
            return [l("report.change.\(key)"), text]
        }
    }

    static func groupingName(_ grouping: ReportGrouping, _ l: Localizer) -> String {
        l("report.grouping.\(grouping.rawValue)")
    }

    static func groupHeader(_ report: Report, _ l: Localizer) -> [String] {
        var header = [l("report.column.group"), l("report.column.products")]
        if report.totals.shares != nil { header += [l("report.column.target_share"), l("report.column.band")] }
        if report.totals.books != nil {
            header += [l("report.column.book_titles"), l("report.column.book_share"), l("report.column.band")]
        }
        if report.totals.coverage != nil { header += [l("report.column.digitised")] }
        return header
    }

    static func groupRow(_ label: String, _ figures: Figures, products: Int, _ l: Localizer) -> [String] {
        var row = [label, l.integer(products)]
        func short(_ ratio: Ratio?) -> String {
            guard let ratio else { return "—" }
            return "\(l.integer(ratio.numerator)) (\(ratio.percent.map { l.percent($0, digits: 2) } ?? l("number.not_available")))"
        }
        if let shares = figures.shares { row += [short(shares.target), shortBand(shares.target, l)] }
        if let books = figures.books {
            row += [l.integer(books.titles), short(books.target), shortBand(books.target, l)]
        }
        if let coverage = figures.coverage { row += [short(coverage.digitised)] }
        return row
    }

    static func products(_ figures: Figures) -> Int {
        figures.shares?.products ?? figures.coverage?.products ?? figures.books?.titles ?? 0
    }

    static func notDigitisedHeader(_ l: Localizer) -> [String] {
        ["id", "kind", "province", "published", "title"].map { l("report.column.\($0)") }
    }

    static func definitions(_ report: Report, _ l: Localizer) -> [(String, String)] {
        report.definitions.sorted { $0.key < $1.key }.map { key, value in
            (key.replacingOccurrences(of: "_", with: " "),
             l.has("report.definition.\(key)") ? l("report.definition.\(key)") : value)
        }
    }

    /// The report as aligned text for a terminal.
    public static func table(_ report: Report, _ l: Localizer = .english) -> String {
        var lines = header(report, l) + [""]
        if let message = message(report, l) { lines += [message, ""] }
        lines += Markup.columns(figureRows(report.totals, l))
        if let previous = report.previous {
            lines += ["", l("report.change_since", ["period": previous.period]) + ":"]
            lines += Markup.columns(changeRows(previous, l).map { ["  " + $0[0], $0[1]] })
        }
        if let grouping = report.grouping {
            lines += ["", l("report.by", ["grouping": groupingName(grouping, l)]) + ":"]
            lines += Markup.columns(
                [groupHeader(report, l)]
                    + report.groups.map { groupRow($0.label, $0.figures, products: products($0.figures), l) }
                    + [groupRow(l("report.total"), report.totals, products: products(report.totals), l)]
            ).map { "  " + $0 }
        }
        if let list = report.notDigitised, let coverage = report.totals.coverage {
            lines += ["", l("report.not_digitised", ["count": l.integer(coverage.notDigitised)]) + ":"]
            lines += Markup.columns(list.map { [$0.id, $0.kind, $0.province ?? "", $0.published ?? "", $0.title] }).map
            {
                "  " + $0
            }
            if list.count < coverage.notDigitised {
                lines.append("  " + l("report.not_digitised.more", ["count": l.integer(coverage.notDigitised - list.count)]))
            }
        }
        lines += ["", l("report.definitions") + ":"] + definitions(report, l).map { "  \($0.0): \($0.1)" }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The report as Markdown.
    public static func markdown(_ report: Report, _ l: Localizer = .english) -> String {
        func cell(_ text: String) -> String { text.replacingOccurrences(of: "|", with: "\\|") }
        func table(_ rows: [[String]]) -> [String] {
            guard let first = rows.first else { return [] }
            return ["| " + first.map(cell).joined(separator: " | ") + " |", "|" + first.map { _ in " --- |" }.joined()]
                + rows.dropFirst().map { "| " + $0.map(cell).joined(separator: " | ") + " |" }
        }
        let head = header(report, l)
        var lines = ["# \(head[0])", ""] + head.dropFirst().map { "- \($0)" } + [""]
        if let message = message(report, l) { lines += ["> \(message)", ""] }
        lines += table(
            [[l("report.column.figure"), l("report.column.value"), l("report.column.band")]]
                + figureRows(report.totals, l).map { [$0[0].trimmingCharacters(in: .whitespaces), $0[1], $0[2]] })
        if let previous = report.previous {
            lines += ["", "## " + l("report.change_since", ["period": previous.period]), ""]
            lines += table([[l("report.column.figure"), l("report.column.change")]] + changeRows(previous, l))
        }
        if let grouping = report.grouping {
            lines += ["", "## " + l("report.by", ["grouping": groupingName(grouping, l)]), ""]
            lines += table(
                [groupHeader(report, l)]
                    + report.groups.map { groupRow($0.label, $0.figures, products: products($0.figures), l) }
                    + [groupRow("**\(l("report.total"))**", report.totals, products: products(report.totals), l)])
        }
        if let list = report.notDigitised, let coverage = report.totals.coverage {
            lines += ["", "## " + l("report.not_digitised", ["count": l.integer(coverage.notDigitised)]), ""]
            lines += table(
                [notDigitisedHeader(l)]
                    + list.map { [$0.id, $0.kind, $0.province ?? "", $0.published ?? "", $0.title] })
        }
        lines += ["", "## " + l("report.definitions"), ""] + definitions(report, l).map { "- **\($0.0)**: \($0.1)" }
        return lines.joined(separator: "\n") + "\n"
    }

    /// One row per group and a total row, every figure with its numerator and denominator.
    ///
    /// Column names follow the reader's language; values stay machine-readable in both (codes,
    /// plain integers, a dot before decimals), so that a spreadsheet or a script reads them alike.
    public static func csvRows(_ report: Report, _ l: Localizer = .english) -> [[String]] {
        var header = ["group", "label", "products"]
        func ratio(_ name: String) -> [String] { ["\(name)_numerator", "\(name)_denominator", "\(name)_percent"] }
        if report.totals.shares != nil {
            header +=
                ratio("target") + ["target_band"] + [
                    "ethnic", "foreign", "digital", "ethnic_and_foreign", "ethnic_and_digital", "foreign_and_digital",
                    "all_three",
                ]
        }
        if report.totals.books != nil {
            header += ["book_titles"] + ratio("book_share") + ["book_band", "book_foreign", "book_ethnic", "ebooks"]
        }
        if report.totals.coverage != nil { header += ratio("digitised") + ["shared"] }
        func values(_ key: String, _ label: String, _ figures: Figures) -> [String] {
            func r(_ ratio: Ratio) -> [String] {
                [
                    String(ratio.numerator), String(ratio.denominator),
                    ratio.percent.map { String(format: "%.2f", $0) } ?? "",
                ]
            }
            var row = [key, label, String(products(figures))]
            if let shares = figures.shares {
                row += r(shares.target) + [shares.target.band?.rawValue ?? ""]
                row += [shares.ethnic.numerator, shares.foreign.numerator, shares.digital.numerator].map(String.init)
                row += ["ethnic_and_foreign", "ethnic_and_digital", "foreign_and_digital", "all_three"].map {
                    String(shares.overlaps[$0] ?? 0)
                }
            }
            if let books = figures.books {
                row += [String(books.titles)] + r(books.target) + [books.target.band?.rawValue ?? ""]
                row += [books.foreign.numerator, books.ethnic.numerator, books.ebook.numerator].map(String.init)
            }
            if let coverage = figures.coverage {
                row += r(coverage.digitised) + [String(coverage.shared.ratio?.numerator ?? 0)]
            }
            return row
        }
        // A period report compares its totals with the period before: those columns, on the total row.
        let changeKeys = ["products", "book_titles", "target_share_points", "book_share_points", "digitised_points"]
        var groupRows = report.groups.map { values($0.key, $0.label, $0.figures) }
        var totalRow = values("", l("report.total"), report.totals)
        if let previous = report.previous {
            header += ["previous_period"] + changeKeys.map { "change_\($0)" }
            groupRows = groupRows.map { $0 + Array(repeating: "", count: changeKeys.count + 1) }
            totalRow += [previous.period] + changeKeys.map { key in
                guard let value = previous.change[key] else { return "" }
                return key.hasSuffix("_points") ? String(format: "%.2f", value) : String(Int(value.rounded()))
            }
        }
        return [l.language == .en ? header : header.map { l("report.csv.\($0)") }] + groupRows + [totalRow]
    }
}
