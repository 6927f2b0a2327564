import ArgumentParser
import Foundation
import KhoCore
import KhoReports
import KhoRepository

enum ReportFormat: String, ExpressibleByArgument, CaseIterable {
    case table, csv, json, html, md
}

extension ReportGrouping: ExpressibleByArgument {}

struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Audit reports: target shares, book titles, digitisation coverage, period reports.",
        discussion: """
            Every report states its scope, the definitions it counts by, when it was made, the state of \
            the catalogue it was computed from, and the numerator and denominator of every percentage.

            Examples:
              kho report summary --by province
              kho report shares --period 2024-H1 --province gia-lai --format html --out gia-lai-2024-h1.html
              kho report books --format csv --bom --out books.csv
              kho report coverage --kind book,ebook --json
              kho report period 2024-H1 --by kind
            """,
        subcommands: [Summary.self, Shares.self, Books.self, Coverage.self, Period.self],
        defaultSubcommand: Summary.self)

    struct Summary: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Target shares, book titles and coverage together.")
        @OptionGroup var options: ReportOptions
        func run() throws { try options.run(.summary, period: nil) }
    }

    struct Shares: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The share of ethnic-language, foreign-language and digital products against 15-20 %.")
        @OptionGroup var options: ReportOptions
        func run() throws { try options.run(.shares, period: nil) }
    }

    struct Books: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Book titles against 1,000, and their foreign, ethnic and e-book share against 15-20 %.")
        @OptionGroup var options: ReportOptions
        func run() throws { try options.run(.books, period: nil) }
    }

    struct Coverage: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Digitisation coverage against 100 %, with the products not digitised.")
        @OptionGroup var options: ReportOptions
        func run() throws { try options.run(.coverage, period: nil) }
    }

    struct Period: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The 6-monthly or yearly report: summary for a period and the change since the one before.")
        @Argument(
            help: ArgumentHelp("The period: 2024-H1, 2024-Q3, 2024, 2024-03, or 2023..2025.", valueName: "period"))
        var period: String
        @OptionGroup var options: ReportOptions
        func run() throws { try options.run(.period, period: period) }
    }
}

struct ReportOptions: ParsableArguments {
    @OptionGroup var repository: RepositoryOptions
    @OptionGroup(title: "Scope") var filters: FilterOptions

    @Option(
        help: ArgumentHelp(
            "Only products published in this period: 2024-H1, 2024-Q3, 2024, 2024-03, 2023..2025.", valueName: "period")
    )
    var period: String?

    @Option(name: .customLong("by"), help: ArgumentHelp("Break the figures down by this.", valueName: "grouping"))
    var grouping: ReportGrouping?

    @Option(help: "table, csv, json, html or md.")
    var format: ReportFormat = .table

    @Flag(name: .customLong("json"), help: "The same as --format json.")
    var jsonFlag = false

    @Option(help: ArgumentHelp("Write the report to this file instead of standard output.", valueName: "file"))
    var out: String?

    @Flag(help: "Start CSV with a UTF-8 byte-order mark, for spreadsheets that need one to read Vietnamese.")
    var bom = false

    @Option(help: "How many products not digitised to list (coverage, summary, period).")
    var listLimit = 1000

