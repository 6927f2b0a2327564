import Foundation

/// Who is asking: the repository's own staff (the CLI) see every product; the public (`kho serve`)
/// sees public products only, and a private product does not exist for it.
public enum Audience: Sendable, Equatable {
    case staff
    case publicOnly
}

/// The reads that the front doors make, each answered from one consistent snapshot of the
/// catalogue (one read transaction), and `async` so that a server never blocks an event loop on
/// the database. Small enough for a second backend to implement whole.
public protocol CatalogueQueries: Sendable {
    /// A product with its events, technical metadata and last fixity checks. Throws
    /// `CatalogueError.removed` for a removed product and `.unknownProduct` for an unknown one
    /// (or a private one, for the public).
    func details(of id: ProductID, audience: Audience) async throws -> ProductDetails

    /// A product's record and files alone (what a landing page or a download needs), with the
    /// same errors as `details(of:audience:)`.
    func product(_ id: ProductID, audience: Audience) async throws -> Product

    /// One page of products: a search, best first, when the request has a query; else the newest first.
    func page(_ request: PageRequest) async throws -> ProductPage

    /// Everything a report is computed from.
    func reportSnapshot(_ request: ReportRequest) async throws -> ReportSnapshot

    /// Public records and tombstones changed in a time window, oldest first, for harvesters.
    func changes(_ request: ChangeRequest) async throws -> ChangePage

    /// A repository setting, such as `base-url`.
    func settingValue(_ key: String) async throws -> String?

    /// An exhibition with the products it shows, from one snapshot, or nil when unknown. The
    /// public sees only a published exhibition, and only its public products.
    func exhibitionView(_ id: ExhibitionID, audience: Audience) async throws -> ExhibitionView?

    /// Every exhibition, oldest first (the public: published ones), for reports and the dashboard.
    func exhibitionList(audience: Audience) async throws -> [Exhibition]
}

/// An exhibition and the products of its items, by id (an item whose product is not there, or
/// may not be shown, is missing from `products`).
public struct ExhibitionView: Sendable {
    public var exhibition: Exhibition
    public var products: [ProductID: Product]

    public init(exhibition: Exhibition, products: [ProductID: Product]) {
        self.exhibition = exhibition
        self.products = products
    }

    /// The items that can be shown, in order, with their products.
    public var shownItems: [(item: ExhibitionItem, product: Product)] {
        exhibition.items.compactMap { item in products[item.product].map { (item, $0) } }
    }
}

/// A product and what the catalogue knows of its files, read together.
public struct ProductDetails: Sendable {
    public var product: Product
    public var events: [ProductEvent]
    /// Technical metadata by SHA-256.
    public var technical: [String: TechnicalMetadata]
    /// The last fixity check by SHA-256.
    public var lastChecks: [String: FixityCheck]

    public init(
        product: Product, events: [ProductEvent], technical: [String: TechnicalMetadata],
        lastChecks: [String: FixityCheck]
    ) {
        self.product = product
        self.events = events
        self.technical = technical
        self.lastChecks = lastChecks
    }
}

/// Which page of which products.
public struct PageRequest: Sendable, Equatable {
    public var filter: ProductFilter
    /// Words to search for; nil or blank lists instead.
    public var query: String?
    /// Where the previous page ended (`ProductPage.next`); nil for the first page.
    public var cursor: String?
    public var limit: Int
    public var audience: Audience

    public init(
        filter: ProductFilter = ProductFilter(), query: String? = nil, cursor: String? = nil, limit: Int = 20,
        audience: Audience
    ) {
        self.filter = filter
        self.query = query
        self.cursor = cursor
        self.limit = limit
        self.audience = audience
    }

    /// True when the request searches (it has words), rather than lists.
    public var isSearch: Bool { !(query ?? "").trimmingCharacters(in: .whitespaces).isEmpty }
}

