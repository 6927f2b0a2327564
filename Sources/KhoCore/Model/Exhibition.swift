import Foundation

/// An exhibition's identifier: minted like a product's (see `ProductID`), 16 characters of
/// Crockford base32 that sort by creation, and kept apart from product ids by its own type.
public struct ExhibitionID: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String

    public static func generate(at date: Date, using generator: inout some RandomNumberGenerator) -> ExhibitionID {
        ExhibitionID(uncheckedRawValue: ProductID.generate(at: date, using: &generator).rawValue)
    }

    init(uncheckedRawValue: String) { rawValue = uncheckedRawValue }

    /// Reads an identifier as a person may type it (any case, hyphens, `I`/`L`/`O`).
    public init?(parsing text: String) {
        guard let id = ProductID(parsing: text) else { return nil }
        rawValue = id.rawValue
    }

    public var description: String { rawValue }
    public static func < (lhs: ExhibitionID, rhs: ExhibitionID) -> Bool { lhs.rawValue < rhs.rawValue }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let id = ExhibitionID(parsing: text) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "'\(text)' is not an exhibition id"))
        }
        self = id
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// Text in several languages, keyed by the catalogue's language codes (`vi`, `en`, `jra`…).
public typealias LanguageText = [String: String]

/// A span of online publication: from when an exhibition was published to when it was taken
/// down (nil while it is online).
public struct OnlineSpan: Codable, Sendable, Equatable {
    public var from: Date
    public var until: Date?

    public init(from: Date, until: Date? = nil) {
        self.from = from
        self.until = until
    }

    enum CodingKeys: String, CodingKey { case from, until }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        from = try Exhibition.date(container, .from)
        until = try container.decodeIfPresent(String.self, forKey: .until).map { text in
            guard let date = Timestamp.date(text) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .until, in: container, debugDescription: "'\(text)' is not a timestamp")
            }
            return date
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(Timestamp.string(from), forKey: .from)
        try container.encodeIfPresent(until.map(Timestamp.string), forKey: .until)
    }
}

/// One item on an exhibition's wall: a product, with a caption per language.
public struct ExhibitionItem: Codable, Sendable, Equatable {
    public var product: ProductID
    public var caption: LanguageText

    public init(product: ProductID, caption: LanguageText = [:]) {
        self.product = product
        self.caption = caption
    }
}

