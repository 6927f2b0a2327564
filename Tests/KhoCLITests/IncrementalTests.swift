import Foundation
import Testing

@Suite("bundles: incremental and split exports, removals")
struct IncrementalTests {
    /// The sample corpus, exported in full (on 2 January 2099, after the ingest), and imported into `national`.
    static func exportedAndImported() throws -> Workspace {
        let ws = try SearchListEditTests.sampleWorkspace()
        try ws.ok("init", "--repo", "national")
        _ = try ws.kho(["export", "--out", "full.zip"], environment: ["KHO_NOW": "2099-01-02T00:00:00Z"])
        try ws.ok("import", "full.zip", "--repo", "national")
        return ws
    }

    static func ids(_ ws: Workspace, repo: String = "storage") throws -> [String] {
        try ImportTests.catalogue(ws, repo: repo).compactMap { $0["id"] as? String }
    }

    @Test("exports in the same second: an increment sends what changed after the last export saw, nothing twice")
    func sameSecond() throws {
        let ws = try SearchListEditTests.sampleWorkspace()
        let now = ["KHO_NOW": "2099-01-02T00:00:00Z"]  // every command below in the same second
        #expect(try ws.kho(["export", "--out", "full"], environment: now).status == 0)
        let ids = try Self.ids(ws)
        #expect(try ws.kho(["edit", ids[0], "--title", "Tựa đề mới"], environment: now).status == 0)
        let first = try ws.kho(["export", "--since", "LAST", "--out", "inc1"], environment: now)
        #expect(first.status == 0 && first.stdout.contains("exported 1 product(s)"), "\(first.stdout)")
        #expect(try ws.kho(["remove", ids[1], "--reason", "registered twice", "--override-retention", "a test of removals"], environment: now).status == 0)
        let second = try ws.kho(["export", "--since", "LAST", "--out", "inc2"], environment: now)
        #expect(second.status == 0 && second.stdout.contains("exported 0 product(s), 1 removal(s)"), "\(second.stdout)")
        let third = try ws.kho(["export", "--since", "LAST", "--out", "inc3"], environment: now)
        #expect(third.status == 0 && third.stdout.contains("nothing in this scope changed since"), "\(third.stdout)")
    }

