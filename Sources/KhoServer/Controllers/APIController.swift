import Foundation
import HTTPTypes
import Hummingbird
import KhoApp
import KhoCore
import KhoReports

/// The JSON API under `/api/v1`, described by `catalogue-schema/api/openapi.json`. Records are the
/// same `ProductRecord` JSON as `kho show --json` and bundles; reports the same as
/// `kho report --json`. Lists are paged with an opaque cursor.
struct APIController: Sendable {
    let site: Site
    static let defaultLimit = 50
    static let maximumLimit = 200

    func register(on router: Router<BasicRequestContext>) {
        router.get("/api/v1/openapi.json") { _, _ in
            Reply.bytes(
                APIDocument.bytes, contentType: "application/json; charset=utf-8",
                headers: [.cacheControl: "public, max-age=3600"])
        }
        router.get("/api/v1/products") { request, _ in try await products(request) }
        router.get("/api/v1/products/:id") { _, context in
            let details = try await product(context)
            return try Reply.json(ProductRecord(details.product, vocabulary: site.vocabulary))
        }
        router.get("/api/v1/products/:id/files") { _, context in try await files(context) }
        router.get("/api/v1/products/:id/events") { _, context in
            let details = try await product(context)
            return try Reply.json(EventList(items: details.events.map(EventRecord.init)))
        }
        router.get("/api/v1/vocabularies") { _, _ in try vocabularies() }
        router.get("/api/v1/vocabularies/:name") { _, context in try vocabulary(context.parameters.get("name") ?? "") }
        router.get("/api/v1/reports/:kind") { request, context in
            try await report(request, kind: context.parameters.get("kind") ?? "")
        }
        router.get("/api/v1/exhibitions") { _, _ in try await exhibitions() }
        router.get("/api/v1/exhibitions/:id") { _, context in try await exhibition(context.parameters.get("id") ?? "") }
        router.get("/api/v1/**") { _, _ -> Response in throw PageError.notFound }
    }

    func product(_ context: BasicRequestContext) async throws -> ProductDetails {
        try await site.publicProduct(context.parameters.get("id") ?? "")
    }

