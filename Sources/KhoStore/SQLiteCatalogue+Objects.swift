import Foundation
import GRDB
import KhoCore

extension SQLiteCatalogue {
    public func objects(of id: ProductID?) throws -> [ObjectStatus] {
        try read { db in try Self.objects(db, of: id) }
    }

    public func objects(withPrefix prefix: String, limit: Int) throws -> [String] {
        // A range on the primary key: every hex digit sorts before "g".
        try read { db in
            try String.fetchAll(
                db, sql: "SELECT sha256 FROM object WHERE sha256 >= ? AND sha256 < ? ORDER BY sha256 LIMIT ?",
                arguments: [prefix, prefix + "g", limit])
        }
    }

    static func objects(_ db: Database, of id: ProductID?) throws -> [ObjectStatus] {
        do {
            let condition = id == nil ? "" : "WHERE o.sha256 IN (SELECT sha256 FROM product_file WHERE product_id = ?)"
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT o.sha256, o.size, o.mime, o.format,
                        (SELECT group_concat(product_id, ' ') FROM product_file f WHERE f.sha256 = o.sha256) AS products,
                        c.at AS checked_at, c.outcome, c.found_sha256
                    FROM object o
                    LEFT JOIN fixity_check c ON c.seq = (
                        SELECT seq FROM fixity_check WHERE sha256 = o.sha256 ORDER BY at DESC, seq DESC LIMIT 1)
                    \(condition)
                    ORDER BY o.sha256
                    """, arguments: id.map { [$0.rawValue] } ?? [])
            return rows.map { row in
                let sha256: String = row["sha256"]
                let check = (row["checked_at"] as String?).flatMap(Timestamp.date).map { at in
                    FixityCheck(
                        sha256: sha256, at: at, outcome: FixityOutcome(rawValue: row["outcome"]) ?? .pass,
                        foundSHA256: row["found_sha256"])
                }
                return ObjectStatus(
                    object: ObjectInfo(sha256: sha256, size: row["size"], mime: row["mime"], format: row["format"]),
                    products: ((row["products"] as String?) ?? "").split(separator: " ").compactMap {
                        ProductID(parsing: String($0))
                    }, lastCheck: check)
            }
        }
    }

    public func record(_ checks: [FixityCheck], agent: String, software: String) throws {
        guard !checks.isEmpty else { return }
        try write { db in
            for check in checks {
                try db.cachedStatement(
                    sql: "INSERT INTO fixity_check(sha256, at, outcome, found_sha256, agent) VALUES (?, ?, ?, ?, ?)"
                ).execute(arguments: [
                    check.sha256, Timestamp.string(check.at), check.outcome.rawValue, check.foundSHA256, agent,
                ])
                var detail = ["sha256": check.sha256, "result": check.outcome.rawValue, "software": software]
                detail["found_sha256"] = check.foundSHA256
                let event = NewEvent(
                    type: .fixityCheck, at: check.at, agent: agent,
                    outcome: check.outcome == .pass ? .success : .failure,
                    detail: detail)
                try Self.insertEvent(db, event, forProductsHolding: check.sha256)
            }
        }
    }

    public func recordProductEvents(_ events: [(ProductID, NewEvent)]) throws {
        guard !events.isEmpty else { return }
        try write { db in
            for (id, event) in events {
                try Self.requireExists(db, id)
                try Self.insertEvent(db, event, productID: id)
            }
        }
    }

    public func recordObjectEvent(_ sha256: String, event: NewEvent) throws {
        try write { db in try Self.insertEvent(db, event, forProductsHolding: sha256) }
    }

    public func setTechnicalMetadata(_ entries: [String: TechnicalMetadata], tool: String, at: Date, agent: String)
        throws
    {
        guard !entries.isEmpty else { return }
        try write { db in
            for (sha256, metadata) in entries.sorted(by: { $0.key < $1.key }) {
                try Self.writeTechnicalMetadata(
                    db, sha256: sha256, metadata: metadata, tool: tool, at: at, replace: true)
                try Self.insertEvent(
                    db,
                    NewEvent(
                        type: .metadataExtraction, at: at, agent: agent,
                        detail: ["sha256": sha256, "format": metadata.format, "tool": tool]),
                    forProductsHolding: sha256)
            }
        }
    }

    public func technicalMetadata(for sha256s: [String]) throws -> [String: (metadata: TechnicalMetadata, tool: String)]
    {
        try read { db in try Self.technicalMetadata(db, for: sha256s) }
    }

    static func technicalMetadata(_ db: Database, for sha256s: [String]) throws
        -> [String: (metadata: TechnicalMetadata, tool: String)]
    {
        do {
            var result: [String: (metadata: TechnicalMetadata, tool: String)] = [:]
            let decoder = JSONDecoder()
            for batch in Self.batches(sha256s) {
                for row in try Row.fetchAll(
                    db,
                    sql:
                        "SELECT sha256, tool, metadata FROM object_metadata WHERE sha256 IN \(Self.placeholders(batch.count))",
                    arguments: StatementArguments(batch))
                {
                    if let metadata = try? decoder.decode(
                        TechnicalMetadata.self, from: Data((row["metadata"] as String).utf8))
                    {
                        result[row["sha256"]] = (metadata, row["tool"])
                    }
                }
            }
            return result
        }
    }

    static func writeTechnicalMetadata(
        _ db: Database, sha256: String, metadata: TechnicalMetadata, tool: String, at: Date, replace: Bool
    ) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = String(decoding: try encoder.encode(metadata), as: UTF8.self)
        try db.cachedStatement(
            sql:
                "INSERT OR \(replace ? "REPLACE" : "IGNORE") INTO object_metadata(sha256, characterised_at, tool, metadata) VALUES (?, ?, ?, ?)"
        ).execute(arguments: [sha256, Timestamp.string(at), tool, json])
    }

    static func insertEvent(_ db: Database, _ event: NewEvent, forProductsHolding sha256: String) throws {
        let products = try String.fetchAll(
            db, sql: "SELECT product_id FROM product_file WHERE sha256 = ? ORDER BY product_id", arguments: [sha256])
        for product in products {
            guard let id = ProductID(parsing: product) else { continue }
            try insertEvent(db, event, productID: id)
        }
    }
}

extension SQLiteCatalogue {
    public func bundles() throws -> [BundleRecord] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM bundle ORDER BY created_at, rowid").map { row in
                BundleRecord(
                    id: row["id"], createdAt: Timestamp.date(row["created_at"]) ?? Date(timeIntervalSince1970: 0),
                    since: (row["since"] as String?).flatMap(Timestamp.date), previous: row["previous"],
                    scope: row["scope"], products: row["products"], tombstones: row["tombstones"], bags: row["bags"],
                    location: row["location"],
                    mark: (row["event_mark"] as Int64?).map { ChangeMark(event: $0, tombstone: row["tombstone_mark"] ?? 0) })
            }
        }
    }

    public func recordExport(_ bundle: BundleRecord, events: [(ProductID, NewEvent)]) throws {
        try write { db in
            try db.execute(
                sql: """
                    INSERT INTO bundle (id, created_at, since, previous, scope, products, tombstones, bags, location,
                        event_mark, tombstone_mark)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    bundle.id, Timestamp.string(bundle.createdAt), bundle.since.map(Timestamp.string), bundle.previous,
                    bundle.scope, bundle.products, bundle.tombstones, bundle.bags, bundle.location,
                    bundle.mark?.event, bundle.mark?.tombstone,
                ])
            for (id, event) in events {
                try Self.requireExists(db, id)
                try Self.insertEvent(db, event, productID: id)
            }
        }
    }

    public func changeMark() throws -> ChangeMark {
        try read { db in
            ChangeMark(
                event: try Int64.fetchOne(db, sql: "SELECT coalesce(max(seq), 0) FROM event") ?? 0,
                tombstone: try Int64.fetchOne(db, sql: "SELECT coalesce(max(rowid), 0) FROM tombstone") ?? 0)
        }
    }

    public func productsChanged(after mark: ChangeMark) throws -> Set<ProductID> {
        try changedProducts(where: "seq > ?", [mark.event])
    }

    /// Products with an event matching `condition` that changes their record: an export or a fixity
    /// check does not.
    private func changedProducts(where condition: String, _ arguments: StatementArguments) throws -> Set<ProductID> {
        try read { db in
            Set(
                try String.fetchAll(
                    db,
                    sql: """
                        SELECT DISTINCT product_id FROM event
                        WHERE \(condition) AND type NOT IN ('information package creation', 'fixity check')
                        """, arguments: arguments
                ).compactMap(ProductID.init(parsing:)))
        }
    }

    public func tombstones(after mark: ChangeMark) throws -> [Tombstone] {
        try read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM tombstone WHERE rowid > ? ORDER BY removed_at, id", arguments: [mark.tombstone]
            ).compactMap(Self.tombstone)
        }
    }

    public func productsChanged(since date: Date) throws -> Set<ProductID> {
        try changedProducts(where: "at >= ?", [Timestamp.string(date)])
    }
}

