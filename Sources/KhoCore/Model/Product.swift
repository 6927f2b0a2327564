import Foundation

/// A communication product in the catalogue: its metadata, its digital files and provenance.
public struct Product: Sendable, Equatable {
    public var id: ProductID
    public var metadata: ProductMetadata
    public var files: [StoredFile]
    /// The repository that first registered the product (kept when bundles are merged).
    public var originRepository: String
    public var createdAt: Date
    public var updatedAt: Date
    /// How many times the record changed since it was registered here: a write that names the
    /// revision it read fails with a conflict if another write came first.
    public var revision: Int

    public init(
        id: ProductID, metadata: ProductMetadata, files: [StoredFile], originRepository: String, createdAt: Date,
        updatedAt: Date, revision: Int = 0
    ) {
        self.id = id
        self.metadata = metadata
        self.files = files
        self.originRepository = originRepository
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.revision = revision
    }
}
