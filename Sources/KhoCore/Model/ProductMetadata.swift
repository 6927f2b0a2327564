import Foundation

/// The descriptive metadata of a product: what `register`, `ingest` and `edit` set.
/// Values are already checked against the vocabularies and NFC-normalised.
public struct ProductMetadata: Codable, Sendable, Equatable {
    public var title: String
    public var description: String?
    public var kind: String
    public var languages: [ProductLanguage]
    public var platforms: [String]
    public var topics: [String]
    public var contentLine: String?
    public var agency: String?
    public var province: ProvinceRef?
    public var produced: PartialDate?
    public var published: PartialDate?
    public var funding: String?
    public var rights: String?
    /// Whether the product's record and files are served to the public (`kho serve`, the API,
    /// OAI-PMH). Products are public unless registered or edited as private.
    public var isPublic: Bool

    public init(
        title: String, description: String? = nil, kind: String, languages: [ProductLanguage] = [],
        platforms: [String] = [], topics: [String] = [], contentLine: String? = nil, agency: String? = nil,
        province: ProvinceRef? = nil, produced: PartialDate? = nil, published: PartialDate? = nil,
        funding: String? = nil, rights: String? = nil, isPublic: Bool = true
    ) {
        self.title = title
        self.description = description
        self.kind = kind
        self.languages = languages
        self.platforms = platforms
        self.topics = topics
        self.contentLine = contentLine
        self.agency = agency
        self.province = province
        self.produced = produced
        self.published = published
        self.funding = funding
        self.rights = rights
        self.isPublic = isPublic
    }
}
