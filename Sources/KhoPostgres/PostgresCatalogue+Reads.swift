import Foundation
import KhoCore
import PostgresNIO

extension PostgresCatalogue {
    public func product(_ id: ProductID) throws -> Product? {
        try read { session in try Self.loadProducts(session, ids: [id.rawValue]).first }
    }

    public func products(_ ids: [ProductID]) throws -> [Product] {
        try read { session in
            let loaded = try Self.loadProducts(session, ids: ids.map(\.rawValue))
            let byID = Dictionary(loaded.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
            return ids.compactMap { byID[$0] }
        }
    }

    public func products(matching filter: ProductFilter, limit: Int?) throws -> [Product] {
        let (condition, arguments) = Self.sql(for: filter)
        var suffix = "ORDER BY p.seq"
        if let limit { suffix += " LIMIT \(max(0, limit))" }
        return try read { session in try Self.loadProducts(session, where: condition, arguments, suffix: suffix) }
    }

    public func count(matching filter: ProductFilter) throws -> Int {
        let (condition, arguments) = Self.sql(for: filter)
        return try read { session in
            Int(try session.int("SELECT count(*) FROM product p WHERE \(condition)", arguments) ?? 0)
        }
    }

    public func search(_ query: String, filter: ProductFilter, limit: Int) throws -> [SearchHit] {
        try read { session in try search(session, query, filter: filter, limit: limit, offset: 0).hits }
    }

    /// The `tsquery` for a query: every folded word, the last one a prefix when it ends in `*`.
    static func tsquery(_ terms: [String], prefixLast: Bool) -> String {
        terms.enumerated().map { index, term in
            "'\(term)'" + (prefixLast && index == terms.count - 1 ? ":*" : "")
        }.joined(separator: " & ")
    }

    /// A search, with the SQLite backend's rules: the products whose folded title, description or
    /// agency hold every word; of those, the `rankingWindow` most recently registered are ranked
    /// by kho's BM25 without IDF, title words weighing 10, agency 3 and description 1, best first,
    /// then oldest first.
    ///
    /// The words' bitmaps (`search_block`) give the candidates, newest block first; their rows
    /// are then read, checked against the query and the filter, and counted. A query whose last
    /// word is a prefix (`giao*`), or a filter other than the public flag, finds its products with
    /// the GIN index of `words` instead.
    func search(_ session: PostgresSession, _ query: String, filter: ProductFilter, limit: Int, offset: Int) throws
        -> (hits: [SearchHit], total: Int)
    {
        let terms = TextFolding.searchTerms(query)
        guard !terms.isEmpty else { return ([], 0) }
        let prefixLast = query.trimmingCharacters(in: .whitespaces).hasSuffix("*")
        let (condition, arguments) = Self.sql(for: filter)
        var others = filter
        others.publicOnly = false
        let window = ProductPage.rankingWindow
        var candidates: [SearchCandidate] = []
        var averages: [Double]?
        if prefixLast || !others.isEmpty {
            let counted = SearchTerms(terms, prefixLast: prefixLast)
            candidates = try Self.candidates(
                session, where: "p.words @@ ?::tsquery AND \(condition)",
                [Self.tsquery(terms, prefixLast: prefixLast)] + arguments, limit: window, terms: counted)
        } else {
            let words = Array(Set(terms)).sorted().joined(separator: " ")
            let counted = SearchTerms(terms, prefixLast: false)
            // The newest blocks whose bitmaps share bits, as many as hold `wanted` candidates
            // (`search_blocks`, schema version 7), then their rows; again below the last block
            // while fewer than the window are found (a candidate can fail: a private product, or
            // one whose words changed after its bits were read). The first call brings the totals
            // the ranking needs on each row (one statement fewer: each is a round trip).
            var below = Int64.max
            while candidates.count < window {
                let wanted = window - candidates.count
                let totals = averages == nil ? ", t.*" : ""
                let join = averages == nil ? ", (SELECT \(SearchAverages.columns) FROM search_totals) t" : ""
                let blockRows = try session.rawRows(
                    "SELECT b.block, b.bits\(totals) FROM search_blocks(string_to_array(?, ' '), ?, ?) b\(join)",
                    [words, below, wanted])
                if averages == nil, let first = blockRows.first { averages = SearchAverages.averages(first) }
                var last: Int64?
                var seqs = ""
                var found = 0
                for row in blockRows {
                    var cells = row.makeIterator()
                    guard let block = try cells.next()?.decode(Int64.self), let bits = cells.next() else { continue }
                    last = block
                    for seq in SearchBits(bits.bytes).seqs(in: block) {
                        if !seqs.isEmpty { seqs += " " }
                        seqs += String(seq)
                        found += 1
                    }
                }
                guard let last else { break }
                below = last
                candidates += try Self.candidates(
                    // A subquery, so that the planner does not estimate each of 2,000 seqs (0.5 ms).
                    session, where: "p.seq = ANY ((SELECT string_to_array(?, ' '))::bigint[]) AND \(condition)",
                    [seqs] + arguments, terms: counted
                ).filter(\.matches)
                // The blocks held fewer products than wanted: there are no more.
                if found < wanted { break }
            }
            candidates = Array(candidates.prefix(window))
        }
        guard !candidates.isEmpty else { return ([], 0) }
        let weights = try averages ?? SearchAverages.averages(session)
        var ranked = candidates.map { (seq: $0.seq, id: $0.id, rank: -$0.score(averages: weights)) }
        ranked.sort { ($0.rank, $0.seq) < ($1.rank, $1.seq) }
        let page = ranked.dropFirst(offset).prefix(limit)
        guard !page.isEmpty else { return ([], ranked.count) }
        let ids = page.map(\.id)
        let products = try Self.loadProducts(session, ids: ids, endingRead: true)
        let byID = Dictionary(uniqueKeysWithValues: products.map { ($0.id.rawValue, $0) })
        return (page.compactMap { entry in byID[entry.id].map { SearchHit(product: $0, rank: entry.rank) } }, ranked.count)
    }

    /// What ranks the products of `product p` that `condition` takes, newest first, at most `limit`.
    static func candidates(
        _ session: PostgresSession, where condition: String, _ arguments: [any SQLBindable], limit: Int? = nil,
        terms: SearchTerms
    ) throws -> [SearchCandidate] {
        // One row of eight arrays, not a row a product: 2,000 rows a search cost kho more to
        // receive and read (3.8 µs each, mostly in postgres-nio) than the server spent finding
        // them. The arrays are aggregated in the same order, one element a product.
        let rows = try session.rawRows(
            """
            SELECT array_agg(seq), array_agg(id), array_agg(title_fold), array_agg(description_fold),
                array_agg(agency_fold), array_agg(title_tokens), array_agg(description_tokens), array_agg(agency_tokens)
            FROM (SELECT p.seq, p.id, p.title_fold, p.description_fold, p.agency_fold, p.title_tokens,
                p.description_tokens, p.agency_tokens
                FROM product p WHERE \(condition)\(limit.map { " ORDER BY p.seq DESC LIMIT \($0)" } ?? "")) p
            """, arguments)
        guard let row = rows.first else { return [] }
        return try SearchCandidate.all(in: row, terms: terms, location: session.location).sorted { $0.seq > $1.seq }
    }

    /// Products in a block of the word bitmaps (schema version 5): as `search_block_of` counts them.
    static let blockSize: Int64 = 4096

    public func products(holding sha256s: [String]) throws -> [String: [ProductID]] {
        try read { session in
            var result: [String: [ProductID]] = [:]
            for batch in Self.batches(sha256s) {
                for row in try session.rows(
                    "SELECT sha256, product_id FROM product_file WHERE sha256 IN \(Self.placeholders(batch.count)) ORDER BY product_id",
                    batch)
                {
                    if let id = ProductID(parsing: row.string("product_id")) {
                        result[row.string("sha256"), default: []].append(id)
                    }
                }
            }
            return result
        }
    }

    public func products(ingestKeys: [String]) throws -> [String: ProductID] {
        try read { session in
            var result: [String: ProductID] = [:]
            for batch in Self.batches(ingestKeys) {
                for row in try session.rows(
                    "SELECT ingest_key, id FROM product WHERE ingest_key IN \(Self.placeholders(batch.count))", batch)
                {
                    if let id = ProductID(parsing: row.string("id")) { result[row.string("ingest_key")] = id }
                }
            }
            return result
        }
    }

    public func events(for id: ProductID?) throws -> [ProductEvent] {
        try read { session in try Self.events(session, for: id) }
    }

    static func events(_ session: PostgresSession, for id: ProductID?) throws -> [ProductEvent] {
        let columns = "seq, product_id, type, at, agent, outcome, detail::text AS detail"
        let rows =
            try id.map {
                try session.rows("SELECT \(columns) FROM event WHERE product_id = ? ORDER BY seq", [$0.rawValue])
            } ?? session.rows("SELECT \(columns) FROM event ORDER BY seq")
        let decoder = JSONDecoder()
        return rows.compactMap { row in
            guard let productID = ProductID(parsing: row.string("product_id")),
                let type = EventType(rawValue: row.string("type")),
                let outcome = EventOutcome(rawValue: row.string("outcome")),
                let at = Timestamp.date(row.string("at"))
            else { return nil }
            let detail = (try? decoder.decode([String: String].self, from: Data(row.string("detail").utf8))) ?? [:]
            return ProductEvent(
                sequence: row.int64("seq") ?? 0, productID: productID, type: type, at: at, agent: row.string("agent"),
                outcome: outcome, detail: detail)
        }
    }

    // MARK: SQL

    /// PostgreSQL's words for the two places the backends' filters differ: the stored folded
    /// agency, and the public flag itself.
    static let dialect = CatalogueSQL.Dialect(foldedAgency: "p.agency_fold", isPublic: "p.public = 1")

    /// The WHERE condition and its arguments for a filter over `product p`: the SQLite backend's
    /// (`CatalogueSQL`).
    static func sql(for filter: ProductFilter) -> (String, [any SQLBindable]) {
        let (condition, arguments) = CatalogueSQL.condition(for: filter, dialect)
        return (condition, arguments.map { $0 as any SQLBindable })
    }

    /// The columns of `product` that make a `Product` (not the search columns).
    static let productColumns = """
        p.seq, p.id, p.title, p.description, p.kind, p.content_line, p.agency, p.province, p.produced, p.published,
        p.funding, p.rights, p.public, p.origin_repository, p.created_at, p.updated_at, p.revision
        """

    /// Loads whole products (with languages, platforms, topics and files) in one statement, each
    /// product's parts beside its row in JSON: five statements (the rows, then the four other
    /// tables') took 3.5 ms of the server's time for a page of 20, one takes 1.
    static func loadProducts(
        _ session: PostgresSession, where condition: String, _ arguments: [any SQLBindable], suffix: String,
        endingRead: Bool = false
    ) throws -> [Product] {
        let sql = "SELECT \(productColumns), \(ProductRow.jsonColumns) FROM product p WHERE \(condition) \(suffix)"
        return try (endingRead ? session.lastRows(sql, arguments) : session.rawRows(sql, arguments))
            .map(PostgresSession.row).compactMap { try ProductRow.product($0, location: session.location) }
    }

    /// Loads the products of these ids, those that exist, in any order; with `endingRead`, as the
    /// read's last statement (`PostgresSession.lastRows`).
    static func loadProducts(_ session: PostgresSession, ids: [String], endingRead: Bool = false) throws -> [Product] {
        let all = batches(ids)
        return try all.enumerated().flatMap { index, batch in
            try loadProducts(
                session, where: "p.id IN \(placeholders(batch.count))", batch, suffix: "",
                endingRead: endingRead && index == all.count - 1)
        }
    }

    // MARK: Objects and fixity

    public func objects(of id: ProductID?) throws -> [ObjectStatus] {
        try read { session in try Self.objects(session, of: id) }
    }

    public func objects(withPrefix prefix: String, limit: Int) throws -> [String] {
        try read { session in
            try session.texts(
                "SELECT sha256 FROM object WHERE sha256 >= ? AND sha256 < ? ORDER BY sha256 LIMIT ?",
                [prefix, prefix + "g", limit])
        }
    }

    static func objects(_ session: PostgresSession, of id: ProductID?) throws -> [ObjectStatus] {
        let condition = id == nil ? "" : "WHERE o.sha256 IN (SELECT sha256 FROM product_file WHERE product_id = ?)"
        let rows = try session.rows(
            """
            SELECT o.sha256, o.size, o.mime, o.format,
                (SELECT string_agg(product_id, ' ' ORDER BY product_id) FROM product_file f WHERE f.sha256 = o.sha256)
                    AS products,
                c.at AS checked_at, c.outcome, c.found_sha256
            FROM object o
            LEFT JOIN fixity_check c ON c.seq = (
                SELECT seq FROM fixity_check WHERE sha256 = o.sha256 ORDER BY at DESC, seq DESC LIMIT 1)
            \(condition)
            ORDER BY o.sha256
            """, id.map { [$0.rawValue] } ?? [])
        return rows.map { row in
            let sha256 = row.string("sha256")
            let check = row.text("checked_at").flatMap(Timestamp.date).map { at in
                FixityCheck(
                    sha256: sha256, at: at, outcome: FixityOutcome(rawValue: row.string("outcome")) ?? .pass,
                    foundSHA256: row.text("found_sha256"))
            }
            return ObjectStatus(
                object: ObjectInfo(
                    sha256: sha256, size: row.int64("size") ?? 0, mime: row.string("mime"), format: row.string("format")),
                products: row.string("products").split(separator: " ").compactMap { ProductID(parsing: String($0)) },
                lastCheck: check)
        }
    }

    public func record(_ checks: [FixityCheck], agent: String, software: String) throws {
        guard !checks.isEmpty else { return }
        try write { session in
            for check in checks {
                try session.execute(
                    "INSERT INTO fixity_check(sha256, at, outcome, found_sha256, agent) VALUES (?, ?, ?, ?, ?)",
                    [check.sha256, Timestamp.string(check.at), check.outcome.rawValue, check.foundSHA256, agent])
                var detail = ["sha256": check.sha256, "result": check.outcome.rawValue, "software": software]
                detail["found_sha256"] = check.foundSHA256
                let event = NewEvent(
                    type: .fixityCheck, at: check.at, agent: agent,
                    outcome: check.outcome == .pass ? .success : .failure, detail: detail)
                try Self.insertEvent(session, event, forProductsHolding: check.sha256)
            }
        }
    }

    public func recordProductEvents(_ events: [(ProductID, NewEvent)]) throws {
        guard !events.isEmpty else { return }
        try write { session in
            for (id, event) in events {
                try Self.requireExists(session, id)
                try Self.insertEvent(session, event, productID: id)
            }
        }
    }

    public func recordObjectEvent(_ sha256: String, event: NewEvent) throws {
        try write { session in try Self.insertEvent(session, event, forProductsHolding: sha256) }
    }

    public func setTechnicalMetadata(_ entries: [String: TechnicalMetadata], tool: String, at: Date, agent: String)
        throws
    {
        guard !entries.isEmpty else { return }
        try write { session in
            for (sha256, metadata) in entries.sorted(by: { $0.key < $1.key }) {
                try Self.writeTechnicalMetadata(
                    session, sha256: sha256, metadata: metadata, tool: tool, at: at, replace: true)
                try Self.insertEvent(
                    session,
                    NewEvent(
                        type: .metadataExtraction, at: at, agent: agent,
                        detail: ["sha256": sha256, "format": metadata.format, "tool": tool]),
                    forProductsHolding: sha256)
            }
        }
    }

    public func technicalMetadata(for sha256s: [String]) throws -> [String: (metadata: TechnicalMetadata, tool: String)]
    {
        try read { session in try Self.technicalMetadata(session, for: sha256s) }
    }

    static func technicalMetadata(_ session: PostgresSession, for sha256s: [String]) throws
        -> [String: (metadata: TechnicalMetadata, tool: String)]
    {
        var result: [String: (metadata: TechnicalMetadata, tool: String)] = [:]
        let decoder = JSONDecoder()
        for batch in batches(sha256s) {
            for row in try session.rows(
                "SELECT sha256, tool, metadata::text AS metadata FROM object_metadata WHERE sha256 IN \(placeholders(batch.count))",
                batch)
            {
                if let metadata = try? decoder.decode(TechnicalMetadata.self, from: Data(row.string("metadata").utf8)) {
                    result[row.string("sha256")] = (metadata, row.string("tool"))
                }
            }
        }
        return result
    }

    static func writeTechnicalMetadata(
        _ session: PostgresSession, sha256: String, metadata: TechnicalMetadata, tool: String, at: Date, replace: Bool
    ) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = String(decoding: try encoder.encode(metadata), as: UTF8.self)
        let conflict =
            replace
            ? """
            ON CONFLICT (sha256) DO UPDATE SET characterised_at = EXCLUDED.characterised_at, tool = EXCLUDED.tool,
                metadata = EXCLUDED.metadata
            """ : "ON CONFLICT (sha256) DO NOTHING"
        try session.execute(
            "INSERT INTO object_metadata(sha256, characterised_at, tool, metadata) VALUES (?, ?, ?, ?::jsonb) \(conflict)",
            [sha256, Timestamp.string(at), tool, json])
    }

