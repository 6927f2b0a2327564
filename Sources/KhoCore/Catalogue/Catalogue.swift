import Foundation

/// The catalogue: products, their files and events. Commands talk to these role protocols only,
/// so that a national-tier backend (PostgreSQL) can stand beside the SQLite one; each role is
/// small enough to implement on its own.
///
/// Every method that writes runs in one transaction: it happens completely or not at all.
public typealias Catalogue = ProductWriting & ProductReading & EventLog & FixityRecords & ReportCounting
    & SettingsStore & BundleHistory & ExhibitionStore

/// Registering, merging, changing and removing products.
public protocol ProductWriting: Sendable {
    /// The identifier of this repository, recorded as the origin of the products it registers.
    var repositoryID: String { get }

    /// Registers products with their files and events, all in one transaction: all are registered
    /// or none. Fails if an id or ingest key exists.
    func register(_ products: [NewProduct]) throws -> [Product]

    /// Adds or replaces products from a bundle, removes those its tombstones name (keeping the
    /// tombstones), and adds or replaces its exhibitions where `Exhibition.isSuperseded(by:)` says
    /// so (each with a `merging` event by `agent` at `at`), all in one transaction: all are merged
    /// or none. Returns the exhibitions it stored.
    @discardableResult
    func merge(
        _ products: [MergedProduct], tombstones: [Tombstone], exhibitions: [Exhibition], agent: String, at: Date
    ) throws -> [ExhibitionID]

    /// Removes products from the catalogue, leaving a tombstone for each, in one transaction.
    /// Their files stay in the store. Fails, removing nothing, if any id is unknown.
    func remove(_ ids: [ProductID], reason: String, agent: String, at: Date) throws -> [Tombstone]

    /// Adds a digital file to a product and records the event.
    func attach(_ file: NewFile, to id: ProductID, event: NewEvent) throws -> Product

    /// Takes a file off a product (the object stays in the store) and records the event, checking
    /// the revision like `update`. Fails with `CatalogueError.notAttached` if the product does not
    /// hold it.
    func detach(_ sha256: String, from id: ProductID, event: NewEvent, expectedRevision: Int?) throws -> Product

    /// Replaces a product's metadata and records the event. With `expectedRevision`, fails with
    /// `CatalogueError.conflict`, writing nothing, if the stored revision is another one: the
    /// caller read a record that has changed since.
    func update(_ id: ProductID, metadata: ProductMetadata, event: NewEvent, expectedRevision: Int?) throws -> Product
}

/// Reading products, one call at a time.
public protocol ProductReading: Sendable {
    func product(_ id: ProductID) throws -> Product?

    /// The products with these ids, in the order given (unknown ids are left out).
    func products(_ ids: [ProductID]) throws -> [Product]

    /// Products matching the filter, oldest first.
    func products(matching filter: ProductFilter, limit: Int?) throws -> [Product]

    func count(matching filter: ProductFilter) throws -> Int

    /// Products whose title, description or agency hold every word of `query`, ignoring case,
    /// diacritics, NFC/NFD and `đ`/`d`; best first.
    func search(_ query: String, filter: ProductFilter, limit: Int) throws -> [SearchHit]

    /// The products that hold each of these objects (objects no product holds are left out).
    func products(holding sha256s: [String]) throws -> [String: [ProductID]]

    /// The products earlier ingests registered under these keys (unknown keys are left out).
    func products(ingestKeys: [String]) throws -> [String: ProductID]

    /// Tombstones of products removed at or after `date` (all, with nil), oldest first.
    func tombstones(since date: Date?) throws -> [Tombstone]
}

/// The history of products: PREMIS events.
public protocol EventLog: Sendable {
    /// Events of one product, or of all products, oldest first.
    func events(for id: ProductID?) throws -> [ProductEvent]

    /// Records events about products, all in one transaction.
    func recordProductEvents(_ events: [(ProductID, NewEvent)]) throws

    /// Records an event about an object for every product that holds it (quarantine, recovery).
    func recordObjectEvent(_ sha256: String, event: NewEvent) throws

    /// Products whose record changed at or after `date`: any event but an export's or a fixity
    /// check's (routine checks are this repository's own care, not a change to carry).
    func productsChanged(since date: Date) throws -> Set<ProductID>
}

