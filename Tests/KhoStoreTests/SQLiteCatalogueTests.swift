import Foundation
import GRDB
import KhoCore
import Testing

@testable import KhoStore

@Suite("SQLite catalogue")
struct SQLiteCatalogueTests {
    let vocabulary = try! Vocabulary.builtIn()
    let now = Date(timeIntervalSince1970: 1_732_000_000)

    func makeCatalogue() throws -> (SQLiteCatalogue, String) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kho-cat-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let catalogue = try SQLiteCatalogue.create(
            path: folder + "/catalogue.sqlite", vocabulary: vocabulary, repositoryID: "repo-1", now: now)
        return (catalogue, folder)
    }

    @Test("SQLite's integrity check says ok on a catalogue with platforms and topics (no false NULL on Debian 12's 3.40)")
    func integrityCheck() throws {
        let (catalogue, _) = try makeCatalogue()
        var product = try newProduct("Bản tin")
        product.metadata.topics = ["crc", "icerd"]
        product.metadata.platforms = ["website", "social-media"]
        _ = try catalogue.register([product])
        let raw = try catalogue.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
        #expect(raw == ["ok"])
        #expect(try catalogue.integrityProblems().isEmpty)
        #expect(try catalogue.product(product.id)?.metadata.topics == ["crc", "icerd"])
        #expect(try catalogue.product(product.id)?.metadata.platforms == ["website", "social-media"])
    }

    func newProduct(_ title: String, province: String? = nil, date: String? = nil, file: String? = nil) throws
        -> NewProduct
    {
        var input = MetadataInput()
        input.title = title
        input.kind = "article"
        input.languages = ["vi", "jra"]
        input.platforms = ["website"]
        input.province = province
        input.published = date
        let metadata = try vocabulary.validate(input).get()
        var generator = SystemRandomNumberGenerator()
        let files =
            file.map {
                [
                    NewFile(
                        object: ObjectInfo(sha256: $0, size: 3, mime: "text/plain", format: "ASCII text"),
                        role: .master, originalName: "a.txt")
                ]
            } ?? []
        return NewProduct(
            id: .generate(at: now, using: &generator), metadata: metadata, files: files, ingestKey: nil,
            event: NewEvent(type: .ingestion, at: now, agent: "tester", detail: ["k": "v"]))
    }

    @Test("a registered product reads back whole, with its event")
    func roundTrip() throws {
        let (catalogue, folder) = try makeCatalogue()
        defer { _ = try? FileManager.default.removeItem(atPath: folder) }
        let new = try newProduct(
            "Quyền trẻ em", province: "binh-dinh", date: "2024-05", file: String(repeating: "a", count: 64))
        let product = try catalogue.register(new)
        #expect(product.metadata == new.metadata)
        #expect(product.files.first?.object.sha256 == String(repeating: "a", count: 64))
        #expect(product.originRepository == "repo-1")
        #expect(try catalogue.events(for: product.id).map(\.type) == [.ingestion])
        #expect(try catalogue.products(holding: String(repeating: "a", count: 64)) == [product.id])
        var filter = ProductFilter()
        filter.provinces = [.current("gia-lai")]
        #expect(try catalogue.count(matching: filter) == 1)
    }

    @Test("SQLite enforces the constraints: a bad hash or a taken id is refused and nothing is written")
    func constraints() throws {
        let (catalogue, folder) = try makeCatalogue()
        defer { _ = try? FileManager.default.removeItem(atPath: folder) }
        #expect(throws: StoreError.self) { try catalogue.register(try newProduct("x", file: "NOT-A-HASH")) }
        #expect(try catalogue.count(matching: ProductFilter()) == 0)
        let first = try newProduct("x")
        _ = try catalogue.register(first)
        var twin = try newProduct("y")
        twin.id = first.id
        #expect(throws: StoreError.self) { try catalogue.register(twin) }
        #expect(try catalogue.count(matching: ProductFilter()) == 1)
    }

    @Test("a batch registers all its products or none")
    func batchIsAtomic() throws {
        let (catalogue, folder) = try makeCatalogue()
        defer { _ = try? FileManager.default.removeItem(atPath: folder) }
        let first = try newProduct("a", file: String(repeating: "d", count: 64))
        var clash = try newProduct("b")
        clash.id = first.id
        #expect(throws: StoreError.self) { try catalogue.register([first, clash]) }
        #expect(try catalogue.count(matching: ProductFilter()) == 0)
        #expect(try catalogue.products(holding: String(repeating: "d", count: 64)).isEmpty)
        #expect(try catalogue.register([first, try newProduct("b")]).count == 2)
    }

    @Test("report counts follow the product's languages, platforms and files through register, update and attach")
    func reportCountsStayInStep() throws {
        let (catalogue, folder) = try makeCatalogue()
        defer { _ = try? FileManager.default.removeItem(atPath: folder) }
        let rules = ReportRules(vocabulary)
        let product = try catalogue.register(try newProduct("x"))  // vi + jra, website: ethnic and digital
        var counts = try #require(
            try catalogue.reportCounts(matching: ProductFilter(), grouping: nil, rules: rules)[""])
        #expect(
            counts.products == 1 && counts.ethnic == 1 && counts.foreign == 0 && counts.digital == 1
                && counts.digitised == 0)
        var metadata = product.metadata
        metadata.languages = [try vocabulary.productLanguage("km:foreign")]
        metadata.platforms = ["commune-radio"]
        _ = try catalogue.update(
            product.id, metadata: metadata, event: NewEvent(type: .metadataModification, at: now, agent: "t"))
        counts = try #require(try catalogue.reportCounts(matching: ProductFilter(), grouping: nil, rules: rules)[""])
        #expect(counts.ethnic == 0 && counts.foreign == 1 && counts.digital == 0)
        let file = NewFile(
            object: ObjectInfo(sha256: String(repeating: "e", count: 64), size: 1, mime: "text/plain", format: "x"),
            role: .master, originalName: "a")
        _ = try catalogue.attach(file, to: product.id, event: NewEvent(type: .ingestion, at: now, agent: "t"))
        counts = try #require(
            try catalogue.reportCounts(matching: ProductFilter(), grouping: .province, rules: rules)[""])
        #expect(counts.digitised == 1)
        // A failed fixity check leaves the product without an intact copy.
        try catalogue.record(
            [FixityCheck(sha256: String(repeating: "e", count: 64), at: now, outcome: .missing)], agent: "t",
            software: "t")
        counts = try #require(try catalogue.reportCounts(matching: ProductFilter(), grouping: nil, rules: rules)[""])
        #expect(counts.digitised == 0)
    }

    @Test("pending objects are reported with whether a product refers to them")
    func pending() throws {
        let (catalogue, folder) = try makeCatalogue()
        defer { _ = try? FileManager.default.removeItem(atPath: folder) }
        let used = String(repeating: "b", count: 64)
        let orphan = String(repeating: "c", count: 64)
        try catalogue.markPending([orphan, used])
        _ = try catalogue.register(try newProduct("x", file: used))
        let pending = try catalogue.pendingObjects()
        #expect(pending.map(\.sha256) == [orphan])
        #expect(pending.first?.referenced == false)
        try catalogue.clearPending([orphan])
        #expect(try catalogue.pendingObjects().isEmpty)
    }

    @Test("search ranks title matches first and respects filters")
    func search() throws {
        let (catalogue, folder) = try makeCatalogue()
        defer { _ = try? FileManager.default.removeItem(atPath: folder) }
        var described = try newProduct("Bản tin tuần")
        described.metadata.description = "Về quyền trẻ em"
        _ = try catalogue.register(described)
        _ = try catalogue.register(try newProduct("Quyền trẻ em", date: "2024"))
        let hits = try catalogue.search("quyen tre em", filter: ProductFilter(), limit: 10)
        #expect(hits.map(\.product.metadata.title) == ["Quyền trẻ em", "Bản tin tuần"])
        var filter = ProductFilter()
        filter.publishedFrom = PartialDate(parsing: "2024")
        #expect(try catalogue.search("quyen", filter: filter, limit: 10).count == 1)
        #expect(try catalogue.search("quy*", filter: ProductFilter(), limit: 10).count == 2)
    }

    @Test("the ranking (kho_rank) puts title over description whatever the age, and a short title over a long one")
    func ranking() throws {
        let (catalogue, folder) = try makeCatalogue()
        defer { _ = try? FileManager.default.removeItem(atPath: folder) }
        _ = try catalogue.register(try newProduct("Bình đẳng giới trong gia đình"))
        _ = try catalogue.register(
            try newProduct("Bình đẳng giới ở vùng dân tộc thiểu số: tài liệu hỏi đáp cho cán bộ cơ sở và người dân"))
        var described = try newProduct("Bản tin thời sự buổi tối")
        described.metadata.description = "Chuyên đề về bình đẳng giới"
        _ = try catalogue.register(described)  // the newest, but the words are only in its description
        _ = try catalogue.register(try newProduct("Giáo dục pháp luật"))  // no match
        let hits = try catalogue.search("binh dang gioi", filter: ProductFilter(), limit: 10)
        #expect(
            hits.map(\.product.metadata.title) == [
                "Bình đẳng giới trong gia đình",
                "Bình đẳng giới ở vùng dân tộc thiểu số: tài liệu hỏi đáp cho cán bộ cơ sở và người dân",
                "Bản tin thời sự buổi tối",
            ])
        #expect(hits.map(\.rank) == hits.map(\.rank).sorted())
        #expect(hits.allSatisfy { $0.rank < 0 })
    }
}
