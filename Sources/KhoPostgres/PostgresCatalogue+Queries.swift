import Foundation
import KhoCore

/// The front doors' reads: each in one REPEATABLE READ snapshot, awaited off the caller's thread.
extension PostgresCatalogue: CatalogueQueries {
    public func details(of id: ProductID, audience: Audience) async throws -> ProductDetails {
        try await readAsync { session in
            let product = try Self.product(session, id, audience: audience)
            let events = try Self.events(session, for: id)
            let technical = try Self.technicalMetadata(session, for: product.files.map(\.object.sha256))
                .mapValues(\.metadata)
            var checks: [String: FixityCheck] = [:]
            for status in try Self.objects(session, of: id) {
                if let check = status.lastCheck { checks[status.object.sha256] = check }
            }
            return ProductDetails(product: product, events: events, technical: technical, lastChecks: checks)
        }
    }

    public func product(_ id: ProductID, audience: Audience) async throws -> Product {
        try await readAsync { session in try Self.product(session, id, audience: audience) }
    }

    static func product(_ session: PostgresSession, _ id: ProductID, audience: Audience) throws -> Product {
        guard
            let product = try loadProducts(session, ids: [id.rawValue]).first,
            audience == .staff || product.metadata.isPublic
        else {
            if let tombstone = try tombstone(session, id) { throw CatalogueError.removed(tombstone) }
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
            let (scope, start) = (filter, offset)
            return try await readAsync { [self] session in
                let (hits, total) = try search(session, query, filter: scope, limit: limit + 1, offset: start)
                return ProductPage(
                    products: hits.prefix(limit).map(\.product), next: hits.count > limit ? "o\(start + limit)" : nil,
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
        return try await readAsync { session in
            let (condition, arguments) = Self.sql(for: scope)
            let rows = try session.rows(
                """
                SELECT p.seq, p.id FROM product p WHERE \(condition) \(cursorSeq == nil ? "" : "AND p.seq < ?")
                ORDER BY p.seq DESC LIMIT \(limit + 1)
                """, arguments + (cursorSeq.map { [$0] } ?? []))
            let shown = rows.prefix(limit)
            let ids = shown.map { $0.string("id") }
            let loaded = try Self.loadProducts(session, ids: ids)
            let byID = Dictionary(uniqueKeysWithValues: loaded.map { ($0.id.rawValue, $0) })
            let total = Int(try session.int("SELECT count(*) FROM product p WHERE \(condition)", arguments) ?? 0)
            let last = shown.last?.int64("seq")
            return ProductPage(
                products: ids.compactMap { byID[$0] }, next: rows.count > limit ? last.map { "s\($0)" } : nil,
                total: total)
        }
    }

    public func reportSnapshot(_ request: ReportRequest) async throws -> ReportSnapshot {
        try await readAsync { session in
            let counts = try Self.reportCounts(
                session, filter: request.filter, grouping: request.grouping, rules: request.rules)
            let previous = try request.previous.map {
                try Self.reportCounts(session, filter: $0, grouping: nil, rules: request.rules)[""] ?? ReportCounts()
            }
            let notDigitised = try request.notDigitisedLimit.map { limit in
                var missing = request.filter
                missing.hasFiles = false
                let (condition, arguments) = Self.sql(for: missing)
                return try Self.loadProducts(
                    session, where: condition, arguments, suffix: "ORDER BY p.seq LIMIT \(max(0, limit))")
            }
            return ReportSnapshot(
                counts: counts, previous: previous, notDigitised: notDigitised, state: try Self.state(session),
                baseURL: try Self.setting(session, "base-url"))
        }
    }

    public func changes(_ request: ChangeRequest) async throws -> ChangePage {
        try await readAsync { session in
            var filter = request.filter
            filter.publicOnly = true
            let (condition, filterArguments) = Self.sql(for: filter)
            var window = ""
            var windowArguments: [any SQLBindable] = []
            if let from = request.from {
                window += " AND p.updated_at >= ?"
                windowArguments.append(Timestamp.string(from))
            }
            if let until = request.until {
                window += " AND p.updated_at <= ?"
                windowArguments.append(Timestamp.string(until))
            }
            var after = ""
            var afterArguments: [any SQLBindable] = []
            if let cursor = request.cursor {
                after = " AND (p.updated_at > ? OR (p.updated_at = ? AND p.id > ?))"
                let at = Timestamp.string(cursor.at)
                afterArguments = [at, at, cursor.id]
            }
            let limit = max(1, request.limit)
            let productRows = try session.rows(
                """
                SELECT p.id, p.updated_at FROM product p WHERE \(condition)\(window)\(after)
                ORDER BY p.updated_at, p.id LIMIT \(limit + 1)
                """, filterArguments + windowArguments + afterArguments)
            var total = Int(
                try session.int(
                    "SELECT count(*) FROM product p WHERE \(condition)\(window)", filterArguments + windowArguments) ?? 0)
            var entries: [(at: String, id: String, tombstone: Tombstone?)] = productRows.map {
                (at: $0.string("updated_at"), id: $0.string("id"), tombstone: nil)
            }
            if request.includeRemoved {
                let tombstoneWindow = window.replacingOccurrences(of: "p.updated_at", with: "removed_at")
                let tombstoneAfter = after.replacingOccurrences(of: "p.updated_at", with: "removed_at")
                    .replacingOccurrences(of: "p.id", with: "id")
                for row in try session.rows(
                    """
                    SELECT * FROM tombstone WHERE TRUE\(tombstoneWindow)\(tombstoneAfter)
                    ORDER BY removed_at, id LIMIT \(limit + 1)
                    """, windowArguments + afterArguments)
                {
                    if let tombstone = Self.tombstone(row) {
                        entries.append((at: row.string("removed_at"), id: row.string("id"), tombstone: tombstone))
                    }
                }
                total += Int(
                    try session.int("SELECT count(*) FROM tombstone WHERE TRUE\(tombstoneWindow)", windowArguments) ?? 0)
            }
            entries.sort { ($0.at, $0.id) < ($1.at, $1.id) }
            let shown = entries.prefix(limit)
            let ids = shown.filter { $0.tombstone == nil }.map(\.id)
            let products = try Self.loadProducts(session, ids: ids)
            let byID = Dictionary(uniqueKeysWithValues: products.map { ($0.id.rawValue, $0) })
            let changes: [Change] = shown.compactMap { entry in
                if let tombstone = entry.tombstone { return .removed(tombstone) }
                return byID[entry.id].map { .product($0) }
            }
            let next =
                entries.count > limit
                ? shown.last.flatMap { entry in Timestamp.date(entry.at).map { ChangeCursor(at: $0, id: entry.id) } }
                : nil
            return ChangePage(changes: changes, next: next, total: total)
        }
    }

    public func settingValue(_ key: String) async throws -> String? {
        try await readAsync { session in try Self.setting(session, key) }
    }
}
