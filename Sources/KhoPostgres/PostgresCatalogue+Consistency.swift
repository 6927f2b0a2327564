import Foundation
import KhoCore

/// `kho doctor`'s view of a PostgreSQL catalogue. The server enforces the foreign keys and checks
/// itself, and keeps its own storage sound (its checksums and `amcheck` are its operators'
/// tools); kho checks what only kho knows: the schema version and the derived columns.
extension PostgresCatalogue: ConsistencyChecking {
    /// Nothing to add to the server's own guarantees: a row that breaks a constraint cannot be
    /// committed. What kho checks is that the server answers and the catalogue can be read.
    public func integrityProblems() throws -> [String] {
        try read { session in
            _ = try session.int("SELECT count(*) FROM kho_schema")
            return []
        }
    }

    /// Rows that refer to a row that does not exist: none can, unless a constraint was dropped by
    /// hand, which this looks for.
    public func foreignKeyProblems() throws -> [String] {
        try read { session in
            let expected = [
                "product_language", "product_platform", "product_topic", "product_file", "event", "object_metadata",
                "fixity_check",
            ]
            let present = Set(
                try session.texts(
                    """
                    SELECT c.conrelid::regclass::text FROM pg_constraint c
                    WHERE c.contype = 'f' AND c.connamespace = current_schema()::regnamespace
                    """))
            return expected.filter { !present.contains($0) }.map {
                "\($0): its foreign key constraint is missing (dropped by hand?); rows may refer to missing rows"
            }
        }
    }

    public func schemaState() throws -> (missing: [String], newer: Bool) {
        try read { session in try PostgresMigrations.state(session) }
    }

    static let derivedSQL = """
        SELECT p.id, p.seq, p.province, p.published, p.title, p.description, p.agency,
            p.role_mask, (SELECT coalesce(max((role = 'ethnic')::int), 0) | (coalesce(max((role = 'foreign')::int), 0) << 1)
                | (coalesce(max((role = 'national')::int), 0) << 2) FROM product_language WHERE product_id = p.id)
                AS role_expected,
            p.platform_mask, coalesce((SELECT sum(1::bigint << b.bit) FROM product_platform x
                JOIN platform_bit b ON b.code = x.code WHERE x.product_id = p.id), 0)::bigint AS platform_expected,
            p.file_count, (SELECT count(*) FROM product_file WHERE product_id = p.id) AS file_expected,
            p.content_files, (SELECT count(*) FROM product_file f JOIN object o ON o.sha256 = f.sha256
                WHERE f.product_id = p.id AND o.size > 0) AS content_expected,
            p.province_current, p.published_first,
            p.shared, EXISTS (SELECT 1 FROM event e WHERE e.product_id = p.id
                AND e.type = 'information package creation')::int AS shared_expected,
            p.title_fold, p.description_fold, p.agency_fold, p.title_tokens, p.description_tokens, p.agency_tokens,
            array_to_string(tsvector_to_array(p.words), ' ') AS lexemes
        FROM product p
        """

    public func derivedMismatches(vocabulary: Vocabulary) throws -> [DerivedMismatch] {
        try read { session in
            var found: [DerivedMismatch] = []
            var after: Int64 = 0
            while true {
                let rows = try session.rows(Self.derivedSQL + " WHERE p.seq > ? ORDER BY p.seq LIMIT 5000", [after])
                guard let last = rows.last else { break }
                after = last.int64("seq") ?? after
                for row in rows {
                    guard let id = ProductID(parsing: row.string("id")) else { continue }
                    func compare(_ column: DerivedColumn, _ stored: String?, _ expected: String?) {
                        if stored != expected {
                            found.append(
                                DerivedMismatch(
                                    product: id, column: column, stored: stored ?? "NULL", expected: expected ?? "NULL"))
                        }
                    }
                    for (column, stored, expected) in [
                        (DerivedColumn.roleMask, "role_mask", "role_expected"),
                        (.platformMask, "platform_mask", "platform_expected"), (.fileCount, "file_count", "file_expected"),
                        (.contentFiles, "content_files", "content_expected"), (.shared, "shared", "shared_expected"),
                    ] {
                        compare(column, String(row.int64(stored) ?? 0), String(row.int64(expected) ?? 0))
                    }
                    let derived = Self.derived(row, vocabulary: vocabulary)
                    compare(.provinceCurrent, row.text("province_current"), derived.provinceCurrent)
                    compare(.publishedFirst, row.text("published_first"), derived.publishedFirst)
                    let stored = [
                        row.string("title_fold"), row.string("description_fold"), row.string("agency_fold"),
                        row.string("title_tokens"), row.string("description_tokens"), row.string("agency_tokens"),
                        Set(row.string("lexemes").split(separator: " ").map(String.init)).sorted().joined(separator: " "),
                    ]
                    if stored != derived.search {
                        compare(.searchText, stored.joined(separator: " | "), derived.search.joined(separator: " | "))
                    }
                }
            }
            // The search's word bitmaps, against the products' words.
            let blocks = try SearchBlocks.differences(session)
            if blocks.missing + blocks.extra > 0 {
                found.append(
                    DerivedMismatch(
                        product: nil, column: .searchText,
                        stored: "search bitmaps: \(blocks.missing) missing a product's word, \(blocks.extra) with a word of no product",
                        expected: "the products' words"))
            }
            // The search ranking's totals, against the product rows.
            if let totals = try session.row(
                """
                SELECT (SELECT coalesce(sum(products), 0) || ' ' || coalesce(sum(title_tokens), 0) || ' '
                        || coalesce(sum(description_tokens), 0) || ' ' || coalesce(sum(agency_tokens), 0)
                        FROM search_totals) AS stored,
                    (SELECT count(*) || ' ' || coalesce(sum(title_tokens), 0) || ' ' || coalesce(sum(description_tokens), 0)
                        || ' ' || coalesce(sum(agency_tokens), 0) FROM product) AS expected
                """), totals.text("stored") != totals.text("expected")
            {
                found.append(
                    DerivedMismatch(
                        product: nil, column: .searchText, stored: "search totals \(totals.string("stored"))",
                        expected: totals.string("expected")))
            }
            return found
        }
    }

