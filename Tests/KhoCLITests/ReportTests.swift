import Foundation
import Testing

@Suite("audit reports on a fixture catalogue with hand-computed figures")
struct ReportTests {
    /// Nine products chosen for overlaps, several languages, a role override, no language, merged
    /// provinces, a product with no date, and dates on both sides of 2024-H1 and of the merger.
    static func fixture() throws -> Workspace {
        let ws = try Workspace()
        try ws.ok("init")
        try ws.write("in/a.txt", "Bài A")
        try ws.write("in/e.txt", "Sách E")
        try ws.write(
            "in/manifest.csv",
            """
            path,title,kind,languages,platforms,province,published
            a.txt,A,article,vi,print-newspaper,gia-lai,2024-02
            ,B,radio-report,jra;vi,district-radio,binh-dinh,2024-03-01
            ,C,article,en,website,thanh-hoa,2024-04
            ,D,video,km:foreign,social-media,kon-tum,2024-05
            e.txt,E,book,tyz;en,print-publication,bac-giang,2024-06
            ,F,ebook,vi,ebook-app,,2024-01
            ,G,poster,,mobile-propaganda,gia-lai,2024-07
            ,H,book,vi,print-publication,,
            ,I,social-post,jra,social-media,gia-lai,2025-08

            """)
        try ws.ok("ingest", "in", "--manifest", "in/manifest.csv")
        return ws
    }

    func report(_ ws: Workspace, _ arguments: String...) throws -> [String: Any] {
        let result = try ws.kho(["report"] + arguments + ["--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        return try #require(try result.json() as? [String: Any])
    }

    func ratio(_ value: Any?) -> [Double?] {
        let ratio = value as? [String: Any] ?? [:]
        return [
            (ratio["numerator"] as? Int).map(Double.init), (ratio["denominator"] as? Int).map(Double.init),
            ratio["percent"] as? Double,
        ]
    }

    @Test("summary over the whole catalogue: shares with overlaps, book titles, coverage")
    func summary() throws {
        let ws = try Self.fixture()
        let json = try report(ws, "summary")
        let totals = try #require(json["totals"] as? [String: Any])
        let shares = try #require(totals["shares"] as? [String: Any])
        #expect(shares["products"] as? Int == 9)
        #expect(ratio(shares["ethnic"]) == [3, 9, 33.33])
        #expect(ratio(shares["foreign"]) == [3, 9, 33.33])
        #expect(ratio(shares["digital"]) == [4, 9, 44.44])
        #expect(ratio(shares["target"]) == [6, 9, 66.67])
        #expect((shares["target"] as? [String: Any])?["band"] as? String == "above")
        let overlaps = try #require(shares["overlaps"] as? [String: Int])
        #expect(
            overlaps["ethnic_and_foreign"] == 1 && overlaps["ethnic_and_digital"] == 1
                && overlaps["foreign_and_digital"] == 2)
        #expect(
            overlaps["all_three"] == 0 && overlaps["none"] == 3 && overlaps["only_ethnic"] == 1
                && overlaps["only_digital"] == 1)
        let books = try #require(totals["books"] as? [String: Any])
        #expect(books["titles"] as? Int == 3)
        #expect(ratio(books["progress"]) == [3, 1000, 0.3])
        #expect(ratio(books["target"]) == [2, 3, 66.67])
        #expect(ratio(books["ebook"]) == [1, 3, 33.33])
        #expect(ratio(books["ethnic"]) == [1, 3, 33.33] && ratio(books["foreign"]) == [1, 3, 33.33])
        let coverage = try #require(totals["coverage"] as? [String: Any])
        #expect(ratio(coverage["digitised"]) == [2, 9, 22.22])
        #expect(coverage["not_digitised"] as? Int == 7)
        #expect((json["not_digitised"] as? [[String: Any]])?.count == 7)
        #expect((coverage["shared"] as? [String: Any])?["available"] as? Bool == true)
        #expect((coverage["online"] as? [String: Any])?["available"] as? Bool == false)
        let catalogue = try #require(json["catalogue"] as? [String: Any])
        #expect(catalogue["products"] as? Int == 9 && (catalogue["digest"] as? String)?.count == 16)
        #expect(json["definitions_version"] as? String == "kho-report-definitions 2 (Decision 1079/QĐ-TTg)")
        #expect((json["definitions"] as? [String: String])?["target_share"] != nil)
    }

