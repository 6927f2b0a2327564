import Foundation

/// A value in a catalogue row, as both backends hold it: the schema has no floating-point columns.
public enum CatalogueValue: Sendable, Hashable {
    case null
    case integer(Int64)
    case text(String)
}

/// One table of the catalogue, as `kho catalogue copy` moves it between backends: the columns
/// both schemas share (not SQLite's FTS index nor PostgreSQL's search columns, which each backend
/// derives from the product rows), in key order.
public struct CatalogueTableShape: Sendable {
    public let name: String
    public let columns: [String]
    /// The columns that order the rows and page through them (a primary key).
    public let key: [String]
    /// Columns that hold JSON, compared and copied in one canonical form (sorted keys).
    public let json: Set<String>
    /// A sequence column the database numbers itself (kept as it was in a copy).
    public let identity: String?

    /// Every table, parents before children.
    public static let all: [CatalogueTableShape] = [
        .init("repository", ["key", "value"], key: ["key"]),
        .init("platform_bit", ["code", "bit"], key: ["code"]),
        .init("object", ["sha256", "size", "mime", "format", "stored_at"], key: ["sha256"]),
        .init(
            "product",
            [
                "seq", "id", "title", "description", "kind", "content_line", "agency", "province", "province_current",
                "produced", "published", "published_first", "funding", "rights", "origin_repository", "ingest_key",
                "created_at", "updated_at", "role_mask", "platform_mask", "file_count", "content_files", "shared",
                "public", "revision",
            ], key: ["seq"], identity: "seq"),
        .init(
            "product_language", ["product_id", "code", "position", "role", "role_override"],
            key: ["product_id", "code"]),
        .init("product_platform", ["product_id", "code", "position"], key: ["product_id", "code"]),
        .init("product_topic", ["product_id", "code", "position"], key: ["product_id", "code"]),
        .init(
            "product_file", ["product_id", "sha256", "role", "original_name", "added_at"],
            key: ["product_id", "sha256"]),
        .init(
            "event", ["seq", "product_id", "type", "at", "agent", "outcome", "detail"], key: ["seq"],
            json: ["detail"], identity: "seq"),
        .init("pending_object", ["sha256", "since"], key: ["sha256"]),
        .init(
            "object_metadata", ["sha256", "characterised_at", "tool", "metadata"], key: ["sha256"],
            json: ["metadata"]),
        .init(
            "fixity_check", ["seq", "sha256", "at", "outcome", "found_sha256", "agent"], key: ["seq"],
            identity: "seq"),
        .init(
            "bundle",
            [
                "seq", "id", "created_at", "since", "previous", "scope", "products", "tombstones", "bags", "location",
                "event_mark", "tombstone_mark",
            ], key: ["seq"], identity: "seq"),
        .init(
            "tombstone", ["seq", "id", "title", "origin_repository", "removed_at", "agent", "reason"], key: ["seq"],
            identity: "seq"),
        .init(
            "repair", ["seq", "at", "agent", "action", "target", "detail"], key: ["seq"], json: ["detail"],
            identity: "seq"),
        // Exhibition documents and event details are copied as the text they are (both backends keep text).
        .init("exhibition", ["seq", "id", "revision", "document", "updated_at"], key: ["seq"], identity: "seq"),
        .init("exhibition_item", ["exhibition_id", "position", "product_id"], key: ["exhibition_id", "position"]),
        .init(
            "exhibition_event", ["seq", "exhibition_id", "type", "at", "agent", "revision", "detail"], key: ["seq"],
            identity: "seq"),
    ]

    init(_ name: String, _ columns: [String], key: [String], json: Set<String> = [], identity: String? = nil) {
        self.name = name
        self.columns = columns
        self.key = key
        self.json = json
        self.identity = identity
    }

    /// JSON text in one form whatever stored it (SQLite keeps the text, PostgreSQL's jsonb its own
    /// order and spacing): keys sorted, no escaped slashes.
    public static func canonicalJSON(_ text: String) -> String {
        guard let value = try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]),
            let data = try? JSONSerialization.data(
                withJSONObject: value, options: [.sortedKeys, .withoutEscapingSlashes, .fragmentsAllowed])
        else { return text }
        return String(decoding: data, as: UTF8.self)
    }
}

/// What a table holds, to compare two catalogues: its row count and a SHA-256 of its rows in key order.
public struct TableDigest: Sendable, Equatable {
    public let rows: Int
    public let sha256: String

    public init(rows: Int, sha256: String) {
        self.rows = rows
        self.sha256 = sha256
    }
}

/// A catalogue's tables read and written whole, for `kho catalogue copy` between backends.
public protocol CatalogueTransfer: Sendable {
    /// Reads a table's rows in key order, `batch` at a time, handing each slice to `body`, all
    /// from one snapshot.
    func readRows(of tables: [CatalogueTableShape], batch: Int, _ body: (CatalogueTableShape, [[CatalogueValue]]) throws -> Void)
        throws

    /// Replaces everything this catalogue holds with rows read from another, in one transaction:
    /// `source` hands out each table's rows, slice by slice, parents first. The search index is
    /// derived again from the product rows.
    func replaceAll(from source: ((CatalogueTableShape, [[CatalogueValue]]) throws -> Void) throws -> Void) throws
}
