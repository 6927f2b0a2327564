import Foundation
import Testing

@Suite("correcting mistakes: detach a wrong file, undo the last edit")
struct CorrectionTests {
    static func product(_ ws: Workspace) throws -> String {
        try ws.ok("init")
        try ws.write("in/bai-viet.txt", "Bài viết về quyền trẻ em")
        try ws.ok("ingest", "in/bai-viet.txt", "--kind", "article", "--lang", "vi")
        return try #require(try ws.ok("list", "--ids").stdout.split(separator: "\n").first.map(String.init))
    }

    @Test("detach takes a wrongly attached file off a product, by name or SHA-256; the content stays in the store")
    func detach() throws {
        let ws = try Workspace()
        let id = try Self.product(ws)
        try ws.write("nham.pdf", "%PDF-1.4 not this product's scan")
        try ws.ok("attach", id, "nham.pdf")
        let sha = try #require(
            ((try ws.ok("show", id, "--json").json() as? [String: Any])?["product"] as? [String: Any]).flatMap {
                ($0["files"] as? [[String: Any]])?.first { $0["original_name"] as? String == "nham.pdf" }?["sha256"]
                    as? String
            })
        let result = try ws.ok("detach", id, "nham.pdf")
        #expect(result.stdout.contains("detached    \(id)  nham.pdf"))
        #expect(result.stderr.contains("no product holds this content now; it stays in the store"))
        let files = (((try ws.ok("show", id, "--json").json() as? [String: Any])?["product"] as? [String: Any])?[
            "files"] as? [[String: Any]]) ?? []
        #expect(files.map { $0["original_name"] as? String } == ["bai-viet.txt"])
        #expect(ws.storedObjects().contains(sha))  // the content is still stored
        let events = try #require(try ws.ok("log", id, "--json").json() as? [[String: Any]])
        let last = try #require(events.last?["detail"] as? [String: String])
        #expect(last["action"] == "detach" && last["sha256"] == sha && last["file"] == "nham.pdf")
        // Again: the product no longer has it. By a SHA-256 prefix after attaching it once more.
        let again = try ws.kho("detach", id, "nham.pdf")
        #expect(again.status == 1 && again.stderr.contains("nham.pdf: product \(id) has no such file"))
        try ws.ok("attach", id, "nham.pdf")
        try ws.ok("detach", id, String(sha.prefix(10)))
        #expect(try ws.ok("verify").status == 0)
    }

    @Test("edit --undo reverts the last edit from its before-values; a second --undo redoes it; a later change blocks it")
    func undo() throws {
        let ws = try Workspace()
        let id = try Self.product(ws)
        try ws.ok("edit", id, "--title", "Quyền trẻ em", "--add-lang", "en", "--province", "gia-lai")
        func record() throws -> [String: Any] {
            try #require((try ws.ok("show", id, "--json").json() as? [String: Any])?["product"] as? [String: Any])
        }
        #expect(try record()["title"] as? String == "Quyền trẻ em")
        let undone = try ws.ok("edit", id, "--undo")
        #expect(undone.stdout.contains("undone      \(id)  title, languages, province"))
        #expect(try record()["title"] as? String == "bai-viet")
        #expect(try record()["province"] is NSNull)
        #expect(((try record()["languages"] as? [[String: Any]]) ?? []).count == 1)
        try ws.ok("edit", id, "--undo")
        #expect(try record()["title"] as? String == "Quyền trẻ em")
        let events = try #require(try ws.ok("log", id, "--json").json() as? [[String: Any]])
        #expect((events.last?["detail"] as? [String: String])?["undoes"] != nil)

        let mixed = try ws.kho("edit", id, "--undo", "--title", "x")
        #expect(mixed.status == 64 && mixed.stderr.contains("--undo reverts the last edit on its own"))
        let fresh = try Workspace()
        let untouched = try Self.product(fresh)
        let nothing = try fresh.kho("edit", untouched, "--undo")
        #expect(nothing.status == 1 && nothing.stderr.contains("has no metadata change to undo"))
    }
}
