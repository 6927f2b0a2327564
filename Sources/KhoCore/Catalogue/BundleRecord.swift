import Foundation

/// A bundle this repository exported: what `kho export --since LAST` follows, and what
/// `kho bundle list` shows. A split export is one bundle in several bags.
public struct BundleRecord: Sendable, Equatable {
    /// The bundle's External-Identifier (for a split export, its Bag-Group-Identifier).
    public var id: String
    public var createdAt: Date
    /// For an incremental export: the time it starts from.
    public var since: Date?
    /// For an incremental export that follows a bundle: that bundle's id.
    public var previous: String?
    /// The filters the export used, or `all`.
    public var scope: String
    public var products: Int
    public var tombstones: Int
    public var bags: Int
    /// Where it was written (each bag, for a split export), as given.
    public var location: String

    public init(
        id: String, createdAt: Date, since: Date?, previous: String?, scope: String, products: Int, tombstones: Int,
        bags: Int, location: String
    ) {
        self.id = id
        self.createdAt = createdAt
        self.since = since
        self.previous = previous
        self.scope = scope
        self.products = products
        self.tombstones = tombstones
        self.bags = bags
        self.location = location
    }
}
