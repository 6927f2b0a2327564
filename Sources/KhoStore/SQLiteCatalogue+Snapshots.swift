import Foundation
import GRDB
import KhoCore

/// The front doors' reads: each in one read transaction (a WAL snapshot, so a writer is never
/// blocked and never seen half-way), awaited off the caller's thread through GRDB's async reads.
extension SQLiteCatalogue: CatalogueQueries {
    public func details(of id: ProductID, audience: Audience) async throws -> ProductDetails {
        try await readAsync { db in
            let product = try Self.product(db, id, audience: audience)
            let events = try Self.events(db, for: id)
            let technical = try Self.technicalMetadata(db, for: product.files.map(\.object.sha256)).mapValues(
                \.metadata)
            var checks: [String: FixityCheck] = [:]
            for status in try Self.objects(db, of: id) {
                if let check = status.lastCheck { checks[status.object.sha256] = check }
            }
            return ProductDetails(product: product, events: events, technical: technical, lastChecks: checks)
        }
    }

    public func product(_ id: ProductID, audience: Audience) async throws -> Product {
        try await readAsync { db in try Self.product(db, id, audience: audience) }
    }

    /// The product `id` as `audience` may see it, or the error that says why not.
    static func product(_ db: Database, _ id: ProductID, audience: Audience) throws -> Product {
        guard
            let product = try loadProducts(db, where: "p.id = ?", arguments: [id.rawValue], suffix: "").first,
            audience == .staff || product.metadata.isPublic
        else {
            if let tombstone = try tombstone(db, id) { throw CatalogueError.removed(tombstone) }
            throw CatalogueError.unknownProduct(id)
        }
        return product
    }

