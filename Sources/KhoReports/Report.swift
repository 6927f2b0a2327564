import Foundation
import KhoCore

/// Which report.
public enum ReportKind: String, Sendable, CaseIterable, Codable {
    case summary
    case shares
    case books
    case coverage
    case period
}

/// The figures of one scope or group, each with its numerator and denominator.
public struct Figures: Encodable, Sendable {
    public struct Shares: Encodable, Sendable {
        public var products: Int
        public var ethnic: Ratio
        public var foreign: Ratio
        public var digital: Ratio
        /// Ethnic ∪ foreign ∪ digital, against the 15-20 % band.
        public var target: Ratio
        public var overlaps: [String: Int]
    }

    public struct Books: Encodable, Sendable {
        public var titles: Int
        /// Titles against the national target of 1,000.
        public var progress: Ratio
        public var foreign: Ratio
        public var ethnic: Ratio
        public var ebook: Ratio
        /// Foreign ∪ ethnic ∪ e-book titles, against the 15-20 % band.
        public var target: Ratio
    }

    public struct Level: Encodable, Sendable {
        public var available: Bool
        public var ratio: Ratio?
        public var note: String?
    }

    public struct Coverage: Encodable, Sendable {
        public var products: Int
        /// Against the 100 % target.
        public var digitised: Ratio
        public var shared: Level
        public var online: Level
        public var notDigitised: Int

        enum CodingKeys: String, CodingKey {
            case products, digitised, shared, online
            case notDigitised = "not_digitised"
        }
    }

    public var shares: Shares?
    public var books: Books?
    public var coverage: Coverage?

    /// - Parameter publicLinks: whether the repository has a base URL for public links.
    public init(_ counts: ReportCounts, kind: ReportKind, publicLinks: Bool = false) {
        let band = ReportDefinitions.band
        if kind != .books && kind != .coverage {
            let e = counts.ethnic, f = counts.foreign, d = counts.digital
            let ef = counts.ethnicForeign, ed = counts.ethnicDigital, fd = counts.foreignDigital, all = counts.allThree
            shares = Shares(
                products: counts.products, ethnic: Ratio(e, of: counts.products),
                foreign: Ratio(f, of: counts.products),
                digital: Ratio(d, of: counts.products), target: Ratio(counts.anyGroup, of: counts.products, band: band),
                overlaps: [
                    "ethnic_and_foreign": ef, "ethnic_and_digital": ed, "foreign_and_digital": fd, "all_three": all,
                    "only_ethnic": e - ef - ed + all, "only_foreign": f - ef - fd + all,
                    "only_digital": d - ed - fd + all,
                    "ethnic_and_foreign_only": ef - all, "ethnic_and_digital_only": ed - all,
                    "foreign_and_digital_only": fd - all, "none": counts.products - counts.anyGroup,
                ])
        }
        if kind != .shares && kind != .coverage {
            books = Books(
                titles: counts.books, progress: Ratio(counts.books, of: ReportDefinitions.bookTitleTarget),
                foreign: Ratio(counts.bookForeign, of: counts.books),
                ethnic: Ratio(counts.bookEthnic, of: counts.books),
                ebook: Ratio(counts.ebooks, of: counts.books),
                target: Ratio(counts.bookAny, of: counts.books, band: band))
        }
        if kind != .shares && kind != .books {
            coverage = Coverage(
                products: counts.products, digitised: Ratio(counts.digitised, of: counts.products),
                shared: Level(available: true, ratio: Ratio(counts.shared, of: counts.products), note: nil),
                online: publicLinks
                    ? Level(available: true, ratio: Ratio(counts.online, of: counts.products), note: nil)
                    : Level(
                        available: false, ratio: nil,
                        note: "not available: no base URL for public links (`kho config set base-url`)"),
                notDigitised: counts.products - counts.digitised)
        }
    }
}

/// One row of a breakdown.
public struct GroupFigures: Encodable, Sendable {
    public var key: String
    public var label: String
    public var figures: Figures
}

/// A product that is not digitised, for the coverage list.
public struct UndigitisedProduct: Encodable, Sendable {
    public var id: String
    public var title: String
    public var kind: String
    public var province: String?
    public var published: String?

    public init(id: String, title: String, kind: String, province: String?, published: String?) {
        self.id = id
        self.title = title
        self.kind = kind
        self.province = province
        self.published = published
    }
}

/// A complete report: what it covers, what it was computed from, the rules, and the figures.
public struct Report: Encodable, Sendable {
    public var report: ReportKind
    public var title: String
    public var generatedAt: String
    public var software: String
    public var definitionsVersion: String
    public var definitions: [String: String]
    public var targets: [String: Double]
    public var scope: [String: String]
    public var catalogue: CatalogueState
    public var totals: Figures
    public var grouping: ReportGrouping?
    public var groups: [GroupFigures]
    public var notDigitised: [UndigitisedProduct]?
    /// For a period report: the same figures for the period before, and the change in points.
    public var previous: PreviousPeriod?
    /// Said when the scope holds no product.
    public var message: String?

