import Foundation
import GRDB
import KhoCore

/// `kho doctor`'s view of the catalogue: SQLite's own checks, and the derived columns recomputed
/// from their rows with the same expressions the migrations that introduced them used.
extension SQLiteCatalogue: ConsistencyChecking {
    public func foreignKeyProblems() throws -> [String] {
        try read { db in
            try Row.fetchAll(db, sql: "PRAGMA foreign_key_check").map { row in
                let table: String = row[0]
                let rowid: Int64? = row[1]
                let parent: String = row[2]
                return "\(table) row \(rowid.map(String.init) ?? "?") refers to a missing \(parent) row"
            }
        }
    }

    public func schemaState() throws -> (missing: [String], newer: Bool) {
        try read { db in
            let migrator = CatalogueMigrations.migrator
            let applied = try migrator.appliedIdentifiers(db)
            let missing = migrator.migrations.filter { !applied.contains($0) }
            return (missing, try migrator.hasBeenSuperseded(db))
        }
    }

    /// The derived columns as the rows say they should be, one row per product. (`+e.type` keeps
    /// SQLite on the product's own events: through the type index it read every export's events
    /// for each product, 331 s instead of 2 s on 100,000 exported products.)
    static let derivedSQL = """
        SELECT p.id, p.seq, p.province, p.published,
            p.role_mask, (SELECT coalesce(max(role = 'ethnic'), 0) | (coalesce(max(role = 'foreign'), 0) << 1)
                | (coalesce(max(role = 'national'), 0) << 2) FROM product_language WHERE product_id = p.id) AS role_expected,
            p.platform_mask, coalesce((SELECT sum(1 << b.bit) FROM product_platform x
                JOIN platform_bit b ON b.code = x.code WHERE x.product_id = p.id), 0) AS platform_expected,
            p.file_count, (SELECT count(*) FROM product_file WHERE product_id = p.id) AS file_expected,
            p.content_files, (SELECT count(*) FROM product_file f JOIN object o ON o.sha256 = f.sha256
                WHERE f.product_id = p.id AND o.size > 0) AS content_expected,
            p.province_current, p.published_first,
            p.shared, EXISTS (SELECT 1 FROM event e WHERE e.product_id = p.id
                AND +e.type = 'information package creation') AS shared_expected,
            p.title, p.description, p.agency,
            s.title AS fts_title, s.description AS fts_description, s.agency AS fts_agency, s.rowid AS fts_rowid
        FROM product p LEFT JOIN product_fts s ON s.rowid = p.seq
        """

    public func derivedMismatches(vocabulary: Vocabulary) throws -> [DerivedMismatch] {
        try read { db in
            var found: [DerivedMismatch] = []
            let rows = try Row.fetchCursor(db, sql: Self.derivedSQL + " ORDER BY p.seq")
            while let row = try rows.next() {
                guard let id = ProductID(parsing: row["id"]) else { continue }
                func compare(_ column: DerivedColumn, _ stored: String?, _ expected: String?) {
                    if stored != expected {
                        found.append(
                            DerivedMismatch(
                                product: id, column: column, stored: stored ?? "NULL", expected: expected ?? "NULL"))
                    }
                }
                func integers(_ column: DerivedColumn, _ stored: String, _ expected: String) {
                    let a: Int64 = row[stored]
                    let b: Int64 = row[expected]
                    compare(column, String(a), String(b))
                }
                integers(.roleMask, "role_mask", "role_expected")
                integers(.platformMask, "platform_mask", "platform_expected")
                integers(.fileCount, "file_count", "file_expected")
                integers(.contentFiles, "content_files", "content_expected")
                integers(.shared, "shared", "shared_expected")
                let derived = Self.derivedText(row, vocabulary: vocabulary)
                compare(.provinceCurrent, row["province_current"], derived.provinceCurrent)
                compare(.publishedFirst, row["published_first"], derived.publishedFirst)
                let stored: [String?] = [row["fts_title"], row["fts_description"], row["fts_agency"]]
                let expected = derived.search
                if (row["fts_rowid"] as Int64?) == nil {
                    compare(.searchText, nil, expected.joined(separator: " | "))
                } else if stored != expected.map(Optional.some) {
                    compare(
                        .searchText, stored.map { $0 ?? "" }.joined(separator: " | "),
                        expected.joined(separator: " | "))
                }
            }
            // Search rows whose product is gone would be found by a search and lead nowhere.
            let strays = try Int64.fetchAll(
                db, sql: "SELECT rowid FROM product_fts WHERE rowid NOT IN (SELECT seq FROM product)")
            if !strays.isEmpty {
                found.append(
                    DerivedMismatch(
                        product: nil, column: .searchText, stored: "\(strays.count) rows of removed products",
                        expected: "0"))
            }
            return found
        }
    }