    func run(_ kind: ReportKind, period periodArgument: String?) throws {
        let repo = try repository.open()
        var filter = try filters.filter(repo.vocabulary)
        var scope: [String: String] = [:]
        var chosen: ReportPeriod?
        if let text = periodArgument ?? period {
            guard let parsed = ReportPeriod(parsing: text) else {
                throw CLIError(
                    "period '\(text)': expected 2024-H1, 2024-Q3, 2024, 2024-03, 2024-03-02 or a range such as 2023..2025"
                )
            }
            if filters.from != nil || filters.to != nil {
                throw CLIError("give either a period or --from/--to, not both")
            }
            filter.publishedFrom = parsed.from
            filter.publishedTo = parsed.to
            chosen = parsed
            scope["period"] = "\(parsed.label) (\(parsed.from.firstDay)..\(parsed.to.lastDay))"
        }
        for (name, values) in [
            ("kind", filters.kinds), ("language", filters.languages), ("platform", filters.platforms),
            ("topic", filters.topics),
            ("content-line", filters.contentLines), ("province", filters.provinces),
        ] where !values.isEmpty {
            scope[name] = MetadataOptions.split(values).joined(separator: ", ")
        }
        if let agency = filters.agency { scope["agency"] = agency }
        if let from = filters.from { scope["published from"] = from }
        if let to = filters.to { scope["published to"] = to }
        if let digitised = filters.digitised { scope["digitised"] = String(digitised) }

        let rules = ReportRules(repo.vocabulary)
        let timing = Timing()
        let counts = try repo.catalogue.reportCounts(matching: filter, grouping: grouping, rules: rules)
        timing.mark("counts")
        var previous: (period: String, counts: ReportCounts)?
        if kind == .period, let before = chosen?.previous {
            var earlier = filter
            earlier.publishedFrom = before.from
            earlier.publishedTo = before.to
            previous = (
                before.label,
                try repo.catalogue.reportCounts(matching: earlier, grouping: nil, rules: rules)[""] ?? ReportCounts()
            )
        }
        var notDigitised: [UndigitisedProduct]?
        if kind != .shares && kind != .books {
            var missing = filter
            missing.hasFiles = false
            notDigitised = try repo.catalogue.products(matching: missing, limit: max(0, listLimit)).map { product in
                UndigitisedProduct(
                    id: product.id.rawValue, title: product.metadata.title, kind: product.metadata.kind,
                    province: product.metadata.province.flatMap { repo.vocabulary.unit($0)?.name },
                    published: product.metadata.published?.description)
            }
        }
        timing.mark("lists")
        let vocabulary = repo.vocabulary
        let state = try repo.catalogue.state()
        timing.mark("state")
        let report = KhoReports.Report(
            kind: kind, counts: counts, grouping: grouping, scope: scope, catalogue: state,
            generatedAt: Environment.now(), software: Environment.software,
            publicLinks: try repo.catalogue.setting("base-url") != nil,
            label: { Self.label($0, grouping: grouping, vocabulary: vocabulary) }, notDigitised: notDigitised,
            previous: previous)
        try write(report)
        timing.mark("render")
    }

    static func label(_ key: String, grouping: ReportGrouping?, vocabulary: Vocabulary) -> String {
        guard !key.isEmpty else { return "(none)" }
        switch grouping {
        case .province: return vocabulary.units2025.first { $0.code == key }?.name ?? key
        case .province2022:
            guard let ref = ProvinceRef(qualified: key), let unit = vocabulary.unit(ref) else { return key }
            return ref.set == .units2022 ? unit.name : "\(unit.name) (2025 unit)"
        case .kind: return vocabulary.kinds.first { $0.code == key }?.label ?? key
        case .topic:
            return vocabulary.topics.first { $0.code == key }.map { "\($0.code.uppercased()): \($0.label)" } ?? key
        case .contentLine: return vocabulary.contentLines.first { $0.code == key }?.label ?? key
        default: return key
        }
    }

    func write(_ report: KhoReports.Report) throws {
        var data: Data
        switch jsonFlag ? .json : format {
        case .table: data = Data(ReportText.table(report).utf8)
        case .md: data = Data(ReportText.markdown(report).utf8)
        case .html: data = Data(ReportHTML.render(report).utf8)
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            data = try encoder.encode(report) + Data("\n".utf8)
        case .csv:
            data = Data((bom ? "\u{FEFF}" : "").utf8) + CSVText.encode(ReportText.csvRows(report))
        }
        guard let out else {
            FileHandle.standardOutput.write(data)
            return
        }
        // Written beside the target, then renamed: a reader never sees half a report.
        let url = URL(fileURLWithPath: out)
        do {
            try data.write(to: url, options: .atomic)
        } catch {
            throw CLIError(
                "\(out): cannot write the report (\(error.localizedDescription)); check the folder exists and is writable"
            )
        }
        Output.note("wrote \(out)")
    }
}

/// RFC 4180 CSV: fields with commas, quotes or line breaks are quoted; lines end with CRLF.
enum CSVText {
    static func encode(_ rows: [[String]]) -> Data {
        let text = rows.map { row in
            row.map { field in
                field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
                    ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
            }.joined(separator: ",")
        }.joined(separator: "\r\n")
        return Data((text + "\r\n").utf8)
    }
}

/// With $KHO_TIMING set, notes how long each step took, for benchmarks.
final class Timing {
    private var last = Date()
    private let enabled = ProcessInfo.processInfo.environment["KHO_TIMING"] != nil

    func mark(_ step: String) {
        guard enabled else { return }
        let now = Date()
        Output.note(String(format: "timing: %@ %.2f ms", step, now.timeIntervalSince(last) * 1000))
        last = now
    }
}