    @Test("by province: the merged 2022 units count under their 2025 unit; province-2022 keeps them apart")
    func byProvince() throws {
        let ws = try Self.fixture()
        let current = try #require(try report(ws, "shares", "--by", "province")["groups"] as? [[String: Any]])
        func target(_ groups: [[String: Any]], _ key: String) -> [Double?] {
            ratio(
                ((groups.first { $0["key"] as? String == key }?["figures"] as? [String: Any])?["shares"]
                    as? [String: Any])?["target"])
        }
        #expect(target(current, "gia-lai") == [2, 4, 50])
        #expect(target(current, "bac-ninh") == [1, 1, 100])
        #expect(target(current, "quang-ngai") == [1, 1, 100])
        #expect(target(current, "") == [1, 2, 50])
        #expect(current.first { $0["key"] as? String == "gia-lai" }?["label"] as? String == "Gia Lai")
        let registered = try #require(try report(ws, "shares", "--by", "province-2022")["groups"] as? [[String: Any]])
        #expect(target(registered, "gia-lai@2022") == [0, 2, 0])
        #expect(target(registered, "binh-dinh@2022") == [1, 1, 100])
        #expect(target(registered, "gia-lai@2025") == [1, 1, 100])
        let kinds = try #require(try report(ws, "shares", "--by", "kind")["groups"] as? [[String: Any]])
        #expect(target(kinds, "book") == [1, 2, 50])
    }

    @Test("--period selects the same products in every command that selects products")
    func periodEverywhere() throws {
        let ws = try Self.fixture()
        let listed = try ws.ok("list", "--period", "2024-H1", "--ids").stdout.split(separator: "\n")
        #expect(listed.count == 6)  // the 2024-H1 report counts 6 products
        #expect(try ws.ok("list", "--period", "2024-Q2", "--ids").stdout.split(separator: "\n").count == 3)
        let found = try ws.ok("search", "b", "--period", "2024-H1", "--ids").stdout.split(separator: "\n")
        #expect(found.count == 1)
        let conformance = try ws.ok("conformance", "--period", "2024", "--json")
        #expect(conformance.status == 0)
        try ws.ok("export", "--period", "2024-H1", "--out", "h1")
        let info = try String(contentsOf: ws.root.appendingPathComponent("h1/bag-info.txt"), encoding: .utf8)
        #expect(info.contains("Kho-Export-Scope: --period 2024-H1"))
        #expect(info.contains("Kho-Product-Count: 6"))
        let both = try ws.kho("list", "--period", "2024-H1", "--from", "2024-01")
        #expect(both.status != 0 && both.stderr.contains("give either --period or --from/--to, not both"))
        let bad = try ws.kho("list", "--period", "2024-H3")
        #expect(bad.status != 0 && bad.stderr.contains("--period: '2024-H3' is not a period"))
    }

    @Test("a period report: 2024-H1 against the empty 2023-H2 before it")
    func period() throws {
        let ws = try Self.fixture()
        let json = try report(ws, "period", "2024-H1")
        #expect((json["scope"] as? [String: String])?["period"] == "2024-H1 (2024-01-01..2024-06-30)")
        let totals = try #require(json["totals"] as? [String: Any])
        let shares = try #require(totals["shares"] as? [String: Any])
        #expect(ratio(shares["target"]) == [5, 6, 83.33])
        #expect(ratio(shares["digital"]) == [3, 6, 50])
        #expect(ratio((totals["books"] as? [String: Any])?["target"]) == [2, 2, 100])
        #expect(ratio((totals["coverage"] as? [String: Any])?["digitised"]) == [2, 6, 33.33])
        let previous = try #require(json["previous"] as? [String: Any])
        #expect(previous["period"] as? String == "2023-H2")
        let change = try #require(previous["change"] as? [String: Double])
        #expect(change["products"] == 6 && change["book_titles"] == 2)
        #expect(change["target_share_points"] == nil)  // 0 products before: no percentage to compare
        // People read the comparison as whole counts and percentage points; the CSV carries it.
        let text = try ws.ok("report", "period", "2024-H1").stdout
        #expect(text.contains("Change since 2023-H2:"))
        #expect(text.contains("  products     +6\n"))
        #expect(text.contains("  book titles  +2\n"))
        let csv = try ws.ok("report", "period", "2024-H1", "--format", "csv").stdout.split(whereSeparator: \.isNewline)
        #expect(csv.first?.hasSuffix(",previous_period,change_products,change_book_titles,change_target_share_points,change_book_share_points,change_digitised_points") == true)
        #expect(csv.last?.hasSuffix(",2023-H2,6,2,,,") == true)
        let half = try #require(try report(ws, "shares", "--by", "half")["groups"] as? [[String: Any]])
        #expect(Set(half.compactMap { $0["key"] as? String }) == ["2024-H1", "2024-H2", "2025-H2", ""])
    }

