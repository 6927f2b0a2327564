import Foundation
import Testing

@Suite("kho ingest: files, folders and manifests")
struct IngestTests {
    @Test("each kind of sample file is stored once, identified by its content, with its metadata")
    func ingestsEachKindOfFile() throws {
        let ws = try Workspace()
        try ws.ok("init")
        let cases: [(file: String, kind: String, lang: String, mime: String)] = [
            ("bai-viet-quyen-tre-em.txt", "article", "vi", "text/plain"),
            ("phong-su-quyen-dong-bao-jrai.mp3", "radio-report", "jra", "audio/mpeg"),
            ("anh-trien-lam-nhan-quyen.jpg", "exhibition-photo", "vi", "image/jpeg"),
            ("so-tay-quyen-con-nguoi-en.pdf", "book", "en", "application/pdf"),
            ("so-tay-quyen-tre-em.epub", "ebook", "vi", "application/epub+zip"),
        ]
        for item in cases {
            let path = try ws.copySample(item.file)
            let result = try ws.kho(["ingest", path, "--kind", item.kind, "--lang", item.lang, "--json"])
            #expect(result.status == 0, "\(item.file): \(result.stderr)")
            let report = try #require(try result.json() as? [String: Any])
            let entry = try #require((report["items"] as? [[String: Any]])?.first)
            #expect(entry["status"] as? String == "ingested")
            let product = try #require(entry["product"] as? [String: Any])
            #expect(product["kind"] as? String == item.kind)
            let file = try #require((product["files"] as? [[String: Any]])?.first)
            #expect(file["mime"] as? String == item.mime, "\(item.file) identified as \(file["mime"] ?? "nil")")
            let sha = try #require(file["sha256"] as? String)
            let stored = ws.root.appendingPathComponent(
                "storage/objects/\(sha.prefix(2))/\(sha.dropFirst(2).prefix(2))/\(sha)")
            #expect(try Data(contentsOf: stored) == Data(contentsOf: URL(fileURLWithPath: path)))
        }
        #expect(try ws.products().count == 5)
        #expect(ws.storedObjects().count == 5)
        #expect(ws.temporaryFiles().isEmpty)
    }

    @Test("the stored SHA-256 is the file's real SHA-256")
    func hashMatchesSha256sum() throws {
        let ws = try Workspace()
        try ws.ok("init")
        let path = try ws.copySample("phong-su-quyen-dong-bao-jrai.mp3")
        let result = try ws.ok("ingest", path, "--kind", "radio-report", "--json")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        process.arguments = [path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        process.waitUntilExit()
        let expected = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).prefix(64)
        #expect(result.stdout.contains("\"sha256\" : \"\(expected)\""))
    }

    @Test("a JPEG named .pdf is identified as a JPEG, not by its extension")
    func identifiesByContent() throws {
        let ws = try Workspace()
        try ws.ok("init")
        let path = try ws.copySample("anh-trien-lam-nhan-quyen.jpg", as: "not-really.pdf")
        let result = try ws.ok("ingest", path, "--kind", "exhibition-photo", "--json")
        #expect(result.stdout.contains("\"mime\" : \"image/jpeg\""))
    }

    @Test("a folder is ingested recursively; hidden files and links are passed over with a note")
    func ingestsFolder() throws {
        let ws = try Workspace()
        try ws.ok("init")
        try ws.copySample("anh-trien-lam-nhan-quyen.jpg", as: "photos/a.jpg")
        try ws.write("photos/day2/b.txt", "ảnh thứ hai")
        try ws.write("photos/.DS_Store", "junk")
        try Workspace.shell("ln -s /etc/passwd '\(ws.root.path)/photos/link.txt'")
        let result = try ws.ok(
            "ingest", "photos", "--kind", "exhibition-photo", "--lang", "vi", "--platform", "exhibition")
        #expect(result.stdout.contains("photos/a.jpg"))
        #expect(result.stdout.contains("photos/day2/b.txt"))
        #expect(result.stderr.contains("photos/.DS_Store: hidden, passed over"))
        #expect(result.stderr.contains("photos/link.txt: a link, passed over"))
        let titles = try ws.products().compactMap { $0["title"] as? String }.sorted()
        #expect(titles == ["a", "b"])
    }

    @Test("ingesting a folder that holds the repository passes over the repository itself")
    func skipsOwnRepository() throws {
        let ws = try Workspace()
        try ws.ok("init")
        try ws.write("article.txt", "bài viết")
        let result = try ws.ok("ingest", ".", "--kind", "article")
        #expect(result.stderr.contains("storage: the kho repository itself, passed over"))
        #expect(try ws.products().map { $0["title"] as? String } == ["article"])
    }

