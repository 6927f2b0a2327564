import Foundation
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The retention schedule and licence codes: what `kho remove` refuses, what `kho show`, the
/// landing page and the API say a visitor may re-use.
@Suite("retention and re-use")
struct RetentionTests {
    @Test("kho remove refuses a product under retention unless overridden with a reason, which its tombstone keeps")
    func removal() throws {
        let ws = try Workspace()
        try ws.ok("init")
        try ws.write("in/ngan-sach.txt", "Bài viết do ngân sách nhà nước chi trả.")
        try ws.write("in/xa-hoi-moi.txt", "Bài viết xã hội hóa, phát hành năm 2022.")
        try ws.write("in/xa-hoi-cu.txt", "Bài viết xã hội hóa, phát hành năm 2010.")
        try ws.write("in/khong-ro.txt", "Bài viết không ghi nguồn kinh phí.")
        try ws.ok("ingest", "in/ngan-sach.txt", "--kind", "article", "--lang", "vi", "--funding", "state-budget")
        try ws.ok("ingest", "in/xa-hoi-moi.txt", "--kind", "article", "--lang", "vi", "--funding", "socialised", "--published", "2022-05")
        try ws.ok("ingest", "in/xa-hoi-cu.txt", "--kind", "article", "--lang", "vi", "--funding", "socialised", "--published", "2010")
        try ws.ok("ingest", "in/khong-ro.txt", "--kind", "archival-document", "--lang", "vi")
        var ids: [String: String] = [:]
        for product in try ws.products() {
            let name = ((product["files"] as? [[String: Any]])?.first?["original_name"] as? String) ?? ""
            ids[name] = product["id"] as? String
        }
        let state = try #require(ids["ngan-sach.txt"])
        let recent = try #require(ids["xa-hoi-moi.txt"])
        let old = try #require(ids["xa-hoi-cu.txt"])
        let archival = try #require(ids["khong-ro.txt"])

        func retention(_ id: String) throws -> [String: Any]? {
            ((try ws.ok("show", id, "--json").json() as? [String: Any])?["product"] as? [String: Any])?["retention"] as? [String: Any]
        }
        #expect(try retention(state)?["rule"] as? String == "permanent")
        #expect(try retention(state)?["permanent"] as? Bool == true)
        #expect(try retention(recent)?["until"] as? String == "2032-05-01")
        #expect(try retention(old)?["until"] as? String == "2020-01-01")
        #expect(try retention(archival)?["rule"] as? String == "archival")
        #expect(try ws.ok("show", state).stdout.contains("Kept permanently"))

        let refused = try ws.kho("remove", state, recent, old, archival, "--reason", "test")
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("3 product(s) are under retention"), "\(refused.stderr)")
        for id in [state, recent, archival] { #expect(refused.stderr.contains(id)) }
        #expect(!refused.stderr.contains(old), "its ten years ended in 2020")
        #expect(try ws.products().count == 4, "nothing was removed")
        #expect(try ws.kho("remove", state, "--reason", "x", "--override-retention", " ").status != 0)

        try ws.ok("remove", old, "--reason", "out of date")
        try ws.ok("remove", state, recent, "--reason", "registered twice", "--override-retention", "duplicate records")
        let tombstones = try ws.catalogueSQL("SELECT reason FROM tombstone ORDER BY reason")
        #expect(tombstones.hasPrefix("out of date\n"), "\(tombstones)")
        #expect(tombstones.contains("registered twice [retention override (permanent, ten-years): duplicate records]"), "\(tombstones)")
    }

    @Test("rights take licence codes: normalised, refused with suggestions, shown as what a visitor may re-use")
    func licences() async throws {
        let ws = try SearchListEditTests.sampleWorkspace()
        let products = try ws.products()
        let photo = try #require(products.first { $0["kind"] as? String == "exhibition-photo" }?["id"] as? String)
        let book = try #require(products.first { $0["kind"] as? String == "book" }?["id"] as? String)
        try ws.ok("edit", photo, "--rights", "CC BY-SA 4.0")
        let record = try #require((try ws.ok("show", photo, "--json").json() as? [String: Any])?["product"] as? [String: Any])
        #expect(record["rights"] as? String == "cc-by-sa-4.0")
        let reuse = try #require(record["reuse"] as? [String: Any])
        #expect(reuse["share"] as? Bool == true && reuse["adapt"] as? Bool == true && reuse["share_alike"] as? Bool == true)
        #expect(reuse["url"] as? String == "https://creativecommons.org/licenses/by-sa/4.0/")
        let wrong = try ws.kho("edit", book, "--rights", "cc-by-4")
        #expect(wrong.status != 0 && wrong.stderr.contains("cc-by-4.0"), "\(wrong.stderr)")
        #expect(try ws.kho("edit", book, "--rights", "free for all").stderr.contains("kho vocab licences"))
        try ws.ok("edit", book, "--rights", "all-rights-reserved")
        #expect(try ws.ok("vocab", "licences").stdout.contains("cc0-1.0"))
        #expect(try ws.ok("vocab", "retention").stdout.contains("state-budget"))
        #expect(try ws.ok("vocab", "countries").stdout.contains("Campuchia"))

        // A free-text statement from before the vocabulary stays through an edit that does not touch it.
        _ = try ws.catalogueSQL("UPDATE product SET rights = '© Sở Thông tin và Truyền thông' WHERE id = '\(book)'")
        try ws.ok("edit", book, "--title", "Human rights in Viet Nam: a handbook (2024)")
        let kept = try #require((try ws.ok("show", book, "--json").json() as? [String: Any])?["product"] as? [String: Any])
        #expect(kept["rights"] as? String == "© Sở Thông tin và Truyền thông")
        #expect(kept["reuse"] is NSNull)

        // The landing page and the API say what a visitor may do.
        let port = try ServeTests.freePort()
        let base = "http://127.0.0.1:\(port)"
        try ws.ok("config", "set", "base-url", base)
        let server = ws.start(["serve", "--port", String(port)])
        defer { if server.process.isRunning { server.process.terminate() } }
        var ready = false
        for _ in 0..<100 where !ready {
            ready = (try? await ServeTests.get("\(base)/healthz").0) == 200
            if !ready { try await Task.sleep(for: .milliseconds(100)) }
        }
        let page = String(decoding: try await ServeTests.get("\(base)/p/\(photo)").1, as: UTF8.self)
        #expect(page.contains("Tái sử dụng") && page.contains("chia sẻ bản phái sinh theo cùng giấy phép"), "\(page)")
        #expect(page.contains("Thời hạn bảo quản") && page.contains("Bảo quản vĩnh viễn"))
        let api = try #require(try JSONSerialization.jsonObject(with: try await ServeTests.get("\(base)/api/v1/products/\(photo)").1) as? [String: Any])
        #expect((api["reuse"] as? [String: Any])?["licence"] as? String == "cc-by-sa-4.0")
        #expect((api["retention"] as? [String: Any])?["permanent"] as? Bool == true)
        let bookPage = String(decoding: try await ServeTests.get("\(base)/p/\(book)").1, as: UTF8.self)
        #expect(bookPage.contains("Chưa có giấy phép"))
    }
}