/// A curated exhibition: an ordered set of products with captions in several languages, held in
/// person at a venue in a province (or abroad) and/or published online (Decision 1079's
/// exhibitions on human rights). Stored as one JSON document per exhibition, in
/// `catalogue-schema/exhibition.schema.json`'s shape, so that both catalogue backends and bundles
/// carry the same record.
public struct Exhibition: Codable, Sendable, Equatable {
    public var id: ExhibitionID
    /// Starts at 1 and goes up by one with every change: a bundle's copy with a higher revision,
    /// or the same revision changed later, replaces an older one.
    public var revision: Int
    /// The exhibition's languages, the main one first: its title, description and captions are
    /// in these, and its page offers each.
    public var languages: [String]
    public var title: LanguageText
    public var description: LanguageText
    /// Where it is held in Viet Nam; nil when abroad.
    public var province: ProvinceRef?
    /// ISO 3166-1 alpha-2 code of the country, when held abroad.
    public var country: String?
    /// The in-person venue, and the days it is open there.
    public var venue: String?
    public var opens: PartialDate?
    public var closes: PartialDate?
    /// When it was online, oldest first; the last span is open while it is published.
    public var online: [OnlineSpan]
    public var items: [ExhibitionItem]
    public var originRepository: String
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: ExhibitionID, languages: [String], title: LanguageText, description: LanguageText = [:],
        province: ProvinceRef? = nil, country: String? = nil, venue: String? = nil, opens: PartialDate? = nil,
        closes: PartialDate? = nil, originRepository: String, at date: Date
    ) {
        self.id = id
        revision = 1
        self.languages = languages
        self.title = title
        self.description = description
        self.province = province
        self.country = country
        self.venue = venue
        self.opens = opens
        self.closes = closes
        online = []
        items = []
        self.originRepository = originRepository
        createdAt = date
        updatedAt = date
    }

    /// Whether the exhibition is online now.
    public var isPublished: Bool { online.last.map { $0.until == nil } ?? false }

    /// The main language's title, else any.
    public var mainTitle: String { text(title, in: languages.first ?? "vi") ?? "" }

    /// Text in `language`, falling back to the main language, then to any.
    public func text(_ values: LanguageText, in language: String) -> String? {
        if let value = values[language], !value.isEmpty { return value }
        if let main = languages.first, let value = values[main], !value.isEmpty { return value }
        return languages.lazy.compactMap { values[$0] }.first { !$0.isEmpty }
    }

    /// Text in `language` as `text(_:in:)` finds it, with the language it is actually in.
    public func textAndLanguage(_ values: LanguageText, in language: String) -> (text: String, language: String)? {
        for code in [language] + languages {
            if let value = values[code], !value.isEmpty { return (value, code) }
        }
        return nil
    }

    /// Whether it was open in person on some day of `first...last` (days as `YYYY-MM-DD`).
    public func heldInPerson(from first: String, through last: String) -> Bool {
        guard venue != nil || opens != nil, let opens else { return false }
        let closing = (closes ?? opens).lastDay
        return opens.firstDay <= last && closing >= first
    }

    /// Whether it was online at some moment of `start..<end`.
    public func heldOnline(from start: Date, until end: Date) -> Bool {
        online.contains { span in span.from < end && (span.until.map { $0 > start } ?? true) }
    }

    // MARK: The stored document

    /// The document as stored and as bundles carry it: key-sorted JSON, byte-stable.
    public func document() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    /// The document as `kho exhibition show --json` and the API give it: with its online address
    /// (when the repository has a base URL) and whether it is published.
    public func jsonObject(base: String?) throws -> [String: Any] {
        var object = try JSONSerialization.jsonObject(with: document()) as? [String: Any] ?? [:]
        if let base { object["link"] = PublicLink.link(base: base, exhibition: id) }
        object["published"] = isPublished
        return object
    }

    public static func decode(_ data: Data) throws -> Exhibition {
        try JSONDecoder().decode(Exhibition.self, from: data)
    }

    enum CodingKeys: String, CodingKey {
        case id, revision, languages, title, description, province, country, venue, opens, closes, online, items
        case originRepository = "origin_repository"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    static func date<K: CodingKey>(_ container: KeyedDecodingContainer<K>, _ key: K) throws -> Date {
        let text = try container.decode(String.self, forKey: key)
        guard let date = Timestamp.date(text) else {
            throw DecodingError.dataCorruptedError(
                forKey: key, in: container, debugDescription: "'\(text)' is not a timestamp (YYYY-MM-DDTHH:MM:SSZ)")
        }
        return date
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(ExhibitionID.self, forKey: .id)
        revision = try container.decode(Int.self, forKey: .revision)
        languages = try container.decode([String].self, forKey: .languages)
        title = try container.decode(LanguageText.self, forKey: .title)
        description = try container.decodeIfPresent(LanguageText.self, forKey: .description) ?? [:]
        province = try container.decodeIfPresent(String.self, forKey: .province).map { text in
            guard let ref = ProvinceRef(qualified: text) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .province, in: container, debugDescription: "'\(text)' is not CODE@2022 or CODE@2025")
            }
            return ref
        }
        country = try container.decodeIfPresent(String.self, forKey: .country)
        venue = try container.decodeIfPresent(String.self, forKey: .venue)
        opens = try container.decodeIfPresent(PartialDate.self, forKey: .opens)
        closes = try container.decodeIfPresent(PartialDate.self, forKey: .closes)
        online = try container.decodeIfPresent([OnlineSpan].self, forKey: .online) ?? []
        items = try container.decodeIfPresent([ExhibitionItem].self, forKey: .items) ?? []
        originRepository = try container.decode(String.self, forKey: .originRepository)
        createdAt = try Self.date(container, .createdAt)
        updatedAt = try Self.date(container, .updatedAt)
        guard revision >= 1, !languages.isEmpty else {
            throw DecodingError.dataCorruptedError(
                forKey: .revision, in: container, debugDescription: "an exhibition needs revision >= 1 and a language")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(revision, forKey: .revision)
        try container.encode(languages, forKey: .languages)
        try container.encode(title, forKey: .title)
        try container.encode(description, forKey: .description)
        try container.encodeIfPresent(province?.qualified, forKey: .province)
        try container.encodeIfPresent(country, forKey: .country)
        try container.encodeIfPresent(venue, forKey: .venue)
        try container.encodeIfPresent(opens, forKey: .opens)
        try container.encodeIfPresent(closes, forKey: .closes)
        try container.encode(online, forKey: .online)
        try container.encode(items, forKey: .items)
        try container.encode(originRepository, forKey: .originRepository)
        try container.encode(Timestamp.string(createdAt), forKey: .createdAt)
        try container.encode(Timestamp.string(updatedAt), forKey: .updatedAt)
    }

    /// Whether `other`, a copy of the same exhibition from elsewhere, should replace this one: a
    /// higher revision, or the same revision changed later (the later record wins, as for products).
    public func isSuperseded(by other: Exhibition) -> Bool {
        other.revision > revision || (other.revision == revision && other.updatedAt > updatedAt)
    }
}