    @Test("titles are stored NFC whatever form they arrive in")
    func storesNFC() throws {
        let ws = try Workspace()
        try ws.ok("init")
        let nfd = "Quyền trẻ em".decomposedStringWithCanonicalMapping
        let path = try ws.write("a.txt", "x")
        try ws.ok("ingest", path, "--kind", "article", "--title", nfd)
        let title = try #require(try ws.products().first?["title"] as? String)
        #expect(
            Array(title.unicodeScalars) == Array("Quyền trẻ em".precomposedStringWithCanonicalMapping.unicodeScalars))
    }

    @Test("the sample manifest ingests five files and registers one product with no file")
    func ingestsSampleManifest() throws {
        let ws = try Workspace()
        try ws.ok("init")
        let result = try ws.ok(
            "ingest", Workspace.samples.path, "--manifest",
            Workspace.samples.appendingPathComponent("manifest.csv").path, "--json")
        let report = try #require(try result.json() as? [String: Any])
        let summary = try #require(report["summary"] as? [String: Int])
        #expect(summary == ["ingested": 5, "registered": 1])
        let products = try ws.products()
        let poster = try #require(products.first { $0["kind"] as? String == "poster" })
        #expect((poster["files"] as? [Any])?.isEmpty == true)
        let province = try #require(poster["province"] as? [String: Any])
        #expect(province["registered"] as? String == "bac-giang@2022")
        #expect(province["current"] as? String == "bac-ninh")
        let languages = try #require(poster["languages"] as? [[String: Any]])
        #expect(languages.map { $0["role"] as? String } == ["ethnic", "national"])

        // Running the same command again finishes nothing new and duplicates nothing.
        let again = try ws.ok(
            "ingest", Workspace.samples.path, "--manifest",
            Workspace.samples.appendingPathComponent("manifest.csv").path, "--json")
        let againSummary = try #require((try again.json() as? [String: Any])?["summary"] as? [String: Int])
        #expect(againSummary == ["already-ingested": 6])
        #expect(try ws.products().count == 6)
    }

    @Test("a JSON manifest with list fields as arrays, and flags filling empty fields")
    func ingestsJSONManifest() throws {
        let ws = try Workspace()
        try ws.ok("init")
        try ws.write("in/a.txt", "bài một")
        try ws.write("in/b.txt", "bài hai")
        try ws.write(
            "in/manifest.json",
            """
            [{"path": "a.txt", "title": "Bài một", "kind": "article", "languages": ["vi", "km:foreign"]},
             {"path": "b.txt", "title": "Bài hai", "languages": "en;fr", "published": "2025-08"}]
            """)
        let result = try ws.ok(
            "ingest", "in", "--manifest", "in/manifest.json", "--kind", "social-post", "--agency", "Sở TT&TT")
        #expect(result.stderr.contains("2 ingested"))
        let products = try ws.products()
        let first = try #require(products.first { $0["title"] as? String == "Bài một" })
        #expect(first["kind"] as? String == "article")
        #expect((first["languages"] as? [[String: Any]])?.last?["role_override"] as? Bool == true)
        let second = try #require(products.first { $0["title"] as? String == "Bài hai" })
        #expect(second["kind"] as? String == "social-post")
        #expect(second["agency"] as? String == "Sở TT&TT")
        #expect((second["groups"] as? [String: Bool]) == ["ethnic": false, "foreign": true, "digital": true])
        #expect(!result.stderr.contains("manifest.json: not in the manifest"))
    }

    @Test("files in the folder but not in the manifest are reported, not ingested")
    func reportsUnlistedFiles() throws {
        let ws = try Workspace()
        try ws.ok("init")
        try ws.write("in/a.txt", "a")
        try ws.write("in/extra.txt", "b")
        try ws.write("in/m.csv", "path,title,kind\na.txt,A,article\n")
        let result = try ws.ok("ingest", "in", "--manifest", "in/m.csv")
        #expect(result.stderr.contains("in/extra.txt: not in the manifest, not ingested"))
        #expect(try ws.products().count == 1)
    }

    @Test("--dry-run checks and reports, and writes nothing")
    func dryRunWritesNothing() throws {
        let ws = try Workspace()
        try ws.ok("init")
        try ws.copySample("so-tay-quyen-tre-em.epub", as: "in/book.epub")
        let result = try ws.ok("ingest", "in", "--kind", "ebook", "--dry-run")
        #expect(result.stdout.contains("would ingest"))
        #expect(try ws.products().isEmpty)
        #expect(ws.storedObjects().isEmpty)
    }

    @Test("register, then attach the digital copy later")
    func registerThenAttach() throws {
        let ws = try Workspace()
        try ws.ok("init")
        let registered = try ws.ok(
            "register", "--kind", "book", "--title", "Quyền con người trong Hiến pháp", "--lang", "vi",
            "--platform", "print-publication", "--published", "2024", "--json")
        let id = try #require((try registered.json() as? [String: Any])?["id"] as? String)
        #expect(try ws.ok("list", "--no-digitised", "--json").stdout.contains(id))
        let scan = try ws.copySample("so-tay-quyen-con-nguoi-en.pdf", as: "scan.pdf")
        let attached = try ws.ok("attach", id.lowercased(), scan, "--json")
        #expect(attached.stdout.contains("application/pdf"))
        #expect(!(try ws.ok("list", "--no-digitised", "--json").stdout.contains(id)))
        let shown = try ws.ok("show", id)
        #expect(shown.stdout.contains("accession by tester"))
        #expect(shown.stdout.contains("ingestion by tester (scan.pdf)"))
        // The same file again is refused and changes nothing.
        let again = try ws.kho("attach", id, scan)
        #expect(again.status != 0)
        #expect(again.stderr.contains("already has this file"))
    }
}
