import Foundation
import KhoTestFixtures
import Testing

/// The national tier: the catalogue on PostgreSQL. Runs whenever `KHO_TEST_POSTGRES` names a
/// server (scripts/test starts a throwaway one), on both passes of the suite.
@Suite(
    "the catalogue on PostgreSQL", .serialized,
    .enabled(if: TestBackend.postgresServer != nil, "needs a PostgreSQL server (scripts/test starts one)"))
struct PostgresTests {
    static var server: String { TestBackend.postgresServer ?? "" }

    /// A new database URL on the test server, dropped with the workspace.
    static func database(_ ws: Workspace) throws -> String {
        let url = try #require(TestBackend.newDatabaseURL())
        ws.databases.append(url)
        return url
    }

    static func psql(_ url: String, _ sql: String) throws -> Int32 {
        try Workspace.shell("psql '\(url)' -qAt -v ON_ERROR_STOP=1 -c \"\(sql)\" >/dev/null 2>&1")
    }

    /// The report's JSON without the moment it was made.
    static func report(_ ws: Workspace, _ repo: String, _ arguments: [String]) throws -> String {
        let result = try ws.kho(["report"] + arguments + ["--repo", repo, "--json"])
        #expect(result.status == 0, "kho report \(arguments) --repo \(repo): \(result.stderr)")
        var json = try #require(try result.json() as? [String: Any])
        json["generated_at"] = nil
        let data = try JSONSerialization.data(withJSONObject: json, options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }

    @Test("every report and every search gives the same result on SQLite and on PostgreSQL")
    func equivalence() throws {
        let ws = try Workspace()
        // A catalogue with real files, checks, a lost copy, an edit, a removal, an export and a
        // private product, and 3,000 generated products, on SQLite.
        #expect(ws.sh("kho init --repo lite").status == 0)
        let samples = Workspace.samples.path
        try ws.ok("ingest", "--repo", "lite", samples, "--manifest", "\(samples)/manifest.csv")
        let generator = Workspace.samples.deletingLastPathComponent().deletingLastPathComponent()
        #expect(
            try Workspace.shell(
                "cd '\(generator.path)' && python3 scripts/generate-catalogue.py '\(ws.root.path)/lite/catalogue.sqlite' 3000 >/dev/null")
                == 0)
        let ids = try ws.ok("list", "--repo", "lite", "--ids").stdout.split(separator: "\n").map(String.init)
        try ws.ok("edit", "--repo", "lite", ids[0], "--title", "Quyền trẻ em ở vùng cao: sổ tay")
        try ws.ok("edit", "--repo", "lite", ids[1], "--private")
        try ws.ok("remove", "--repo", "lite", ids[2], "--reason", "trùng lặp", "--override-retention", "bản thử")
        // Words held many times and in several columns, and a description of 4,200 words.
        try ws.ok(
            "edit", "--repo", "lite", ids[3], "--title", "Trẻ em, trẻ em và quyền trẻ em",
            "--description", Array(repeating: "quyền trẻ em ở vùng cao", count: 40).joined(separator: ", "),
            "--agency", "Quỹ Bảo trợ trẻ em Việt Nam")
        try ws.ok(
            "edit", "--repo", "lite", ids[4],
            "--description", (0..<4200).map { $0 % 7 == 0 ? "em" : String($0 % 100) }.joined(separator: " "))
        try ws.ok("verify", "--repo", "lite")
        let objects = ws.root.appendingPathComponent("lite/objects").path
        #expect(
            try Workspace.shell(
                "f=$(find '\(objects)' -type f | sort | head -1); chmod u+w \"$f\"; printf damaged > \"$f\"") == 0)
        _ = try ws.kho("verify", "--repo", "lite")
        try ws.ok("export", "--repo", "lite", "--out", "bag", "--kind", "ebook,book,radio-report")

        // The same catalogue on PostgreSQL, through a second repository folder that joins it.
        let url = try Self.database(ws)
        try ws.ok("catalogue", "copy", "--repo", "lite", "--to", url)
        try ws.ok("init", "--repo", "pg", "--catalogue", url)