    static func insertEvent(_ session: PostgresSession, _ event: NewEvent, forProductsHolding sha256: String) throws {
        for product in try session.texts(
            "SELECT product_id FROM product_file WHERE sha256 = ? ORDER BY product_id", [sha256])
        {
            guard let id = ProductID(parsing: product) else { continue }
            try insertEvent(session, event, productID: id)
        }
    }

    // MARK: Bundles, removals and the change log

    public func bundles() throws -> [BundleRecord] {
        try read { session in
            try session.rows("SELECT * FROM bundle ORDER BY created_at, seq").map { row in
                BundleRecord(
                    id: row.string("id"),
                    createdAt: Timestamp.date(row.string("created_at")) ?? Date(timeIntervalSince1970: 0),
                    since: row.text("since").flatMap(Timestamp.date), previous: row.text("previous"),
                    scope: row.string("scope"), products: row.int("products"), tombstones: row.int("tombstones"),
                    bags: row.int("bags"), location: row.string("location"),
                    mark: row.int64("event_mark").map { ChangeMark(event: $0, tombstone: row.int64("tombstone_mark") ?? 0) })
            }
        }
    }

    public func recordExport(_ bundle: BundleRecord, events: [(ProductID, NewEvent)]) throws {
        try write { session in
            try session.execute(
                """
                INSERT INTO bundle (id, created_at, since, previous, scope, products, tombstones, bags, location,
                    event_mark, tombstone_mark)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [
                    bundle.id, Timestamp.string(bundle.createdAt), bundle.since.map(Timestamp.string), bundle.previous,
                    bundle.scope, bundle.products, bundle.tombstones, bundle.bags, bundle.location,
                    bundle.mark?.event, bundle.mark?.tombstone,
                ])
            for (id, event) in events {
                try Self.requireExists(session, id)
                try Self.insertEvent(session, event, productID: id)
            }
        }
    }

    /// Where the change log stands. PostgreSQL hands out sequence numbers before commit, so a
    /// writer still running may hold a lower one than a writer that committed: this takes the
    /// change-log lock exclusively, waiting for every writer in flight (each holds it shared),
    /// so that nothing can later commit below the mark it returns.
    public func changeMark() throws -> ChangeMark {
        do {
            return try pool.withSession { session in
                try session.script("BEGIN")
                do {
                    try session.execute("SELECT pg_advisory_xact_lock(?)", [Self.changeLogLock])
                    let event = try session.int("SELECT coalesce(max(seq), 0) FROM event") ?? 0
                    let tombstone = try session.int("SELECT coalesce(max(seq), 0) FROM tombstone") ?? 0
                    try session.script("COMMIT")
                    return ChangeMark(event: event, tombstone: tombstone)
                } catch {
                    try? session.script("ROLLBACK")
                    throw error
                }
            }
        } catch let error as ServerError {
            throw translate(error)
        }
    }

    public func productsChanged(after mark: ChangeMark) throws -> Set<ProductID> {
        try changedProducts(where: "seq > ?", [mark.event])
    }

    private func changedProducts(where condition: String, _ arguments: [any SQLBindable]) throws -> Set<ProductID> {
        try read { session in
            Set(
                try session.texts(
                    """
                    SELECT DISTINCT product_id FROM event
                    WHERE \(condition) AND type NOT IN ('information package creation', 'fixity check')
                    """, arguments
                ).compactMap(ProductID.init(parsing:)))
        }
    }

    public func tombstones(after mark: ChangeMark) throws -> [Tombstone] {
        try read { session in
            try session.rows("SELECT * FROM tombstone WHERE seq > ? ORDER BY removed_at, id", [mark.tombstone])
                .compactMap(Self.tombstone)
        }
    }

    public func productsChanged(since date: Date) throws -> Set<ProductID> {
        try changedProducts(where: "at >= ?", [Timestamp.string(date)])
    }

    public func remove(_ ids: [ProductID], reason: String, agent: String, at: Date) throws -> [Tombstone] {
        try write { session in
            var tombstones: [Tombstone] = []
            for id in ids {
                guard let row = try session.row("SELECT title, origin_repository FROM product WHERE id = ?", [id.rawValue])
                else { throw CatalogueError.unknownProduct(id) }
                tombstones.append(
                    Tombstone(
                        id: id, title: row.string("title"), originRepository: row.string("origin_repository"),
                        removedAt: at, agent: agent, reason: reason))
            }
            // In one statement, so that their words' bitmaps are cleared once (schema version 6).
            try Self.delete(session, ids)
            for tombstone in tombstones { try Self.insertTombstone(session, tombstone) }
            return tombstones
        }
    }

    public func tombstones(since date: Date?) throws -> [Tombstone] {
        try read { session in try Self.tombstones(session, since: date) }
    }

    static func tombstones(_ session: PostgresSession, since date: Date?) throws -> [Tombstone] {
        try session.rows(
            "SELECT * FROM tombstone WHERE removed_at >= ? ORDER BY removed_at, id", [date.map(Timestamp.string) ?? ""]
        ).compactMap(tombstone)
    }

    /// Deletes products, those present, in one statement, with everything that hangs on them (by
    /// cascade), and takes their words off the search totals. The objects stay.
    static func delete(_ session: PostgresSession, _ ids: [ProductID]) throws {
        guard !ids.isEmpty else { return }
        for gone in try session.rows(
            """
            DELETE FROM product WHERE id = ANY (string_to_array(?, ' '))
            RETURNING title_tokens, description_tokens, agency_tokens
            """, [ids.map(\.rawValue).joined(separator: " ")])
        {
            session.totals.add(
                products: -1, tokens: ["title_tokens", "description_tokens", "agency_tokens"].map { -gone.int($0) })
        }
    }

    /// Records a tombstone, replacing one for the same id (a new number: a later change).
    static func insertTombstone(_ session: PostgresSession, _ tombstone: Tombstone) throws {
        try session.execute("DELETE FROM tombstone WHERE id = ?", [tombstone.id.rawValue])
        try session.execute(
            """
            INSERT INTO tombstone (id, title, origin_repository, removed_at, agent, reason)
            VALUES (?, ?, ?, ?, ?, ?)
            """,
            [
                tombstone.id.rawValue, tombstone.title, tombstone.originRepository,
                Timestamp.string(tombstone.removedAt), tombstone.agent, tombstone.reason,
            ])
    }

    static func tombstone(_ session: PostgresSession, _ id: ProductID) throws -> Tombstone? {
        try session.row("SELECT * FROM tombstone WHERE id = ?", [id.rawValue]).flatMap(tombstone)
    }

    static func tombstone(_ row: SQLRow) -> Tombstone? {
        guard let id = ProductID(parsing: row.string("id")), let at = Timestamp.date(row.string("removed_at")) else {
            return nil
        }
        return Tombstone(
            id: id, title: row.string("title"), originRepository: row.string("origin_repository"), removedAt: at,
            agent: row.string("agent"), reason: row.string("reason"))
    }
}

/// A product a search may rank: its seq and id, its columns' word counts, and how many times each
/// word of the query is in each column (a last word ending in `*` counted as a prefix).
struct SearchCandidate {
    let seq: Int64
    let id: String
    /// The word counts of the title, description and agency.
    let lengths: (Int, Int, Int)
    /// How many times each word is in the title, then in the description, then in the agency.
    let counts: [Int]

    init(seq: Int64, id: String, lengths: (Int, Int, Int), counts: [Int]) {
        self.seq = seq
        self.id = id
        self.lengths = lengths
        self.counts = counts
    }

    /// The products of the row `PostgresCatalogue.candidates` answers, in its arrays' order: the
    /// texts counted in the bytes the server sent (UTF-8), without making strings of them.
    static func all(in row: PostgresRow, terms: SearchTerms, location: String) throws -> [SearchCandidate] {
        let columns = try row.map { cell -> BinaryArray in
            guard let bytes = cell.bytes else { return BinaryArray() }  // no product: NULL arrays
            guard cell.format == .binary, let array = BinaryArray(bytes) else {
                throw PostgresError.unexpectedAnswer(location: location)
            }
            return array
        }
        guard columns.count == 8, Set(columns.map(\.count)).count == 1 else {
            throw PostgresError.unexpectedAnswer(location: location)
        }
        let words = terms.words.count
        let seqs = columns[0].integers()
        let ids = columns[1].strings()
        let lengths = (5...7).map { columns[$0].integers() }
        var counts = [[Int]](repeating: [Int](repeating: 0, count: 3 * words), count: seqs.count)
        for column in 0..<3 {
            let texts = columns[2 + column]
            texts.bytes.withUnsafeReadableBytes { all in
                for (index, range) in texts.elements.enumerated() {
                    guard let range else { continue }
                    let text = UnsafeRawBufferPointer(rebasing: all[range])
                    if !terms.add(inASCII: text, to: &counts[index], at: column * words) {
                        terms.add(in: String(decoding: text, as: UTF8.self), to: &counts[index], at: column * words)
                    }
                }
            }
        }
        return seqs.indices.map { index in
            let columns = (Int(lengths[0][index]), Int(lengths[1][index]), Int(lengths[2][index]))
            return SearchCandidate(seq: seqs[index], id: ids[index], lengths: columns, counts: counts[index])
        }
    }

    /// Whether every word of the query is in one of its columns.
    var matches: Bool {
        let words = counts.count / 3
        return (0..<words).allSatisfy { phrase in
            counts[phrase] > 0 || counts[words + phrase] > 0 || counts[2 * words + phrase] > 0
        }
    }

    /// kho's BM25 without IDF: title words weigh 10, agency 3, description 1.
    func score(averages: [Double]) -> Double {
        let weights: [Double] = [10.0, 1.0, 3.0]
        let words = counts.count / 3
        let k1 = 1.2
        let b = 0.75
        var score = 0.0
        for column in 0..<3 {
            let counts = counts[column * words..<(column + 1) * words]
            guard counts.contains(where: { $0 > 0 }) else { continue }
            let length = column == 0 ? lengths.0 : column == 1 ? lengths.1 : lengths.2
            let norm = k1 * (1 - b + b * Double(length) / averages[column])
            for count in counts where count > 0 {
                let tf = Double(count)
                score += weights[column] * (tf * (k1 + 1)) / (tf + norm)
            }
        }
        return score
    }
}

/// A query's folded words, as a search counts them in a candidate's texts: the last one, when
/// `prefixLast`, the start of a word; words split as `PostgresCatalogue.tokens` splits them.
struct SearchTerms {
    let words: [String]
    let prefixLast: Bool
    private let bytes: [[UInt8]]

    init(_ words: [String], prefixLast: Bool) {
        self.words = words
        self.prefixLast = prefixLast
        bytes = words.map { Array($0.utf8) }
    }

    /// How many times each word is in ASCII text, in one pass over its bytes; nil for other text.
    func counts(inASCII text: UnsafeRawBufferPointer) -> [Int]? {
        var counts = [Int](repeating: 0, count: bytes.count)
        return add(inASCII: text, to: &counts, at: 0) ? counts : nil
    }

    /// The same, added to `counts[offset + i]` for word i; false, and nothing added, for text
    /// that is not ASCII.
    func add(inASCII text: UnsafeRawBufferPointer, to counts: inout [Int], at offset: Int) -> Bool {
        guard !text.contains(where: { $0 >= 0x80 }) else { return false }
        let isWord = PostgresCatalogue.isASCIIWordByte
        var start = 0
        while start < text.count {
            guard isWord(text[start]) else {
                start += 1
                continue
            }
            var end = start
            while end < text.count && isWord(text[end]) { end += 1 }
            for (phrase, term) in bytes.enumerated() {
                let prefix = prefixLast && phrase == bytes.count - 1
                guard prefix ? term.count <= end - start : term.count == end - start else { continue }
                var same = true
                for index in 0..<term.count where text[start + index] != term[index] {
                    same = false
                    break
                }
                if same { counts[offset + phrase] += 1 }
            }
            start = end
        }
        return true
    }

    /// The same for any text.
    func counts(in text: String) -> [Int] {
        var counts = [Int](repeating: 0, count: words.count)
        add(in: text, to: &counts, at: 0)
        return counts
    }

    /// The same, added to `counts[offset + i]` for word i.
    func add(in text: String, to counts: inout [Int], at offset: Int) {
        for word in PostgresCatalogue.tokens(text) {
            for (phrase, term) in words.enumerated() {
                let prefix = prefixLast && phrase == words.count - 1
                if prefix ? word.hasPrefix(term) : word == term { counts[offset + phrase] += 1 }
            }
        }
    }
}

/// One block of a word bitmap as PostgreSQL sends a `bit(4096)` in binary: the number of bits
/// (a 32-bit integer), then the bits, the first one the highest of the first byte.
struct SearchBits {
    let bytes: [UInt8]

    init(_ buffer: ByteBuffer?) {
        guard var buffer, buffer.readInteger(as: Int32.self) != nil else {
            bytes = []
            return
        }
        bytes = buffer.readBytes(length: buffer.readableBytes) ?? []
    }

    /// The products whose bits are set, newest first: bit i of block b is product b × 4096 + i.
    func seqs(in block: Int64) -> [Int64] {
        var seqs: [Int64] = []
        let first = block * PostgresCatalogue.blockSize
        for index in bytes.indices.reversed() where bytes[index] != 0 {
            var byte = bytes[index]
            while byte != 0 {
                let lowest = byte.trailingZeroBitCount
                seqs.append(first + Int64(index * 8 + 7 - lowest))
                byte &= byte - 1
            }
        }
        return seqs
    }
}

/// A product read whole from one row: its columns (`PostgresCatalogue.productColumns`) and,
/// beside them, its languages, platforms, topics and files in JSON (`jsonColumns`).
enum ProductRow {
    /// The parts, for a statement over `product p`.
    static let jsonColumns = """
        (SELECT json_agg(json_build_array(l.code, l.role, l.role_override) ORDER BY l.position)
            FROM product_language l WHERE l.product_id = p.id)::text AS languages_json,
        (SELECT json_agg(c.code ORDER BY c.position) FROM product_platform c WHERE c.product_id = p.id)::text
            AS platforms_json,
        (SELECT json_agg(c.code ORDER BY c.position) FROM product_topic c WHERE c.product_id = p.id)::text
            AS topics_json,
        (SELECT json_agg(json_build_array(f.role, f.original_name, f.added_at, o.sha256, o.size, o.mime, o.format)
            ORDER BY f.added_at, CASE f.role WHEN 'master' THEN 0 WHEN 'access' THEN 1 ELSE 2 END, f.sha256)
            FROM product_file f JOIN object o ON o.sha256 = f.sha256 WHERE f.product_id = p.id)::text AS files_json
        """

    /// The product of such a row; nil when its id is not a product id. Throws when the parts are
    /// not the JSON `jsonColumns` makes.
    static func product(_ row: SQLRow, location: String) throws -> Product? {
        func items(_ column: String, fields: Int) throws -> [[Any]] {
            guard let text = row.text(column) else { return [] }  // NULL: none
            guard let array = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [Any] else {
                throw PostgresError.unexpectedAnswer(location: location)
            }
            let items = array.map { fields == 1 ? [$0] : ($0 as? [Any] ?? []) }
            guard items.allSatisfy({ $0.count == fields }) else {
                throw PostgresError.unexpectedAnswer(location: location)
            }
            return items
        }
        func text(_ value: Any) -> String { value as? String ?? "" }  // JSON null: as a NULL column reads
        func integer(_ value: Any) -> Int64 {
            if let number = value as? NSNumber { return number.int64Value }
            return Int64(value as? Int ?? 0)
        }
        guard let id = ProductID(parsing: row.string("id")) else { return nil }
        let languages = try items("languages_json", fields: 3).map {
            ProductLanguage(
                code: text($0[0]), role: LanguageRole(rawValue: text($0[1])) ?? .national,
                roleOverride: integer($0[2]) != 0)
        }
        let files = try items("files_json", fields: 7).map {
            StoredFile(
                object: ObjectInfo(sha256: text($0[3]), size: integer($0[4]), mime: text($0[5]), format: text($0[6])),
                role: FileRole(rawValue: text($0[0])) ?? .master, originalName: text($0[1]),
                addedAt: Timestamp.date(text($0[2])) ?? Date(timeIntervalSince1970: 0))
        }
        let metadata = ProductMetadata(
            title: row.string("title"), description: row.text("description"), kind: row.string("kind"),
            languages: languages, platforms: try items("platforms_json", fields: 1).map { text($0[0]) },
            topics: try items("topics_json", fields: 1).map { text($0[0]) },
            contentLine: row.text("content_line"), agency: row.text("agency"),
            province: row.text("province").flatMap(ProvinceRef.init(qualified:)),
            produced: row.text("produced").flatMap(PartialDate.init(parsing:)),
            published: row.text("published").flatMap(PartialDate.init(parsing:)),
            funding: row.text("funding"), rights: row.text("rights"), isPublic: row.bool("public"))
        return Product(
            id: id, metadata: metadata, files: files, originRepository: row.string("origin_repository"),
            createdAt: Timestamp.date(row.string("created_at")) ?? Date(timeIntervalSince1970: 0),
            updatedAt: Timestamp.date(row.string("updated_at")) ?? Date(timeIntervalSince1970: 0),
            revision: row.int("revision"))
    }
}

/// A one-dimensional PostgreSQL array as the server sends it in binary (`array_send`): its
/// dimensions, then each element's length (-1 for NULL) and bytes.
struct BinaryArray {
    let bytes: ByteBuffer
    /// Where each element is in `bytes` (from its reader index); nil for NULL.
    let elements: [Range<Int>?]

    var count: Int { elements.count }

    init() {
        bytes = ByteBuffer()
        elements = []
    }

    init?(_ buffer: ByteBuffer) {
        var reader = buffer
        guard let dimensions = reader.readInteger(as: Int32.self), reader.readInteger(as: Int32.self) != nil,
            reader.readInteger(as: UInt32.self) != nil
        else { return nil }
        var count = 0
        if dimensions == 1 {
            guard let length = reader.readInteger(as: Int32.self), length >= 0,
                reader.readInteger(as: Int32.self) != nil
            else { return nil }
            count = Int(length)
        } else if dimensions != 0 {
            return nil
        }
        var elements: [Range<Int>?] = []
        elements.reserveCapacity(count)
        for _ in 0..<count {
            guard let length = reader.readInteger(as: Int32.self) else { return nil }
            if length < 0 {
                elements.append(nil)
                continue
            }
            let start = reader.readerIndex - buffer.readerIndex
            guard reader.readableBytes >= Int(length) else { return nil }
            reader.moveReaderIndex(forwardBy: Int(length))
            elements.append(start..<start + Int(length))
        }
        bytes = buffer
        self.elements = elements
    }

    /// The elements as integers of 4 or 8 bytes (0 for NULL).
    func integers() -> [Int64] {
        elements.map { range in
            guard let range else { return 0 }
            let at = bytes.readerIndex + range.lowerBound
            switch range.count {
            case 8: return bytes.getInteger(at: at, as: Int64.self) ?? 0
            case 4: return Int64(bytes.getInteger(at: at, as: Int32.self) ?? 0)
            case 2: return Int64(bytes.getInteger(at: at, as: Int16.self) ?? 0)
            default: return 0
            }
        }
    }

    /// The elements as text ("" for NULL).
    func strings() -> [String] {
        elements.map { range in
            guard let range else { return "" }
            return bytes.getString(at: bytes.readerIndex + range.lowerBound, length: range.count) ?? ""
        }
    }
}
