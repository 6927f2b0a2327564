/// What one scan of the catalogue counts for a scope or a group: the numerators and denominators
/// behind every figure of every report.
public struct ReportCounts: Sendable, Equatable, Codable {
    public var products = 0
    public var ethnic = 0
    public var foreign = 0
    public var digital = 0
    /// In at least one of the three groups (counted once).
    public var anyGroup = 0
    public var ethnicForeign = 0
    public var ethnicDigital = 0
    public var foreignDigital = 0
    public var allThree = 0
    public var digitised = 0
    /// Products included in at least one exported bundle.
    public var shared = 0
    /// Public digitised products: what `kho serve` publishes at their links.
    public var online = 0
    public var books = 0
    public var bookEthnic = 0
    public var bookForeign = 0
    public var ebooks = 0
    /// Book titles that are foreign-language, ethnic-language or e-books (counted once).
    public var bookAny = 0

    public init() {}

    public static func + (a: ReportCounts, b: ReportCounts) -> ReportCounts {
        var sum = ReportCounts()
        sum.products = a.products + b.products
        sum.ethnic = a.ethnic + b.ethnic
        sum.foreign = a.foreign + b.foreign
        sum.digital = a.digital + b.digital
        sum.anyGroup = a.anyGroup + b.anyGroup
        sum.ethnicForeign = a.ethnicForeign + b.ethnicForeign
        sum.ethnicDigital = a.ethnicDigital + b.ethnicDigital
        sum.foreignDigital = a.foreignDigital + b.foreignDigital
        sum.allThree = a.allThree + b.allThree
        sum.digitised = a.digitised + b.digitised
        sum.shared = a.shared + b.shared
        sum.online = a.online + b.online
        sum.books = a.books + b.books
        sum.bookEthnic = a.bookEthnic + b.bookEthnic
        sum.bookForeign = a.bookForeign + b.bookForeign
        sum.ebooks = a.ebooks + b.ebooks
        sum.bookAny = a.bookAny + b.bookAny
        return sum
    }
}

/// Where a share stands against the programme's 15-20 % band.
public enum Band: String, Sendable, Codable {
    case below
    case within
    case above
}

/// A fraction with its parts, so that an auditor can recompute it.
public struct Ratio: Sendable, Equatable, Encodable {
    public var numerator: Int
    public var denominator: Int
    /// Percent, rounded to two decimals; nil when the denominator is 0.
    public var percent: Double?
    /// Against the 15-20 % band, where the figure has one.
    public var band: Band?

    public init(_ numerator: Int, of denominator: Int, band range: ClosedRange<Double>? = nil) {
        self.numerator = numerator
        self.denominator = denominator
        percent = denominator == 0 ? nil : (Double(numerator) * 10_000 / Double(denominator)).rounded() / 100
        if let range, let percent {
            band = percent < range.lowerBound ? .below : percent > range.upperBound ? .above : .within
        }
    }

    enum CodingKeys: String, CodingKey { case numerator, denominator, percent, band }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(numerator, forKey: .numerator)
        try container.encode(denominator, forKey: .denominator)
        try container.encode(percent, forKey: .percent)
        if band != nil || percent == nil { try container.encode(band, forKey: .band) }
    }
}

extension ReportCounts {
    /// The counts from a tally of products by their flags, as every catalogue backend counts them:
    /// `tally[flags]` products have exactly these flags, one bit each: 1 ethnic, 2 foreign,
    /// 4 digital, 8 book, 16 e-book, 32 digitised, 64 shared in a bundle, 128 public.
    public init(tally: [Int]) {
        self.init()
        for (combination, number) in tally.enumerated() where number > 0 {
            let e = combination & 1 != 0, f = combination & 2 != 0, d = combination & 4 != 0
            let b = combination & 8 != 0, eb = combination & 16 != 0, dz = combination & 32 != 0
            let shared = combination & 64 != 0, isPublic = combination & 128 != 0
            func add(_ condition: Bool, _ field: WritableKeyPath<ReportCounts, Int>) {
                if condition { self[keyPath: field] += number }
            }
            add(true, \.products)
            add(e, \.ethnic)
            add(f, \.foreign)
            add(d, \.digital)
            add(e || f || d, \.anyGroup)
            add(e && f, \.ethnicForeign)
            add(e && d, \.ethnicDigital)
            add(f && d, \.foreignDigital)
            add(e && f && d, \.allThree)
            add(dz, \.digitised)
            add(shared, \.shared)
            add(dz && isPublic, \.online)
            add(b, \.books)
            add(b && e, \.bookEthnic)
            add(b && f, \.bookForeign)
            add(b && eb, \.ebooks)
            add(b && (e || f || eb), \.bookAny)
        }
    }
}
