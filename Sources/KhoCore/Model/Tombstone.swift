import Foundation

/// What is left of a removed product: enough for an incremental bundle to carry the removal to
/// the repositories that imported it (catalogue-schema/tombstone.schema.json).
public struct Tombstone: Sendable, Equatable {
    public var id: ProductID
    public var title: String
    public var originRepository: String
    public var removedAt: Date
    public var agent: String
    public var reason: String

    public init(id: ProductID, title: String, originRepository: String, removedAt: Date, agent: String, reason: String)
    {
        self.id = id
        self.title = title
        self.originRepository = originRepository
        self.removedAt = removedAt
        self.agent = agent
        self.reason = reason
    }

    /// The record as a bundle's data/records.jsonl carries it.
    public var record: TombstoneRecord {
        TombstoneRecord(
            id: id.rawValue, removed: true, title: title, origin_repository: originRepository,
            removed_at: Timestamp.string(removedAt), agent: agent, reason: reason)
    }
}

/// A tombstone as JSON: `removed` is always true, which tells it from a product record.
public struct TombstoneRecord: Codable, Sendable {
    public var id: String
    public var removed: Bool
    public var title: String
    public var origin_repository: String
    public var removed_at: String
    public var agent: String
    public var reason: String

    /// The tombstone, or nil when the id or time is malformed.
    public var tombstone: Tombstone? {
        guard removed, let productID = ProductID(parsing: id), let at = Timestamp.date(removed_at) else { return nil }
        return Tombstone(
            id: productID, title: title, originRepository: origin_repository, removedAt: at, agent: agent,
            reason: reason)
    }
}
