import Foundation
import Testing

@Suite("limits: the largest input of each kind")
struct LimitsTests {
    @Test("a title, description, agency or list past its limit is refused with its length and the limit; at the limit it is taken")
    func metadataLengths() throws {
        let ws = try Workspace()
        try ws.ok("init")
        let long = String(repeating: "ạ", count: 1_001)
        let refused = try ws.kho("register", "--kind", "article", "--title", long, "--description", String(repeating: "b", count: 20_001))
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("--title: 1,001 characters, more than the 1,000 kho takes"), "\(refused.stderr)")
        #expect(refused.stderr.contains("--description: 20,001 characters, more than the 20,000"), "\(refused.stderr)")
        #expect(try ws.products().isEmpty)
        let accepted = try ws.kho("register", "--kind", "article", "--title", String(long.dropLast()))
        #expect(accepted.status == 0, "\(accepted.stderr)")
        let id = try #require(try ws.products().first?["id"] as? String)
        let edit = try ws.kho("edit", id, "--agency", String(repeating: "c", count: 501))
        #expect(edit.status != 0)
        #expect(edit.stderr.contains("501 characters, more than the 500"), "\(edit.stderr)")
        let topics = (0..<65).map { "t\($0)" }.joined(separator: ",")
        let many = try ws.kho("register", "--kind", "article", "--title", "Nhiều chủ đề", "--topic", topics)
        #expect(many.status == 1)
        #expect(many.stderr.contains("65 values, more than the 64"), "\(many.stderr)")
    }

    @Test("a manifest of more than 100,000 products, or over 64 MiB, is refused before anything is read or written")
    func manifestSize() throws {
        let ws = try Workspace()
        try ws.ok("init")
        let rows = ["path,title,kind"] + (0...100_000).map { ",Sách \($0),book" }
        let manifest = try ws.write("big.csv", rows.joined(separator: "\n") + "\n")
        let refused = try ws.kho("ingest", ".", "--manifest", manifest)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("100,001 products, more than the 100,000"), "\(refused.stderr)")
        #expect(refused.stderr.contains("split it"))
        let huge = ws.root.appendingPathComponent("huge.csv").path
        #expect(try Workspace.shell("printf 'path,title,kind\\n' > '\(huge)' && truncate -s 65M '\(huge)'") == 0)
        let tooLarge = try ws.kho("ingest", ".", "--manifest", huge)
        #expect(tooLarge.status == 1)
        #expect(tooLarge.stderr.contains("more than the 67 MB kho reads at once"), "\(tooLarge.stderr)")
        #expect(try ws.products().isEmpty)
    }

    @Test("a filter takes at most 64 values, and at most 5 unknown ones are checked for suggestions, in the CLI and on the web")
    func filterValues() throws {
        let ws = try DoctorTests.corpus()
        let many = (0..<65).map { "vi\($0)" }.joined(separator: ",")
        let crowded = try ws.kho("list", "--lang", many)
        #expect(crowded.status != 0)
        #expect(crowded.stderr.contains("65 values, more than the 64 one filter takes"), "\(crowded.stderr)")
        let unknown = (0..<20).map { "xq\($0)" }.joined(separator: ",")
        let started = Date()
        let refused = try ws.kho("list", "--lang", unknown)
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("further values were not checked"), "\(refused.stderr)")
        let named = refused.stderr.split(separator: "\n").filter { $0.contains("xq") }
        #expect(named.count == 5, "\(refused.stderr)")
        #expect(Date().timeIntervalSince(started) < 30)
    }
}
