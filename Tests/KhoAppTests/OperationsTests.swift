import Foundation
import KhoApp
import KhoCore
import KhoRepository
import KhoTestFixtures
import Testing

/// The application layer, tested directly on a real SQLite repository: what both front doors
/// render comes from here, so its answers are specified here.
@Suite("application layer: details, pages, reports, edits")
struct OperationsTests {
    let context = OperationContext(agent: "tester", software: "kho test", now: { LibraryFixture.now })

    func operations(_ fixture: LibraryFixture) -> Operations {
        Operations(queries: fixture.repository.queries, vocabulary: fixture.repository.vocabulary, context: context)
    }

    @Test("a product's details come with its events, technical metadata and files, from one read")
    func details() async throws {
        let fixture = try LibraryFixture()
        let details = try await operations(fixture).productDetails(fixture.audio)
        #expect(details.product.metadata.title == "Phóng sự: Quyền của đồng bào dân tộc thiểu số")
        #expect(details.product.files.count == 1)
        #expect(details.events.map(\.type).contains(.ingestion))
        let sha256 = try #require(details.product.files.first?.object.sha256)
        #expect(details.technical[sha256]?.format == "mp3")
    }

    @Test("the public sees no private product, and a removed one answers with its tombstone")
    func audiences() async throws {
        let fixture = try LibraryFixture()
        let operations = operations(fixture)
        _ = try await operations.productDetails(fixture.privateProduct, audience: .staff)
        await #expect(throws: CatalogueError.unknownProduct(fixture.privateProduct)) {
            try await operations.productDetails(fixture.privateProduct, audience: .publicOnly)
        }
        do {
            _ = try await operations.productDetails(fixture.removed, audience: .publicOnly)
            Issue.record("a removed product was found")
        } catch CatalogueError.removed(let tombstone) {
            #expect(tombstone.reason == "trùng với một bản ghi khác")
        }
        let page = try await operations.products(PageRequest(limit: 100, audience: .publicOnly))
        #expect(!page.products.contains { $0.id == fixture.privateProduct })
        #expect(page.total == 5)
        let staff = try await operations.products(PageRequest(limit: 100, audience: .staff))
        #expect(staff.total == 6)
    }

    @Test("pages follow their cursors to the end without repeating or skipping a product")
    func cursors() async throws {
        let fixture = try LibraryFixture()
        let operations = operations(fixture)
        for query in [nil, "quyen"] as [String?] {
            var seen: [ProductID] = []
            var cursor: String?
            repeat {
                let page = try await operations.products(
                    PageRequest(query: query, cursor: cursor, limit: 2, audience: .staff))
                seen += page.products.map(\.id)
                cursor = page.next
            } while cursor != nil
            let all = try await operations.products(PageRequest(query: query, limit: 100, audience: .staff))
            #expect(seen == all.products.map(\.id))
            #expect(Set(seen).count == seen.count)
        }
        await #expect(throws: InvalidCursor.self) {
            try await operations.products(PageRequest(cursor: "s-1; DROP TABLE product", audience: .staff))
        }
    }

    @Test("search ignores accents and case, and đ is d, in the browser's and API's search as in the CLI's")
    func search() async throws {
        let fixture = try LibraryFixture()
        let page = try await operations(fixture).products(
            PageRequest(query: "DONG BAO dan toc", limit: 10, audience: .publicOnly))
        #expect(page.products.map(\.id) == [fixture.audio])
    }

    @Test("a target-group filter lists exactly the products a report figure counts")
    func groupsMatchReports() async throws {
        let fixture = try LibraryFixture()
        let operations = operations(fixture)
        let report = try await operations.report(.summary, scope: ReportScope())
        let rules = ReportRules(fixture.repository.vocabulary)
        for (name, figure) in [
            ("ethnic", report.totals.shares?.ethnic.numerator), ("foreign", report.totals.shares?.foreign.numerator),
            ("digital", report.totals.shares?.digital.numerator), ("any", report.totals.shares?.target.numerator),
            ("books", report.totals.books?.titles),
        ] {
            var filter = ProductFilter()
            filter.targetGroup = TargetGroupFilter(name: name, rules: rules)
            let page = try await operations.products(PageRequest(filter: filter, limit: 100, audience: .staff))
            #expect(page.total == figure, "\(name)")
        }
    }

    @Test("a province filter on a 2025 unit includes the 2022 units merged into it")
    func provinces() async throws {
        let fixture = try LibraryFixture()
        // An export a minute after the fixture was made (an increment includes what changed in its start's second).
        let context = OperationContext(agent: "tester", software: "kho test", now: { LibraryFixture.now + 60 })
        var input = FilterInput()
        input.provinces = ["gia-lai"]
        let (filter, _) = try input.resolve(fixture.repository.vocabulary)
        let page = try await operations(fixture).products(PageRequest(filter: filter, limit: 10, audience: .staff))
        #expect(Set(page.products.map(\.id)) == [fixture.epub, fixture.audio])
    }

    @Test("a filter with bad values names every one of them")
    func badFilter() throws {
        let fixture = try LibraryFixture()
        var input = FilterInput()
        input.kinds = ["novel"]
        input.period = "2024-H3"
        input.group = "tourists"
        #expect {
            try input.resolve(fixture.repository.vocabulary)
        } throws: { error in
            let problems = (error as? FilterProblems)?.problems ?? []
            return problems.count == 3 && problems.contains { $0.contains("novel") }
                && problems.contains { $0.contains("2024-H3") } && problems.contains { $0.contains("tourists") }
        }
    }

    @Test("an edit that read an older revision writes nothing and says there was a conflict")
    func lostUpdate() throws {
        let fixture = try LibraryFixture()
        let other = try Repository(path: fixture.repository.path)
        let before = try #require(try fixture.repository.catalogue.product(fixture.audio)).revision
        var first = MetadataEdit()
        first.title = "Tiêu đề của người thứ nhất"
        var second = MetadataEdit()
        second.title = "Tiêu đề của người thứ hai"
        #expect(throws: CatalogueError.self) {
            // The first editor has read the product; the second one writes before it does.
            try fixture.repository.edit(
                fixture.audio, first, context: context,
                beforeWrite: { _ = try other.edit(fixture.audio, second, context: context) })
        }
        let stored = try #require(try fixture.repository.catalogue.product(fixture.audio))
        #expect(stored.metadata.title == "Tiêu đề của người thứ hai")
        #expect(stored.revision == before + 1)
        // Run again on the current record, it goes through.
        let outcome = try fixture.repository.edit(fixture.audio, first, context: context)
        #expect(outcome.product.metadata.title == "Tiêu đề của người thứ nhất")
        #expect(outcome.product.revision == before + 2)
    }

    @Test("making a product private is an edit, recorded as an event, and hides it from the public")
    func visibility() async throws {
        let fixture = try LibraryFixture()
        var edit = MetadataEdit()
        edit.isPublic = false
        let outcome = try fixture.repository.edit(fixture.pdf, edit, context: context)
        #expect(outcome.changes.map(\.field) == ["public"])
        let events = try fixture.repository.catalogue.events(for: fixture.pdf)
        #expect(events.last?.type == .metadataModification)
        #expect(events.last?.detail["public.after"] == "no")
        await #expect(throws: CatalogueError.self) {
            try await operations(fixture).productDetails(fixture.pdf, audience: .publicOnly)
        }
    }

    @Test("a write lock taken for one operation is let go after it")
    func scopedLock() throws {
        let fixture = try LibraryFixture()
        try fixture.repository.withWriteLock {}
        let lock = open(fixture.repository.path + "/.lock", O_RDWR)
        defer { close(lock) }
        #expect(flock(lock, LOCK_EX | LOCK_NB) == 0)
    }

    @Test("an export writes a bag of the scope, records it once, and refuses what would overwrite or repeat")
    func export() throws {
        let fixture = try LibraryFixture()
        // An export a minute after the fixture was made (an increment includes what changed in its start's second).
        let context = OperationContext(agent: "tester", software: "kho test", now: { LibraryFixture.now + 60 })
        var input = FilterInput()
        input.provinces = ["gia-lai"]
        input.digitised = true
        let (filter, _) = try input.resolve(fixture.repository.vocabulary)
        let out = fixture.root + "/gia-lai-bag"
        let outcome = try fixture.repository.export(
            ExportRequest(filter: filter, filterArguments: input.arguments, out: out), context: context)
        let expected = try fixture.repository.catalogue.products(matching: filter, limit: nil)
        #expect(outcome.products == expected.count && outcome.products > 0)
        #expect(outcome.bags.count == 1 && outcome.bags[0].path == out)
        #expect(outcome.files == Set(expected.flatMap { $0.files.map(\.object.sha256) }).count)
        let info = try String(contentsOfFile: out + "/bag-info.txt", encoding: .utf8)
        #expect(info.contains("Kho-Export-Scope: --province gia-lai --digitised"))
        let history = try fixture.repository.catalogue.bundles()
        #expect(history.map(\.id) == [outcome.identifier])
        #expect(try fixture.repository.catalogue.events(for: expected[0].id).last?.type == .informationPackageCreation)

        // The same path again: refused before anything is written or recorded.
        #expect(throws: ExportRefused.exists(path: out)) {
            try fixture.repository.export(ExportRequest(filter: filter, out: out), context: context)
        }
        // An increment with nothing new: nothing written, nothing recorded.
        #expect(throws: ExportRefused.nothingChanged(since: outcome.identifier)) {
            try fixture.repository.export(
                ExportRequest(filter: filter, since: "LAST", out: fixture.root + "/next"), context: context)
        }
        #expect(!FileManager.default.fileExists(atPath: fixture.root + "/next"))
        #expect(try fixture.repository.catalogue.bundles().count == 1)
        #expect(throws: ExportRefused.unknownStart("hôm qua")) {
            try fixture.repository.export(
                ExportRequest(filter: filter, since: "hôm qua", out: fixture.root + "/x"), context: context)
        }
    }
}
