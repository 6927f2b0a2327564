import Foundation

/// The vocabulary facts a report counts by, taken from the vocabularies in force when it runs.
public struct ReportRules: Sendable, Equatable {
    public var digitalKinds: [String]
    public var digitalPlatforms: [String]
    public var bookKinds: [String]
    /// Book kinds that are e-books (inherently digital).
    public var ebookKinds: [String]

    public init(_ vocabulary: Vocabulary) {
        digitalKinds = vocabulary.kinds.filter(\.digital).map(\.code)
        digitalPlatforms = vocabulary.platforms.filter(\.digital).map(\.code)
        bookKinds = vocabulary.kinds.filter(\.bookTitle).map(\.code)
        ebookKinds = vocabulary.kinds.filter { $0.bookTitle && $0.digital }.map(\.code)
    }
}

/// The state of the catalogue a report was computed from: enough to tell whether it has changed since.
public struct CatalogueState: Sendable, Equatable, Encodable {
    public var products: Int
    public var lastChange: String?
    public var lastEvent: Int64
    public var lastFixityCheck: Int64

    public init(products: Int, lastChange: String?, lastEvent: Int64, lastFixityCheck: Int64) {
        self.products = products
        self.lastChange = lastChange
        self.lastEvent = lastEvent
        self.lastFixityCheck = lastFixityCheck
    }

    enum CodingKeys: String, CodingKey {
        case products, digest
        case lastChange = "last_change"
        case lastEvent = "last_event"
        case lastFixityCheck = "last_fixity_check"
    }

    /// A short digest of the state: equal digests, same catalogue as far as reports can tell.
    public var digest: String {
        let text =
            "products=\(products);last_change=\(lastChange ?? "");last_event=\(lastEvent);last_check=\(lastFixityCheck)"
        // FNV-1a 64: a fingerprint for humans to compare, not a security measure.
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return String(format: "%016llx", hash)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(products, forKey: .products)
        try container.encode(lastChange, forKey: .lastChange)
        try container.encode(lastEvent, forKey: .lastEvent)
        try container.encode(lastFixityCheck, forKey: .lastFixityCheck)
        try container.encode(digest, forKey: .digest)
    }
}