        var compared = 0
        for name in ["summary", "shares", "books", "coverage"] {
            for grouping in [nil, "province", "province-2022", "agency", "kind", "topic", "content-line", "year", "half"] {
                let arguments = [name] + (grouping.map { ["--by", $0] } ?? [])
                #expect(try Self.report(ws, "lite", arguments) == (try Self.report(ws, "pg", arguments)), "\(arguments)")
                compared += 1
            }
        }
        for arguments in [
            ["period", "2024-H1"], ["period", "2025", "--by", "province"], ["summary", "--period", "2024-Q3"],
            ["shares", "--province", "gia-lai"], ["summary", "--kind", "book,ebook", "--by", "kind"],
            ["coverage", "--digitised"], ["summary", "--lang", "jra", "--by", "topic"],
        ] {
            #expect(try Self.report(ws, "lite", arguments) == (try Self.report(ws, "pg", arguments)), "\(arguments)")
            compared += 1
        }
        #expect(compared >= 40)
        for query in [
            "quyen", "quyền trẻ em", "QUYEN TRE EM", "dan toc thieu so", "đồng bào", "Đồng Bào", "gia lai", "tre*",
            "nhân quyền", "bao ve phu nu", "phóng sự", "quyen con nguoi viet nam", "zzz-none", "dân tộc",
            "em em", "quyen tre*", "tre em quyen", "tre em", "em", "em 42", "tre em viet nam", "vung cao",
        ] {
            for extra in [[], ["--kind", "article,book"], ["--province", "gia-lai"], ["--limit", "5"]] {
                let lite = try ws.kho(["search", "--repo", "lite", query, "--json"] + extra)
                let pg = try ws.kho(["search", "--repo", "pg", query, "--json"] + extra)
                #expect(lite.stdout == pg.stdout, "search \(query) \(extra)")
            }
        }
        // The same products spread over 750 blocks of the word bitmaps, a few in each, in the same
        // order: a search of common words now stops in the middle of the blocks, and one of rare
        // words reads them all. The bitmaps are made again by doctor --repair (which still finds
        // the objects missing: this repository folder's store is empty).
        #expect(
            try Self.psql(
                url,
                """
                ALTER TABLE product ALTER COLUMN seq SET GENERATED BY DEFAULT;
                UPDATE product SET seq = seq * 1000 + 100000000;
                ALTER TABLE product ALTER COLUMN seq SET GENERATED ALWAYS
                """)
                == 0)
        _ = try ws.kho("doctor", "--repo", "pg", "--repair")
        #expect(
            String(
                decoding: try Self.capture(
                    "psql '\(url)' -qAt -c 'SELECT count(DISTINCT search_block_of(seq)) > 700 FROM product'"),
                as: UTF8.self
            ).trimmingCharacters(in: .whitespacesAndNewlines) == "t")
        for query in [
            "quyen", "quyền trẻ em", "dan toc thieu so", "tre em", "em", "em 42", "bao ve phu nu", "zzz-none",
        ] {
            for extra in [[], ["--limit", "5"]] {
                let lite = try ws.kho(["search", "--repo", "lite", query, "--json"] + extra)
                let pg = try ws.kho(["search", "--repo", "pg", query, "--json"] + extra)
                #expect(lite.stdout == pg.stdout, "search \(query) \(extra), across blocks")
            }
        }
        for filter in [["--lang", "jra"], ["--province", "thanh-hoa"], ["--digitised"], ["--agency", "bao nhan dan"]] {
            let lite = try ws.kho(["list", "--repo", "lite", "--json"] + filter)
            #expect(lite.stdout == (try ws.kho(["list", "--repo", "pg", "--json"] + filter)).stdout, "list \(filter)")
        }
        #expect(try ws.ok("log", "--repo", "lite").stdout == (try ws.ok("log", "--repo", "pg").stdout))
        // Doctor finds nothing wrong in the copy's catalogue.
        let doctor = try ws.kho("doctor", "--repo", "pg", "--json")
        let findings = (try doctor.json() as? [String: Any])?["findings"] as? [[String: Any]] ?? []
        #expect(
            !findings.contains { ($0["check"] as? String).map { ["schema", "catalogue", "derived", "foreign-keys"].contains($0) } ?? false },
            "\(findings)")
    }

    @Test("a repository moves to PostgreSQL and back with kho catalogue copy --use, and keeps working")
    func moveAndBack() throws {
        let ws = try Workspace()
        #expect(ws.sh("kho init").status == 0)
        let samples = Workspace.samples.path
        try ws.ok("ingest", samples, "--manifest", "\(samples)/manifest.csv")
        let photo = try #require(try ws.products().first { $0["kind"] as? String == "exhibition-photo" }?["id"] as? String)
        let created = try ws.ok("exhibition", "create", "--title", "Triển lãm", "--province", "gia-lai", "--json")
        let exhibition = try #require((try created.json() as? [String: Any])?["id"] as? String)
        try ws.ok("exhibition", "add", exhibition, photo)
        let url = try Self.database(ws)
        let moved = try ws.ok("catalogue", "copy", "--to", url, "--use")
        #expect(moved.stdout.contains("18 tables, each with the same rows and the same SHA-256"), "\(moved.stdout)")
        #expect(ws.onPostgres())
        #expect(FileManager.default.fileExists(atPath: ws.repo + "/catalogue.sqlite.before-postgresql"))
        #expect(try ws.ok("catalogue", "show").stdout.contains("PostgreSQL"))
        // Every object is still found, and new work goes to the server.
        try ws.ok("verify")
        // The exhibition came along, with its items and history, and takes new changes.
        try ws.ok("exhibition", "publish", exhibition)
        let shown = try #require(try ws.ok("exhibition", "show", exhibition, "--json").json() as? [String: Any])
        #expect((shown["items"] as? [[String: Any]])?.first?["product"] as? String == photo)
        #expect((shown["events"] as? [[String: Any]])?.count == 3)
        try ws.write("in/bai-moi.txt", "Bài viết mới về quyền của người khuyết tật.")
        try ws.ok("ingest", "in", "--kind", "article", "--lang", "vi")
        #expect(try ws.ok("search", "bai moi", "--ids").stdout.split(separator: "\n").count == 1)
        // The search ranking's totals are kept by every write; doctor finds them damaged and repairs them.
        #expect(try Self.psql(url, "INSERT INTO search_totals(products, title_tokens, description_tokens, agency_tokens) VALUES (5, 0, 0, 0)") == 0)
        let damaged = try #require(try ws.kho("doctor", "--json").json() as? [String: Any])
        let findings = damaged["findings"] as? [[String: Any]] ?? []
        #expect(findings.contains { ($0["message"] as? String)?.contains("search totals") ?? false }, "\(findings)")
        try ws.ok("doctor", "--repair")
        #expect((try ws.kho("doctor", "--json").json() as? [String: Any])?["ok"] as? Bool == true)
        // A copy into a database that holds a catalogue is refused, and so is an existing file.
        let again = try ws.kho("catalogue", "copy", "--to", url)
        #expect(again.status != 0)
        let back = try ws.ok("catalogue", "copy", "--to", "storage/catalogue.sqlite", "--use")
        #expect(back.stdout.contains("same in both"))
        #expect(!ws.onPostgres())
        #expect(try ws.ok("list", "--ids").stdout.split(separator: "\n").count == 7)
        #expect(try ws.ok("search", "bai moi", "--ids").stdout.split(separator: "\n").count == 1)
        #expect((try ws.ok("exhibition", "show", exhibition, "--json").json() as? [String: Any])?["published"] as? Bool == true)
        let refused = try ws.kho("catalogue", "copy", "--to", "storage/catalogue.sqlite")
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("already exists"), "\(refused.stderr)")
        try ws.ok("doctor")
    }

    @Test("the search's word bitmaps: kept with every change, folded, checked and rebuilt by doctor, made on upgrade")
    func wordBitmaps() throws {
        let ws = try Workspace()
        let url = try Self.database(ws)
        try ws.ok("init", "--catalogue", url)
        let samples = Workspace.samples.path
        try ws.ok("ingest", samples, "--manifest", "\(samples)/manifest.csv")
        try ws.write("in/bai-moi.txt", "Bài viết mới về quyền của người khuyết tật.")
        try ws.ok("ingest", "in", "--kind", "article", "--lang", "vi")
        func ids(_ query: String) throws -> [String] {
            try ws.ok("search", query, "--ids").stdout.split(separator: "\n").map(String.init)
        }
        func healthy() throws -> Bool { (try ws.kho("doctor", "--json").json() as? [String: Any])?["ok"] as? Bool == true }
        func findings() throws -> [[String: Any]] {
            (try ws.kho("doctor", "--json").json() as? [String: Any])?["findings"] as? [[String: Any]] ?? []
        }
        func psql(_ sql: String) -> String {
            ws.sh("psql '\(url)' -qAt -v ON_ERROR_STOP=1 -c \"\(sql)\"").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let id = try #require(try ids("bai moi").first)
        let seq = psql("SELECT seq FROM product WHERE id = '\(id)'")
        // The product's bit, for one of its words, across both tables.
        func bit(_ word: String) -> String {
            psql(
                """
                SELECT coalesce(bool_or(get_bit(bits, (\(seq) & 4095)::int) = 1), false) FROM (SELECT word, block, bits FROM search_block
                UNION ALL SELECT word, block, bits FROM search_block_new) x WHERE word = '\(word)' AND block = search_block_of(\(seq))
                """)
        }
        #expect(bit("bai") == "t")
        // An edit's new words are found, and the old words' bits are cleared.
        try ws.ok("edit", id, "--title", "Cẩm nang hòa nhập cộng đồng")
        #expect(try ids("cam nang hoa nhap") == [id])
        #expect(try ids("cộng đồng CẨM NANG") == [id])
        #expect(bit("cam") == "t")
        let description = try #require(try ws.ok("show", id, "--json").json() as? [String: Any])["description"] as? String
        if !(description ?? "").lowercased().contains("bài") { #expect(bit("bai") == "f") }
        #expect(try healthy())

        // Each write's appended bitmaps were folded after it; a search reads appended ones too.
        #expect(psql("SELECT count(*) FROM search_block_new") == "0")
        let before = try ["cam nang", "quyen", "tre em", "phong su"].map { try ws.ok("search", $0, "--json").stdout }
        #expect(
            try Self.psql(
                url,
                "WITH moved AS (DELETE FROM search_block WHERE word IN ('cam', 'nang', 'quyen', 'em') RETURNING word, block, bits) INSERT INTO search_block_new SELECT * FROM moved")
                == 0)
        #expect(try ["cam nang", "quyen", "tre em", "phong su"].map { try ws.ok("search", $0, "--json").stdout } == before)
        #expect(try healthy())
        // A word's bits in both tables for the same blocks (schema version 8 joins them): the same
        // answers again, with and without a limit that stops in the middle.
        #expect(
            try Self.psql(url, "INSERT INTO search_block_new SELECT * FROM search_block WHERE word IN ('tre', 'phong')") == 0)
        #expect(try ["cam nang", "quyen", "tre em", "phong su"].map { try ws.ok("search", $0, "--json").stdout } == before)
        #expect(try ws.ok("search", "tre em", "--ids", "--limit", "1").stdout.split(separator: "\n").count == 1)
        // The next write of words folds them (a title of as many words, none of the queries').
        let order = try ["cam nang", "quyen", "tre em", "phong su"].map { try ids($0) }
        try ws.ok("edit", id, "--title", "Cẩm nang hòa nhập xã hội")
        #expect(psql("SELECT count(*) FROM search_block_new") == "0")
        #expect(try ["cam nang", "quyen", "tre em", "phong su"].map { try ids($0) } == order)

        // A bitmap lost: the search misses the product, doctor says so, and the repair rebuilds them.
        #expect(psql("DELETE FROM search_block WHERE word = 'nang' RETURNING word").hasPrefix("nang"))
        #expect(try ids("cam nang").isEmpty)
        let lost = try findings()
        #expect(lost.contains { ($0["message"] as? String)?.contains("search bitmaps") ?? false }, "\(lost)")
        try ws.ok("doctor", "--repair")
        #expect(try ids("cam nang") == [id])
        #expect(try healthy())
        // A bit of no product: found, and gone after the repair; a search never shows it.
        #expect(try Self.psql(url, "INSERT INTO search_block_new VALUES ('cam', 999, search_block_bit(999 * 1024))") == 0)
        #expect(try ids("cam nang") == [id])
        #expect(try !healthy())
        try ws.ok("doctor", "--repair")
        #expect(try healthy())

        // A removed product's bits go with it; several removed at once (one statement, whose
        // trigger clears each word's bitmap once) too, and so do products deleted behind kho's back.
        try ws.ok("remove", id, "--reason", "thử", "--override-retention", "bản thử")
        #expect(bit("cam") == "f")
        #expect(try ids("cam nang").isEmpty)
        #expect(try healthy())
        let several = Array(try ids("quyen").prefix(3))
        #expect(several.count == 3)
        let remaining = try ids("quyen").filter { !several.contains($0) }
        #expect(try ws.kho(["remove"] + several + ["--reason", "thử", "--override-retention", "bản thử"]).status == 0)
        #expect(try ids("quyen") == remaining)
        #expect(try healthy())
        let count = psql("SELECT count(*) FROM product")
        #expect(psql("DELETE FROM product WHERE seq IN (SELECT seq FROM product ORDER BY seq LIMIT 2) RETURNING 1") == "1\n1")
        #expect(psql("SELECT count(*) FROM product") == String((Int(count) ?? 0) - 2))
        // Their bits went with them; the ranking's totals, which kho keeps, are now off until a repair.
        let behind = try findings()
        #expect(!behind.contains { ($0["message"] as? String)?.contains("search bitmaps") ?? false }, "\(behind)")
        #expect(behind.contains { ($0["message"] as? String)?.contains("search totals") ?? false }, "\(behind)")
        try ws.ok("doctor", "--repair")
        #expect(try healthy())

        // A catalogue of schema version 4 (before the bitmaps) gains them when this kho opens it,
        // and every search answers as before.
        let queries = ["quyen", "quyền trẻ em", "dan toc", "phong su", "gia lai", "tre*"]
        let answers = try queries.map { try ws.ok("search", $0, "--json").stdout }
        #expect(
            try Self.psql(
                url,
                "DROP TABLE search_block, search_block_new; DROP FUNCTION search_block_keep(), search_block_forget() CASCADE; DROP FUNCTION search_block_bit(bigint), search_block_of(bigint), search_blocks(text[], bigint, bigint); DELETE FROM kho_schema WHERE version >= 5")
                == 0)
        #expect(psql("SELECT max(version) FROM kho_schema") == "4")
        #expect(try queries.map { try ws.ok("search", $0, "--json").stdout } == answers)
        #expect(psql("SELECT max(version) FROM kho_schema") == "8")
        #expect(psql("SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'product_search_block%'") == "2")
        #expect(psql("SELECT count(*) > 0 FROM search_block") == "t")
        #expect(try healthy())
    }

    @Test("no server, no database, a wrong password, a newer schema, a foreign database: each said plainly")
    func errors() throws {
        let ws = try Workspace()
        // The password: given once in the URL at init, never written down.
        let secured = try Self.database(ws).replacingOccurrences(of: "//kho@", with: "//kho_password:kho-test-password@")
        let created = try ws.ok("init", "--repo", "secure", "--catalogue", secured)
        #expect(!created.stdout.contains("kho-test-password"))
        let remembered = try String(contentsOfFile: ws.root.path + "/secure/catalogue.url", encoding: .utf8)
        #expect(remembered.hasPrefix("postgresql://kho_password@127.0.0.1:"), "\(remembered)")
        #expect(!remembered.contains("kho-test-password"))
        let none = try ws.kho(["list", "--repo", "secure"], environment: ["HOME": ws.root.path, "PGPASSWORD": ""])
        #expect(none.status == 1)
        #expect(none.stderr.contains("refused the user kho_password"), "\(none.stderr)")
        #expect(none.stderr.contains("$PGPASSWORD or in ~/.pgpass"))
        let wrong = try ws.kho(["list", "--repo", "secure"], environment: ["PGPASSWORD": "not-it"])
        #expect(wrong.status == 1)
        #expect(wrong.stderr.contains("refused the user kho_password"), "\(wrong.stderr)")
        #expect(!wrong.stderr.contains("PSQLError"))
        #expect(try ws.kho(["list", "--repo", "secure"], environment: ["PGPASSWORD": "kho-test-password"]).status == 0)
        // ~/.pgpass, as libpq reads it.
        try ws.write(".pgpass", "# kho's test server\n127.0.0.1:*:*:kho_password:kho-test-password\n")
        #expect(try Workspace.shell("chmod 600 '\(ws.root.path)/.pgpass'") == 0)
        let passFile = try ws.kho(["list", "--repo", "secure"], environment: ["HOME": ws.root.path, "PGPASSWORD": ""])
        #expect(passFile.status == 0, "\(passFile.stderr)")

        // No server at the address.
        let port = try #require(
            Int(
                try String(
                    decoding: Self.capture(
                        "python3 -c 'import socket; s = socket.socket(); s.bind((\"127.0.0.1\", 0)); print(s.getsockname()[1])'"),
                    as: UTF8.self
                ).trimmingCharacters(in: .whitespacesAndNewlines)))
        try ws.write("down/catalogue.url", "postgresql://kho@127.0.0.1:\(port)/kho\n")
        let down = try ws.kho("list", "--repo", "down")
        #expect(down.status == 1)
        #expect(down.stderr.contains("no PostgreSQL server answers there"), "\(down.stderr)")

        // The database is gone.
        let gone = try Self.database(ws)
        try ws.ok("init", "--repo", "gone", "--catalogue", gone)
        TestBackend.drop(gone)
        let missing = try ws.kho("list", "--repo", "gone")
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("the server has no such database"), "\(missing.stderr)")

        // A newer kho wrote it.
        let newer = try Self.database(ws)
        try ws.ok("init", "--repo", "newer", "--catalogue", newer)
        #expect(try Self.psql(newer, "INSERT INTO kho_schema VALUES (99, 'v99', '2030-01-01T00:00:00Z')") == 0)
        let future = try ws.kho("list", "--repo", "newer")
        #expect(future.status == 1)
        #expect(future.stderr.contains("schema version 99, written by a newer kho"), "\(future.stderr)")

        // A database that holds something else is not written into.
        let foreign = try Self.database(ws)
        #expect(try Self.psql("\(Self.server)/postgres", "CREATE DATABASE \\\"\(foreign.split(separator: "/").last!)\\\"") == 0)
        #expect(try Self.psql(foreign, "CREATE TABLE accounts (id integer)") == 0)
        let refused = try ws.kho("init", "--repo", "foreign", "--catalogue", foreign)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("holds no kho catalogue"), "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: ws.root.path + "/foreign/catalogue.url"))
        // TLS, as libpq: require encrypts without checking; verify-full refuses a self-signed certificate.
        let encrypted = try Self.database(ws)
        try ws.ok("init", "--repo", "tls", "--catalogue", encrypted + "?sslmode=require")
        #expect(try String(contentsOfFile: ws.root.path + "/tls/catalogue.url", encoding: .utf8).contains("sslmode=require"))
        try ws.ok("list", "--repo", "tls")
        try ws.write("verified/catalogue.url", encrypted + "?sslmode=verify-full\n")
        let unverified = try ws.kho("list", "--repo", "verified")
        #expect(unverified.status == 1)
        #expect(unverified.stderr.contains("no encrypted connection could be made"), "\(unverified.stderr)")
        // A malformed URL names what is expected.
        let malformed = try ws.kho("init", "--repo", "bad", "--catalogue", "postgresql://kho@127.0.0.1:99999/x")
        #expect(malformed.status != 0)
        #expect(malformed.stderr.contains("is not a port number"), "\(malformed.stderr)")
    }

    @Test("several processes creating and opening one catalogue at once: one schema, one repository id")
    func concurrentOpens() throws {
        let ws = try Workspace()
        let url = try Self.database(ws)
        let running = (0..<6).map { ws.start(["init", "--repo", "worker-\($0)", "--catalogue", url]) }
        let results = running.map { process -> RunResult in
            process.process.waitUntilExit()
            return ws.finish(process)
        }
        for result in results { #expect(result.status == 0, "\(result.stderr)") }
        let ids = Set(
            try (0..<6).map { worker -> String in
                let show = try #require(
                    try ws.ok("catalogue", "show", "--repo", "worker-\(worker)", "--json").json() as? [String: Any])
                return try #require(show["repository"] as? String)
            })
        #expect(ids.count == 1, "one catalogue, one repository id: \(ids)")
        // An empty catalogue is a sound one.
        let doctor = try #require(try ws.kho("doctor", "--repo", "worker-0", "--json").json() as? [String: Any])
        #expect(doctor["ok"] as? Bool == true, "\(doctor)")
        let versions = String(
            decoding: try Self.capture("psql '\(url)' -qAt -c 'SELECT count(*) = count(DISTINCT version), min(version) FROM kho_schema'"),
            as: UTF8.self)
        #expect(versions.trimmingCharacters(in: .whitespacesAndNewlines) == "t|1", "each version applied once: \(versions)")
        // And they all read it at once.
        let readers = (0..<6).map { ws.start(["report", "summary", "--repo", "worker-\($0)", "--json"]) }
        for reader in readers {
            reader.process.waitUntilExit()
            #expect(ws.finish(reader).status == 0)
        }
    }

    static func capture(_ command: String) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return data
    }

    @Test("imports from several provinces into one national catalogue at once, while reports and searches run")
    func concurrentImports() throws {
        let ws = try Workspace()
        // Three provinces' bundles, each from a repository of its own.
        let bundles = try Self.provinceBundles(ws, ["gia-lai", "thanh-hoa", "bac-giang"], articles: 40) {
            province, index, number in
            ("bai-\(number).txt", "Bài \(number) của \(province) về quyền con người, số \(index * 100 + number).")
        }
        let expected = 3 * 40
        // One national catalogue; four import workers, each with its own folder, one bundle twice at once.
        let url = try Self.database(ws)
        for worker in 0..<4 { try ws.ok("init", "--repo", "national-\(worker)", "--catalogue", url) }
        let plan = [(0, bundles[0]), (1, bundles[1]), (2, bundles[2]), (3, bundles[0])]
        let readers = (0..<2).map { index in
            ws.start(
                ["-c", "for i in $(seq 1 15); do kho report summary --by province --repo national-\(index) --json >/dev/null || exit 1; kho search quyen --repo national-\(index) >/dev/null || exit 1; done"],
                environment: ["PATH": URL(fileURLWithPath: Workspace.binary).deletingLastPathComponent().path + ":/usr/bin:/bin"],
                executable: "/bin/sh")
        }
        let imports = plan.map { worker, bundle in ws.start(["import", "--repo", "national-\(worker)", bundle]) }
        var failures: [String] = []
        for running in imports + readers {
            running.process.waitUntilExit()
            let result = ws.finish(running)
            if result.status != 0 { failures.append(result.stderr) }
        }
        #expect(failures.isEmpty, "\(failures)")
        let listed = try ws.ok("list", "--repo", "national-0", "--ids").stdout.split(separator: "\n")
        #expect(listed.count == expected, "every product once")
        #expect(Set(listed).count == listed.count)
        let summary = try #require(try ws.ok("report", "summary", "--repo", "national-1", "--json").json() as? [String: Any])
        #expect((summary["catalogue"] as? [String: Any])?["products"] as? Int == expected)
        // Each product was merged once per import that brought it, never duplicated.
        let objects = try Self.capture("psql '\(url)' -qAt -c 'SELECT count(*), count(DISTINCT sha256) FROM object'")
        let counts = String(decoding: objects, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(counts == "\(expected)|\(expected)", "\(counts)")
        let doctor = try ws.kho("doctor", "--repo", "national-2", "--json")
        let findings = (try doctor.json() as? [String: Any])?["findings"] as? [[String: Any]] ?? []
        #expect(!findings.contains { ($0["check"] as? String) == "derived" }, "\(findings)")
    }

    /// A bundle from each province's own repository (`province-N`, exported to `bundle-N.zip`), of
    /// `articles` text files, each named and written by `article(province, N, number)`.
    static func provinceBundles(
        _ ws: Workspace, _ provinces: [String], articles: Int,
        article: (String, Int, Int) -> (name: String, text: String)
    ) throws -> [String] {
        try provinces.enumerated().map { index, province in
            let repo = "province-\(index)"
            #expect(ws.sh("kho init --repo \(repo)").status == 0)
            for number in 0..<articles {
                let (name, text) = article(province, index, number)
                try ws.write("\(repo)-in/\(name)", text)
            }
            try ws.ok("ingest", "--repo", repo, "\(repo)-in", "--kind", "article", "--lang", "vi", "--province", province)
            try ws.ok("export", "--repo", repo, "--out", "bundle-\(index).zip")
            return "bundle-\(index).zip"
        }
    }

    /// PgBouncer in front of the test server (`scripts/postgres pool`), as the README sets up the
    /// national tier; nil when it was not started.
    static let pooler: String? = {
        guard let value = ProcessInfo.processInfo.environment["KHO_TEST_PGBOUNCER"], !value.isEmpty else { return nil }
        return value.hasSuffix("/postgres") ? String(value.dropLast("/postgres".count)) : value
    }()

    @Test(
        "through PgBouncer, as the README sets up the national tier: imports at once, reads, edits, checks",
        .enabled(if: Self.pooler != nil, "needs PgBouncer in front of the test server (scripts/test starts one)"))
    func throughPgBouncer() throws {
        let ws = try Workspace()
        let bundles = try Self.provinceBundles(ws, ["gia-lai", "thanh-hoa"], articles: 15) { province, index, number in
            ("binh-dang-gioi-\(index * 100 + number).txt", "Bài \(number) của \(province) về bình đẳng giới.")
        }
        // The database is made through the pooler, and dropped with the workspace on the server.
        let pooler = try #require(Self.pooler)
        let name = "kho_test_pool_\(UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased())"
        let url = "\(pooler)/\(name)"
        ws.databases.append(url)
        try ws.ok("init", "--repo", "national-0", "--catalogue", url)
        try ws.ok("init", "--repo", "national-1", "--catalogue", url)
        #expect(try ws.ok("catalogue", "show", "--repo", "national-0").stdout.contains("PostgreSQL"))
        // Two imports at once into one folder, with a reader in another, each a command of its own
        // through the pooler.
        let path = URL(fileURLWithPath: Workspace.binary).deletingLastPathComponent().path + ":/usr/bin:/bin"
        let reader = ws.start(
            ["-c", "for i in $(seq 1 10); do kho search gioi --repo national-1 >/dev/null || exit 1; kho report summary --repo national-1 --json >/dev/null || exit 1; done"],
            environment: ["PATH": path], executable: "/bin/sh")
        let imports = bundles.map { bundle in ws.start(["import", "--repo", "national-0", bundle]) }
        var failures: [String] = []
        for running in imports + [reader] {
            running.process.waitUntilExit()
            let result = ws.finish(running)
            if result.status != 0 { failures.append(result.stderr) }
        }
        #expect(failures.isEmpty, "\(failures)")
        // What the imports brought, read back through the pooler: searched, shown, edited, removed.
        let hits = try ws.ok("search", "binh dang gioi 105", "--repo", "national-0", "--ids").stdout
            .split(separator: "\n").map(String.init)
        #expect(hits.count == 1, "\(hits)")
        let id = try #require(hits.first)
        #expect(try ws.ok("show", id, "--repo", "national-1").stdout.contains("thanh-hoa"))
        try ws.ok("edit", id, "--repo", "national-1", "--title", "Bình đẳng giới ở Thanh Hóa")
        #expect(try ws.ok("search", "thanh hoa", "--repo", "national-0", "--ids").stdout.contains(id))
        try ws.ok("remove", id, "--repo", "national-0", "--reason", "trùng lặp")
        let summary = try #require(try ws.ok("report", "summary", "--repo", "national-1", "--json").json() as? [String: Any])
        #expect((summary["catalogue"] as? [String: Any])?["products"] as? Int == 29)
        try ws.ok("verify", "--repo", "national-0")
        let doctor = try #require(try ws.kho("doctor", "--repo", "national-0", "--json").json() as? [String: Any])
        #expect(doctor["ok"] as? Bool == true, "\(doctor)")
        // A database the server does not have is named as such through the pooler too.
        let gonePath = ws.root.appendingPathComponent("gone").path
        try FileManager.default.copyItem(atPath: ws.root.appendingPathComponent("national-1").path, toPath: gonePath)
        try "\(pooler)/kho_test_pool_none\n".write(toFile: gonePath + "/catalogue.url", atomically: true, encoding: .utf8)
        let gone = try ws.kho("list", "--repo", "gone")
        #expect(gone.status != 0)
        #expect(gone.stderr.contains("the server has no such database"), "\(gone.stderr)")
    }
}
