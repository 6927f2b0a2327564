import Foundation
import GRDB
import GRDBSQLite
import KhoCore

extension SQLiteCatalogue {
    public func reportCounts(matching filter: ProductFilter, grouping: ReportGrouping?, rules: ReportRules) throws
        -> [String: ReportCounts]
    {
        try read { db in try Self.reportCounts(db, filter: filter, grouping: grouping, rules: rules) }
    }

    static func reportCounts(_ db: Database, filter: ProductFilter, grouping: ReportGrouping?, rules: ReportRules) throws
        -> [String: ReportCounts]
    {
        do {
            var result = try Self.counts(db, filter: filter, grouping: grouping, rules: rules)
            // A product has one key in every grouping but topic, where it counts under each of its topics.
            if grouping == .topic {
                result[""] = try Self.counts(db, filter: filter, grouping: nil, rules: rules)[""] ?? ReportCounts()
            } else if grouping != nil {
                result[""] = result.values.reduce(ReportCounts(), +)
            }
            return result
        }
    }

    public func state() throws -> CatalogueState {
        try read { db in try Self.state(db) }
    }

    static func state(_ db: Database) throws -> CatalogueState {
        do {
            // Cheap to read however large the catalogue: every change records an event.
            return CatalogueState(
                products: try Int.fetchOne(db, sql: "SELECT count(*) FROM product") ?? 0,
                lastChange: try String.fetchOne(db, sql: "SELECT at FROM event ORDER BY seq DESC LIMIT 1"),
                lastEvent: try Int64.fetchOne(db, sql: "SELECT coalesce(max(seq), 0) FROM event") ?? 0,
                lastFixityCheck: try Int64.fetchOne(db, sql: "SELECT coalesce(max(seq), 0) FROM fixity_check") ?? 0)
        }
    }

    /// One scan of `product`: the flags of each product, summed per group key in Swift (SQLite's
    /// own aggregates cost several times more per row). Keys are "" without a grouping, else
    /// "GROUPING:KEY".
    static func counts(_ db: Database, filter: ProductFilter, grouping: ReportGrouping?, rules: ReportRules) throws
        -> [String: ReportCounts]
    {
        var arguments = StatementArguments()
        var digitalMask: Int64 = 0
        for code in rules.digitalPlatforms {
            if let bit = try Int.fetchOne(db, sql: "SELECT bit FROM platform_bit WHERE code = ?", arguments: [code]) {
                digitalMask |= 1 << Int64(bit)
            }
        }
        let (key, join) = CatalogueSQL.groupKey(grouping)
        // The kind's flags are looked up here rather than in SQL, where `IN` lists cost more per row.
        let kindFlags = CatalogueSQL.kindFlags(rules)
        let flags = CatalogueSQL.flags(digitalMask: digitalMask)
        let (condition, filterArguments) = sql(for: filter)
        arguments += filterArguments
        // Counts per (group, flags): at most 256 flag combinations per group.
        var keys: [String] = []
        var index: [String: Int] = [:]
        var tallies: [[Int]] = []
        let statement = try db.makeStatement(
            sql: "SELECT \(key), p.kind, \(flags) FROM product p \(join) WHERE \(condition)")
        try statement.setArguments(arguments)
        let handle = statement.sqliteStatement
        func text(_ column: Int32) -> String {
            guard let bytes = sqlite3_column_text(handle, column) else { return "" }
            return String(
                decoding: UnsafeBufferPointer(start: bytes, count: Int(sqlite3_column_bytes(handle, column))),
                as: UTF8.self)
        }
        // Stepped through the C API: this loop runs once per product, a million times for a large catalogue.
        while true {
            let code = sqlite3_step(handle)
            if code == SQLITE_DONE { break }
            guard code == SQLITE_ROW else {
                throw DatabaseError(
                    resultCode: ResultCode(rawValue: code),
                    message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
            }
            let name = text(0)
            let slot: Int
            if let known = index[name] {
                slot = known
            } else {
                slot = keys.count
                index[name] = slot
                keys.append(name)
                tallies.append([Int](repeating: 0, count: 256))
            }
            let combination = Int(sqlite3_column_int64(handle, 2)) | (kindFlags[text(1)] ?? 0)
            tallies[slot][combination & 255] += 1
        }
        sqlite3_reset(handle)
        var result: [String: ReportCounts] = [:]
        for (slot, name) in keys.enumerated() {
            result[grouping.map { "\($0.rawValue):\(name)" } ?? ""] = ReportCounts(tally: tallies[slot])
        }
        if grouping == nil, result[""] == nil { result[""] = ReportCounts() }
        return result
    }
}
