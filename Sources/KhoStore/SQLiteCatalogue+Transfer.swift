import Foundation
import GRDB
import KhoCore

/// The catalogue's tables read and written whole, for `kho catalogue copy`.
extension SQLiteCatalogue: CatalogueTransfer {
    /// The name SQLite gives a shape's column: bundles and tombstones are numbered by their rowid.
    static func sqliteColumn(_ shape: CatalogueTableShape, _ column: String) -> String {
        column == "seq" && (shape.name == "bundle" || shape.name == "tombstone") ? "rowid" : column
    }

    public func readRows(
        of tables: [CatalogueTableShape], batch: Int, _ body: (CatalogueTableShape, [[CatalogueValue]]) throws -> Void
    ) throws {
        try read { db in
            for shape in tables {
                let columns = shape.columns.map { Self.sqliteColumn(shape, $0) }
                let key = shape.key.map { Self.sqliteColumn(shape, $0) }
                let keyIndexes = shape.key.compactMap { shape.columns.firstIndex(of: $0) }
                let jsonIndexes = Set(shape.json.compactMap { shape.columns.firstIndex(of: $0) })
                var after: [DatabaseValue]?
                while true {
                    var sql = "SELECT \(columns.joined(separator: ", ")) FROM \(shape.name)"
                    if after != nil {
                        sql += " WHERE (\(key.joined(separator: ", "))) > (\(Array(repeating: "?", count: key.count).joined(separator: ", ")))"
                    }
                    sql += " ORDER BY \(key.joined(separator: ", ")) LIMIT \(batch)"
                    let rows = try Row.fetchAll(db, sql: sql, arguments: StatementArguments(after ?? []))
                    guard let last = rows.last else { break }
                    after = keyIndexes.map { last[$0] }
                    try body(
                        shape,
                        rows.map { row in
                            (0..<shape.columns.count).map { index in
                                let value = Self.value(row[index] as DatabaseValue)
                                if jsonIndexes.contains(index), case .text(let text) = value {
                                    return .text(CatalogueTableShape.canonicalJSON(text))
                                }
                                return value
                            }
                        })
                    if rows.count < batch { break }
                }
            }
        }
    }

    static func value(_ value: DatabaseValue) -> CatalogueValue {
        switch value.storage {
        case .null: return .null
        case .int64(let number): return .integer(number)
        case .double(let number): return .integer(Int64(number))
        case .string(let text): return .text(text)
        case .blob(let data): return .text(String(decoding: data, as: UTF8.self))
        }
    }

    public func replaceAll(from source: ((CatalogueTableShape, [[CatalogueValue]]) throws -> Void) throws -> Void) throws {
        try write { db in
            try db.execute(sql: "DELETE FROM product_fts")
            for shape in CatalogueTableShape.all.reversed() {
                try db.execute(sql: "DELETE FROM \(shape.name)")
            }
            try source { shape, rows in
                let columns = shape.columns.map { Self.sqliteColumn(shape, $0) }
                let statement = try db.cachedStatement(
                    sql: "INSERT INTO \(shape.name)(\(columns.joined(separator: ", "))) VALUES (\(Array(repeating: "?", count: columns.count).joined(separator: ", ")))")
                for row in rows {
                    try statement.execute(
                        arguments: StatementArguments(
                            row.map { value -> DatabaseValue in
                                switch value {
                                case .null: return .null
                                case .integer(let number): return number.databaseValue
                                case .text(let text): return text.databaseValue
                                }
                            }))
                }
            }
            // The search index, derived from the product rows as every write derives it.
            try db.execute(
                sql: """
                    INSERT INTO product_fts(rowid, title, description, agency)
                    SELECT seq, kho_fold(title), coalesce(kho_fold(description), ''), coalesce(kho_fold(agency), '')
                    FROM product
                    """)
        }
    }
}