    public func page(_ request: PageRequest) async throws -> ProductPage {
        var filter = request.filter
        if request.audience == .publicOnly { filter.publicOnly = true }
        let limit = max(1, request.limit)
        if request.isSearch {
            let query = request.query ?? ""
            var offset = 0
            if let cursor = request.cursor {
                guard cursor.hasPrefix("o"), let value = Int(cursor.dropFirst()), value >= 0 else {
                    throw InvalidCursor(cursor)
                }
                offset = value
            }
            let start = offset
            let scope = filter
            return try await readAsync { db in
                let (filter, offset) = (scope, start)
                let (hits, total) = try Self.search(db, query, filter: filter, limit: limit + 1, offset: offset)
                return ProductPage(
                    products: hits.prefix(limit).map(\.product), next: hits.count > limit ? "o\(offset + limit)" : nil,
                    total: total)
            }
        }
        var before: Int64?
        if let cursor = request.cursor {
            guard cursor.hasPrefix("s"), let value = Int64(cursor.dropFirst()), value > 0 else {
                throw InvalidCursor(cursor)
            }
            before = value
        }
        let (scope, cursorSeq) = (filter, before)
        return try await readAsync { db in
            let (condition, arguments) = Self.sql(for: scope)
            let before = cursorSeq
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT p.seq, p.id FROM product p WHERE \(condition) \(before == nil ? "" : "AND p.seq < ?")
                    ORDER BY p.seq DESC LIMIT \(limit + 1)
                    """, arguments: arguments + (before.map { [$0] } ?? []))
            let shown = rows.prefix(limit)
            let ids: [String] = shown.map { $0["id"] }
            let loaded = try Self.loadProducts(
                db, where: "p.id IN \(Self.placeholders(max(1, ids.count)))",
                arguments: StatementArguments(ids.isEmpty ? [""] : ids), suffix: "")
            let byID = Dictionary(uniqueKeysWithValues: loaded.map { ($0.id.rawValue, $0) })
            let total = try Int.fetchOne(db, sql: "SELECT count(*) FROM product p WHERE \(condition)", arguments: arguments) ?? 0
            let last: Int64? = shown.last?["seq"]
            return ProductPage(
                products: ids.compactMap { byID[$0] }, next: rows.count > limit ? last.map { "s\($0)" } : nil,
                total: total)
        }
    }

    public func reportSnapshot(_ request: ReportRequest) async throws -> ReportSnapshot {
        try await readAsync { db in
            let counts = try Self.reportCounts(db, filter: request.filter, grouping: request.grouping, rules: request.rules)
            let previous = try request.previous.map {
                try Self.reportCounts(db, filter: $0, grouping: nil, rules: request.rules)[""] ?? ReportCounts()
            }
            let notDigitised = try request.notDigitisedLimit.map { limit in
                var missing = request.filter
                missing.hasFiles = false
                let (condition, arguments) = Self.sql(for: missing)
                return try Self.loadProducts(
                    db, where: condition, arguments: arguments, suffix: "ORDER BY p.seq LIMIT \(max(0, limit))")
            }
            return ReportSnapshot(
                counts: counts, previous: previous, notDigitised: notDigitised, state: try Self.state(db),
                baseURL: try Self.setting(db, "base-url"))
        }
    }

    public func changes(_ request: ChangeRequest) async throws -> ChangePage {
        try await readAsync { db in
            var filter = request.filter
            filter.publicOnly = true
            let (condition, filterArguments) = Self.sql(for: filter)
            var window = ""
            var windowArguments = StatementArguments()
            if let from = request.from {
                window += " AND p.updated_at >= ?"
                windowArguments += [Timestamp.string(from)]
            }
            if let until = request.until {
                window += " AND p.updated_at <= ?"
                windowArguments += [Timestamp.string(until)]
            }
            var after = ""
            var afterArguments = StatementArguments()
            if let cursor = request.cursor {
                after = " AND (p.updated_at > ? OR (p.updated_at = ? AND p.id > ?))"
                let at = Timestamp.string(cursor.at)
                afterArguments = [at, at, cursor.id]
            }
            let limit = max(1, request.limit)
            let productRows = try Row.fetchAll(
                db,
                sql: """
                    SELECT p.id, p.updated_at FROM product p WHERE \(condition)\(window)\(after)
                    ORDER BY p.updated_at, p.id LIMIT \(limit + 1)
                    """, arguments: filterArguments + windowArguments + afterArguments)
            var total = try Int.fetchOne(
                db, sql: "SELECT count(*) FROM product p WHERE \(condition)\(window)",
                arguments: filterArguments + windowArguments) ?? 0
            var entries: [(at: String, id: String, tombstone: Tombstone?)] = productRows.map {
                (at: $0["updated_at"], id: $0["id"], tombstone: nil)
            }
            if request.includeRemoved {
                let tombstoneWindow = window.replacingOccurrences(of: "p.updated_at", with: "removed_at")
                let tombstoneAfter = after.replacingOccurrences(of: "p.updated_at", with: "removed_at")
                    .replacingOccurrences(of: "p.id", with: "id")
                for row in try Row.fetchAll(
                    db,
                    sql: """
                        SELECT * FROM tombstone WHERE 1\(tombstoneWindow)\(tombstoneAfter)
                        ORDER BY removed_at, id LIMIT \(limit + 1)
                        """, arguments: windowArguments + afterArguments)
                {
                    if let tombstone = Self.tombstone(row) {
                        entries.append((at: row["removed_at"], id: row["id"], tombstone: tombstone))
                    }
                }
                total +=
                    try Int.fetchOne(
                        db, sql: "SELECT count(*) FROM tombstone WHERE 1\(tombstoneWindow)", arguments: windowArguments)
                    ?? 0
            }
            entries.sort { ($0.at, $0.id) < ($1.at, $1.id) }
            let shown = entries.prefix(limit)
            let ids = shown.filter { $0.tombstone == nil }.map(\.id)
            let products =
                ids.isEmpty
                ? []
                : try Self.loadProducts(
                    db, where: "p.id IN \(Self.placeholders(ids.count))", arguments: StatementArguments(ids), suffix: "")
            let byID = Dictionary(uniqueKeysWithValues: products.map { ($0.id.rawValue, $0) })
            let changes: [Change] = shown.compactMap { entry in
                if let tombstone = entry.tombstone { return .removed(tombstone) }
                return byID[entry.id].map { .product($0) }
            }
            let next = entries.count > limit ? shown.last.flatMap { entry in
                Timestamp.date(entry.at).map { ChangeCursor(at: $0, id: entry.id) }
            } : nil
            return ChangePage(changes: changes, next: next, total: total)
        }
    }

    public func settingValue(_ key: String) async throws -> String? {
        try await readAsync { db in try Self.setting(db, key) }
    }

    static func setting(_ db: Database, _ key: String) throws -> String? {
        try String.fetchOne(db, sql: "SELECT value FROM repository WHERE key = ?", arguments: ["setting:\(key)"])
    }

    static func tombstone(_ db: Database, _ id: ProductID) throws -> Tombstone? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM tombstone WHERE id = ?"), arguments: [id.rawValue]).flatMap(tombstone)
    }

    static func tombstone(_ row: Row) -> Tombstone? {
        guard let id = ProductID(parsing: row["id"]), let at = Timestamp.date(row["removed_at"]) else { return nil }
        return Tombstone(
            id: id, title: row["title"], originRepository: row["origin_repository"], removedAt: at,
            agent: row["agent"], reason: row["reason"])
    }

    /// A read transaction awaited without blocking the caller's thread.
    func readAsync<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do { return try await writer.read(body) } catch let error as DatabaseError {
            throw StoreError.database(path: path, message: error.message ?? "\(error)")
        }
    }
}
