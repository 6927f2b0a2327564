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
    /// Where the catalogue's change log stood when the export read it: the next increment starts
    /// exactly there, so nothing is sent twice or missed, even within one second. Nil for
    /// bundles recorded before kho kept it (their increments start from their time).
    public var mark: ChangeMark?

    public init(
        id: String, createdAt: Date, since: Date?, previous: String?, scope: String, products: Int, tombstones: Int,
        bags: Int, location: String, mark: ChangeMark? = nil
    ) {
        self.mark = mark
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

/// A position in the catalogue's change log: the last event and the last tombstone recorded.
public struct ChangeMark: Sendable, Equatable {
    public var event: Int64
    public var tombstone: Int64

    public init(event: Int64, tombstone: Int64) {
        self.event = event
        self.tombstone = tombstone
    }
}
