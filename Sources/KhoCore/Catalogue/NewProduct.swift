import Foundation

/// A digital file about to be recorded for a product: its object must already be in the store.
public struct NewFile: Sendable {
    public var object: ObjectInfo
    public var role: FileRole
    public var originalName: String
    /// What characterisation read from the file, recorded with the object, and the tool that read it.
    public var technical: TechnicalMetadata?
    public var technicalTool: String

    public init(
        object: ObjectInfo, role: FileRole, originalName: String, technical: TechnicalMetadata? = nil,
        technicalTool: String = ""
    ) {
        self.object = object
        self.role = role
        self.originalName = originalName
        self.technical = technical
        self.technicalTool = technicalTool
    }
}

/// A product about to be registered, with its files and the event that records it.
public struct NewProduct: Sendable {
    public var id: ProductID
    public var metadata: ProductMetadata
    public var files: [NewFile]
    /// What makes re-running the same ingest idempotent: a source file's path and hash,
    /// or a manifest's hash and row. Nil for products registered by hand.
    public var ingestKey: String?
    public var event: NewEvent

    public init(id: ProductID, metadata: ProductMetadata, files: [NewFile], ingestKey: String?, event: NewEvent) {
        self.id = id
        self.metadata = metadata
        self.files = files
        self.ingestKey = ingestKey
        self.event = event
    }
}

/// A full-text search hit: the product and its rank (lower is better).
public struct SearchHit: Sendable {
    public var product: Product
    public var rank: Double

    public init(product: Product, rank: Double) {
        self.product = product
        self.rank = rank
    }
}
