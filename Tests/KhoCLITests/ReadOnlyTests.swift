import Foundation
import Testing

@Suite("read-only repositories: an auditor's account, a backup on read-only media")
struct ReadOnlyTests {
    @Test("every command that only reads works on a repository the user cannot write; one that writes says so")
    func readers() throws {
        let ws = try Workspace()
        try ws.ok("init")
        try ws.write("in/quyen-tre-em.txt", "Bài viết về quyền trẻ em")
        try ws.write("in/dong-bao.txt", "Phóng sự về đồng bào dân tộc thiểu số")
        try ws.ok("ingest", "in", "--kind", "article", "--lang", "vi", "--province", "gia-lai")
        try ws.ok("export", "--out", "bag")
        try ws.ok("export", "--out", "b")  // a one-character name (Foundation's path methods crash on it on Linux)
        let id = try #require(
            (try ws.ok("list", "--json").json() as? [[String: Any]])?.first?["id"] as? String)
        let out = ws.root.appendingPathComponent("out").path
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        #expect(try Workspace.shell("chmod 777 '\(out)'") == 0)
        let before = try ws.catalogueFingerprint()

        for arguments in [
            ["list"], ["show", id], ["search", "quyen"], ["log"], ["report", "summary", "--by", "province"],
            ["report", "coverage", "--format", "html", "--out", "out/report.html"], ["conformance"],
            ["verify", "--no-record"], ["vocab", "provinces"],
            ["qr", id, "--base-url", "https://kho.example.gov.vn", "--out", "out/code.png"],
            ["qr", "sheet", "--base-url", "https://kho.example.gov.vn", "--out", "out/sheet.html"],
            ["bundle", "verify", "bag"],
        ] {
            let result = try ws.khoAsReader(arguments)
            #expect(result.status == 0, "kho \(arguments.joined(separator: " ")) on a read-only repository: \(result.stderr)")
        }
        #expect(FileManager.default.fileExists(atPath: out + "/code.png"))
        #expect(FileManager.default.fileExists(atPath: out + "/report.html"))
        #expect(try ws.khoAsReader(["search", "quyen"]).stdout.contains("quyen-tre-em"))

        // verify records its checks: it says so and names the read-only way.
        let verify = try ws.khoAsReader(["verify"])
        #expect(verify.status == 1)
        #expect(verify.stderr.contains("run `kho verify --no-record`"))
        // A command that writes says why it cannot, before it starts.
        for arguments in [["edit", id, "--title", "Đổi tên"], ["export", "--out", "out/bag2"], ["remove", id, "--reason", "x"]] {
            let refused = try ws.khoAsReader(arguments)
            #expect(refused.status != 0)
            #expect(refused.stderr.contains("this repository is read-only for you"), "\(arguments): \(refused.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: out + "/bag2"))
        // Nothing was written: the catalogue is byte for byte what it was.
        #expect(try ws.catalogueFingerprint() == before)
    }
}
