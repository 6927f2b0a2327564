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

    public init() {}

    public var isEmpty: Bool { self == ProductFilter() }
}
