import Foundation
import GRDB
import KhoCore

extension SQLiteCatalogue {
    public func product(_ id: ProductID) throws -> Product? {
        try read { db in try Self.loadProducts(db, where: "p.id = ?", arguments: [id.rawValue], suffix: "").first }
    }

    public func products(_ ids: [ProductID]) throws -> [Product] {
        try read { db in
            var byID: [ProductID: Product] = [:]
            for batch in Self.batches(ids.map(\.rawValue)) {
                for product in try Self.loadProducts(
                    db, where: "p.id IN \(Self.placeholders(batch.count))", arguments: StatementArguments(batch),
                    suffix: "")
                {
                    byID[product.id] = product
                }
            }
            return ids.compactMap { byID[$0] }
        }
    }

    public func products(matching filter: ProductFilter, limit: Int?) throws -> [Product] {
        let (condition, arguments) = Self.sql(for: filter)
        var suffix = "ORDER BY p.seq"
        if let limit { suffix += " LIMIT \(max(0, limit))" }
        return try read { db in try Self.loadProducts(db, where: condition, arguments: arguments, suffix: suffix) }
    }

    public func count(matching filter: ProductFilter) throws -> Int {
        let (condition, arguments) = Self.sql(for: filter)
        return try read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM product p WHERE \(condition)", arguments: arguments) ?? 0
        }
    }

    public func search(_ query: String, filter: ProductFilter, limit: Int) throws -> [SearchHit] {
        try read { db in try Self.search(db, query, filter: filter, limit: limit, offset: 0).hits }
    }

    /// The search's hits from `offset` on, best first.
    ///
    /// `total` counts the matches (at most the ranking window), from the same query.
    static func search(_ db: Database, _ query: String, filter: ProductFilter, limit: Int, offset: Int) throws
        -> (hits: [SearchHit], total: Int)
    {
        guard let match = matchExpression(query) else { return ([], 0) }
        let (condition, filterArguments, join) = searchScope(filter)
        do {
            // Title words weigh most, then agency, then description. Ids are looked up for the page's
            // rows only, after the sort. The ranking scores at most the
            // `rankingWindow` most recently registered matches: exact for any query that matches fewer,
            // and fast for words so common that a large catalogue holds them in most titles.
            let rows = try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                    SELECT r.seq, r.rank, r.total, (SELECT id FROM product WHERE seq = r.seq) AS id FROM (
                        SELECT c.seq, c.rank, count(*) OVER () AS total FROM (
                            SELECT f.rowid AS seq, kho_rank(product_fts, 10.0, 1.0, 3.0) AS rank
                            FROM product_fts f \(join)
                            WHERE product_fts MATCH ? AND \(condition)
                            ORDER BY f.rowid DESC LIMIT \(Self.rankingWindow)
                        ) c
                        ORDER BY c.rank, c.seq LIMIT ? OFFSET ?
                    ) r
                    ORDER BY r.rank, r.seq
                    """),
                arguments: StatementArguments([match]) + filterArguments + [limit, offset])
            let seqs: [Int64] = rows.map { $0["seq"] }
            guard let first = rows.first else {
                // Past the last page (or no match): count separately.
                return ([], offset == 0 ? 0 : try searchCount(db, query, filter: filter))
            }
            let products = try Self.loadProducts(
                db, where: "p.seq IN \(Self.placeholders(seqs.count))", arguments: StatementArguments(seqs), suffix: "")
            let byID = Dictionary(uniqueKeysWithValues: products.map { ($0.id.rawValue, $0) })
            let hits = rows.compactMap { row in
                (row["id"] as String?).flatMap { byID[$0] }.map { SearchHit(product: $0, rank: row["rank"]) }
            }
            return (hits, first["total"])
        }
    }

    /// The FTS5 expression for a query: every folded word, the last one a prefix when it ends in `*`.
    static func matchExpression(_ query: String) -> String? {
        let terms = TextFolding.searchTerms(query)
        guard !terms.isEmpty else { return nil }
        let prefixLast = query.trimmingCharacters(in: .whitespaces).hasSuffix("*")
        return terms.enumerated().map { index, term in
            "\"\(term)\"" + (prefixLast && index == terms.count - 1 ? "*" : "")
        }.joined(separator: " ")
    }

    /// How many products match a search, counting at most the ranking window.
    static func searchCount(_ db: Database, _ query: String, filter: ProductFilter) throws -> Int {
        guard let match = matchExpression(query) else { return 0 }
        let (condition, filterArguments, join) = searchScope(filter)
        return try Int.fetchOne(
            db,
            sql: """
                SELECT count(*) FROM (SELECT 1 FROM product_fts f \(join)
                WHERE product_fts MATCH ? AND \(condition) LIMIT \(rankingWindow))
                """, arguments: StatementArguments([match]) + filterArguments) ?? 0
    }

    /// A search's condition on `product_fts f`: the product table is joined only for filters that
    /// need its columns; the public side's exclusion of private products needs only the index.
    static func searchScope(_ filter: ProductFilter) -> (condition: String, arguments: StatementArguments, join: String) {
        var rest = filter
        rest.publicOnly = false
        let visibility = filter.publicOnly ? "f.rowid NOT IN (\(privateProducts))" : "1"
        guard !rest.isEmpty else { return (visibility, [], "") }
        let (condition, arguments) = sql(for: rest)
        return ("\(condition) AND \(visibility)", arguments, "JOIN product p ON p.seq = f.rowid")
    }

    /// The private products' sequence numbers, from their partial index (migration v8).
    static let privateProducts = "SELECT seq FROM product WHERE public = 0"

    /// How many of the most recent matches a search ranks.
    static let rankingWindow = ProductPage.rankingWindow

    public func products(holding sha256s: [String]) throws -> [String: [ProductID]] {
        try read { db in
            var result: [String: [ProductID]] = [:]
            for batch in Self.batches(sha256s) {
                for row in try Row.fetchAll(
                    db,
                    sql:
                        "SELECT sha256, product_id FROM product_file WHERE sha256 IN \(Self.placeholders(batch.count)) ORDER BY product_id",
                    arguments: StatementArguments(batch))
                {
                    if let id = ProductID(parsing: row["product_id"]) { result[row["sha256"], default: []].append(id) }
                }
            }
            return result
        }
    }

    public func products(ingestKeys: [String]) throws -> [String: ProductID] {
        try read { db in
            var result: [String: ProductID] = [:]
            for batch in Self.batches(ingestKeys) {
                for row in try Row.fetchAll(
                    db, sql: "SELECT ingest_key, id FROM product WHERE ingest_key IN \(Self.placeholders(batch.count))",
                    arguments: StatementArguments(batch))
                {
                    if let id = ProductID(parsing: row["id"]) { result[row["ingest_key"]] = id }
                }
            }
            return result
        }
    }

    /// Values in slices small enough for one `IN (…)` list.
    static func batches(_ values: [String]) -> [[String]] {
        stride(from: 0, to: values.count, by: 500).map { Array(values[$0..<min($0 + 500, values.count)]) }
    }

    static func placeholders(_ count: Int) -> String { CatalogueSQL.placeholders(count) }

    public func events(for id: ProductID?) throws -> [ProductEvent] {
        try read { db in try Self.events(db, for: id) }
    }

    static func events(_ db: Database, for id: ProductID?) throws -> [ProductEvent] {
        do {
            let rows: [Row]
            if let id {
                rows = try Row.fetchAll(
                    db.cachedStatement(sql: "SELECT * FROM event WHERE product_id = ? ORDER BY seq"),
                    arguments: [id.rawValue])
            } else {
                rows = try Row.fetchAll(db, sql: "SELECT * FROM event ORDER BY seq")
            }
            let decoder = JSONDecoder()
            return rows.compactMap { row in
                guard let productID = ProductID(parsing: row["product_id"]),
                    let type = EventType(rawValue: row["type"]),
                    let outcome = EventOutcome(rawValue: row["outcome"]),
                    let at = Timestamp.date(row["at"])
                else { return nil }
                let detail =
                    (try? decoder.decode([String: String].self, from: Data((row["detail"] as String).utf8))) ?? [:]
                return ProductEvent(
                    sequence: row["seq"], productID: productID, type: type, at: at, agent: row["agent"],
                    outcome: outcome,
                    detail: detail)
            }
        }
    }

    // MARK: SQL

    /// SQLite's words for the two places the backends' filters differ: the agency folded by the
    /// `kho_fold` function, and the public side's exclusion of the few private products through
    /// their partial index (migration v8), cheaper than reading every candidate's row.
    static let dialect = CatalogueSQL.Dialect(
        foldedAgency: "kho_fold(p.agency)", isPublic: "p.seq NOT IN (\(privateProducts))")

    /// The WHERE condition and its arguments for a filter over `product p` (`CatalogueSQL`).
    static func sql(for filter: ProductFilter) -> (String, StatementArguments) {
        let (condition, arguments) = CatalogueSQL.condition(for: filter, dialect)
        return (condition, StatementArguments(arguments))
    }

    /// Loads whole products (with languages, platforms, topics and files) in four queries.
    static func loadProducts(_ db: Database, where condition: String, arguments: StatementArguments, suffix: String)
        throws
        -> [Product]
    {
        let rows = try Row.fetchAll(
            db.cachedStatement(sql: "SELECT p.* FROM product p WHERE \(condition) \(suffix)"), arguments: arguments)
        guard !rows.isEmpty else { return [] }
        let ids: [String] = rows.map { $0["id"] }
        var languages: [String: [ProductLanguage]] = [:]
        var platforms: [String: [String]] = [:]
        var topics: [String: [String]] = [:]
        var files: [String: [StoredFile]] = [:]
        for batch in batches(ids) {
            let list = placeholders(batch.count)
            let batchArguments = StatementArguments(batch)
            for row in try Row.fetchAll(
                db.cachedStatement(
                    sql: "SELECT * FROM product_language WHERE product_id IN \(list) ORDER BY product_id, position"),
                arguments: batchArguments)
            {
                languages[row["product_id"], default: []].append(
                    ProductLanguage(
                        code: row["code"], role: LanguageRole(rawValue: row["role"]) ?? .national,
                        roleOverride: row["role_override"]))
            }
            for row in try Row.fetchAll(
                db.cachedStatement(
                    sql: "SELECT * FROM product_platform WHERE product_id IN \(list) ORDER BY product_id, position"),
                arguments: batchArguments)
            {
                platforms[row["product_id"], default: []].append(row["code"])
            }
            for row in try Row.fetchAll(
                db.cachedStatement(
                    sql: "SELECT * FROM product_topic WHERE product_id IN \(list) ORDER BY product_id, position"),
                arguments: batchArguments)
            {
                topics[row["product_id"], default: []].append(row["code"])
            }
            for row in try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT f.product_id, f.role, f.original_name, f.added_at, o.sha256, o.size, o.mime, o.format
                        FROM product_file f JOIN object o ON o.sha256 = f.sha256
                        WHERE f.product_id IN \(list) ORDER BY f.product_id, f.added_at, CASE f.role WHEN 'master' THEN 0 WHEN 'access' THEN 1 ELSE 2 END, f.sha256
                        """), arguments: batchArguments)
            {
                files[row["product_id"], default: []].append(
                    StoredFile(
                        object: ObjectInfo(
                            sha256: row["sha256"], size: row["size"], mime: row["mime"], format: row["format"]),
                        role: FileRole(rawValue: row["role"]) ?? .master, originalName: row["original_name"],
                        addedAt: Timestamp.date(row["added_at"]) ?? Date(timeIntervalSince1970: 0)))
            }
        }
        return rows.compactMap { row in
            let id: String = row["id"]
            guard let productID = ProductID(parsing: id) else { return nil }
            let metadata = ProductMetadata(
                title: row["title"], description: row["description"], kind: row["kind"], languages: languages[id] ?? [],
                platforms: platforms[id] ?? [], topics: topics[id] ?? [], contentLine: row["content_line"],
                agency: row["agency"], province: (row["province"] as String?).flatMap(ProvinceRef.init(qualified:)),
                produced: (row["produced"] as String?).flatMap(PartialDate.init(parsing:)),
                published: (row["published"] as String?).flatMap(PartialDate.init(parsing:)),
                funding: row["funding"], rights: row["rights"], isPublic: row["public"])
            return Product(
                id: productID, metadata: metadata, files: files[id] ?? [], originRepository: row["origin_repository"],
                createdAt: Timestamp.date(row["created_at"]) ?? Date(timeIntervalSince1970: 0),
                updatedAt: Timestamp.date(row["updated_at"]) ?? Date(timeIntervalSince1970: 0), revision: row["revision"])
        }
    }
}
