import Foundation

/// The exhibition tables' SQL, written once for both backends (PostgreSQL's session turns `?`
/// into `$n`). An exhibition is one JSON document (`Exhibition.document()`); `exhibition_item`
/// indexes which products it shows, and `exhibition_event` keeps its history, which outlives a
/// deleted exhibition.
public enum ExhibitionSQL {
    static let eventTypes = ExhibitionEventType.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")

    public static let sqliteSchema = """
        CREATE TABLE exhibition (
            seq INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE
                CHECK (length(id) = 16 AND id NOT GLOB '*[^0-9ABCDEFGHJKMNPQRSTVWXYZ]*'),
            revision INTEGER NOT NULL CHECK (revision >= 1),
            document TEXT NOT NULL
                CHECK (json_valid(document) AND json_extract(document, '$.id') = id
                    AND json_extract(document, '$.revision') = revision),
            updated_at TEXT NOT NULL
        ) STRICT;

        CREATE TABLE exhibition_item (
            exhibition_id TEXT NOT NULL REFERENCES exhibition(id) ON DELETE CASCADE,
            position INTEGER NOT NULL CHECK (position >= 0),
            product_id TEXT NOT NULL,
            PRIMARY KEY (exhibition_id, position)
        ) STRICT, WITHOUT ROWID;
        CREATE INDEX exhibition_item_product ON exhibition_item(product_id, exhibition_id);

        CREATE TABLE exhibition_event (
            seq INTEGER PRIMARY KEY,
            exhibition_id TEXT NOT NULL,
            type TEXT NOT NULL CHECK (type IN (\(eventTypes))),
            at TEXT NOT NULL,
            agent TEXT NOT NULL,
            revision INTEGER NOT NULL,
            detail TEXT NOT NULL CHECK (json_valid(detail))
        ) STRICT;
        CREATE INDEX exhibition_event_exhibition ON exhibition_event(exhibition_id, seq);
        """

    public static let all = "SELECT document FROM exhibition ORDER BY seq"
    public static let one = "SELECT document FROM exhibition WHERE id = ?"
    public static let revision = "SELECT revision FROM exhibition WHERE id = ?"
    public static let insert = "INSERT INTO exhibition(id, revision, document, updated_at) VALUES (?, ?, ?, ?)"
    public static let update = "UPDATE exhibition SET revision = ?, document = ?, updated_at = ? WHERE id = ?"
    public static let delete = "DELETE FROM exhibition WHERE id = ?"
    public static let clearItems = "DELETE FROM exhibition_item WHERE exhibition_id = ?"
    public static let insertItem = "INSERT INTO exhibition_item(exhibition_id, position, product_id) VALUES (?, ?, ?)"
    public static let insertEvent = """
        INSERT INTO exhibition_event(exhibition_id, type, at, agent, revision, detail) VALUES (?, ?, ?, ?, ?, ?)
        """
    public static let events = """
        SELECT seq, exhibition_id, type, at, agent, revision, detail FROM exhibition_event
        WHERE exhibition_id = ? ORDER BY seq
        """
    public static func showing(_ count: Int) -> String {
        """
        SELECT DISTINCT product_id, exhibition_id FROM exhibition_item
        WHERE product_id IN \(CatalogueSQL.placeholders(count)) ORDER BY product_id, exhibition_id
        """
    }

    /// An event's detail as stored: key-sorted JSON.
    public static func detailJSON(_ detail: [String: String]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(detail)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    /// The document text of an exhibition.
    public static func documentText(_ exhibition: Exhibition) throws -> String {
        String(decoding: try exhibition.document(), as: UTF8.self)
    }

    /// A stored document read back; a document that does not decode names the exhibition.
    public static func decode(_ text: String) throws -> Exhibition {
        do { return try Exhibition.decode(Data(text.utf8)) } catch {
            throw CatalogueCorruption(what: "exhibition document", detail: "\(error)")
        }
    }

    public static func event(
        sequence: Int64, exhibition: String, type: String, at: String, agent: String, revision: Int64, detail: String
    ) throws -> ExhibitionEvent {
        guard let id = ExhibitionID(parsing: exhibition), let kind = ExhibitionEventType(rawValue: type),
            let date = Timestamp.date(at),
            let values = try? JSONDecoder().decode([String: String].self, from: Data(detail.utf8))
        else { throw CatalogueCorruption(what: "exhibition event \(sequence)", detail: "\(type) at \(at)") }
        return ExhibitionEvent(
            sequence: sequence, exhibition: id, type: kind, at: date, agent: agent, revision: Int(revision),
            detail: values)
    }
}

/// A stored row that does not read back as what the schema promises.
public struct CatalogueCorruption: Error, Sendable, CustomStringConvertible, LocalizedMessage {
    public var what: String
    public var detail: String

    public var description: String { message(.english) }
    public func message(_ l: Localizer) -> String { l("catalogue.corrupt_row", ["what": what, "detail": detail]) }
}