    @Test("coverage levels: shared counts products exported in a bundle; online needs a base URL and counts public products")
    func sharedAndOnline() throws {
        let ws = try Self.fixture()
        func coverage() throws -> [String: Any] {
            try #require((try report(ws, "coverage")["totals"] as? [String: Any])?["coverage"] as? [String: Any])
        }
        #expect(ratio((try coverage()["shared"] as? [String: Any])?["ratio"]) == [0, 9, 0])
        #expect((try coverage()["online"] as? [String: Any])?["available"] as? Bool == false)
        try ws.ok("export", "--kind", "book", "--out", "books-bag")
        try ws.ok("config", "set", "base-url", "https://kho.example.gov.vn")
        #expect(ratio((try coverage()["shared"] as? [String: Any])?["ratio"]) == [2, 9, 22.22])
        #expect(ratio((try coverage()["online"] as? [String: Any])?["ratio"]) == [2, 9, 22.22])
        // A private product is digitised but not published: it is not online.
        let products = try #require(try ws.ok("list", "--json").json() as? [[String: Any]])
        let a = try #require(products.first { $0["title"] as? String == "A" }?["id"] as? String)
        try ws.ok("edit", a, "--private")
        #expect(ratio((try coverage()["digitised"] as? [String: Any])) == [2, 9, 22.22])
        #expect(ratio((try coverage()["online"] as? [String: Any])?["ratio"]) == [1, 9, 11.11])
        let byKind = try #require(try report(ws, "coverage", "--by", "kind")["groups"] as? [[String: Any]])
        let books = byKind.first { $0["key"] as? String == "book" }?["figures"] as? [String: Any]
        #expect(ratio(((books?["coverage"] as? [String: Any])?["shared"] as? [String: Any])?["ratio"]) == [2, 2, 100])
    }

    @Test("an empty scope says so instead of dividing by zero")
    func emptyScope() throws {
        let ws = try Self.fixture()
        let json = try report(ws, "summary", "--period", "2030")
        #expect(json["message"] as? String == "No products in this scope: every percentage is undefined (0 / 0).")
        let target = ((json["totals"] as? [String: Any])?["shares"] as? [String: Any])?["target"] as? [String: Any]
        #expect(target?["denominator"] as? Int == 0 && target?["percent"] is NSNull)
        let text = try ws.ok("report", "summary", "--period", "2030")
        #expect(text.stdout.contains("No products in this scope"))
        let bad = try ws.kho("report", "summary", "--period", "2024-H3")
        #expect(bad.status != 0 && bad.stderr.contains("--period: '2024-H3' is not a period"))
    }

    @Test("HTML is one self-contained file with the figures; CSV keeps Vietnamese, with a BOM on request")
    func formats() throws {
        let ws = try Self.fixture()
        try ws.ok("report", "summary", "--by", "province", "--format", "html", "--out", "r.html")
        let html = try String(contentsOfFile: ws.root.appendingPathComponent("r.html").path, encoding: .utf8)
        #expect(html.contains("<svg") && html.contains("66.67 %") && html.contains("Bắc Ninh"))
        #expect(!html.contains("src=\"http") && !html.contains("href=\"http") && !html.contains("<link"))
        let check = try ws.write(
            "check.py",
            "import sys, html.parser\nhtml.parser.HTMLParser().feed(open(sys.argv[1], encoding='utf-8').read())\n")
        #expect(try Workspace.shell("python3 '\(check)' '\(ws.root.path)/r.html'") == 0)
        try ws.ok("report", "shares", "--by", "province", "--format", "csv", "--bom", "--out", "r.csv")
        let csv = try Data(contentsOf: ws.root.appendingPathComponent("r.csv"))
        #expect(csv.prefix(3) == Data([0xEF, 0xBB, 0xBF]))
        let text = String(decoding: csv.dropFirst(3), as: UTF8.self)
        #expect(text.hasPrefix("group,label,products,target_numerator,target_denominator,target_percent"))
        #expect(text.contains("bac-ninh,Bắc Ninh,1,1,1,100.00,above"))
        #expect(text.contains(",total,9,6,9,66.67,above"))
        let markdown = try ws.ok("report", "books", "--format", "md").stdout
        #expect(markdown.contains("| Book titles (target 1,000 nationally) | 3 / 1,000 = 0.30 % |"))
    }
}