    /// The text-derived values of a product row: its 2025 province, the first day of its
    /// publication, and its search columns (folded texts, their word counts, its words).
    static func derived(_ row: SQLRow, vocabulary: Vocabulary) -> (
        provinceCurrent: String?, publishedFirst: String?, search: [String]
    ) {
        let province = row.text("province").flatMap(ProvinceRef.init(qualified:))
        let current = province.map { vocabulary.currentUnit(of: $0)?.code ?? $0.code }
        let published = row.text("published").flatMap(PartialDate.init(parsing:))
        let search = searchValues(title: row.string("title"), description: row.text("description"), agency: row.text("agency"))
        return (current, published?.firstDay, search.folded + search.counts.map(String.init) + [search.lexemes])
    }

    public func rederive(
        _ ids: [ProductID], removingStraySearchRows: Bool, vocabulary: Vocabulary, repairs: [RepairRecord]
    ) throws {
        try write { session in
            for id in ids {
                guard let row = try session.row(Self.derivedSQL + " WHERE p.id = ?", [id.rawValue]) else { continue }
                let derived = Self.derived(row, vocabulary: vocabulary)
                try session.execute(
                    """
                    UPDATE product SET role_mask = ?, platform_mask = ?, file_count = ?, content_files = ?,
                        shared = ?, province_current = ?, published_first = ?, title_fold = ?, description_fold = ?,
                        agency_fold = ?, title_tokens = ?, description_tokens = ?, agency_tokens = ?,
                        words = array_to_tsvector(string_to_array(?, ' '))
                    WHERE id = ?
                    """,
                    [
                        row.int64("role_expected"), row.int64("platform_expected"), row.int64("file_expected"),
                        row.int64("content_expected"), row.int64("shared_expected"), derived.provinceCurrent,
                        derived.publishedFirst, derived.search[0], derived.search[1], derived.search[2],
                        Int(derived.search[3]) ?? 0, Int(derived.search[4]) ?? 0, Int(derived.search[5]) ?? 0,
                        derived.search[6], id.rawValue,
                    ])
            }
            // The search totals, from the rows as they now are, and the word bitmaps when they differ.
            try SearchTotalsDelta.recompute(session)
            if removingStraySearchRows, case let blocks = try SearchBlocks.differences(session),
                blocks.missing + blocks.extra > 0
            {
                try SearchBlocks.rebuild(session)
            }
            try Self.insertRepairs(session, repairs)
        }
    }

    public func catalogueObjects() throws -> [CatalogueObject] {
        try read { session in
            try session.rows(
                """
                SELECT o.sha256, o.size, EXISTS (SELECT 1 FROM product_file f WHERE f.sha256 = o.sha256)::int AS referenced
                FROM object o ORDER BY o.sha256
                """
            ).map {
                CatalogueObject(sha256: $0.string("sha256"), size: $0.int64("size") ?? 0, referenced: $0.bool("referenced"))
            }
        }
    }

    public func codesInUse() throws -> [String: [String: Int]] {
        let queries = [
            "kinds": "SELECT kind AS code, count(*) AS n FROM product GROUP BY kind",
            "platforms": "SELECT code, count(*) AS n FROM product_platform GROUP BY code",
            "topics": "SELECT code, count(*) AS n FROM product_topic GROUP BY code",
            "languages": "SELECT code, count(*) AS n FROM product_language GROUP BY code",
            "content-lines":
                "SELECT content_line AS code, count(*) AS n FROM product WHERE content_line IS NOT NULL GROUP BY 1",
            "funding": "SELECT funding AS code, count(*) AS n FROM product WHERE funding IS NOT NULL GROUP BY 1",
        ]
        return try read { session in
            try queries.mapValues { sql in
                Dictionary(uniqueKeysWithValues: try session.rows(sql).map { ($0.string("code"), $0.int("n")) })
            }
        }
    }

    public func settings() throws -> [String: String] {
        try read { session in
            Dictionary(
                uniqueKeysWithValues: try session.rows(
                    "SELECT substr(key, 9) AS key, value FROM repository WHERE key LIKE 'setting:%'"
                ).map { ($0.string("key"), $0.string("value")) })
        }
    }

    public func recordRepairs(_ repairs: [RepairRecord]) throws {
        guard !repairs.isEmpty else { return }
        try write { session in try Self.insertRepairs(session, repairs) }
    }

    public func repairs() throws -> [RepairRecord] {
        try read { session in
            try session.rows("SELECT at, agent, action, target, detail::text AS detail FROM repair ORDER BY seq").map {
                row in
                let detail = try? JSONDecoder().decode([String: String].self, from: Data(row.string("detail").utf8))
                return RepairRecord(
                    at: Timestamp.date(row.string("at")) ?? Date(timeIntervalSince1970: 0), agent: row.string("agent"),
                    action: row.string("action"), target: row.string("target"), detail: detail ?? [:])
            }
        }
    }

    static func insertRepairs(_ session: PostgresSession, _ repairs: [RepairRecord]) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        for repair in repairs {
            try session.execute(
                "INSERT INTO repair(at, agent, action, target, detail) VALUES (?, ?, ?, ?, ?::jsonb)",
                [
                    Timestamp.string(repair.at), repair.agent, repair.action, repair.target,
                    String(decoding: try encoder.encode(repair.detail), as: UTF8.self),
                ])
        }
    }
}
