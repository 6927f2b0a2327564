import Foundation
import Testing

@Suite("search, list and edit")
struct SearchListEditTests {
    /// A workspace with the sample corpus ingested from its manifest.
    static func sampleWorkspace() throws -> Workspace {
        let ws = try Workspace()
        try ws.ok("init")
        try ws.ok(
            "ingest", Workspace.samples.path, "--manifest",
            Workspace.samples.appendingPathComponent("manifest.csv").path)
        return ws
    }

    @Test("NFD titles are found by unaccented words, in any case, with d for đ")
    func searchIsVietnameseAware() throws {
        let ws = try Workspace()
        try ws.ok("init")
        let path = try ws.write("a.txt", "x")
        let nfd = "Đồng bào dân tộc thiểu số với quyền trẻ em".decomposedStringWithCanonicalMapping
        try ws.ok("ingest", path, "--kind", "article", "--title", nfd)
        for query in [
            "dong bao", "ĐỒNG BÀO", "đồng bào".decomposedStringWithCanonicalMapping, "quyen tre em", "THIEU SO",
            "dan toc",
        ] {
            let result = try ws.ok("search", query, "--json")
            #expect((try result.json() as? [Any])?.count == 1, "query '\(query)' found nothing")
        }
        #expect((try ws.ok("search", "dong bao khmer", "--json").json() as? [Any])?.isEmpty == true)
    }

