import Foundation
import KhoCore

/// Which products, as a person gives it (CLI flags, a web form, API parameters): codes and
/// names as typed, checked against the vocabularies by `filter(_:)`.
public struct FilterInput: Sendable, Equatable {
    public var kinds: [String] = []
    public var languages: [String] = []
    public var platforms: [String] = []
    public var topics: [String] = []
    public var contentLines: [String] = []
    /// A current (2025) unit includes the 2022 units merged into it; `CODE@2022` matches that unit only.
    public var provinces: [String] = []
    public var agency: String?
    public var from: String?
    public var to: String?
    /// A period such as 2024-H1 (instead of from/to).
    public var period: String?
    public var digitised: Bool?
    /// ethnic, foreign, digital, any or books.
    public var group: String?
    /// How to name each field in messages: `--kind` on the command line, `kind` on the web.
    public var fieldName: @Sendable (String) -> String = { $0 }

    public init() {}

    public static func == (a: FilterInput, b: FilterInput) -> Bool {
        (a.kinds, a.languages, a.platforms, a.topics, a.contentLines, a.provinces)
            == (b.kinds, b.languages, b.platforms, b.topics, b.contentLines, b.provinces)
            && (a.agency, a.from, a.to, a.period, a.digitised, a.group)
                == (b.agency, b.from, b.to, b.period, b.digitised, b.group)
    }

    /// The filter as command-line options, in a fixed order (`--kind article --province gia-lai`):
    /// how a bundle's `Kho-Export-Scope` records it.
    public var arguments: [String] {
        var parts: [String] = []
        for (flag, values) in [
            ("--kind", kinds), ("--lang", languages), ("--platform", platforms), ("--topic", topics),
            ("--content-line", contentLines), ("--province", provinces),
        ] {
            for value in values { parts += [flag, value] }
        }
        for (flag, value) in [("--agency", agency), ("--from", from), ("--to", to), ("--period", period), ("--group", group)] {
            if let value, !value.isEmpty { parts += [flag, value] }
        }
        if let digitised { parts.append(digitised ? "--digitised" : "--no-digitised") }
        return parts
    }

    /// The most values one filter takes, and the most unknown values checked for suggestions: a
    /// suggestion compares a value with every code (all of ISO 639-3 for a language), so a query of
    /// hundreds of unknown codes cost `kho serve` seconds of CPU (found by `scripts/fuzz http-query`).
    public static let maximumValues = 64
    public static let maximumProblems = 5

    /// The filter and the period, with every value checked; the problems reported at once (the
    /// first `maximumProblems` of them).
    public func resolve(_ vocabulary: Vocabulary) throws(FilterProblems) -> (ProductFilter, ReportPeriod?) {
        var filter = ProductFilter()
        var problems: [String] = []
        let l = Localizer.current
        let lists = [
            ("kind", kinds), ("lang", languages), ("platform", platforms), ("topic", topics),
            ("content-line", contentLines), ("province", provinces),
        ]
        let crowded = lists.filter { $0.1.count > Self.maximumValues }.map { name, values in
            l("filter.too_many", ["field": fieldName(name), "count": l.integer(values.count), "limit": l.integer(Self.maximumValues)])
        }
        guard crowded.isEmpty else { throw FilterProblems(problems: crowded) }
        var skipped = false
        func check(_ body: () throws -> Void) {
            guard problems.count < Self.maximumProblems else {
                skipped = true
                return
            }
            do { try body() } catch { problems.append("\(error)") }
        }
        for value in kinds { check { filter.kinds.append(try vocabulary.kind(value, field: fieldName("kind")).code) } }
        for value in languages {
            check { filter.languages.append(try vocabulary.language(value, field: fieldName("lang")).code) }
        }
        for value in platforms {
            check { filter.platforms.append(try vocabulary.platform(value, field: fieldName("platform")).code) }
        }
        for value in topics {
            check { filter.topics.append(try vocabulary.topic(value, field: fieldName("topic")).code) }
        }
        for value in contentLines {
            check {
                filter.contentLines.append(try vocabulary.contentLine(value, field: fieldName("content-line")).code)
            }
        }
        for value in provinces {
            check {
                let explicit = value.contains("@")
                let ref = try vocabulary.province(value, date: nil, field: fieldName("province"))
                filter.provinces.append(!explicit && ref.set == .units2025 ? .current(ref.code) : .registered(ref))
            }
        }
        filter.agency = agency.map(TextFolding.normalized).flatMap { $0.isEmpty ? nil : $0 }
        for (name, value) in [("from", from), ("to", to)] {
            guard let value, !value.isEmpty else { continue }
            guard let date = PartialDate(parsing: value) else {
                problems.append(l("filter.bad_date", ["field": fieldName(name), "value": value]))
                continue
            }
            if name == "from" { filter.publishedFrom = date } else { filter.publishedTo = date }
        }
        var chosen: ReportPeriod?
        if let period, !period.isEmpty {
            if let parsed = ReportPeriod(parsing: period) {
                chosen = parsed
                filter.publishedFrom = parsed.from
                filter.publishedTo = parsed.to
            } else {
                problems.append(l("filter.bad_period", ["field": fieldName("period"), "value": period]))
            }
            if (from ?? "").isEmpty == false || (to ?? "").isEmpty == false {
                problems.append(
                    l(
                        "filter.period_and_dates",
                        ["period": fieldName("period"), "from": fieldName("from"), "to": fieldName("to")]))
            }
        }
        filter.hasFiles = digitised
        if let group, !group.isEmpty {
            if let target = TargetGroupFilter(name: group, rules: ReportRules(vocabulary)) {
                filter.targetGroup = target
            } else {
                problems.append(l("filter.bad_group", ["field": fieldName("group"), "value": group]))
            }
        }
        if skipped { problems.append(l("filter.more_unchecked")) }
        guard problems.isEmpty else { throw FilterProblems(problems: problems) }
        return (filter, chosen)
    }
}

/// Every problem with a filter, each naming its field and value.
public struct FilterProblems: Error, Sendable, CustomStringConvertible {
    public var problems: [String]
    public var description: String { problems.joined(separator: "\n") }
}
