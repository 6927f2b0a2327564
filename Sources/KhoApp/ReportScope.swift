import Foundation
import KhoCore
import KhoReports

/// What a report covers: the products (a filter, perhaps a period), how to break them down, and
/// the words that state the scope at the top of the report.
public struct ReportScope: Sendable {
    public var filter: ProductFilter
    public var period: ReportPeriod?
    public var grouping: ReportGrouping?
    /// The scope as the report states it, e.g. `["province": "gia-lai"]`.
    public var description: [String: String]
    /// How many products not digitised to list (coverage, summary, period).
    public var listLimit: Int

    public init(
        filter: ProductFilter = ProductFilter(), period: ReportPeriod? = nil, grouping: ReportGrouping? = nil,
        description: [String: String] = [:], listLimit: Int = 1000
    ) {
        self.filter = filter
        self.period = period
        self.grouping = grouping
        self.description = description
        self.listLimit = listLimit
        if let period {
            self.filter.publishedFrom = period.from
            self.filter.publishedTo = period.to
            self.description["period"] = "\(period.label) (\(period.from.firstDay)..\(period.to.lastDay))"
        }
    }

    /// The name of a group key under this scope's grouping, for people, in their language.
    public static func label(
        _ key: String, grouping: ReportGrouping?, vocabulary: Vocabulary, _ l: Localizer = .english
    ) -> String {
        guard !key.isEmpty else { return l("report.group.none") }
        switch grouping {
        case .province: return vocabulary.units2025.first { $0.code == key }?.name ?? key
        case .province2022:
            guard let ref = ProvinceRef(qualified: key), let unit = vocabulary.unit(ref) else { return key }
            return ref.set == .units2022 ? unit.name : l("report.group.unit_2025", ["name": unit.name])
        case .kind:
            return vocabulary.kinds.first { $0.code == key }?.label(in: l.language) ?? key
        case .topic:
            return vocabulary.topics.first { $0.code == key }.map {
                "\($0.code.uppercased()): \($0.label(in: l.language))"
            } ?? key
        case .contentLine:
            return vocabulary.contentLines.first { $0.code == key }?.label(in: l.language) ?? key
        default: return key
        }
    }
}
