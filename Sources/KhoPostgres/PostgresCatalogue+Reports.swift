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
        CatalogueState(
            products: Int(try session.int("SELECT count(*) FROM product") ?? 0),
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
        // Flags, one bit each: 1 ethnic, 2 foreign, 4 digital, 8 book, 16 e-book, 32 digitised,
        // 64 shared, 128 public; the kind's flags are added from the rules below.
        var kindFlags: [String: Int] = [:]
        for code in rules.digitalKinds { kindFlags[code, default: 0] |= 4 }
        for code in rules.bookKinds { kindFlags[code, default: 0] |= 8 }
        for code in rules.ebookKinds { kindFlags[code, default: 0] |= 16 }
        let flags = """
            (p.role_mask & 3) | CASE WHEN (p.platform_mask & \(digitalMask)) != 0 THEN 4 ELSE 0 END
            | CASE WHEN p.content_files > 0 AND p.id NOT IN (\(lostProducts)) THEN 32 ELSE 0 END
            | (p.shared << 6) | (p.public << 7)
            """
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
