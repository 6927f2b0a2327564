import Foundation
import GRDB
import KhoCore

extension SQLiteCatalogue {
    public func exhibitions() throws -> [Exhibition] {
        try read { db in try Self.exhibitions(db) }
    }

    static func exhibitions(_ db: Database) throws -> [Exhibition] {
        try String.fetchAll(db, sql: ExhibitionSQL.all).map(ExhibitionSQL.decode)
    }

    public func exhibition(_ id: ExhibitionID) throws -> Exhibition? {
        try read { db in try Self.exhibition(db, id) }
    }

    static func exhibition(_ db: Database, _ id: ExhibitionID) throws -> Exhibition? {
        try String.fetchOne(db, sql: ExhibitionSQL.one, arguments: [id.rawValue]).map(ExhibitionSQL.decode)
    }

    public func createExhibition(_ exhibition: Exhibition, agent: String) throws {
        try write { db in
            if try Self.exhibition(db, exhibition.id) != nil { throw ExhibitionError.exists(exhibition.id) }
            try Self.store(db, exhibition, isNew: true)
            try Self.insertExhibitionEvent(db, exhibition, type: .creation, agent: agent, at: exhibition.createdAt)
        }
    }

    public func saveExhibition(
        _ exhibition: Exhibition, event: ExhibitionEventType, agent: String, detail: [String: String]
    ) throws {
        try write { db in
            guard let stored = try Int.fetchOne(db, sql: ExhibitionSQL.revision, arguments: [exhibition.id.rawValue])
            else { throw ExhibitionError.unknown(exhibition.id.rawValue) }
            guard stored == exhibition.revision - 1 else {
                throw ExhibitionError.conflict(id: exhibition.id, expected: exhibition.revision - 1, found: stored)
            }
            try Self.store(db, exhibition, isNew: false)
            try Self.insertExhibitionEvent(
                db, exhibition, type: event, agent: agent, at: exhibition.updatedAt, detail: detail)
        }
    }

    /// Stores the exhibitions a bundle carries that are new here or supersede the copy here.
    static func mergeExhibitions(_ db: Database, _ exhibitions: [Exhibition], agent: String, at date: Date) throws
        -> [ExhibitionID]
    {
        var stored: [ExhibitionID] = []
        for exhibition in exhibitions {
            let current = try Self.exhibition(db, exhibition.id)
            if let current, !current.isSuperseded(by: exhibition) { continue }
            try Self.store(db, exhibition, isNew: current == nil)
            try Self.insertExhibitionEvent(
                db, exhibition, type: .merging, agent: agent, at: date,
                detail: ["from_repository": exhibition.originRepository])
            stored.append(exhibition.id)
        }
        return stored
    }

    public func deleteExhibition(_ id: ExhibitionID, agent: String, at date: Date, reason: String) throws {
        try write { db in
            guard let current = try Self.exhibition(db, id) else { throw ExhibitionError.unknown(id.rawValue) }
            try db.execute(sql: ExhibitionSQL.delete, arguments: [id.rawValue])
            try Self.insertExhibitionEvent(
                db, current, type: .deletion, agent: agent, at: date, detail: ["reason": reason])
        }
    }

    public func exhibitionEvents(_ id: ExhibitionID) throws -> [ExhibitionEvent] {
        try read { db in
            try Row.fetchAll(db, sql: ExhibitionSQL.events, arguments: [id.rawValue]).map { row in
                try ExhibitionSQL.event(
                    sequence: row["seq"], exhibition: row["exhibition_id"], type: row["type"], at: row["at"],
                    agent: row["agent"], revision: row["revision"], detail: row["detail"])
            }
        }
    }

    public func exhibitions(showing products: [ProductID]) throws -> [ProductID: [ExhibitionID]] {
        guard !products.isEmpty else { return [:] }
        return try read { db in
            var result: [ProductID: [ExhibitionID]] = [:]
            for batch in stride(from: 0, to: products.count, by: 500).map({ Array(products[$0..<min($0 + 500, products.count)]) }) {
                for row in try Row.fetchAll(
                    db, sql: ExhibitionSQL.showing(batch.count), arguments: StatementArguments(batch.map(\.rawValue)))
                {
                    guard let product = ProductID(parsing: row["product_id"]),
                        let exhibition = ExhibitionID(parsing: row["exhibition_id"])
                    else { continue }
                    result[product, default: []].append(exhibition)
                }
            }
            return result
        }
    }

    static func store(_ db: Database, _ exhibition: Exhibition, isNew: Bool) throws {
        let document = try ExhibitionSQL.documentText(exhibition)
        let updated = Timestamp.string(exhibition.updatedAt)
        if isNew {
            try db.execute(
                sql: ExhibitionSQL.insert, arguments: [exhibition.id.rawValue, exhibition.revision, document, updated])
        } else {
            try db.execute(
                sql: ExhibitionSQL.update, arguments: [exhibition.revision, document, updated, exhibition.id.rawValue])
            try db.execute(sql: ExhibitionSQL.clearItems, arguments: [exhibition.id.rawValue])
        }
        for (position, item) in exhibition.items.enumerated() {
            try db.execute(
                sql: ExhibitionSQL.insertItem, arguments: [exhibition.id.rawValue, position, item.product.rawValue])
        }
    }

    static func insertExhibitionEvent(
        _ db: Database, _ exhibition: Exhibition, type: ExhibitionEventType, agent: String, at date: Date,
        detail: [String: String] = [:]
    ) throws {
        try db.execute(
            sql: ExhibitionSQL.insertEvent,
            arguments: [
                exhibition.id.rawValue, type.rawValue, Timestamp.string(date), agent, exhibition.revision,
                ExhibitionSQL.detailJSON(detail),
            ])
    }
}

extension SQLiteCatalogue {
    public func exhibitionView(_ id: ExhibitionID, audience: Audience) async throws -> ExhibitionView? {
        try await readAsync { db in
            guard let exhibition = try Self.exhibition(db, id), audience == .staff || exhibition.isPublished else {
                return nil
            }
            let ids = Array(Set(exhibition.items.map(\.product.rawValue))).sorted()
            var products: [ProductID: Product] = [:]
            for start in stride(from: 0, to: ids.count, by: 500) {
                let batch = Array(ids[start..<min(start + 500, ids.count)])
                for product in try Self.loadProducts(
                    db, where: "p.id IN \(CatalogueSQL.placeholders(batch.count))",
                    arguments: StatementArguments(batch), suffix: "")
                where audience == .staff || product.metadata.isPublic {
                    products[product.id] = product
                }
            }
            return ExhibitionView(exhibition: exhibition, products: products)
        }
    }

    public func exhibitionList(audience: Audience) async throws -> [Exhibition] {
        try await readAsync { db in
            try Self.exhibitions(db).filter { audience == .staff || $0.isPublished }
        }
    }
}
