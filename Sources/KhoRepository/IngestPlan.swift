import KhoCore

/// What to do when a file's content is already stored for another product.
public enum DuplicatePolicy: String, CaseIterable, Sendable {
    /// Pass over the file and report the product that holds it (the default).
    case skip
    /// Register a new product that shares the stored object.
    case link
    /// Stop before anything is written.
    case error
}

/// One product to ingest or register, checked and ready.
public struct IngestItem: Sendable {
    /// The resolved path of the file to read; nil for a product with no digital file yet.
    public var source: String?
    /// How messages name the item: the path as given, or `manifest.csv row 3`.
    public var origin: String
    public var metadata: ProductMetadata
    public var role: FileRole
    /// For a manifest row with no file: the manifest's hash and the row, so a re-run skips it.
    public var rowKey: String?
    public var size: Int64
}

/// Everything an ingest will do, checked before anything is written.
public struct IngestPlan: Sendable {
    public var items: [IngestItem]
    /// Files passed over on purpose (hidden, links, not in the manifest), with why.
    public var notes: [String]

    public var totalBytes: Int64 { items.reduce(0) { $0 + $1.size } }
}

/// What happened to one item.
public enum IngestOutcome: Sendable {
    /// A new product with its file stored.
    case ingested(Product, origin: String)
    /// A new product whose file's content was already stored for other products.
    case linked(Product, origin: String, sharedWith: [ProductID])
    /// A new product with no digital file.
    case registered(Product, origin: String)
    /// Not ingested: the same content is stored for these products.
    case duplicate(origin: String, sha256: String, existing: [ProductID])
    /// Not ingested again: an earlier run of the same ingest registered it.
    case alreadyIngested(origin: String, ProductID)
    /// `--dry-run`: what would happen.
    case planned(IngestItem, sha256: String?, action: PlannedAction, existing: [ProductID])
}

/// What a dry run says an item would do. The raw value is the code `ingest --json` prints.
public enum PlannedAction: String, Sendable, CaseIterable {
    case ingest
    case register
    case alreadyIngested = "already ingested"
    case linkDuplicate = "ingest (link duplicate)"
    case skipDuplicate = "duplicate: skip"
    case refuseDuplicate = "duplicate: error"
}

/// Receives progress while files are copied in. `advance` is called from the thread that copies.
public protocol IngestProgress: AnyObject, Sendable {
    func begin(files: Int, bytes: Int64)
    func advance(bytes: Int)
    func finishedItem()
    func end()
}

/// An ingest stopped part-way by a failure: what was done before it, and the failure.
public struct IngestInterrupted: Error, CustomStringConvertible, LocalizedMessage {
    public var completed: [IngestOutcome]
    public var failure: any Error

    public var description: String { message(.english) }

    public func message(_ l: Localizer) -> String {
        let cause = (failure as? any LocalizedMessage)?.message(l) ?? "\(failure)"
        return cause + "\n" + l("ingest.interrupted", ["count": l.integer(completed.count)])
    }
}
