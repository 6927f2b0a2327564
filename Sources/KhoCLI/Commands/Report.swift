import ArgumentParser
import Foundation
import KhoApp
import KhoCore
import KhoReports
import KhoRepository

enum ReportFormat: String, ExpressibleByArgument, CaseIterable {
    case table, csv, json, html, md
}

extension ReportGrouping: ExpressibleByArgument {}

struct Report: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Audit reports: target shares, book titles, digitisation coverage, period reports.",
        discussion: """
            Every report states its scope, the definitions it counts by, when it was made, the state of \
            the catalogue it was computed from, and the numerator and denominator of every percentage.

            Examples:
              kho report summary --by province
              kho report shares --period 2024-H1 --province gia-lai \\
                  --format html --out gia-lai-2024-h1.html
              kho report books --format csv --bom --out books.csv
              kho report coverage --kind book,ebook --json
              kho report period 2024-H1 --by kind
              kho report exhibitions --period 2025
            """,
        subcommands: [Summary.self, Shares.self, Books.self, Coverage.self, Period.self, Exhibitions.self],
        defaultSubcommand: Summary.self)

    struct Summary: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "summary", abstract: "Target shares, book titles and coverage together.")
        @OptionGroup var options: ReportOptions
        func run() async throws { try await options.run(.summary, period: nil) }
    }

    struct Shares: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "shares",
            abstract: "The share of ethnic-language, foreign-language and digital products against 15-20 %.")
        @OptionGroup var options: ReportOptions
        func run() async throws { try await options.run(.shares, period: nil) }
    }

    struct Books: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "books",
            abstract: "Book titles against 1,000, and their foreign, ethnic and e-book share against 15-20 %.")
        @OptionGroup var options: ReportOptions
        func run() async throws { try await options.run(.books, period: nil) }
    }

    struct Coverage: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "coverage",
            abstract: "Digitisation coverage against 100 %, with the products not digitised.")
        @OptionGroup var options: ReportOptions
        func run() async throws { try await options.run(.coverage, period: nil) }
    }

    struct Period: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "period",
            abstract: "The 6-monthly or yearly report: summary for a period and the change since the one before.")
        @Argument(
            help: ArgumentHelp("The period: 2024-H1, 2024-Q3, 2024, 2024-03, or 2023..2025.", valueName: "period"))
        var period: String
        @OptionGroup var options: ReportOptions
        func run() async throws { try await options.run(.period, period: period) }
    }
}

extension Report {
    struct Exhibitions: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "exhibitions",
            abstract: "Which of the 34 provinces held an exhibition, in person and online, in which languages; and abroad.",
            discussion: """
                An exhibition counts for a period when it was open in person on a day of it (--opens to \
                --closes) or online at some moment of it (from `publish` to `unpublish`). It counts for the \
                2025 province its place belongs to now. Without --period, every exhibition ever held counts.

                Examples:
                  kho report exhibitions
                  kho report exhibitions --period 2025-H2 --format csv --out trien-lam.csv
                """)
        @OptionGroup var repository: RepositoryOptions
        @Option(help: ArgumentHelp("The period: 2024-H1, 2024-Q3, 2024, 2024-03, or 2023..2025.", valueName: "period"))
        var period: String?
        @Option(help: "table, csv, json, html or md.") var format: ReportFormat = .table
        @Flag(name: .customLong("json"), help: "The same as --format json.") var jsonFlag = false
        @Option(help: ArgumentHelp("Write the report to this file instead of standard output.", valueName: "file"))
        var out: String?
        @Flag(help: "Start CSV with a UTF-8 byte-order mark.") var bom = false

        func run() async throws {
            let repo = try repository.open()
            var chosen: ReportPeriod?
            if let period {
                guard let parsed = ReportPeriod(parsing: period) else {
                    throw CLIError(Output.l("report.bad_period", ["value": period]))
                }
                chosen = parsed
            }
            let exhibitions = try await repo.queries.exhibitionList(audience: .staff)
            let coverage = ExhibitionCoverage(
                exhibitions: exhibitions, period: chosen, vocabulary: repo.vocabulary, now: Environment.now(),
                software: Environment.software)
            let l = Output.l
            let data: Data
            switch jsonFlag ? .json : format {
            case .table: data = Data(ExhibitionReport.table(coverage, l).utf8)
            case .md: data = Data(ExhibitionReport.markdown(coverage, l).utf8)
            case .html: data = Data(ExhibitionReport.html(coverage, l).utf8)
            case .csv: data = Data((bom ? "\u{FEFF}" : "").utf8) + CSVText.encode(ExhibitionReport.csvRows(coverage, l))
            case .json:
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                data = try encoder.encode(coverage) + Data("\n".utf8)
            }
            try ReportOptions.emit(data, to: out)
        }
    }
}

struct ReportOptions: ParsableArguments {
    @OptionGroup var repository: RepositoryOptions
    @OptionGroup(title: "Scope") var filters: FilterOptions

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

    func run(_ kind: ReportKind, period periodArgument: String?) async throws {
        let repo = try repository.open()
        let filter = try filters.filter(repo.vocabulary)
        var scope: [String: String] = [:]
        var chosen: ReportPeriod?
        if let text = periodArgument ?? filters.period {
            guard let parsed = ReportPeriod(parsing: text) else {
                throw CLIError(
                    Output.l("report.bad_period", ["value": text]))
            }
            if filters.from != nil || filters.to != nil {
                throw CLIError(Output.l("report.period_and_dates"))
            }
            chosen = parsed
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

        let timing = Timing()
        let report = try await repository.operations(repo).report(
            kind,
            scope: ReportScope(
                filter: filter, period: chosen, grouping: grouping, description: scope, listLimit: max(0, listLimit)))
        timing.mark("snapshot")
        try write(report, Output.l)
        timing.mark("render")
    }

    func write(_ report: KhoReports.Report, _ l: Localizer) throws {
        var data: Data
        switch jsonFlag ? .json : format {
        case .table: data = Data(ReportText.table(report, l).utf8)
        case .md: data = Data(ReportText.markdown(report, l).utf8)
        case .html: data = Data(ReportHTML.render(report, l).utf8)
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            data = try encoder.encode(report) + Data("\n".utf8)
        case .csv:
            data = Data((bom ? "\u{FEFF}" : "").utf8) + CSVText.encode(ReportText.csvRows(report, l))
        }
        try Self.emit(data, to: out)
    }

    /// Prints the report, or writes it to `out` (beside it, then renamed: a reader never sees half).
    static func emit(_ data: Data, to out: String?) throws {
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
                Output.l("report.cannot_write", ["path": out, "reason": error.localizedDescription]))
        }
        Output.note(Output.l("report.wrote", ["path": out]))
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
