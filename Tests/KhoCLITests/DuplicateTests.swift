import Foundation
import Testing

@Suite("duplicates: the same content is stored once")
struct DuplicateTests {
    @Test("by default a duplicate is skipped and the existing product named")
    func skipsDuplicates() throws {
        let ws = try Workspace()
        try ws.ok("init")
        let first = try ws.copySample("bai-viet-quyen-tre-em.txt", as: "a.txt")
        let second = try ws.copySample("bai-viet-quyen-tre-em.txt", as: "copy/a-copy.txt")
        let ingested = try ws.ok("ingest", first, "--kind", "article", "--json")
        let id = try #require(
            ((try ingested.json() as? [String: Any])?["items"] as? [[String: Any]])?.first.flatMap {
                ($0["product"] as? [String: Any])?["id"] as? String
            })
        let result = try ws.ok("ingest", second, "--kind", "article")
        #expect(result.stdout.contains("duplicate"))
        #expect(result.stdout.contains(id))
        #expect(try ws.products().count == 1)
        #expect(ws.storedObjects().count == 1)
    }

    @Test("--on-duplicate link registers a new product sharing the stored object")
    func linksDuplicates() throws {
        let ws = try Workspace()
        try ws.ok("init")
        let first = try ws.copySample("bai-viet-quyen-tre-em.txt", as: "a.txt")
        let second = try ws.copySample("bai-viet-quyen-tre-em.txt", as: "b.txt")
        try ws.ok("ingest", first, "--kind", "article")
        let result = try ws.ok("ingest", second, "--kind", "article", "--on-duplicate", "link")
        #expect(result.stdout.contains("linked"))
        #expect(try ws.products().count == 2)
        #expect(ws.storedObjects().count == 1)
    }

    @Test("--on-duplicate error refuses the whole batch before writing anything")
    func errorPolicyWritesNothing() throws {
        let ws = try Workspace()
        try ws.ok("init")
        try ws.copySample("bai-viet-quyen-tre-em.txt", as: "old.txt")
        try ws.ok("ingest", "old.txt", "--kind", "article")
        try ws.copySample("anh-trien-lam-nhan-quyen.jpg", as: "batch/1-new.jpg")
        try ws.copySample("bai-viet-quyen-tre-em.txt", as: "batch/2-dup.txt")
        try ws.copySample("anh-trien-lam-nhan-quyen.jpg", as: "batch/3-twin.jpg")
        let result = try ws.kho("ingest", "batch", "--kind", "article", "--on-duplicate", "error")
        #expect(result.status != 0)
        #expect(result.stderr.contains("batch/2-dup.txt: already stored as"))
        #expect(result.stderr.contains("batch/3-twin.jpg: the same content as batch/1-new.jpg"))
        #expect(try ws.products().count == 1)
        #expect(ws.storedObjects().count == 1)
    }
}
