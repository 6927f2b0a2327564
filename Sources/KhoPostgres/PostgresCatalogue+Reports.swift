import Foundation
import KhoCore

extension PostgresCatalogue {
    public func reportCounts(matching filter: ProductFilter, grouping: ReportGrouping?, rules: ReportRules) throws
        -> [String: ReportCounts]
    {
        try read { session in try Self.reportCounts(session, filter: filter, grouping: grouping, rules: rules) }
    }

    static func reportCounts(_ session: PostgresSession, filter: ProductFilter, grouping: ReportGrouping?, rules: ReportRules)
        throws -> [String: ReportCounts]
    {
        var result = try counts(session, filter: filter, grouping: grouping, rules: rules)
        // A product has one key in every grouping but topic, where it counts under each of its topics.
        if grouping == .topic {
            result[""] = try counts(session, filter: filter, grouping: nil, rules: rules)[""] ?? ReportCounts()
        } else if grouping != nil {
            result[""] = result.values.reduce(ReportCounts(), +)
        }
        return result
    }

    public func state() throws -> CatalogueState {
        try read { session in try Self.state(session) }
    }

    static func state(_ session: PostgresSession) throws -> CatalogueState {
        // The product count from the search totals, which every write keeps with its products (and
        // doctor checks): 16 rows to read instead of a scan of the catalogue.
        CatalogueState(
            products: Int(try session.int("SELECT coalesce(sum(products), 0)::bigint FROM search_totals") ?? 0),
            lastChange: try session.text("SELECT at FROM event ORDER BY seq DESC LIMIT 1"),
            lastEvent: try session.int("SELECT coalesce(max(seq), 0) FROM event") ?? 0,
            lastFixityCheck: try session.int("SELECT coalesce(max(seq), 0) FROM fixity_check") ?? 0)
    }

    /// The SQLite backend's flags per product, counted per (group, kind, flags) by the server: at
    /// most 256 flag combinations per group and kind come back, however large the catalogue.
    /// Keys are "" without a grouping, else "GROUPING:KEY".
    static func counts(_ session: PostgresSession, filter: ProductFilter, grouping: ReportGrouping?, rules: ReportRules)
        throws -> [String: ReportCounts]
    {
        var digitalMask: Int64 = 0
        for code in rules.digitalPlatforms {
            if let bit = try session.int("SELECT bit FROM platform_bit WHERE code = ?", [code]) {
                digitalMask |= 1 << bit
            }
        }
        let (key, join) = CatalogueSQL.groupKey(grouping)
        let kindFlags = CatalogueSQL.kindFlags(rules)
        let flags = CatalogueSQL.flags(digitalMask: digitalMask)
        let (condition, arguments) = sql(for: filter)
        var tallies: [String: [Int]] = [:]
        for row in try session.rows(
            """
            SELECT \(key) AS k, p.kind AS kind, \(flags) AS f, count(*) AS n FROM product p \(join)
            WHERE \(condition) GROUP BY 1, 2, 3
            """, arguments)
        {
            let combination = (row.int("f") | (kindFlags[row.string("kind")] ?? 0)) & 255
            tallies[row.string("k"), default: [Int](repeating: 0, count: 256)][combination] += row.int("n")
        }
        var result: [String: ReportCounts] = [:]
        for (name, tally) in tallies {
            result[grouping.map { "\($0.rawValue):\(name)" } ?? ""] = ReportCounts(tally: tally)
        }
        if grouping == nil, result[""] == nil { result[""] = ReportCounts() }
        return result
    }
}