/// What happened to an exhibition.
public enum ExhibitionEventType: String, Codable, Sendable, CaseIterable {
    case creation
    case modification
    case itemAdded = "item added"
    case itemRemoved = "item removed"
    case itemMoved = "item moved"
    case captionChanged = "caption changed"
    case publication
    case withdrawal
    /// Merged in from a bundle.
    case merging
    case deletion
}

/// A recorded change to an exhibition.
public struct ExhibitionEvent: Codable, Sendable, Equatable {
    public var sequence: Int64
    public var exhibition: ExhibitionID
    public var type: ExhibitionEventType
    public var at: Date
    public var agent: String
    public var revision: Int
    public var detail: [String: String]

    public init(
        sequence: Int64, exhibition: ExhibitionID, type: ExhibitionEventType, at: Date, agent: String,
        revision: Int, detail: [String: String]
    ) {
        self.sequence = sequence
        self.exhibition = exhibition
        self.type = type
        self.at = at
        self.agent = agent
        self.revision = revision
        self.detail = detail
    }

    enum CodingKeys: String, CodingKey { case sequence, exhibition, type, at, agent, revision, detail }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(sequence, forKey: .sequence)
        try container.encode(exhibition, forKey: .exhibition)
        try container.encode(type, forKey: .type)
        try container.encode(Timestamp.string(at), forKey: .at)
        try container.encode(agent, forKey: .agent)
        try container.encode(revision, forKey: .revision)
        try container.encode(detail, forKey: .detail)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        sequence = try container.decode(Int64.self, forKey: .sequence)
        exhibition = try container.decode(ExhibitionID.self, forKey: .exhibition)
        type = try container.decode(ExhibitionEventType.self, forKey: .type)
        at = try Exhibition.date(container, .at)
        agent = try container.decode(String.self, forKey: .agent)
        revision = try container.decode(Int.self, forKey: .revision)
        detail = try container.decode([String: String].self, forKey: .detail)
    }
}

/// The exhibitions of a catalogue. Every write is one transaction that stores the new document
/// and its event together.
public protocol ExhibitionStore: Sendable {
    /// Every exhibition, oldest first.
    func exhibitions() throws -> [Exhibition]

    func exhibition(_ id: ExhibitionID) throws -> Exhibition?

    /// Stores a new exhibition (revision 1) with its `creation` event. Fails if the id exists.
    func createExhibition(_ exhibition: Exhibition, agent: String) throws

    /// Stores a changed exhibition with its event. `exhibition.revision` must be one more than the
    /// stored revision, else `ExhibitionError.conflict` and nothing is written: someone else
    /// changed it after the caller read it.
    func saveExhibition(_ exhibition: Exhibition, event: ExhibitionEventType, agent: String, detail: [String: String])
        throws

    /// Deletes an exhibition's document and items, recording a `deletion` event with the reason;
    /// its history stays. Products are untouched.
    func deleteExhibition(_ id: ExhibitionID, agent: String, at: Date, reason: String) throws

    /// The exhibition's events, oldest first.
    func exhibitionEvents(_ id: ExhibitionID) throws -> [ExhibitionEvent]

    /// The exhibitions that show any of these products, by product.
    func exhibitions(showing products: [ProductID]) throws -> [ProductID: [ExhibitionID]]
}

/// What an exhibition write can refuse.
public enum ExhibitionError: Error, Sendable, Equatable, CustomStringConvertible, LocalizedMessage {
    case unknown(String)
    case conflict(id: ExhibitionID, expected: Int, found: Int)
    case exists(ExhibitionID)

    public var description: String { message(.english) }

    public func message(_ l: Localizer) -> String {
        switch self {
        case .unknown(let id): return l("exhibition.unknown", ["id": id])
        case .conflict(let id, let expected, let found):
            return l(
                "exhibition.conflict", ["id": id.rawValue, "expected": String(expected), "found": String(found)])
        case .exists(let id): return l("exhibition.exists", ["id": id.rawValue])
        }
    }
}
