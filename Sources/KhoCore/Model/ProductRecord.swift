import Foundation

/// The JSON form of a product: what `--json` prints and what bundles carry, one object per
/// product, valid against `catalogue-schema/product.schema.json`. Keys are snake_case and every
/// field is present (null when unknown), so scripts can rely on the shape.
public struct ProductRecord: Encodable, Sendable {
    public let product: Product
    /// The product's events, when the record travels in a bundle.
    public let events: [ProductEvent]?
    let groups: TargetGroups
    let province: ProvinceJSON?
    let retention: RetentionStatus?
    let reuse: ReuseTerms?
    let includesTerms: Bool

    struct ProvinceJSON: Encodable {
        var registered: String
        var name: String
        var current: String
        var currentName: String

        enum CodingKeys: String, CodingKey {
            case registered, name, current
            case currentName = "current_name"
        }
    }

    /// `terms`: with the re-use and retention terms the vocabularies derive (what `--json`, the API
    /// and pages show); a bundle's record leaves them out, since every repository derives its own.
    public init(_ product: Product, vocabulary: Vocabulary, events: [ProductEvent]? = nil, terms: Bool = true) {
        self.product = product
        self.events = events
        groups = product.groups(in: vocabulary)
        includesTerms = terms
        retention = terms ? vocabulary.retention(of: product) : nil
        reuse = terms ? vocabulary.reuse(of: product.metadata) : nil
        province = product.metadata.province.map { ref in
            let current = vocabulary.currentUnit(of: ref)
            return ProvinceJSON(
                registered: ref.qualified, name: vocabulary.unit(ref)?.name ?? ref.code,
                current: current?.code ?? ref.code, currentName: current?.name ?? ref.code)
        }
    }

    enum Keys: String, CodingKey {
        case id, title, description, kind, languages, platforms, topics, agency, province, produced, published
        case funding, rights, groups, files, events, retention, reuse
        case isPublic = "public"
        case contentLine = "content_line"
        case originRepository = "origin_repository"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    struct LanguageJSON: Encodable {
        var code: String
        var role: LanguageRole
        var roleOverride: Bool
        enum CodingKeys: String, CodingKey {
            case code, role
            case roleOverride = "role_override"
        }
    }

    struct FileJSON: Encodable {
        var file: StoredFile
        enum CodingKeys: String, CodingKey {
            case sha256, size, mime, format, role
            case originalName = "original_name"
            case addedAt = "added_at"
        }
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(file.object.sha256, forKey: .sha256)
            try container.encode(file.object.size, forKey: .size)
            try container.encode(file.object.mime, forKey: .mime)
            try container.encode(file.object.format, forKey: .format)
            try container.encode(file.role, forKey: .role)
            try container.encode(file.originalName, forKey: .originalName)
            try container.encode(Timestamp.string(file.addedAt), forKey: .addedAt)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        let metadata = product.metadata
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(product.id, forKey: .id)
        try container.encode(metadata.title, forKey: .title)
        try container.encode(metadata.description, forKey: .description)
        try container.encode(metadata.kind, forKey: .kind)
        try container.encode(
            metadata.languages.map { LanguageJSON(code: $0.code, role: $0.role, roleOverride: $0.roleOverride) },
            forKey: .languages)
        try container.encode(metadata.platforms, forKey: .platforms)
        try container.encode(metadata.topics, forKey: .topics)
        try container.encode(metadata.contentLine, forKey: .contentLine)
        try container.encode(metadata.agency, forKey: .agency)
        try container.encode(province, forKey: .province)
        try container.encode(metadata.produced, forKey: .produced)
        try container.encode(metadata.published, forKey: .published)
        try container.encode(metadata.funding, forKey: .funding)
        try container.encode(metadata.rights, forKey: .rights)
        if includesTerms {
            try container.encode(reuse, forKey: .reuse)
            try container.encode(retention, forKey: .retention)
        }
        try container.encode(metadata.isPublic, forKey: .isPublic)
        try container.encode(groups, forKey: .groups)
        try container.encode(product.files.map(FileJSON.init), forKey: .files)
        try container.encode(product.originRepository, forKey: .originRepository)
        try container.encode(Timestamp.string(product.createdAt), forKey: .createdAt)
        try container.encode(Timestamp.string(product.updatedAt), forKey: .updatedAt)
        if let events { try container.encode(events.map { EventRecord($0) }, forKey: .events) }
    }
}