/// One page of products, with the cursor of the next page and the number of matches.
public struct ProductPage: Sendable {
    public var products: [Product]
    /// Pass back as `PageRequest.cursor` for the next page; nil on the last page.
    public var next: String?
    /// How many products match in all (a search counts at most `ProductPage.rankingWindow`).
    public var total: Int

    /// How many of the most recently registered matches a search ranks and counts: a query that
    /// matches more is ranked within its newest matches, which keeps every search fast on a
    /// catalogue of millions whose titles share the same few words.
    public static let rankingWindow = 2000

    public init(products: [Product], next: String?, total: Int) {
        self.products = products
        self.next = next
        self.total = total
    }
}

/// A cursor that does not come from a page kho gave out.
public struct InvalidCursor: Error, Sendable, CustomStringConvertible {
    public var cursor: String
    public init(_ cursor: String) { self.cursor = cursor }
    public var description: String {
        "cursor '\(cursor)' is not one kho gave out; start again from the first page (leave the cursor out)"
    }
}

/// What a report counts, and over which scope.
public struct ReportRequest: Sendable, Equatable {
    public var filter: ProductFilter
    public var grouping: ReportGrouping?
    public var rules: ReportRules
    /// The scope of the period before, for a period report's comparison.
    public var previous: ProductFilter?
    /// How many products not digitised to list; nil lists none.
    public var notDigitisedLimit: Int?

    public init(
        filter: ProductFilter, grouping: ReportGrouping?, rules: ReportRules, previous: ProductFilter? = nil,
        notDigitisedLimit: Int? = nil
    ) {
        self.filter = filter
        self.grouping = grouping
        self.rules = rules
        self.previous = previous
        self.notDigitisedLimit = notDigitisedLimit
    }
}

/// The counts, lists and catalogue state of one report, read from one snapshot.
public struct ReportSnapshot: Sendable {
    public var counts: [String: ReportCounts]
    public var previous: ReportCounts?
    public var notDigitised: [Product]?
    public var state: CatalogueState
    public var baseURL: String?

    public init(
        counts: [String: ReportCounts], previous: ReportCounts?, notDigitised: [Product]?, state: CatalogueState,
        baseURL: String?
    ) {
        self.counts = counts
        self.previous = previous
        self.notDigitised = notDigitised
        self.state = state
        self.baseURL = baseURL
    }
}

/// A harvest: public products changed (and products removed) in a window, in the order they changed.
public struct ChangeRequest: Sendable, Equatable {
    public var from: Date?
    public var until: Date?
    public var filter: ProductFilter
    /// Include tombstones of removed products (they carry no kind or province, so a harvest
    /// restricted by such a set leaves them out).
    public var includeRemoved: Bool
    public var cursor: ChangeCursor?
    public var limit: Int

    public init(
        from: Date?, until: Date?, filter: ProductFilter, includeRemoved: Bool, cursor: ChangeCursor?, limit: Int
    ) {
        self.from = from
        self.until = until
        self.filter = filter
        self.includeRemoved = includeRemoved
        self.cursor = cursor
        self.limit = limit
    }
}

/// Where a harvest stopped: the change time and id of the last record given.
public struct ChangeCursor: Sendable, Equatable, Codable {
    public var at: Date
    public var id: String
    public init(at: Date, id: String) {
        self.at = at
        self.id = id
    }
}

/// One change: a product as it is now, or the tombstone of a removed one.
public enum Change: Sendable {
    case product(Product)
    case removed(Tombstone)

    public var id: ProductID {
        switch self {
        case .product(let product): return product.id
        case .removed(let tombstone): return tombstone.id
        }
    }

    public var at: Date {
        switch self {
        case .product(let product): return product.updatedAt
        case .removed(let tombstone): return tombstone.removedAt
        }
    }
}

public struct ChangePage: Sendable {
    public var changes: [Change]
    /// Where to go on from; nil when this page is the last.
    public var next: ChangeCursor?
    /// How many changes the whole harvest holds.
    public var total: Int

    public init(changes: [Change], next: ChangeCursor?, total: Int) {
        self.changes = changes
        self.next = next
        self.total = total
    }
}
