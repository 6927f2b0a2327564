import Foundation
import KhoCore

extension PostgresCatalogue {
    public func exhibitions() throws -> [Exhibition] {
        try read { session in try Self.exhibitions(session) }
    }

    static func exhibitions(_ session: PostgresSession) throws -> [Exhibition] {
        try session.texts(ExhibitionSQL.all).map(ExhibitionSQL.decode)
    }

    public func exhibition(_ id: ExhibitionID) throws -> Exhibition? {
        try read { session in try Self.exhibition(session, id) }
    }

    static func exhibition(_ session: PostgresSession, _ id: ExhibitionID) throws -> Exhibition? {
        try session.text(ExhibitionSQL.one, [id.rawValue]).map(ExhibitionSQL.decode)
    }

    public func createExhibition(_ exhibition: Exhibition, agent: String) throws {
        try write { session in
            if try Self.exhibition(session, exhibition.id) != nil { throw ExhibitionError.exists(exhibition.id) }
            try Self.store(session, exhibition, isNew: true)
            try Self.insertExhibitionEvent(
                session, exhibition, type: .creation, agent: agent, at: exhibition.createdAt)
        }
    }

    public func saveExhibition(
        _ exhibition: Exhibition, event: ExhibitionEventType, agent: String, detail: [String: String]
    ) throws {
        try write { session in
            guard let stored = try session.int(ExhibitionSQL.revision, [exhibition.id.rawValue]).map(Int.init) else {
                throw ExhibitionError.unknown(exhibition.id.rawValue)
            }
            guard stored == exhibition.revision - 1 else {
                throw ExhibitionError.conflict(id: exhibition.id, expected: exhibition.revision - 1, found: stored)
            }
            try Self.store(session, exhibition, isNew: false)
            try Self.insertExhibitionEvent(
                session, exhibition, type: event, agent: agent, at: exhibition.updatedAt, detail: detail)
        }
    }

    /// Stores the exhibitions a bundle carries that are new here or supersede the copy here.
    static func mergeExhibitions(_ session: PostgresSession, _ exhibitions: [Exhibition], agent: String, at date: Date) throws
        -> [ExhibitionID]
    {
        var stored: [ExhibitionID] = []
        for exhibition in exhibitions {
            let current = try Self.exhibition(session, exhibition.id)
            if let current, !current.isSuperseded(by: exhibition) { continue }
            try Self.store(session, exhibition, isNew: current == nil)
            try Self.insertExhibitionEvent(
                session, exhibition, type: .merging, agent: agent, at: date,
                detail: ["from_repository": exhibition.originRepository])
            stored.append(exhibition.id)
        }
        return stored
    }

    public func deleteExhibition(_ id: ExhibitionID, agent: String, at date: Date, reason: String) throws {
        try write { session in
            guard let current = try Self.exhibition(session, id) else { throw ExhibitionError.unknown(id.rawValue) }
            _ = try session.execute(ExhibitionSQL.delete, [id.rawValue])
            try Self.insertExhibitionEvent(
                session, current, type: .deletion, agent: agent, at: date, detail: ["reason": reason])
        }
    }

    public func exhibitionEvents(_ id: ExhibitionID) throws -> [ExhibitionEvent] {
        try read { session in
            try session.rows(ExhibitionSQL.events, [id.rawValue]).map { row in
                try ExhibitionSQL.event(
                    sequence: row.int64("seq") ?? 0, exhibition: row.string("exhibition_id"), type: row.string("type"),
                    at: row.string("at"), agent: row.string("agent"), revision: row.int64("revision") ?? 0,
                    detail: row.string("detail"))
            }
        }
    }

    public func exhibitions(showing products: [ProductID]) throws -> [ProductID: [ExhibitionID]] {
        guard !products.isEmpty else { return [:] }
        return try read { session in
            var result: [ProductID: [ExhibitionID]] = [:]
            for batch in Self.batches(products) {
                for row in try session.rows(ExhibitionSQL.showing(batch.count), batch.map(\.rawValue)) {
                    guard let product = ProductID(parsing: row.string("product_id")),
                        let exhibition = ExhibitionID(parsing: row.string("exhibition_id"))
                    else { continue }
                    result[product, default: []].append(exhibition)
                }
            }
            return result
        }
    }

    static func store(_ session: PostgresSession, _ exhibition: Exhibition, isNew: Bool) throws {
        let document = try ExhibitionSQL.documentText(exhibition)
        let updated = Timestamp.string(exhibition.updatedAt)
        if isNew {
            _ = try session.execute(ExhibitionSQL.insert, [exhibition.id.rawValue, exhibition.revision, document, updated])
        } else {
            _ = try session.execute(ExhibitionSQL.update, [exhibition.revision, document, updated, exhibition.id.rawValue])
            _ = try session.execute(ExhibitionSQL.clearItems, [exhibition.id.rawValue])
        }
        for (position, item) in exhibition.items.enumerated() {
            _ = try session.execute(ExhibitionSQL.insertItem, [exhibition.id.rawValue, position, item.product.rawValue])
        }
    }

    static func insertExhibitionEvent(
        _ session: PostgresSession, _ exhibition: Exhibition, type: ExhibitionEventType, agent: String, at date: Date,
        detail: [String: String] = [:]
    ) throws {
        _ = try session.execute(
            ExhibitionSQL.insertEvent,
            [
                exhibition.id.rawValue, type.rawValue, Timestamp.string(date), agent, exhibition.revision,
                ExhibitionSQL.detailJSON(detail),
            ])
    }

    public func exhibitionView(_ id: ExhibitionID, audience: Audience) async throws -> ExhibitionView? {
        try await readAsync { session in
            guard let exhibition = try Self.exhibition(session, id), audience == .staff || exhibition.isPublished
            else { return nil }
            let ids = Array(Set(exhibition.items.map(\.product.rawValue))).sorted()
            var products: [ProductID: Product] = [:]
            for product in try Self.loadProducts(session, ids: ids)
            where audience == .staff || product.metadata.isPublic {
                products[product.id] = product
            }
            return ExhibitionView(exhibition: exhibition, products: products)
        }
    }

    public func exhibitionList(audience: Audience) async throws -> [Exhibition] {
        try await readAsync { session in
            try Self.exhibitions(session).filter { audience == .staff || $0.isPublished }
        }
    }
}
