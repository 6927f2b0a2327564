/// How a province filter matches: by today's unit (which spans the merger) or by the unit registered.
public enum ProvinceFilter: Sendable, Equatable {
    /// Every product whose unit is, or has become, this 2025 unit.
    case current(String)
    /// Products registered under exactly this unit.
    case registered(ProvinceRef)
}

/// Which products a listing, a search or a report covers. Empty lists mean "any".
/// Within one list any value matches; different fields must all match.
public struct ProductFilter: Sendable, Equatable {
    public var kinds: [String] = []
    public var languages: [String] = []
    public var platforms: [String] = []
    public var topics: [String] = []
    public var contentLines: [String] = []
    public var provinces: [ProvinceFilter] = []
    /// Agencies, matched ignoring case and diacritics, as a substring.
    public var agency: String?
    /// Publication date range, inclusive; a partial date counts from its first day.
    public var publishedFrom: PartialDate?
    public var publishedTo: PartialDate?
    /// Only products that have (true) or lack (false) a digital file.
    public var hasFiles: Bool?
    /// Only products in one of the programme's target groups (ethnic, foreign, digital, any of them).
    public var targetGroup: TargetGroupFilter?
    /// Only public products (what `kho serve` shows).
    public var publicOnly = false

    public init() {}

    public var isEmpty: Bool { self == ProductFilter() }
}

/// A target group as a filter: the products a report figure counts, so that a figure can link to
/// the list behind it. `digital` needs the vocabulary's digital kinds and platforms.
public enum TargetGroupFilter: Sendable, Equatable {
    case ethnic
    case foreign
    /// Products with a language in the national role (Vietnamese).
    case national
    case digital(kinds: [String], platforms: [String])
    /// Ethnic, foreign or digital: the products the 15-20 % target counts.
    case any(kinds: [String], platforms: [String])
    /// Book titles (the 1,000-title target).
    case books(kinds: [String])

    /// The filter for a group named `ethnic`, `foreign`, `digital`, `any` or `books`, by these rules.
    public init?(name: String, rules: ReportRules) {
        switch name {
        case "ethnic": self = .ethnic
        case "foreign": self = .foreign
        case "national": self = .national
        case "digital": self = .digital(kinds: rules.digitalKinds, platforms: rules.digitalPlatforms)
        case "any": self = .any(kinds: rules.digitalKinds, platforms: rules.digitalPlatforms)
        case "books": self = .books(kinds: rules.bookKinds)
        default: return nil
        }
    }

    public var name: String {
        switch self {
        case .ethnic: return "ethnic"
        case .foreign: return "foreign"
        case .national: return "national"
        case .digital: return "digital"
        case .any: return "any"
        case .books: return "books"
        }
    }
}
