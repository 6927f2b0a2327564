/// A reporting period: a year, a half (`2024-H1`), a quarter (`2024-Q3`), a month (`2024-03`), a day,
/// or a range of them (`2023..2025`).
public struct ReportPeriod: Sendable, Equatable, CustomStringConvertible {
    public var label: String
    public var from: PartialDate
    public var to: PartialDate

    public init(label: String, from: PartialDate, to: PartialDate) {
        self.label = label
        self.from = from
        self.to = to
    }

    public init?(parsing text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces).uppercased()
        if let range = trimmed.range(of: "..") {
            guard let start = ReportPeriod(parsing: String(trimmed[..<range.lowerBound])),
                let end = ReportPeriod(parsing: String(trimmed[range.upperBound...])), start.from <= end.to
            else { return nil }
            self.init(label: "\(start.label)..\(end.label)", from: start.from, to: end.to)
            return
        }
        let parts = trimmed.split(separator: "-", omittingEmptySubsequences: false)
        if parts.count == 2, let year = Int(parts[0]), parts[0].count == 4, let marker = parts[1].first,
            marker == "H" || marker == "Q", let number = Int(parts[1].dropFirst())
        {
            let months = marker == "H" ? 6 : 3
            guard (1...(12 / months)).contains(number),
                let first = PartialDate(year: year, month: (number - 1) * months + 1),
                let last = PartialDate(year: year, month: number * months)
            else { return nil }
            self.init(label: "\(year)-\(marker)\(number)", from: first, to: last)
            return
        }
        guard let date = PartialDate(parsing: trimmed) else { return nil }
        self.init(label: date.description, from: date, to: date)
    }

    /// The period of the same length just before this one (2024-H1 → 2023-H2), for comparisons.
    public var previous: ReportPeriod? {
        if label.count == 7, label.dropFirst(4).first == "-", let year = Int(label.prefix(4)),
            let marker = label.dropFirst(5).first, marker == "H" || marker == "Q", let number = Int(label.suffix(1))
        {
            let count = marker == "H" ? 2 : 4
            return number > 1
                ? ReportPeriod(parsing: "\(year)-\(marker)\(number - 1)")
                : ReportPeriod(parsing: "\(year - 1)-\(marker)\(count)")
        }
        if from == to, from.month == nil { return ReportPeriod(parsing: String(from.year - 1)) }
        if from == to, let month = from.month, from.day == nil {
            return ReportPeriod(
                parsing: month > 1 ? String(format: "%04d-%02d", from.year, month - 1) : "\(from.year - 1)-12")
        }
        if from.month == nil, to.month == nil, to.year > from.year {
            let length = to.year - from.year + 1
            return ReportPeriod(parsing: "\(from.year - length)..\(to.year - length)")
        }
        return nil
    }

    public var description: String { label }
}

/// How a report breaks its figures down.
public enum ReportGrouping: String, Sendable, CaseIterable, Codable {
    /// The current (2025) provincial unit, with the 2022 units merged into it.
    case province
    /// The provincial unit as registered (a 2022 unit, or a 2025 unit for products registered after the merger).
    case province2022 = "province-2022"
    case agency
    case kind
    /// A product counts once under each of its topics.
    case topic
    case contentLine = "content-line"
    /// The year of publication.
    case year
    /// The half-year of publication, `2024-H1`.
    case half
}