    @Test(
        "--since LAST carries edits and removals; the importing repository ends up equal; importing again changes nothing"
    )
    func incremental() throws {
        let ws = try Self.exportedAndImported()
        let ids = try Self.ids(ws)
        let on3 = ["KHO_NOW": "2099-01-03T00:00:00Z"]
        #expect(try ws.kho(["edit", ids[0], "--title", "Tựa đề mới"], environment: on3).status == 0)
        #expect(try ws.kho(["remove", ids[1], "--reason", "registered twice", "--override-retention", "a test of removals"], environment: on3).status == 0)
        let export = try ws.kho(
            ["export", "--since", "LAST", "--out", "inc.tar"], environment: ["KHO_NOW": "2099-01-04T00:00:00Z"])
        #expect(export.status == 0 && export.stdout.contains("exported 1 product(s), 1 removal(s)"), "\(export.stdout)")
        let tags = try #require(
            (try ws.ok("bundle", "verify", "inc.tar", "--json").json() as? [String: Any])?["tags"] as? [String: String])
        let history = try #require(try ws.ok("bundle", "list", "--json").json() as? [[String: Any]])
        #expect(history.count == 2 && history[1]["previous"] as? String == history[0]["id"] as? String)
        #expect(tags["Kho-Previous-Bundle"] == history[0]["id"] as? String)
        #expect(tags["Kho-Product-Count"] == "1" && tags["Kho-Tombstone-Count"] == "1")
        let summary = try #require(
            (try ws.ok("import", "inc.tar", "--repo", "national", "--json").json() as? [String: Any])?["summary"]
                as? [String: Int])
        #expect(summary["updated"] == 1 && summary["removed"] == 1 && summary["added"] == 0)
        let here = try ImportTests.catalogue(ws, repo: "storage")
        let there = try ImportTests.catalogue(ws, repo: "national")
        #expect(
            try JSONSerialization.data(withJSONObject: here, options: .sortedKeys)
                == JSONSerialization.data(withJSONObject: there, options: .sortedKeys))
        #expect(!(try Self.ids(ws, repo: "national")).contains(ids[1]))
        let again = try #require(
            (try ws.ok("import", "inc.tar", "--repo", "national", "--json").json() as? [String: Any])?["summary"]
                as? [String: Int])
        #expect(again["unchanged"] == 2 && again["updated"] == 0 && again["removed"] == 0)
        // The removed product's file stays in the store, intact.
        // (A fixity check records events, but is not a change to carry.)
        #expect(try ws.kho(["verify"], environment: ["KHO_NOW": "2099-01-05T00:00:00Z"]).status == 0)
        // Nothing new since: no bundle.
        let nothing = try ws.kho(
            ["export", "--since", "LAST", "--out", "none"], environment: ["KHO_NOW": "2099-01-06T00:00:00Z"])
        #expect(nothing.status == 0 && nothing.stdout.contains("nothing in this scope changed since"))
        #expect(!FileManager.default.fileExists(atPath: ws.root.appendingPathComponent("none").path))
        // By date and by bundle id.
        let byDate = try ws.ok("export", "--since", "2099-01-03", "--out", "by-date")
        #expect(byDate.stdout.contains("exported 1 product(s), 1 removal(s)"))
        let first = try #require(history[0]["id"] as? String)
        #expect(try ws.ok("export", "--since", first, "--out", "by-id").stdout.contains("(follows \(first))"))
    }

    @Test("bad --since values and removals are refused with the rule")
    func refusals() throws {
        let ws = try SearchListEditTests.sampleWorkspace()
        let never = try ws.kho("export", "--since", "LAST", "--out", "x")
        #expect(never.status != 0 && never.stderr.contains("has exported no bundle yet; make a full export first"))
        let nonsense = try ws.kho("export", "--since", "yesterday", "--out", "x")
        #expect(nonsense.status != 0 && nonsense.stderr.contains("'yesterday' is neither LAST, a bundle"))
        let unknown = try ws.kho("remove", "0000000000000000", "--reason", "test")
        #expect(unknown.status != 0 && unknown.stderr.contains("0000000000000000"))
        let id = try #require(try Self.ids(ws).first)
        #expect(try ws.kho("remove", id).status != 0)
        #expect(try ws.kho("remove", id, "--reason", " ").stderr.contains("--reason"))
        #expect(try Self.ids(ws).contains(id))
    }

    @Test("--max-bag-size splits an export into bags with Bag-Count; importing them all gives the whole catalogue")
    func split() throws {
        let ws = try SearchListEditTests.sampleWorkspace()
        let result = try ws.ok("export", "--out", "part.zip", "--max-bag-size", "12K")
        let bags = try FileManager.default.contentsOfDirectory(atPath: ws.root.path).filter {
            $0.hasPrefix("part-") && $0.hasSuffix(".zip")
        }.sorted()
        #expect(bags.count > 1, "\(result.stdout)")
        var products = 0
        var group: Set<String> = []
        for (index, bag) in bags.enumerated() {
            #expect(bag == "part-\(index + 1)-of-\(bags.count).zip")
            let verified = try #require(try ws.ok("bundle", "verify", bag, "--json").json() as? [String: Any])
            let tags = try #require(verified["tags"] as? [String: String])
            #expect(tags["Bag-Count"] == "\(index + 1) of \(bags.count)")
            group.insert(tags["Bag-Group-Identifier"] ?? "")
            products += verified["records"] as? Int ?? 0
            let size = try #require(
                try FileManager.default.attributesOfItem(atPath: ws.root.appendingPathComponent(bag).path)[.size]
                    as? Int)
            // Only a product bigger than the limit on its own may exceed it.
            if (verified["records"] as? Int ?? 0) > 1 { #expect(size < 16 * 1024) }
        }
        #expect(products == 6 && group.count == 1)
        try ws.ok("init", "--repo", "national")
        #expect(try ws.kho(["import"] + bags.reversed() + ["--repo", "national"]).status == 0)
        #expect(try Self.ids(ws, repo: "national").sorted() == (try Self.ids(ws)).sorted())
        let list = try #require(try ws.ok("bundle", "list", "--json").json() as? [[String: Any]])
        #expect(list.count == 1 && list[0]["bags"] as? Int == bags.count)
        let wrong = try ws.kho("export", "--out", "y", "--max-bag-size", "12Q")
        #expect(wrong.status != 0 && wrong.stderr.contains("--max-bag-size: '12Q' is not a size"))
    }
}
