import Foundation
import GRDB
import KhoCore

extension SQLiteCatalogue {
    public func reportCounts(matching filter: ProductFilter, grouping: ReportGrouping?, rules: ReportRules) throws
        -> [String: ReportCounts]
    {
        try read { db in
            var result = try Self.counts(db, filter: filter, grouping: nil, rules: rules)
            if let grouping {
                result.merge(try Self.counts(db, filter: filter, grouping: grouping, rules: rules)) { total, _ in total
                }
            }
            return result
        }
    }

    public func state() throws -> CatalogueState {
        try read { db in
            let row = try Row.fetchOne(db, sql: "SELECT count(*) AS n, max(updated_at) AS last FROM product")
            return CatalogueState(
                products: row?["n"] ?? 0, lastChange: row?["last"],
                lastEvent: try Int64.fetchOne(db, sql: "SELECT coalesce(max(seq), 0) FROM event") ?? 0,
                lastFixityCheck: try Int64.fetchOne(db, sql: "SELECT coalesce(max(seq), 0) FROM fixity_check") ?? 0)
        }
    }

    /// One scan of `product`: every count, per group key (or under "" for the whole scope).
    static func counts(_ db: Database, filter: ProductFilter, grouping: ReportGrouping?, rules: ReportRules) throws
        -> [String: ReportCounts]
    {
        var arguments = StatementArguments()
        func list(_ values: [String]) -> String {
            arguments += StatementArguments(values)
            return placeholders(values.count)
        }
        let digitalKinds = rules.digitalKinds.isEmpty ? "0" : "p.kind IN \(list(rules.digitalKinds))"
        let digitalPlatforms = rules.digitalPlatforms.map { code -> String in
            arguments += [";\(code);"]
            return "instr(p.platform_codes, ?) > 0"
        }
        let digital = ([digitalKinds] + digitalPlatforms).joined(separator: " OR ")
        let books = rules.bookKinds.isEmpty ? "0" : "p.kind IN \(list(rules.bookKinds))"
        let ebooks = rules.ebookKinds.isEmpty ? "0" : "p.kind IN \(list(rules.ebookKinds))"
        let key: String
        var join = ""
        switch grouping {
        case nil: key = "''"
        case .province: key = "coalesce(p.province_current, '')"
        case .province2022: key = "coalesce(p.province, '')"
        case .agency: key = "coalesce(p.agency, '')"
        case .kind: key = "p.kind"
        case .contentLine: key = "coalesce(p.content_line, '')"
        case .year: key = "coalesce(substr(p.published, 1, 4), '')"
        case .half:
            key = """
                coalesce(substr(p.published, 1, 4) || CASE WHEN length(p.published) < 7 THEN ''
                    WHEN substr(p.published, 6, 2) <= '06' THEN '-H1' ELSE '-H2' END, '')
                """
        case .topic:
            key = "coalesce(t.code, '')"
            join = "LEFT JOIN product_topic t ON t.product_id = p.id"
        }
        let (condition, filterArguments) = sql(for: filter)
        arguments += filterArguments
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT k, count(*) AS products, sum(e) AS e, sum(f) AS f, sum(d) AS d, sum(e OR f OR d) AS any_group,
                    sum(e AND f) AS ef, sum(e AND d) AS ed, sum(f AND d) AS fd, sum(e AND f AND d) AS efd,
                    sum(dz) AS digitised, sum(b) AS books, sum(b AND e) AS be, sum(b AND f) AS bf, sum(eb) AS ebooks,
                    sum(b AND (e OR f OR eb)) AS bany
                FROM (
                    SELECT \(key) AS k, (p.role_mask & 1) > 0 AS e, (p.role_mask & 2) > 0 AS f, (\(digital)) AS d,
                        (\(books)) AS b, (\(ebooks)) AS eb,
                        (p.file_count > 0 AND p.id NOT IN (\(lostProducts))) AS dz
                    FROM product p \(join)
                    WHERE \(condition)
                )
                GROUP BY k
                """, arguments: arguments)
        var result: [String: ReportCounts] = [:]
        for row in rows {
            var counts = ReportCounts()
            counts.products = row["products"]
            counts.ethnic = row["e"] ?? 0
            counts.foreign = row["f"] ?? 0
            counts.digital = row["d"] ?? 0
            counts.anyGroup = row["any_group"] ?? 0
            counts.ethnicForeign = row["ef"] ?? 0
            counts.ethnicDigital = row["ed"] ?? 0
            counts.foreignDigital = row["fd"] ?? 0
            counts.allThree = row["efd"] ?? 0
            counts.digitised = row["digitised"] ?? 0
            counts.books = row["books"] ?? 0
            counts.bookEthnic = row["be"] ?? 0
            counts.bookForeign = row["bf"] ?? 0
            counts.ebooks = row["ebooks"] ?? 0
            counts.bookAny = row["bany"] ?? 0
            result[grouping == nil ? "" : "\(grouping!.rawValue):\(row["k"] as String? ?? "")"] = counts
        }
        if grouping == nil, result[""] == nil { result[""] = ReportCounts() }
        return result
    }
}