/// Stored objects: fixity checks and technical metadata.
public protocol FixityRecords: Sendable {
    /// Every stored object (or those of one product), with its products and last fixity check.
    func objects(of id: ProductID?) throws -> [ObjectStatus]

    /// The SHA-256s of stored objects that begin with `prefix` (lower-case hex), in order, at most `limit`.
    func objects(withPrefix prefix: String, limit: Int) throws -> [String]

    /// Records fixity checks, and a `fixity check` event for each product holding each object.
    func record(_ checks: [FixityCheck], agent: String, software: String) throws

    /// Stores what characterisation read from objects, replacing what was there, with a
    /// `metadata extraction` event for each product holding each object: one transaction.
    func setTechnicalMetadata(_ entries: [String: TechnicalMetadata], tool: String, at: Date, agent: String) throws

    /// The technical metadata of these objects, with the tool version that made it.
    func technicalMetadata(for sha256s: [String]) throws -> [String: (metadata: TechnicalMetadata, tool: String)]
}

/// The counts behind reports.
public protocol ReportCounting: Sendable {
    /// The counts behind every report figure, for the products matching `filter`: one entry for the
    /// whole scope under the key "", and one per group when `grouping` is given.
    func reportCounts(matching filter: ProductFilter, grouping: ReportGrouping?, rules: ReportRules) throws
        -> [String: ReportCounts]

    /// What the catalogue holds, for a report to state what it was computed from.
    func state() throws -> CatalogueState
}

/// Repository settings, such as `base-url`.
public protocol SettingsStore: Sendable {
    func setting(_ key: String) throws -> String?

    /// Sets (or, with nil, removes) a repository setting.
    func setSetting(_ key: String, value: String?) throws
}

/// The bundles this repository exported.
public protocol BundleHistory: Sendable {
    /// Bundles this repository exported, oldest first.
    func bundles() throws -> [BundleRecord]

    /// Records an export in one transaction: the bundle, and `event` (an `information package
    /// creation`, naming the bag) for each product it carried.
    func recordExport(_ bundle: BundleRecord, events: [(ProductID, NewEvent)]) throws

    /// Where the change log stands now.
    func changeMark() throws -> ChangeMark

    /// Products with a change (other than an export or a fixity check) recorded after `mark`.
    func productsChanged(after mark: ChangeMark) throws -> Set<ProductID>

    /// Removals recorded after `mark`.
    func tombstones(after mark: ChangeMark) throws -> [Tombstone]
}

/// The journal of objects about to enter a local content store, so that an interrupted ingest
/// can be undone. Only a repository with a local store needs it.
public protocol PendingObjectJournal: Sendable {
    /// Notes that objects are about to enter the store.
    func markPending(_ sha256s: [String]) throws

    /// Objects marked pending, with whether the catalogue knows them (a product holds them, or
    /// held them before a detach): only an object it does not know may be removed.
    func pendingObjects() throws -> [(sha256: String, referenced: Bool)]

    func clearPending(_ sha256s: [String]) throws
}

extension ProductWriting {
    /// Adds or replaces products from a bundle, all in one transaction.
    public func merge(_ products: [MergedProduct]) throws { try merge(products, tombstones: []) }

    /// Adds or replaces products from a bundle and applies its tombstones, in one transaction.
    public func merge(_ products: [MergedProduct], tombstones: [Tombstone]) throws {
        try merge(products, tombstones: tombstones, exhibitions: [], agent: "", at: Date())
    }

    /// Registers one product with its files and event.
    public func register(_ product: NewProduct) throws -> Product {
        try register([product])[0]
    }

    /// Replaces a product's metadata without checking which revision it replaces (imports, tools).
    public func update(_ id: ProductID, metadata: ProductMetadata, event: NewEvent) throws -> Product {
        try update(id, metadata: metadata, event: event, expectedRevision: nil)
    }
}

extension EventLog {
    /// Records an event about one product.
    public func recordProductEvent(_ id: ProductID, event: NewEvent) throws {
        try recordProductEvents([(id, event)])
    }
}

extension ProductReading {
    /// The products that hold the object with this SHA-256.
    public func products(holding sha256: String) throws -> [ProductID] {
        try products(holding: [sha256])[sha256] ?? []
    }

    /// The product an earlier ingest registered under this key.
    public func product(ingestKey: String) throws -> ProductID? {
        try products(ingestKeys: [ingestKey])[ingestKey]
    }
}
