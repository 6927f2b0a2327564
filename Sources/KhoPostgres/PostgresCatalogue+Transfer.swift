import Foundation
import KhoCore

/// The catalogue's tables read and written whole, for `kho catalogue copy`.
extension PostgresCatalogue: CatalogueTransfer {
    public func readRows(
        of tables: [CatalogueTableShape], batch: Int, _ body: (CatalogueTableShape, [[CatalogueValue]]) throws -> Void
    ) throws {
        try read { session in
            for shape in tables {
                let columns = shape.columns.map { shape.json.contains($0) ? "\($0)::text AS \($0)" : $0 }
                let keyIndexes = shape.key.compactMap { shape.columns.firstIndex(of: $0) }
                var after: [SQLValue]?
                while true {
                    var sql = "SELECT \(columns.joined(separator: ", ")) FROM \(shape.name)"
                    if after != nil {
                        sql += " WHERE (\(shape.key.joined(separator: ", "))) > (\(Array(repeating: "?", count: shape.key.count).joined(separator: ", ")))"
                    }
                    sql += " ORDER BY \(shape.key.joined(separator: ", ")) LIMIT \(batch)"
                    let rows = try session.rows(sql, after ?? [])
                    guard let last = rows.last else { break }
                    after = keyIndexes.map { last.values[shape.columns[$0]] ?? .null }
                    try body(
                        shape,
                        rows.map { row in
                            shape.columns.map { column in
                                switch row.values[column] ?? .null {
                                case .null: return .null
                                case .int(let number): return .integer(number)
                                case .double(let number): return .integer(Int64(number))
                                case .text(let text):
                                    return .text(shape.json.contains(column) ? CatalogueTableShape.canonicalJSON(text) : text)
                                }
                            }
                        })
                    if rows.count < batch { break }
                }
            }
        }
    }

    public func replaceAll(from source: ((CatalogueTableShape, [[CatalogueValue]]) throws -> Void) throws -> Void) throws {
        do {
            try pool.withSession { session in
                try session.script("BEGIN")
                do {
                    try session.execute("SELECT pg_advisory_xact_lock(?)", [Self.changeLogLock])
                    try session.script(
                        "TRUNCATE " + CatalogueTableShape.all.map(\.name).joined(separator: ", ") + " RESTART IDENTITY")
                    // The search's bitmaps are made once from all the products, not a row at a time.
                    try session.execute("ALTER TABLE product DISABLE TRIGGER product_search_block")
                    try source { shape, rows in try Self.insert(session, shape, rows) }
                    try session.execute("ALTER TABLE product ENABLE TRIGGER product_search_block")
                    try SearchBlocks.rebuild(session)
                    try SearchTotalsDelta.recompute(session)
                    for shape in CatalogueTableShape.all {
                        guard let identity = shape.identity else { continue }
                        try session.execute(
                            """
                            SELECT setval(pg_get_serial_sequence('\(shape.name)', '\(identity)'),
                                coalesce((SELECT max(\(identity)) FROM \(shape.name)), 0) + 1, false)
                            """)
                    }
                    try session.script("COMMIT")
                } catch {
                    try? session.script("ROLLBACK")
                    throw error
                }
            }
        } catch let error as ServerError {
            throw translate(error)
        }
    }

    /// Inserts rows of one table, a few hundred to a statement; products with their search
    /// columns derived from their text, as every write derives them.
    static func insert(_ session: PostgresSession, _ shape: CatalogueTableShape, _ rows: [[CatalogueValue]]) throws {
        guard !rows.isEmpty else { return }
        var columns = shape.columns
        let isProduct = shape.name == "product"
        let (title, description, agency) = (
            columns.firstIndex(of: "title"), columns.firstIndex(of: "description"), columns.firstIndex(of: "agency")
        )
        if isProduct {
            columns += [
                "title_fold", "description_fold", "agency_fold", "title_tokens", "description_tokens", "agency_tokens",
                "words",
            ]
        }
        let casts = columns.map { column -> String in
            if shape.json.contains(column) { return "?::jsonb" }
            if column == "words" { return "array_to_tsvector(string_to_array(?, ' '))" }
            return "?"
        }
        let perStatement = max(1, 30_000 / columns.count)
        for start in stride(from: 0, to: rows.count, by: perStatement) {
            let slice = rows[start..<min(start + perStatement, rows.count)]
            var arguments: [any SQLBindable] = []
            arguments.reserveCapacity(slice.count * columns.count)
            for row in slice {
                for value in row {
                    switch value {
                    case .null: arguments.append(SQLValue.null)
                    case .integer(let number): arguments.append(number)
                    case .text(let text): arguments.append(text)
                    }
                }
                if isProduct, let title, let description, let agency {
                    func text(_ index: Int) -> String? {
                        if case .text(let value) = row[index] { return value }
                        return nil
                    }
                    let search = searchValues(title: text(title) ?? "", description: text(description), agency: text(agency))
                    arguments += search.folded as [any SQLBindable]
                    arguments += search.counts as [any SQLBindable]
                    arguments.append(search.lexemes)
                }
            }
            let values = Array(repeating: "(" + casts.joined(separator: ", ") + ")", count: slice.count)
                .joined(separator: ", ")
            let overriding = shape.identity == nil ? "" : " OVERRIDING SYSTEM VALUE"
            try session.execute(
                "INSERT INTO \(shape.name)(\(columns.joined(separator: ", ")))\(overriding) VALUES \(values)", arguments)
        }
    }
}
