import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite("kho doctor")
struct DoctorTests {
    /// A repository with the sample corpus, as `scripts/setup` makes it.
    static func corpus() throws -> Workspace {
        let ws = try Workspace()
        try ws.ok("init")
        let samples = Workspace.samples.path
        try ws.ok("ingest", samples, "--manifest", "\(samples)/manifest.csv")
        return ws
    }

    static func report(_ ws: Workspace, _ arguments: String...) throws -> (status: Int32, json: [String: Any]) {
        let result = try ws.kho(["doctor", "--json"] + arguments)
        let json = try #require(try result.json() as? [String: Any], "\(result.stderr)")
        return (result.status, json)
    }

    static func findings(_ json: [String: Any]) -> [[String: Any]] { json["findings"] as? [[String: Any]] ?? [] }

    /// SQL run on the catalogue behind kho's back (sqlite3, or psql on a PostgreSQL run).
    static func sqlite(_ ws: Workspace, _ sql: String, sourceLocation: SourceLocation = #_sourceLocation) throws
        -> String
    {
        try ws.catalogueSQL(sql, sourceLocation: sourceLocation)
    }

    @Test("a sound repository is clean, also where Debian's SQLite 3.40 has given false NULL errors")
    func cleanRepository() throws {
        let ws = try Self.corpus()
        // The sample corpus fills product_platform and product_topic, the tables SQLite 3.40
        // misjudged before migration v11 reordered their columns.
        #expect(try Self.sqlite(ws, "SELECT CASE WHEN count(*) > 0 THEN 1 ELSE 0 END FROM product_platform") == "1")
        if !ws.onPostgres() {
            #expect(try Self.sqlite(ws, "PRAGMA integrity_check") == "ok")
        }
        let (status, json) = try Self.report(ws)
        #expect(status == 0)
        #expect(json["ok"] as? Bool == true)
        #expect(Self.findings(json).isEmpty, "\(Self.findings(json))")
        #expect(json["products"] as? Int == 6)
        #expect(json["objects"] as? Int == 5)
        #expect(json["store_files"] as? Int == 5)
        let text = try ws.kho("doctor")
        #expect(text.status == 0)
        #expect(text.stderr.contains("0 problems, 0 leftovers, 0 warnings"), "\(text.stderr)")
    }

    @Test("damaged report columns are found, named, derived again by --repair, and the repair is logged")
    func derivedColumns() throws {
        let ws = try Self.corpus()
        let id = try Self.sqlite(ws, "SELECT id FROM product WHERE file_count = 1 ORDER BY seq LIMIT 1")
        // The search text: SQLite's FTS row, or PostgreSQL's folded title column.
        let search =
            ws.onPostgres()
            ? "UPDATE product SET title_fold = 'khac' WHERE id = '\(id)'"
            : "UPDATE product_fts SET title = 'khac' WHERE rowid = (SELECT seq FROM product WHERE id = '\(id)')"
        _ = try Self.sqlite(
            ws,
            "UPDATE product SET role_mask = 0, file_count = 7, province_current = 'ha-noi', published_first = '1999-01-01' WHERE id = '\(id)'; \(search)"
        )
        let (status, json) = try Self.report(ws)
        #expect(status == 1)
        let columns = Set(Self.findings(json).compactMap { ($0["facts"] as? [String: String])?["column"] })
        #expect(columns.isSuperset(of: ["role_mask", "file_count", "search_text"]), "\(columns)")
        for finding in Self.findings(json) {
            #expect(finding["subject"] as? String == id)
            #expect(finding["repair"] as? String == "rederive")
        }
        let repaired = try ws.kho("doctor", "--repair")
        #expect(repaired.status == 0, "\(repaired.stderr)")
        #expect(repaired.stdout.contains("rederive \(id)"))
        #expect(try Self.report(ws).json["ok"] as? Bool == true)
        #expect(Self.findings(try Self.report(ws).json).isEmpty)
        // The title is found by search again, and the log says what was done.
        let title = try Self.sqlite(ws, "SELECT title FROM product WHERE id = '\(id)'")
        let hits = try ws.ok("search", title, "--ids").stdout
        #expect(hits.contains(id))
        let history = try #require(try ws.ok("doctor", "--history", "--json").json() as? [[String: Any]])
        #expect(history.contains { $0["action"] as? String == "rederive" && $0["target"] as? String == id })
    }

    @Test("what an interrupted ingest left is a leftover, not a problem, and --repair clears it with a record")
    func interruptedLeftovers() throws {
        let ws = try Self.corpus()
        try ws.write("batch/a.txt", "một bài viết")
        try ws.write("batch/b.txt", "bài viết thứ hai")
        let crashed = try ws.kho(["ingest", "batch", "--kind", "article"], environment: ["KHO_CRASH_AT": "stored:1"])
        #expect(crashed.status == 137)
        try ws.write("storage/tmp/0000.part", "half a copy")
        let (status, json) = try Self.report(ws)
        #expect(status == 0, "leftovers are not problems")
        let leftovers = Self.findings(json).filter { $0["severity"] as? String == "leftover" }
        #expect(Set(leftovers.compactMap { $0["check"] as? String }) == ["pending", "temporary"], "\(leftovers)")
        let repaired = try ws.ok("doctor", "--repair", "--json")
        let result = try #require(try repaired.json() as? [String: Any])
        #expect(Self.findings(result).isEmpty)
        let actions = Set(((result["repairs"] as? [[String: Any]]) ?? []).compactMap { $0["action"] as? String })
        #expect(actions.isSuperset(of: ["remove-temporary", "remove-interrupted-object"]), "\(actions)")
        #expect(ws.temporaryFiles().isEmpty)
        #expect(ws.storedObjects() == (try ws.referencedObjects()))
        // The interrupted ingest, run again, finishes.
        try ws.ok("ingest", "batch", "--kind", "article")
        #expect(try ws.products().count == 8)
        #expect(try Self.report(ws).json["ok"] as? Bool == true)
    }

    @Test("a missing object, a damaged one and a file the catalogue does not know: each named with what to do")
    func storeAgainstCatalogue() throws {
        let ws = try Self.corpus()
        let objects = ws.storedObjects().sorted()
        let path = { (sha: String) in "\(ws.repo)/objects/\(sha.prefix(2))/\(sha.dropFirst(2).prefix(2))/\(sha)" }
        #expect(try Workspace.shell("chmod u+w '\(path(objects[0]))' && rm '\(path(objects[0]))'") == 0)
        #expect(try Workspace.shell("chmod u+w '\(path(objects[1]))' && printf x >> '\(path(objects[1]))'") == 0)
        // A complete object whose catalogue rows were lost (say, a power cut before the commit).
        let unknown = try ws.write("stray.txt", "nội dung không ai đăng ký")
        let sha = try ws.ok("ingest", unknown, "--kind", "article", "--dry-run", "--json").stdout
        let stray = try #require(sha.split(separator: "\"").first { $0.count == 64 }.map(String.init))
        #expect(try Workspace.shell("mkdir -p \"$(dirname '\(path(stray))')\" && cp '\(unknown)' '\(path(stray))'") == 0)
        let (status, json) = try Self.report(ws)
        #expect(status == 1)
        // Subjects are paths as the user named the repository (here ./storage).
        let byKey = Dictionary(
            Self.findings(json).map { ("\(ws.root.path)/" + (($0["subject"] as? String) ?? ""), $0) },
            uniquingKeysWith: { a, _ in a })
        let missing = try #require(byKey[path(objects[0])])
        #expect(missing["severity"] as? String == "problem")
        #expect((missing["advice"] as? String)?.contains("kho restore \(objects[0]) --from") == true)
        #expect(missing["repair"] is NSNull)
        let damaged = try #require(byKey[path(objects[1])])
        #expect((damaged["advice"] as? String)?.contains("kho quarantine") == true)
        let foreign = try #require(byKey[path(stray)])
        #expect(foreign["repair"] as? String == "quarantine-unknown-object")
        // --repair moves the unknown file aside (never deletes it), and leaves the rest to a person.
        let repaired = try ws.kho("doctor", "--repair", "--json")
        #expect(repaired.status == 1)
        #expect(FileManager.default.fileExists(atPath: "\(ws.repo)/quarantine/unknown/\(stray)"))
        #expect(!FileManager.default.fileExists(atPath: path(stray)))
        let remaining = Self.findings(try #require(try repaired.json() as? [String: Any]))
        #expect(
            Set(remaining.compactMap { ($0["subject"] as? String).map { "\(ws.root.path)/\($0)" } })
                == [path(objects[0]), path(objects[1])])
    }

    @Test("a bad vocabulary file, a bad setting and codes no vocabulary defines are reported, not fatal")
    func settingsAndVocabulary() throws {
        let ws = try Self.corpus()
        _ = try Self.sqlite(
            ws,
            "INSERT INTO repository(key, value) VALUES ('setting:language', 'klingon'), ('setting:colour', 'blue'); UPDATE product_platform SET code = 'zalo-oa' WHERE (product_id, code) = (SELECT product_id, code FROM product_platform LIMIT 1)"
        )
        try ws.write("storage/vocabulary/topics.json", "{not json")
        #expect(try ws.kho("list").status != 0, "other commands refuse the broken vocabulary")
        let (status, json) = try Self.report(ws)
        #expect(status == 1)
        let found = Self.findings(json).map { "\($0["check"] ?? "") \($0["severity"] ?? "") \($0["subject"] ?? "")" }
        #expect(found.contains("settings problem language"), "\(found)")
        #expect(found.contains("settings warning colour"), "\(found)")
        #expect(found.contains { $0.hasPrefix("vocabulary problem") && $0.hasSuffix("/vocabulary") }, "\(found)")
        #expect(found.contains("vocabulary warning zalo-oa"), "\(found)")
    }

    @Test("while another command writes, its work in progress is not judged, and the writer is named")
    func whileWriting() throws {
        let ws = try Self.corpus()
        try CrashSafetyTests.makeBatch(ws, count: 2, size: 128 << 20)
        let running = ws.start(["ingest", "batch", "--kind", "video"])
        let deadline = Date().addingTimeInterval(30)
        while ws.temporaryFiles().isEmpty && running.process.isRunning && Date() < deadline { usleep(2_000) }
        let (status, json) = try Self.report(ws)
        running.process.waitUntilExit()
        #expect(ws.finish(running).status == 0)
        #expect(status == 0)
        if let holder = json["lock_holder"] as? String {
            #expect(holder.contains("ingest"), "\(holder)")
            #expect(!Self.findings(json).contains { $0["severity"] as? String == "leftover" })
        }
        #expect(try Self.report(ws).json["ok"] as? Bool == true)
    }
}
