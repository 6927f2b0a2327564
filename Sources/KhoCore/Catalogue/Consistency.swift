import Foundation

/// A column the catalogue keeps derived from other rows, so that reports and searches read one
/// row per product: the target groups, the digitisation counts, the 2025 province, the first day
/// of a partial date, whether the product was shared in a bundle, and the folded search text.
public enum DerivedColumn: String, Sendable, CaseIterable, Codable {
    case roleMask = "role_mask"
    case platformMask = "platform_mask"
    case fileCount = "file_count"
    case contentFiles = "content_files"
    case provinceCurrent = "province_current"
    case publishedFirst = "published_first"
    case shared
    case searchText = "search_text"
}

/// A derived value that disagrees with the rows it is derived from.
public struct DerivedMismatch: Sendable, Hashable, Codable {
    /// The product, or nil for rows that belong to no product (search rows of removed products).
    public let product: ProductID?
    public let column: DerivedColumn
    /// What the catalogue holds, and what the rows say it should hold.
    public let stored: String
    public let expected: String

    public init(product: ProductID?, column: DerivedColumn, stored: String, expected: String) {
        self.product = product
        self.column = column
        self.stored = stored
        self.expected = expected
    }
}

/// An object the catalogue knows: its size, and whether any product holds it.
public struct CatalogueObject: Sendable, Hashable {
    public let sha256: String
    public let size: Int64
    public let referenced: Bool

    public init(sha256: String, size: Int64, referenced: Bool) {
        self.sha256 = sha256
        self.size = size
        self.referenced = referenced
    }
}

/// Something `kho doctor --repair` did, recorded in the catalogue.
public struct RepairRecord: Sendable, Codable, Hashable {
    public let at: Date
    public let agent: String
    /// A stable code: `rederive`, `clear-pending`, `remove-interrupted-object`, `remove-temporary`,
    /// `set-object-read-only`, `quarantine-unknown-object`.
    public let action: String
    /// What was repaired: a product id, a SHA-256, a path.
    public let target: String
    public let detail: [String: String]

    public init(at: Date, agent: String, action: String, target: String, detail: [String: String]) {
        self.at = at
        self.agent = agent
        self.action = action
        self.target = target
        self.detail = detail
    }
}

/// The catalogue's own consistency checks, for `kho doctor`: what the database engine says of
/// itself, and whether the columns kept for reports agree with the rows they summarise.
public protocol ConsistencyChecking: Sendable {
    /// The engine's integrity check: nothing when the database is sound, else its messages.
    func integrityProblems() throws -> [String]
    /// Rows that refer to a row that does not exist.
    func foreignKeyProblems() throws -> [String]
    /// The schema: migrations this kho knows but the catalogue has not had, and whether the
    /// catalogue was written by a newer kho.
    func schemaState() throws -> (missing: [String], newer: Bool)
    /// Every derived value that disagrees with its rows, checked against `vocabulary` for the
    /// 2025 province.
    func derivedMismatches(vocabulary: Vocabulary) throws -> [DerivedMismatch]
    /// Derives the given products' columns again from their rows (and drops search rows of no
    /// product), in one transaction that records the repairs.
    func rederive(
        _ ids: [ProductID], removingStraySearchRows: Bool, vocabulary: Vocabulary, repairs: [RepairRecord]
    ) throws
    /// Every object the catalogue knows.
    func catalogueObjects() throws -> [CatalogueObject]
    /// The codes products use, by vocabulary name (`kinds`, `platforms`, `topics`, `languages`,
    /// `content-lines`, `funding`), each with how many products use it.
    func codesInUse() throws -> [String: [String: Int]]
    /// Every `setting:` key and its value.
    func settings() throws -> [String: String]
    /// Records repairs that did not change a catalogue row (a file removed, a mark cleared).
    func recordRepairs(_ repairs: [RepairRecord]) throws
    /// Repairs made so far, oldest first.
    func repairs() throws -> [RepairRecord]
}