    struct ProductList: Encodable {
        var items: [ProductRecord]
        var total: Int
        var nextCursor: String?
        enum CodingKeys: String, CodingKey {
            case items, total
            case nextCursor = "next_cursor"
        }
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(items, forKey: .items)
            try container.encode(total, forKey: .total)
            try container.encode(nextCursor, forKey: .nextCursor)
        }
    }

    struct EventList: Encodable { var items: [EventRecord] }

    func products(_ request: Request) async throws -> Response {
        let input = try QueryInput(request)
        let (filter, _) = try input.resolve(site.vocabulary)
        let parameters = request.uri.queryParameters
        var limit = Self.defaultLimit
        if let text = parameters.get("limit") {
            guard let value = Int(text), (1...Self.maximumLimit).contains(value) else {
                throw PageError.badRequest("limit: '\(text)' is not valid; expected a number from 1 to \(Self.maximumLimit)")
            }
            limit = value
        }
        let cursor = parameters.get("cursor").map { String($0) }
        if let cursor, cursor.count > 40 { throw InvalidCursor(String(cursor.prefix(40))) }
        let page = try await site.operations.products(
            PageRequest(filter: filter, query: input.query, cursor: cursor, limit: limit, audience: .publicOnly))
        return try Reply.json(
            ProductList(
                items: page.products.map { ProductRecord($0, vocabulary: site.vocabulary) }, total: page.total,
                nextCursor: page.next))
    }

    struct FileJSON: Encodable {
        var sha256: String
        var size: Int64
        var mime: String
        var format: String
        var role: String
        var original_name: String
        var added_at: String
        var url: String
        var technical: TechnicalMetadata?
        var last_check: Check?
        struct Check: Encodable {
            var at: String
            var outcome: String
        }
        func encode(to encoder: any Encoder) throws {
            enum Keys: String, CodingKey {
                case sha256, size, mime, format, role, original_name, added_at, url, technical, last_check
            }
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(sha256, forKey: .sha256)
            try container.encode(size, forKey: .size)
            try container.encode(mime, forKey: .mime)
            try container.encode(format, forKey: .format)
            try container.encode(role, forKey: .role)
            try container.encode(original_name, forKey: .original_name)
            try container.encode(added_at, forKey: .added_at)
            try container.encode(url, forKey: .url)
            try container.encode(technical, forKey: .technical)
            try container.encode(last_check, forKey: .last_check)
        }
    }

    func files(_ context: BasicRequestContext) async throws -> Response {
        let details = try await product(context)
        let id = details.product.id.rawValue
        let items = details.product.files.map { file in
            FileJSON(
                sha256: file.object.sha256, size: file.object.size, mime: file.object.mime, format: file.object.format,
                role: file.role.rawValue, original_name: file.originalName, added_at: Timestamp.string(file.addedAt),
                url: "\(site.baseURL)/p/\(id)/f/\(file.object.sha256)", technical: details.technical[file.object.sha256],
                last_check: details.lastChecks[file.object.sha256].map {
                    FileJSON.Check(at: Timestamp.string($0.at), outcome: $0.outcome.rawValue)
                })
        }
        return try Reply.json(["items": items])
    }

    func vocabularies() throws -> Response {
        let vocabulary = site.vocabulary
        let counts = vocabulary.entryCounts
        struct Entry: Encodable {
            var name: String
            var version: String
            var entries: Int
            var url: String
        }
        return try Reply.json([
            "items": Vocabulary.allNames.map {
                Entry(
                    name: $0, version: vocabulary.versions[$0] ?? "", entries: counts[$0] ?? 0,
                    url: "/api/v1/vocabularies/\($0)")
            }
        ])
    }

    func vocabulary(_ name: String) throws -> Response {
        let vocabulary = site.vocabulary
        switch name {
        case "kinds": return try Reply.json(["items": vocabulary.kinds])
        case "platforms": return try Reply.json(["items": vocabulary.platforms])
        case "languages": return try Reply.json(["items": vocabulary.allLanguages])
        case "topics": return try Reply.json(["items": vocabulary.topics])
        case "content-lines": return try Reply.json(["items": vocabulary.contentLines])
        case "funding": return try Reply.json(["items": vocabulary.funding])
        case "countries": return try Reply.json(["items": vocabulary.countries])
        case "licences": return try Reply.json(["items": vocabulary.licences])
        case "retention": return try Reply.json(["items": vocabulary.retention])
        case "provinces":
            return try Reply.json(["units2022": vocabulary.units2022, "units2025": vocabulary.units2025])
        default: throw PageError.notFound
        }
    }

    func report(_ request: Request, kind text: String) async throws -> Response {
        guard let kind = ReportKind(rawValue: text), kind != .period else { throw PageError.notFound }
        let input = try QueryInput(request)
        var (filter, period) = try input.resolve(site.vocabulary)
        filter.publicOnly = true
        var grouping: ReportGrouping?
        if let by = request.uri.queryParameters.get("by") {
            guard let value = ReportGrouping(rawValue: String(by)) else {
                throw PageError.badRequest(
                    "by: '\(by)' is not a grouping; expected "
                        + ReportGrouping.allCases.map(\.rawValue).joined(separator: ", "))
            }
            grouping = value
        }
        var scope: [String: String] = ["products": "public"]
        for (name, value) in input.items() where name != "q" { scope[name, default: ""] += (scope[name] == nil ? "" : ", ") + value }
        let report = try await site.operations.report(
            kind, scope: ReportScope(filter: filter, period: period, grouping: grouping, description: scope, listLimit: 100))
        return try Reply.json(report)
    }

    /// An exhibition as the API gives it: its document, with its online address, and its items
    /// only where their product is public.
    func exhibitionJSON(_ exhibition: Exhibition, shown: Set<ProductID>?) throws -> [String: Any] {
        var visible = exhibition
        if let shown { visible.items = exhibition.items.filter { shown.contains($0.product) } }
        return try visible.jsonObject(base: site.baseURL)
    }

    /// Every published exhibition, newest first (their items as they stand in the catalogue).
    func exhibitions() async throws -> Response {
        let list = try await site.operations.queries.exhibitionList(audience: .publicOnly)
        let items = try list.reversed().map { try exhibitionJSON($0, shown: nil) }
        return json(["items": items])
    }

    /// One published exhibition, with the items a visitor can see.
    func exhibition(_ text: String) async throws -> Response {
        guard text.count <= 64, let id = ExhibitionID(parsing: text.removingPercentEncoding ?? text),
            let view = try await site.operations.queries.exhibitionView(id, audience: .publicOnly)
        else { throw PageError.notFound }
        return json(try exhibitionJSON(view.exhibition, shown: Set(view.products.keys)))
    }

    func json(_ object: Any) -> Response {
        let data =
            (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]))
            ?? Data("{}".utf8)
        return Reply.bytes(data, contentType: "application/json; charset=utf-8")
    }
}
