import Foundation
import Testing

@Suite("honest figures: empty files, period comparisons")
struct HonestFiguresTests {
    @Test("an empty file is refused at ingest and attach unless --allow-empty, and never counts as digitised")
    func emptyFiles() throws {
        let ws = try Workspace()
        try ws.ok("init")
        try ws.write("in/bai-viet.txt", "Bài viết")
        try ws.write("in/trong.txt", "")
        let refused = try ws.kho("ingest", "in", "--kind", "article", "--lang", "vi")
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("1 file(s) are empty (0 bytes)"))
        #expect(refused.stderr.contains("in/trong.txt"))
        #expect(refused.stderr.contains("--allow-empty"))
        #expect((try ws.ok("list", "--json").json() as? [Any])?.isEmpty == true)  // nothing was written

        try ws.ok("ingest", "in", "--kind", "article", "--lang", "vi", "--allow-empty")
        let coverage = try #require(
            ((try ws.ok("report", "coverage", "--format", "json").json() as? [String: Any])?["totals"]
                as? [String: Any])?["coverage"] as? [String: Any])
        let digitised = coverage["digitised"] as? [String: Any]
        #expect(digitised?["numerator"] as? Int == 1)
        #expect(digitised?["denominator"] as? Int == 2)
        #expect(coverage["not_digitised"] as? Int == 1)

        let registered = try ws.ok("register", "--title", "Áp phích", "--kind", "poster", "--json")
        let id = try #require((try registered.json() as? [String: Any])?["id"] as? String)
        try ws.write("rong.pdf", "")
        let attach = try ws.kho("attach", id, "rong.pdf")
        #expect(attach.status != 0)
        #expect(attach.stderr.contains("rong.pdf: the file is empty (0 bytes)"))
        try ws.ok("attach", id, "rong.pdf", "--allow-empty")
        let undigitised = try ws.ok("list", "--no-digitised", "--json").json() as? [[String: Any]] ?? []
        #expect(undigitised.contains { $0["id"] as? String == id })
    }
}
