import Foundation
import HTTPTypes
import KhoCore
import Testing

@Suite("kho serve: catalogue browser, dashboard and JSON API")
struct CatalogueAPITests {
    @Test("the catalogue searches without accents and filters across the 2025 merger, in shareable URLs")
    func catalogue() async throws {
        let harness = try ServerHarness()
        let fixture = harness.fixture
        let (search, province, group, bad) = try await harness.client { client in
            (
                try await client.fetch("/catalogue?q=quyen+tre+em"),
                try await client.fetch("/catalogue?province=gia-lai"),
                try await client.fetch("/catalogue?group=ethnic"),
                try await client.fetch("/catalogue?kind=novel&period=2024-H3")
            )
        }
        #expect(search.status == .ok)
        #expect(search.text.contains("/p/\(fixture.epub)"))
        #expect(!search.text.contains("/p/\(fixture.audio)\""))
        #expect(province.text.contains("/p/\(fixture.epub)"))  // registered under Bình Định (2022)
        #expect(province.text.contains("/p/\(fixture.audio)"))
        #expect(!province.text.contains("/p/\(fixture.pdf)"))
        #expect(group.text.contains("/p/\(fixture.audio)"))
        #expect(group.text.contains("/p/\(fixture.undigitised)"))
        #expect(!group.text.contains("/p/\(fixture.pdf)"))
        #expect(bad.status == .badRequest)
        #expect(bad.text.contains("novel"))
        #expect(bad.text.contains("2024-H3"))
    }

    @Test("the catalogue pages with a cursor that a person can bookmark")
    func paging() async throws {
        let harness = try ServerHarness()
        let first = try await harness.client { try await $0.fetch("/catalogue") }
        #expect(first.text.contains("5 sản phẩm"))
        // 5 public products fit in one page of 20: no next link.
        #expect(!first.text.contains("rel=\"next\""))
        let tampered = try await harness.client { try await $0.fetch("/catalogue?cursor=zzz") }
        #expect(tampered.status == .badRequest)
    }

    @Test("the dashboard shows the report's figures, and each count links to its products")
    func dashboard() async throws {
        let harness = try ServerHarness()
        let page = try await harness.client { try await $0.fetch("/dashboard") }
        #expect(page.status == .ok)
        #expect(page.text.contains("Tỷ lệ nhóm mục tiêu"))
        // 5 public products; ethnic 2 (Jrai, Tày), foreign 1 (English), digital 1 (the e-book): any group 4.
        #expect(page.text.contains("<a href=\"/catalogue?group=any\">4 / 5</a>"))
        #expect(page.text.contains("<a href=\"/catalogue?group=ethnic\">2 / 5</a>"))
        #expect(page.text.contains("/ 1.000"))
        #expect(page.text.contains("<svg"))
        let province = try await harness.client { try await $0.fetch("/dashboard?province=gia-lai&period=2024") }
        #expect(province.status == .ok)
        #expect(province.text.contains("<a href=\"/catalogue?province=gia-lai&amp;period=2024&amp;group=any\">"))
    }

    @Test("the API lists, searches and gets public products, their files and events, in pages")
    func products() async throws {
        let harness = try ServerHarness()
        let fixture = harness.fixture
        let (page1, search, one, files, events) = try await harness.client { client in
            (
                try await client.fetch("/api/v1/products?limit=2"),
                try await client.fetch("/api/v1/products?q=DONG%20BAO"),
                try await client.fetch("/api/v1/products/\(fixture.epub.rawValue.lowercased())"),
                try await client.fetch("/api/v1/products/\(fixture.audio)/files"),
                try await client.fetch("/api/v1/products/\(fixture.audio)/events")
            )
        }
        let list = try #require(try page1.json() as? [String: Any])
        #expect((list["items"] as? [Any])?.count == 2)
        #expect(list["total"] as? Int == 5)
        let cursor = try #require(list["next_cursor"] as? String)
        let page2 = try await harness.client { try await $0.fetch("/api/v1/products?limit=2&cursor=\(cursor)") }
        let second = try #require(try page2.json() as? [String: Any])
        #expect((second["items"] as? [Any])?.count == 2)
        let found = try #require(try search.json() as? [String: Any])
        #expect(((found["items"] as? [[String: Any]]) ?? []).map { $0["id"] as? String } == [fixture.audio.rawValue])
        let record = try #require(try one.json() as? [String: Any])
        #expect(record["title"] as? String == "Sổ tay quyền trẻ em")
        #expect(record["public"] as? Bool == true)
        let fileList = try #require((try files.json() as? [String: Any])?["items"] as? [[String: Any]])
        #expect(fileList.first?["mime"] as? String == "audio/mpeg")
        #expect((fileList.first?["url"] as? String)?.hasPrefix("https://kho.example.gov.vn/p/\(fixture.audio)/f/") == true)
        let eventList = try #require((try events.json() as? [String: Any])?["items"] as? [[String: Any]])
        #expect(eventList.contains { $0["type"] as? String == "ingestion" })
    }

    @Test("API errors are JSON in one shape, with the right status")
    func errors() async throws {
        let harness = try ServerHarness()
        let fixture = harness.fixture
        let answers = try await harness.client { client in
            [
                try await client.fetch("/api/v1/products/\(fixture.privateProduct)"),
                try await client.fetch("/api/v1/products/\(fixture.removed)"),
                try await client.fetch("/api/v1/products?limit=0"),
                try await client.fetch("/api/v1/products?cursor=s0"),
                try await client.fetch("/api/v1/products?lang=klingon"),
                try await client.fetch("/api/v1/nothing"),
                try await client.fetch("/api/v1/products?q=" + String(repeating: "a", count: 5000)),
            ]
        }
        let expected: [(HTTPResponse.Status, String)] = [
            (.notFound, "not_found"), (.gone, "removed"), (.badRequest, "bad_request"),
            (.badRequest, "invalid_cursor"), (.badRequest, "bad_request"), (.notFound, "not_found"),
            (.badRequest, "bad_request"),
        ]
        for (answer, (status, code)) in zip(answers, expected) {
            #expect(answer.status == status)
            #expect(answer["Content-Type"] == "application/json; charset=utf-8")
            let error = try #require((try answer.json() as? [String: Any])?["error"] as? [String: Any])
            #expect(error["code"] as? String == code)
            #expect(error["status"] as? Int == Int(status.code))
            #expect((error["message"] as? String)?.isEmpty == false)
        }
    }

    @Test("vocabularies, reports and the OpenAPI document are served")
    func documents() async throws {
        let harness = try ServerHarness()
        let (vocabularies, kinds, report, document, unknown) = try await harness.client { client in
            (
                try await client.fetch("/api/v1/vocabularies"), try await client.fetch("/api/v1/vocabularies/kinds"),
                try await client.fetch("/api/v1/reports/shares?by=province"),
                try await client.fetch("/api/v1/openapi.json"), try await client.fetch("/api/v1/reports/nonsense")
            )
        }
        #expect(((try vocabularies.json() as? [String: Any])?["items"] as? [Any])?.count == 10)
        #expect(((try kinds.json() as? [String: Any])?["items"] as? [[String: Any]])?.contains { $0["code"] as? String == "ebook" } == true)
        let shares = try #require(try report.json() as? [String: Any])
        #expect(shares["report"] as? String == "shares")
        #expect(((shares["totals"] as? [String: Any])?["shares"] as? [String: Any])?["products"] as? Int == 5)
        let openapi = try #require(try document.json() as? [String: Any])
        #expect(openapi["openapi"] as? String == "3.1.0")
        #expect(unknown.status == .notFound)
    }
}