    public struct PreviousPeriod: Encodable, Sendable {
        public var period: String
        public var totals: Figures
        /// Percentage points (or counts) this period minus the previous one.
        public var change: [String: Double]
    }

    enum CodingKeys: String, CodingKey {
        case report, title, software, definitions, targets, scope, catalogue, totals, grouping, groups, previous,
            message
        case generatedAt = "generated_at"
        case definitionsVersion = "definitions_version"
        case notDigitised = "not_digitised"
    }

    /// Every key always present, null when it does not apply (the README's contract).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(report, forKey: .report)
        try container.encode(title, forKey: .title)
        try container.encode(generatedAt, forKey: .generatedAt)
        try container.encode(software, forKey: .software)
        try container.encode(definitionsVersion, forKey: .definitionsVersion)
        try container.encode(definitions, forKey: .definitions)
        try container.encode(targets, forKey: .targets)
        try container.encode(scope, forKey: .scope)
        try container.encode(catalogue, forKey: .catalogue)
        try container.encode(totals, forKey: .totals)
        try container.encode(grouping, forKey: .grouping)
        try container.encode(groups, forKey: .groups)
        try container.encode(notDigitised, forKey: .notDigitised)
        try container.encode(previous, forKey: .previous)
        try container.encode(message, forKey: .message)
    }

    /// Builds a report from the counts of one scan (key "" for the scope, "GROUPING:KEY" per group).
    public init(
        kind: ReportKind, counts: [String: ReportCounts], grouping: ReportGrouping?, scope: [String: String],
        catalogue: CatalogueState, generatedAt: Date, software: String, publicLinks: Bool = false,
        label: (String) -> String,
        notDigitised: [UndigitisedProduct]? = nil, previous: (period: String, counts: ReportCounts)? = nil
    ) {
        let figureKind: ReportKind = kind == .period ? .summary : kind
        report = kind
        title =
            switch kind {
            case .summary: "Summary: target shares, book titles and digitisation coverage"
            case .shares: "Target share: ethnic-language, foreign-language and digital products"
            case .books: "Book titles: progress and share"
            case .coverage: "Digitisation coverage"
            case .period: "Period report \(scope["period"] ?? "")"
            }
        self.generatedAt = Timestamp.string(generatedAt)
        self.software = software
        definitionsVersion = ReportDefinitions.version
        definitions = ReportDefinitions.texts
        targets = [
            "share_band_low_percent": ReportDefinitions.band.lowerBound,
            "share_band_high_percent": ReportDefinitions.band.upperBound,
            "book_titles": Double(ReportDefinitions.bookTitleTarget),
            "coverage_percent": ReportDefinitions.coverageTarget,
        ]
        self.scope = scope
        self.catalogue = catalogue
        let total = counts[""] ?? ReportCounts()
        totals = Figures(total, kind: figureKind, publicLinks: publicLinks)
        self.grouping = grouping
        let prefix = grouping.map { "\($0.rawValue):" } ?? "\u{0}"
        groups = counts.filter { $0.key.hasPrefix(prefix) }.map { key, value in
            let raw = String(key.dropFirst(prefix.count))
            return GroupFigures(
                key: raw, label: label(raw), figures: Figures(value, kind: figureKind, publicLinks: publicLinks))
        }.sorted { a, b in
            // Vietnamese alphabetical order (Đắk Lắk before Tuyên Quang); the group with no value last.
            if a.key.isEmpty != b.key.isEmpty { return b.key.isEmpty }
            return VietnameseCollation.precedes(a.label, b.label)
        }
        self.notDigitised = notDigitised
        message = total.products == 0 ? "No products in this scope: every percentage is undefined (0 / 0)." : nil
        if let previous {
            let before = Figures(previous.counts, kind: .summary)
            func points(_ now: Ratio?, _ then: Ratio?) -> Double? {
                guard let now = now?.percent, let then = then?.percent else { return nil }
                return ((now - then) * 100).rounded() / 100
            }
            var change: [String: Double] = ["products": Double(total.products - previous.counts.products)]
            change["target_share_points"] = points(totals.shares?.target, before.shares?.target)
            change["book_share_points"] = points(totals.books?.target, before.books?.target)
            change["digitised_points"] = points(totals.coverage?.digitised, before.coverage?.digitised)
            change["book_titles"] = Double(total.books - previous.counts.books)
            self.previous = PreviousPeriod(period: previous.period, totals: before, change: change)
        }
    }
}