extension SQLiteCatalogue {
    public func remove(_ ids: [ProductID], reason: String, agent: String, at: Date) throws -> [Tombstone] {
        try write { db in
            var tombstones: [Tombstone] = []
            for id in ids {
                guard
                    let row = try Row.fetchOne(
                        db, sql: "SELECT title, origin_repository FROM product WHERE id = ?", arguments: [id.rawValue])
                else { throw CatalogueError.unknownProduct(id) }
                let tombstone = Tombstone(
                    id: id, title: row["title"], originRepository: row["origin_repository"], removedAt: at,
                    agent: agent, reason: reason)
                try Self.delete(db, id)
                try Self.insertTombstone(db, tombstone)
                tombstones.append(tombstone)
            }
            return tombstones
        }
    }

    public func tombstones(since date: Date?) throws -> [Tombstone] {
        try read { db in try Self.tombstones(db, since: date) }
    }

    static func tombstones(_ db: Database, since date: Date?) throws -> [Tombstone] {
        do {
            return try Row.fetchAll(
                db, sql: "SELECT * FROM tombstone WHERE removed_at >= ? ORDER BY removed_at, id",
                arguments: [date.map(Timestamp.string) ?? ""]
            ).compactMap(tombstone)
        }
    }

    /// Deletes a product, if present, with everything that hangs on it (files, lists, events: by
    /// cascade) and its search text. The objects stay.
    static func delete(_ db: Database, _ id: ProductID) throws {
        guard let seq = try Int64.fetchOne(db, sql: "SELECT seq FROM product WHERE id = ?", arguments: [id.rawValue])
        else { return }
        try db.execute(sql: "DELETE FROM product_fts WHERE rowid = ?", arguments: [seq])
        try db.execute(sql: "DELETE FROM product WHERE id = ?", arguments: [id.rawValue])
    }

    static func insertTombstone(_ db: Database, _ tombstone: Tombstone) throws {
        try db.execute(
            sql: """
                INSERT OR REPLACE INTO tombstone (id, title, origin_repository, removed_at, agent, reason)
                VALUES (?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                tombstone.id.rawValue, tombstone.title, tombstone.originRepository,
                Timestamp.string(tombstone.removedAt), tombstone.agent, tombstone.reason,
            ])
    }
}