    /// The text-derived columns of a product row: its 2025 province, the first day of its
    /// publication date, and its folded search text.
    static func derivedText(_ row: Row, vocabulary: Vocabulary) -> (
        provinceCurrent: String?, publishedFirst: String?, search: [String]
    ) {
        let province = (row["province"] as String?).flatMap(ProvinceRef.init(qualified:))
        let current = province.map { vocabulary.currentUnit(of: $0)?.code ?? $0.code }
        let published = (row["published"] as String?).flatMap(PartialDate.init(parsing:))
        let title: String = row["title"]
        let search = [
            TextFolding.fold(title), (row["description"] as String?).map(TextFolding.fold) ?? "",
            (row["agency"] as String?).map(TextFolding.fold) ?? "",
        ]
        return (current, published?.firstDay, search)
    }

    public func rederive(
        _ ids: [ProductID], removingStraySearchRows: Bool, vocabulary: Vocabulary, repairs: [RepairRecord]
    ) throws {
        try write { db in
            for id in ids {
                guard let row = try Row.fetchOne(db, sql: Self.derivedSQL + " WHERE p.id = ?", arguments: [id.rawValue])
                else { continue }
                let derived = Self.derivedText(row, vocabulary: vocabulary)
                try db.execute(
                    sql: """
                        UPDATE product SET role_mask = ?, platform_mask = ?, file_count = ?, content_files = ?,
                            shared = ?, province_current = ?, published_first = ? WHERE id = ?
                        """,
                    arguments: [
                        row["role_expected"], row["platform_expected"], row["file_expected"], row["content_expected"],
                        row["shared_expected"], derived.provinceCurrent, derived.publishedFirst, id.rawValue,
                    ])
                let seq: Int64 = row["seq"]
                try db.execute(sql: "DELETE FROM product_fts WHERE rowid = ?", arguments: [seq])
                try db.execute(
                    sql: "INSERT INTO product_fts(rowid, title, description, agency) VALUES (?, ?, ?, ?)",
                    arguments: [seq, derived.search[0], derived.search[1], derived.search[2]])
            }
            if removingStraySearchRows {
                try db.execute(sql: "DELETE FROM product_fts WHERE rowid NOT IN (SELECT seq FROM product)")
            }
            try Self.insertRepairs(db, repairs)
        }
    }

    public func catalogueObjects() throws -> [CatalogueObject] {
        try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT o.sha256, o.size, EXISTS (SELECT 1 FROM product_file f WHERE f.sha256 = o.sha256) AS referenced
                    FROM object o ORDER BY o.sha256
                    """
            ).map { CatalogueObject(sha256: $0["sha256"], size: $0["size"], referenced: $0["referenced"]) }
        }
    }

    public func codesInUse() throws -> [String: [String: Int]] {
        let queries = [
            "kinds": "SELECT kind, count(*) FROM product GROUP BY kind",
            "platforms": "SELECT code, count(*) FROM product_platform GROUP BY code",
            "topics": "SELECT code, count(*) FROM product_topic GROUP BY code",
            "languages": "SELECT code, count(*) FROM product_language GROUP BY code",
            "content-lines": "SELECT content_line, count(*) FROM product WHERE content_line IS NOT NULL GROUP BY 1",
            "funding": "SELECT funding, count(*) FROM product WHERE funding IS NOT NULL GROUP BY 1",
        ]
        return try read { db in
            try queries.mapValues { sql in
                Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: sql).map { ($0[0] as String, $0[1] as Int) })
            }
        }
    }

    public func settings() throws -> [String: String] {
        try read { db in
            Dictionary(
                uniqueKeysWithValues: try Row.fetchAll(
                    db, sql: "SELECT substr(key, 9) AS key, value FROM repository WHERE key LIKE 'setting:%'"
                ).map { ($0["key"] as String, $0["value"] as String) })
        }
    }

    public func recordRepairs(_ repairs: [RepairRecord]) throws {
        guard !repairs.isEmpty else { return }
        try write { db in try Self.insertRepairs(db, repairs) }
    }

    public func repairs() throws -> [RepairRecord] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT at, agent, action, target, detail FROM repair ORDER BY seq").map { row in
                let detail = (row["detail"] as String).data(using: .utf8).flatMap {
                    try? JSONDecoder().decode([String: String].self, from: $0)
                }
                return RepairRecord(
                    at: Timestamp.date(row["at"]) ?? Date(timeIntervalSince1970: 0), agent: row["agent"],
                    action: row["action"], target: row["target"], detail: detail ?? [:])
            }
        }
    }

    static func insertRepairs(_ db: Database, _ repairs: [RepairRecord]) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        for repair in repairs {
            try db.execute(
                sql: "INSERT INTO repair(at, agent, action, target, detail) VALUES (?, ?, ?, ?, ?)",
                arguments: [
                    Timestamp.string(repair.at), repair.agent, repair.action, repair.target,
                    String(decoding: try encoder.encode(repair.detail), as: UTF8.self),
                ])
        }
    }
}
