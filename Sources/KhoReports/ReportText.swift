import Foundation
import KhoCore

/// Reports for people: an aligned table for the terminal, or Markdown.
public enum ReportText {
    static func percent(_ ratio: Ratio?) -> String {
        guard let ratio else { return "—" }
        guard let percent = ratio.percent else { return "\(ratio.numerator) / \(ratio.denominator) = n/a" }
        return "\(ratio.numerator) / \(ratio.denominator) = \(String(format: "%.2f", percent)) %"
    }

    static func band(_ ratio: Ratio?) -> String {
        guard let band = ratio?.band else { return "" }
        return "\(band.rawValue) 15–20 %"
    }

    /// The header lines every report starts with: what, scope, source, rules.
    static func header(_ report: Report) -> [String] {
        let scope =
            report.scope.isEmpty
            ? "all products"
            : report.scope.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: "; ")
        return [
            report.title,
            "Scope: \(scope)",
            "Catalogue: \(report.catalogue.products) products, last change \(report.catalogue.lastChange ?? "none"), state \(report.catalogue.digest)",
            "Made \(report.generatedAt) by \(report.software); definitions: \(report.definitionsVersion)",
        ]
    }

    static func figureRows(_ figures: Figures) -> [[String]] {
        var rows: [[String]] = []
        if let shares = figures.shares {
            rows.append(["Target share (ethnic ∪ foreign ∪ digital)", percent(shares.target), band(shares.target)])
            rows.append(["  ethnic-language", percent(shares.ethnic), ""])
            rows.append(["  foreign-language", percent(shares.foreign), ""])
            rows.append(["  digital", percent(shares.digital), ""])
            let o = shares.overlaps
            for (key, label) in [
                ("ethnic_and_foreign", "in ethnic and foreign"), ("ethnic_and_digital", "in ethnic and digital"),
                ("foreign_and_digital", "in foreign and digital"), ("all_three", "in all three"), ("none", "in none"),
            ] {
                rows.append(["    \(label)", String(o[key] ?? 0), ""])
            }
        }
        if let books = figures.books {
            rows.append(["Book titles (target 1,000 nationally)", percent(books.progress), ""])
            rows.append(["  share: foreign ∪ ethnic ∪ e-book", percent(books.target), band(books.target)])
            rows.append(["  foreign-language titles", percent(books.foreign), ""])
            rows.append(["  ethnic-language titles", percent(books.ethnic), ""])
            rows.append(["  e-book titles", percent(books.ebook), ""])
        }
        if let coverage = figures.coverage {
            rows.append(["Digitised (target 100 %)", percent(coverage.digitised), ""])
            rows.append([
                "  shared in the national database", coverage.shared.note ?? percent(coverage.shared.ratio), "",
            ])
            rows.append(["  online", coverage.online.note ?? percent(coverage.online.ratio), ""])
        }
        return rows
    }

    static func groupHeader(_ report: Report) -> [String] {
        var header = ["group", "products"]
        if report.totals.shares != nil { header += ["target share", "band"] }
        if report.totals.books != nil { header += ["book titles", "book share", "band"] }
        if report.totals.coverage != nil { header += ["digitised"] }
        return header
    }

    static func groupRow(_ label: String, _ figures: Figures, products: Int) -> [String] {
        var row = [label, String(products)]
        func short(_ ratio: Ratio?) -> String {
            guard let ratio else { return "—" }
            return ratio.percent.map { "\(ratio.numerator) (\(String(format: "%.2f", $0)) %)" }
                ?? "\(ratio.numerator) (n/a)"
        }
        if let shares = figures.shares { row += [short(shares.target), shares.target.band?.rawValue ?? ""] }
        if let books = figures.books {
            row += [String(books.titles), short(books.target), books.target.band?.rawValue ?? ""]
        }
        if let coverage = figures.coverage { row += [short(coverage.digitised)] }
        return row
    }

    static func products(_ figures: Figures) -> Int {
        figures.shares?.products ?? figures.coverage?.products ?? figures.books?.titles ?? 0
    }

    /// The report as aligned text for a terminal.
    public static func table(_ report: Report) -> String {
        var lines = header(report) + [""]
        if let message = report.message { lines += [message, ""] }
        lines += Markup.columns(figureRows(report.totals))
        if let previous = report.previous {
            lines += ["", "Change since \(previous.period):"]
            lines += Markup.columns(
                previous.change.sorted { $0.key < $1.key }.map {
                    ["  \($0.key.replacingOccurrences(of: "_", with: " "))", String(format: "%+.2f", $0.value)]
                })
        }
        if let grouping = report.grouping {
            lines += ["", "By \(grouping.rawValue):"]
            lines += Markup.columns(
                [groupHeader(report)]
                    + report.groups.map { groupRow($0.label, $0.figures, products: products($0.figures)) }
                    + [groupRow("total", report.totals, products: products(report.totals))]
            ).map { "  " + $0 }
        }
        if let list = report.notDigitised, let coverage = report.totals.coverage {
            lines += ["", "Not digitised (\(coverage.notDigitised)):"]
            lines += Markup.columns(list.map { [$0.id, $0.kind, $0.province ?? "", $0.published ?? "", $0.title] }).map
            {
                "  " + $0
            }
            if list.count < coverage.notDigitised {
                lines.append("  … and \(coverage.notDigitised - list.count) more (--list-limit)")
            }
        }
        lines +=
            ["", "Definitions:"] + report.definitions.sorted { $0.key < $1.key }.map { "  \($0.key): \($0.value)" }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The report as Markdown.
    public static func markdown(_ report: Report) -> String {
        func cell(_ text: String) -> String { text.replacingOccurrences(of: "|", with: "\\|") }
        func table(_ rows: [[String]]) -> [String] {
            guard let first = rows.first else { return [] }
            return ["| " + first.map(cell).joined(separator: " | ") + " |", "|" + first.map { _ in " --- |" }.joined()]
                + rows.dropFirst().map { "| " + $0.map(cell).joined(separator: " | ") + " |" }
        }
        let head = header(report)
        var lines = ["# \(head[0])", ""] + head.dropFirst().map { "- \($0)" } + [""]
        if let message = report.message { lines += ["> \(message)", ""] }
        lines += table(
            [["figure", "value", "band"]]
                + figureRows(report.totals).map { [$0[0].trimmingCharacters(in: .whitespaces), $0[1], $0[2]] })
        if let previous = report.previous {
            lines += ["", "## Change since \(previous.period)", ""]
            lines += table(
                [["figure", "change"]]
                    + previous.change.sorted { $0.key < $1.key }.map { [$0.key, String(format: "%+.2f", $0.value)] })
        }
        if let grouping = report.grouping {
            lines += ["", "## By \(grouping.rawValue)", ""]
            lines += table(
                [groupHeader(report)]
                    + report.groups.map { groupRow($0.label, $0.figures, products: products($0.figures)) }
                    + [groupRow("**total**", report.totals, products: products(report.totals))])
        }
        if let list = report.notDigitised, let coverage = report.totals.coverage {
            lines += ["", "## Not digitised (\(coverage.notDigitised))", ""]
            lines += table(
                [["id", "kind", "province", "published", "title"]]
                    + list.map { [$0.id, $0.kind, $0.province ?? "", $0.published ?? "", $0.title] })
        }
        lines +=
            ["", "## Definitions", ""]
            + report.definitions.sorted { $0.key < $1.key }.map { "- **\($0.key)**: \($0.value)" }
        return lines.joined(separator: "\n") + "\n"
    }

    /// One row per group and a total row, every figure with its numerator and denominator.
    public static func csvRows(_ report: Report) -> [[String]] {
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
        return [header] + report.groups.map { values($0.key, $0.label, $0.figures) } + [
            values("", "total", report.totals)
        ]
    }
}