    @Test("search combines with filters")
    func searchWithFilters() throws {
        let ws = try Self.sampleWorkspace()
        let all = try #require(try ws.ok("search", "quyen", "--json").json() as? [[String: Any]])
        // Five titles or descriptions say "quyền"; the English handbook does not.
        #expect(all.count == 5)
        let jrai = try #require(try ws.ok("search", "quyen", "--lang", "jra", "--json").json() as? [[String: Any]])
        #expect(jrai.map { $0["kind"] as? String } == ["radio-report"])
        let spoken = try #require(
            try ws.ok("search", "quyen", "--kind", "article,radio-report", "--json").json() as? [[String: Any]])
        #expect(spoken.count == 2)
        let books = try #require(
            try ws.ok("search", "so tay", "--kind", "book,ebook", "--json").json() as? [[String: Any]])
        #expect(books.map { $0["title"] as? String } == ["Sổ tay quyền trẻ em"])
    }

    @Test("list filters: province across the merger, dates, digitised, agency")
    func listFilters() throws {
        let ws = try Self.sampleWorkspace()
        func titles(_ arguments: String...) throws -> [String] {
            let result = try ws.kho(["list", "--json"] + arguments)
            #expect(result.status == 0, "\(result.stderr)")
            return ((try result.json() as? [[String: Any]]) ?? []).compactMap { $0["title"] as? String }.sorted()
        }
        #expect(try titles("--province", "bac-ninh") == ["Pa-nô tuyên truyền Ngày Quyền con người 10/12"])
        #expect(try titles("--province", "bac-giang@2022") == ["Pa-nô tuyên truyền Ngày Quyền con người 10/12"])
        #expect(try titles("--province", "bac-giang").count == 1)
        #expect(try titles("--province", "gia-lai").count == 2)
        #expect(try titles("--from", "2024-03", "--to", "2024-03").count == 2)
        #expect(try titles("--from", "2024").count == 4)
        #expect(try titles("--no-digitised") == ["Pa-nô tuyên truyền Ngày Quyền con người 10/12"])
        #expect(try titles("--agency", "dai pt-th").count == 1)
        #expect(try titles("--kind", "radio-report", "--lang", "vi").count == 1)
        let bad = try ws.kho("list", "--kind", "bok", "--from", "2024-1")
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("did you mean 'book'"))
        #expect(bad.stderr.contains("--from: '2024-1' is not valid"))
    }

    @Test("list --csv is UTF-8 with a header and lists joined by ';'")
    func listCSV() throws {
        let ws = try Self.sampleWorkspace()
        let result = try ws.ok("list", "--csv", "--lang", "jra")
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.first?.hasPrefix("id,title,kind,languages,platforms") == true)
        #expect(lines.count == 2)
        #expect(result.stdout.contains("Phóng sự: Quyền của đồng bào dân tộc thiểu số"))
        #expect(result.stdout.contains("jra;vi"))
    }

    @Test("list and search print JSON, CSV or bare ids alike; search keeps its best-first order in each")
    func outputs() throws {
        let ws = try Self.sampleWorkspace()
        let ids = try ws.ok("list", "--ids").stdout.split(separator: "\n").map(String.init)
        let records = try #require(try ws.ok("list", "--json").json() as? [[String: Any]])
        #expect(ids == records.compactMap { $0["id"] as? String })
        #expect(try ws.ok("show", ids[0]).status == 0)
        let found = try #require(try ws.ok("search", "quyen", "--json").json() as? [[String: Any]])
        let foundIDs = try ws.ok("search", "quyen", "--ids").stdout.split(separator: "\n").map(String.init)
        #expect(foundIDs == found.compactMap { $0["id"] as? String } && !foundIDs.isEmpty)
        let csv = try ws.ok("search", "quyen", "--csv").stdout.split(whereSeparator: \.isNewline)
        #expect(csv.first?.hasPrefix("id,title,kind") == true)
        #expect(csv.dropFirst().map { String($0.prefix(16)) } == foundIDs)
        let both = try ws.kho("list", "--ids", "--json")
        #expect(both.status == 64 && both.stderr.contains("--json, --csv and --ids cannot be used together"))
    }

    @Test("edit changes metadata, records an event with before and after, and keeps search current")
    func editRecordsEvent() throws {
        let ws = try Self.sampleWorkspace()
        let products = try ws.products()
        let book = try #require(products.first { $0["kind"] as? String == "book" })
        let id = try #require(book["id"] as? String)
        let result = try ws.ok(
            "edit", id, "--title", "Sổ tay nhân quyền", "--add-lang", "km:foreign", "--remove-platform",
            "print-publication",
            "--add-platform", "website", "--json")
        let edited = try #require(try result.json() as? [String: Any])
        #expect(edited["title"] as? String == "Sổ tay nhân quyền")
        #expect((edited["languages"] as? [[String: Any]])?.map { $0["code"] as? String } == ["en", "km"])
        #expect((edited["platforms"] as? [String]) == ["website"])
        let shown = try #require(try ws.ok("show", id, "--json").json() as? [String: Any])
        let events = try #require(shown["events"] as? [[String: Any]])
        let modification = try #require(events.last)
        #expect(modification["type"] as? String == "metadata modification")
        let detail = try #require(modification["detail"] as? [String: String])
        #expect(detail["title.before"] == "Human rights in Viet Nam: a handbook")
        #expect(detail["title.after"] == "Sổ tay nhân quyền")
        #expect((try ws.ok("search", "nhan quyen", "--json").json() as? [Any])?.count == 1)
        #expect((try ws.ok("search", "handbook", "--json").json() as? [Any])?.isEmpty == true)
        let bad = try ws.kho("edit", id, "--remove-lang", "fr", "--kind", "bok")
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("--remove-lang: the product has no 'fr'"))
        #expect(bad.stderr.contains("did you mean 'book'"))
    }

    @Test("vocab lists the vocabularies and their entries")
    func vocab() throws {
        let ws = try Workspace()
        let list = try ws.ok("vocab")
        #expect(list.stdout.contains("provinces"))
        let platforms = try #require(try ws.ok("vocab", "platforms", "--json").json() as? [[String: Any]])
        #expect(platforms.first { $0["code"] as? String == "website" }?["digital"] as? Bool == true)
        #expect(platforms.first { $0["code"] as? String == "commune-radio" }?["digital"] as? Bool == false)
        let provinces = try ws.ok("vocab", "provinces")
        #expect(provinces.stdout.contains("Bắc Ninh"))
        #expect(try ws.kho("vocab", "colours").status != 0)
    }
}
