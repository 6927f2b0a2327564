import Foundation
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Exhibitions end to end: built from the sample corpus with the `kho` binary, published,
/// reported, exported as a static site and walked through on a running `kho serve`.
@Suite("exhibitions: build, publish, report, export, serve")
struct ExhibitionTests {
    /// The sample corpus, with one exhibition in Vietnamese and English showing the photo, the
    /// radio report and the English handbook, in that order.
    static func exhibitionWorkspace() throws -> (ws: Workspace, exhibition: String, products: [String: String]) {
        let ws = try SearchListEditTests.sampleWorkspace()
        var products: [String: String] = [:]
        for product in try ws.products() {
            if let kind = product["kind"] as? String, let id = product["id"] as? String { products[kind] = id }
        }
        let created = try ws.ok(
            "exhibition", "create", "--title", "Thành tựu bảo đảm quyền con người", "--title",
            "en=Human rights in Viet Nam", "--description", "Ảnh và tài liệu lưu trữ.", "--province", "gia-lai",
            "--venue", "Bảo tàng tỉnh Gia Lai", "--opens", "2025-12-01", "--closes", "2025-12-15", "--json")
        let exhibition = try #require((try created.json() as? [String: Any])?["id"] as? String)
        try ws.ok(
            "exhibition", "add", exhibition, try #require(products["exhibition-photo"]), "--caption",
            "Ảnh triển lãm tại Thanh Hóa", "--caption", "en=Exhibition photo, Thanh Hoa")
        try ws.ok("exhibition", "add", exhibition, try #require(products["radio-report"]), try #require(products["book"]))
        return (ws, exhibition, products)
    }

    static func show(_ ws: Workspace, _ id: String) throws -> [String: Any] {
        try #require(try ws.ok("exhibition", "show", id, "--json").json() as? [String: Any])
    }

    @Test("an archivist builds an exhibition: items in order with captions per language, every change an event")
    func lifecycle() throws {
        let (ws, id, products) = try Self.exhibitionWorkspace()
        let photo = try #require(products["exhibition-photo"])
        let radio = try #require(products["radio-report"])
        let book = try #require(products["book"])
        try ws.ok("exhibition", "caption", id, "2", "en=A bilingual radio report", "vi=Phóng sự song ngữ")
        try ws.ok("exhibition", "move", id, book, "1")
        var shown = try Self.show(ws, id)
        var items = try #require(shown["items"] as? [[String: Any]])
        #expect(items.map { $0["product"] as? String } == [book, photo, radio])
        #expect((items[1]["caption"] as? [String: String]) == ["vi": "Ảnh triển lãm tại Thanh Hóa", "en": "Exhibition photo, Thanh Hoa"])
        #expect((items[2]["caption"] as? [String: String]) == ["vi": "Phóng sự song ngữ", "en": "A bilingual radio report"])
        #expect(shown["languages"] as? [String] == ["vi", "en"])
        #expect(shown["province"] as? String == "gia-lai@2025")
        #expect(shown["revision"] as? Int == 5)
        let events = try #require(shown["events"] as? [[String: Any]])
        #expect(events.map { $0["type"] as? String } == ["creation", "item added", "item added", "caption changed", "item moved"])
        #expect(events.map { $0["revision"] as? Int } == [1, 2, 3, 4, 5])

        // Refused changes name every problem and write nothing.
        let refused = try ws.kho(
            "exhibition", "add", id, photo, "ZZZZZZZZZZZZZZZZ", "--caption", "fr=Photo", "--at", "9")
        #expect(refused.status != 0)
        for expected in ["already", "ZZZZZZZZZZZZZZZZ", "'fr'", "position 9"] {
            #expect(refused.stderr.contains(expected), "\(expected): \(refused.stderr)")
        }
        let place = try ws.kho("exhibition", "edit", id, "--province", "gia-lai", "--abroad", "fr", "--closes", "2025-11-01")
        #expect(place.status != 0)
        #expect(place.stderr.contains("--province") && place.stderr.contains("--closes 2025-11-01"), "\(place.stderr)")
        #expect(try ws.kho("exhibition", "edit", id, "--abroad", "vn").stderr.contains("Viet Nam is not abroad"))
        #expect(try ws.kho("exhibition", "edit", id, "--abroad", "atlantis").stderr.contains("atlantis"))
        #expect(try ws.kho("exhibition", "show", "not-an-id").stderr.contains("'not-an-id' is not an exhibition id"))
        #expect(try ws.kho("exhibition", "show", "1M8XHB0A3D5KQ7ZT").stderr.contains("no exhibition has the id 1M8XHB0A3D5KQ7ZT"))
        shown = try Self.show(ws, id)
        #expect(shown["revision"] as? Int == 5)

        // Abroad by country name, in Vietnamese; a language dropped with its texts.
        try ws.ok("exhibition", "edit", id, "--abroad", "Lào", "--drop-language", "en")
        shown = try Self.show(ws, id)
        #expect(shown["country"] as? String == "la")
        #expect(shown["province"] == nil)
        #expect(shown["languages"] as? [String] == ["vi"])
        items = try #require(shown["items"] as? [[String: Any]])
        #expect(items.allSatisfy { ($0["caption"] as? [String: String])?["en"] == nil })

        // Taking an item off keeps the product; deleting keeps the products and the history.
        try ws.ok("exhibition", "remove", id, radio)
        #expect(try ws.ok("show", radio).status == 0)
        #expect(try ws.ok("exhibition", "list").stdout.contains("2 items"))
        // A product removed from the catalogue stays an item, shown nowhere; kho remove and doctor say so.
        let removed = try ws.ok("remove", book, "--reason", "a test", "--override-retention", "a test")
        #expect(removed.stderr.contains("was shown in exhibition(s) \(id)"), "\(removed.stderr)")
        let doctor = try #require(try ws.kho("doctor", "--json").json() as? [String: Any])
        let findings = try #require(doctor["findings"] as? [[String: Any]])
        #expect(findings.contains { $0["check"] as? String == "exhibitions" && ($0["message"] as? String)?.contains(book) == true }, "\(findings)")
        try ws.ok("exhibition", "delete", id, "--reason", "a test")
        #expect(try ws.kho("exhibition", "show", id).status != 0)
        #expect(try ws.ok("exhibition", "list").stderr.contains("no exhibitions yet"))
        let kept = try ws.catalogueSQL("SELECT type FROM exhibition_event WHERE exhibition_id = '\(id)' ORDER BY seq")
        #expect(kept.split(separator: "\n").last == "deletion")
    }

    @Test("publishing needs a public product; the report counts each of the 34 provinces, across the 2025 merger, and abroad")
    func report() throws {
        let (ws, id, _) = try Self.exhibitionWorkspace()
        let empty = try ws.ok("exhibition", "create", "--title", "Trống", "--json")
        let emptyID = try #require((try empty.json() as? [String: Any])?["id"] as? String)
        let refused = try ws.kho("exhibition", "publish", emptyID)
        #expect(refused.status != 0 && refused.stderr.contains("no public product"), "\(refused.stderr)")
        try ws.ok("exhibition", "publish", id)
        #expect(try ws.ok("exhibition", "publish", id).stdout.contains("online already"))

        // A 2022 province (Bình Định) counts for Gia Lai now; one abroad, in Laos, online only.
        let older = try ws.ok(
            "exhibition", "create", "--title", "Quyền trẻ em", "--title", "jra=Quyền trẻ em (Jrai)",
            "--province", "binh-dinh@2022", "--opens", "2024-03-01", "--json")
        let olderID = try #require((try older.json() as? [String: Any])?["id"] as? String)
        let abroad = try ws.ok(
            "exhibition", "create", "--title", "Việt Nam và quyền con người", "--title", "lo=ຫວຽດນາມ", "--abroad", "la",
            "--json")
        let abroadID = try #require((try abroad.json() as? [String: Any])?["id"] as? String)
        let photo = try #require(try ws.products().first { $0["kind"] as? String == "exhibition-photo" }?["id"] as? String)
        try ws.ok("exhibition", "add", abroadID, photo)
        try ws.ok("exhibition", "publish", abroadID)

        let all = try #require(try ws.ok("report", "exhibitions", "--json").json() as? [String: Any])
        #expect(all["province_count"] as? Int == 34)
        #expect(all["covered"] as? Int == 1)
        #expect(all["held"] as? Int == 3)
        #expect(all["total"] as? Int == 4)
        let provinces = try #require(all["provinces"] as? [[String: Any]])
        let gialai = try #require(provinces.first { $0["code"] as? String == "gia-lai" })
        #expect(Set(gialai["exhibitions"] as? [String] ?? []) == [id, olderID])
        #expect(gialai["in_person"] as? Int == 2)
        #expect(gialai["online"] as? Int == 1)
        #expect(gialai["vietnamese"] as? Bool == true)
        #expect(gialai["foreign"] as? Bool == true)
        #expect(gialai["ethnic"] as? Bool == true)
        #expect(all["covered_in_person_and_online"] as? Int == 1)
        let countries = try #require(all["abroad"] as? [[String: Any]])
        #expect(countries.count == 1)
        #expect(countries.first?["code"] as? String == "la")
        #expect(countries.first?["name_vi"] as? String == "Lào")
        #expect(countries.first?["online"] as? Int == 1)

        // 2024: only the exhibition open in person in March 2024 (the others are later).
        let year = try #require(try ws.ok("report", "exhibitions", "--period", "2024", "--json").json() as? [String: Any])
        #expect(year["held"] as? Int == 1)
        #expect(year["covered"] as? Int == 1)
        #expect(year["covered_vietnamese_and_foreign"] as? Int == 0)
        #expect(try ws.kho("report", "exhibitions", "--period", "2024-H3").stderr.contains("2024-H3"))

        let text = try ws.ok("report", "exhibitions").stdout
        #expect(text.contains("1 / 34"), "\(text)")
        let csv = try ws.ok("report", "exhibitions", "--format", "csv").stdout
        #expect(csv.split(separator: "\r\n").count == 1 + 34 + 1)
        #expect(csv.contains("abroad:la"))
        let vietnamese = try ws.kho(["report", "exhibitions"], environment: ["KHO_LANG": "vi"]).stdout
        #expect(vietnamese.contains("Số tỉnh, thành phố đã tổ chức triển lãm"), "\(vietnamese)")
    }

    @Test("libvips is loaded when the first image is made, not by every command at its start")
    func libvipsLoadedLate() throws {
        // Linked, libvips and the 103 shared libraries it brings took each command about 35 ms to
        // load before it did anything; `kho --version` loads none of them now.
        let ws = try Workspace()
        let loaded = ws.sh("LD_DEBUG=files kho --version 2>&1 >/dev/null | grep -c 'file=libvips'")
        #expect(loaded.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "0", "\(loaded.stdout)")
        #expect(ws.sh("ldd \(Workspace.binary) | grep -q libvips").status != 0, "libvips is not linked")
    }

    @Test("a static export runs from its folder: every language, web-sized images only, no private product, a manifest that checks")
    func staticExport() throws {
        let (ws, id, products) = try Self.exhibitionWorkspace()
        try ws.ok("config", "set", "base-url", "https://kho.example.gov.vn")
        let radio = try #require(products["radio-report"])
        try ws.ok("exhibition", "export", id, "--out", "with-media")
        try ws.ok("exhibition", "export", id, "--out", "small", "--no-media")
        let withMedia = try FileManager.default.subpathsOfDirectory(atPath: ws.root.appendingPathComponent("with-media").path)
        let small = try FileManager.default.subpathsOfDirectory(atPath: ws.root.appendingPathComponent("small").path)
        #expect(withMedia.contains { $0.hasPrefix("media/") && $0.hasSuffix(".mp3") }, "\(withMedia)")
        #expect(!small.contains { $0.hasPrefix("media/") }, "\(small)")
        try ws.ok("edit", radio, "--private")
        let result = try ws.ok("exhibition", "export", id, "--out", "site")
        #expect(result.stderr.contains("1 private product"), "\(result.stderr)")
        let site = ws.root.appendingPathComponent("site")
        let names = Set(try FileManager.default.subpathsOfDirectory(atPath: site.path))
        #expect(names.contains("index.html") && names.contains("index.en.html") && names.contains("exhibition.js"))
        #expect(!names.contains { $0.hasPrefix("media/") }, "the radio report is private: \(names)")
        let book = try #require(products["book"])
        let handbook = try #require(
            ((try ws.ok("show", book, "--json").json() as? [String: Any])?["product"] as? [String: Any]).flatMap {
                ($0["files"] as? [[String: Any]])?.first?["sha256"] as? String
            })
        let images = names.filter { $0.hasPrefix("images/") }
        // The photo and the handbook's first page, each at three widths in two formats.
        #expect(images.count == 12, "\(images)")
        for name in images {
            let data = try Data(contentsOf: site.appendingPathComponent(name))
            if name.hasSuffix(".webp") {
                #expect(data.prefix(4) == Data("RIFF".utf8) && data.dropFirst(8).prefix(4) == Data("WEBP".utf8), "\(name)")
            } else {
                #expect(data.prefix(3) == Data([0xFF, 0xD8, 0xFF]), "\(name)")
            }
            let width = try #require(Int(name.split(separator: "-").last?.split(separator: ".").first ?? ""))
            let size = ws.sh("vipsheader -f width '\(site.appendingPathComponent(name).path)'")
            #expect(size.status == 0, "vipsheader (libvips-tools): \(size.stderr)")
            let written = Int(size.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
            #expect(written <= width, "\(name) is \(written) px wide")
            // The handbook's PDF page is rendered at each width (a vector page, not a 72-dpi bitmap
            // shrunk; the photo, smaller than 960 px, is never enlarged)
            // (or as wide as fits 2000 px of height).
            if name.hasPrefix("images/\(handbook)") {
                let height = ws.sh("vipsheader -f height '\(site.appendingPathComponent(name).path)'").stdout
                    .trimmingCharacters(in: .whitespacesAndNewlines)
                #expect(written == width || height == "2000", "\(name) is \(written) × \(height) px")
            }
        }
        #expect(ws.sh("cd '\(site.path)' && sha256sum --quiet -c manifest-sha256.txt").status == 0)
        let page = try String(contentsOf: site.appendingPathComponent("index.html"), encoding: .utf8)
        #expect(page.contains("<html lang=\"vi\">"))
        #expect(page.contains("alt=\"Ảnh triển lãm tại Thanh Hóa\""))
        #expect(!page.contains("src=\"/") && !page.contains("href=\"/"), "an export links nothing outside itself")
        #expect(page.contains("https://kho.example.gov.vn/x/\(id)"))
        #expect(!page.contains("Phóng sự"), "the private radio report is left out")
        let english = try String(contentsOf: site.appendingPathComponent("index.en.html"), encoding: .utf8)
        #expect(english.contains("<html lang=\"en\">") && english.contains("Human rights in Viet Nam"))
        #expect(english.contains("alt=\"Exhibition photo, Thanh Hoa\""))
        // The caption the handbook has none of falls back to its title, marked in its language.
        #expect(english.contains("Human rights in Viet Nam: a handbook"))

        let again = try ws.kho("exhibition", "export", id, "--out", "site")
        #expect(again.status != 0 && again.stderr.contains("--force"), "\(again.stderr)")
        try ws.ok("exhibition", "export", id, "--out", "site.zip")
        let listing = ws.sh("unzip -Z1 '\(ws.root.appendingPathComponent("site.zip").path)'").stdout
        #expect(listing.contains("index.html") && listing.contains("manifest-sha256.txt"), "\(listing)")
        #expect(!FileManager.default.fileExists(atPath: ws.root.appendingPathComponent(".site.part-1").path))
    }

    @Test("kho serve shows a published exhibition at /x/<id>, in each language, with web-sized images of its items only")
    func served() async throws {
        let (ws, id, products) = try Self.exhibitionWorkspace()
        let port = try ServeTests.freePort()
        let base = "http://127.0.0.1:\(port)"
        try ws.ok("config", "set", "base-url", base)
        let qr = ws.root.appendingPathComponent("x.png").path
        let made = try ws.ok("exhibition", "qr", id, "--out", qr)
        #expect(made.stderr.contains("not published"))
        #expect(try QRTests.decode(qr) == "\(base)/x/\(id)")
        let server = ws.start(["serve", "--port", String(port)])
        defer { if server.process.isRunning { server.process.terminate() } }
        var ready = false
        for _ in 0..<100 where !ready {
            ready = (try? await ServeTests.get("\(base)/healthz").0) == 200
            if !ready { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(ready)
        #expect(try await ServeTests.get("\(base)/x/\(id)").0 == 404, "not published yet")
        try ws.ok("exhibition", "publish", id)
        let (status, body, headers) = try await ServeTests.get("\(base)/x/\(id)")
        #expect(status == 200)
        #expect(headers["content-security-policy"]?.contains("script-src 'self'") == true)
        #expect(headers["content-language"] == "vi")
        let html = String(decoding: body, as: UTF8.self)
        #expect(html.contains("Thành tựu bảo đảm quyền con người"))
        #expect(html.contains("<section class=\"slides\" id=\"slides\" tabindex=\"0\" aria-label=\"Các hiện vật\">"))
        #expect(html.contains("alt=\"Ảnh triển lãm tại Thanh Hóa\""))
        #expect(html.contains("<audio controls"))
        #expect(html.contains("hreflang=\"en\""))
        let english = String(decoding: try await ServeTests.get("\(base)/x/\(id)?lang=en").1, as: UTF8.self)
        #expect(english.contains("<html lang=\"en\">") && english.contains("Next →"))

        let photo = try #require(products["exhibition-photo"])
        let sha256 = try #require(
            ((try ws.ok("show", photo, "--json").json() as? [String: Any])?["product"] as? [String: Any]).flatMap {
                ($0["files"] as? [[String: Any]])?.first?["sha256"] as? String
            })
        let (imageStatus, image, imageHeaders) = try await ServeTests.get("\(base)/x/\(id)/i/\(sha256)/480.webp")
        #expect(imageStatus == 200)
        #expect(imageHeaders["content-type"] == "image/webp")
        #expect(image.prefix(4) == Data("RIFF".utf8))
        #expect(imageHeaders["cache-control"]?.contains("immutable") == true)
        let master = try Data(contentsOf: ws.root.appendingPathComponent("storage/objects/\(sha256.prefix(2))/\(sha256.dropFirst(2).prefix(2))/\(sha256)"))
        #expect(image != master, "a derivative, never the master")
        #expect(ws.sh("ls storage/derivatives/\(sha256.prefix(2))/\(sha256)-480.webp").status == 0, "cached")
        #expect(try await ServeTests.get("\(base)/x/\(id)/i/\(sha256)/481.webp").0 == 404)
        #expect(try await ServeTests.get("\(base)/x/\(id)/i/\(String(repeating: "a", count: 64))/480.webp").0 == 404)
        #expect(try await ServeTests.get("\(base)/static/exhibition.js").0 == 200)
        let list = String(decoding: try await ServeTests.get("\(base)/x").1, as: UTF8.self)
        #expect(list.contains("/x/\(id)"))
        // The API: the published exhibitions, and one with its public items.
        let listed = try #require(try JSONSerialization.jsonObject(with: try await ServeTests.get("\(base)/api/v1/exhibitions").1) as? [String: Any])
        #expect((listed["items"] as? [[String: Any]])?.first?["id"] as? String == id)
        let one = try #require(try JSONSerialization.jsonObject(with: try await ServeTests.get("\(base)/api/v1/exhibitions/\(id)").1) as? [String: Any])
        #expect((one["items"] as? [Any])?.count == 3)
        #expect(one["link"] as? String == "\(base)/x/\(id)")
        #expect(try await ServeTests.get("\(base)/api/v1/vocabularies/licences").0 == 200)
        // A private product is not shown; unpublishing takes the page down.
        try ws.ok("edit", photo, "--private")
        let after = String(decoding: try await ServeTests.get("\(base)/x/\(id)").1, as: UTF8.self)
        #expect(!after.contains("Ảnh triển lãm tại Thanh Hóa"))
        #expect(try await ServeTests.get("\(base)/x/\(id)/i/\(sha256)/480.webp").0 == 404)
        let fewer = try #require(try JSONSerialization.jsonObject(with: try await ServeTests.get("\(base)/api/v1/exhibitions/\(id)").1) as? [String: Any])
        #expect((fewer["items"] as? [Any])?.count == 2, "the private photo is left out")
        try ws.ok("exhibition", "unpublish", id)
        #expect(try await ServeTests.get("\(base)/x/\(id)").0 == 404)
        #expect(try await ServeTests.get("\(base)/api/v1/exhibitions/\(id)").0 == 404)
    }

    @Test("bundles carry exhibitions (format 2): imported elsewhere, later revisions win, an unchanged one is left alone")
    func bundles() throws {
        let (ws, id, _) = try Self.exhibitionWorkspace()
        try ws.ok("exhibition", "publish", id)
        try ws.ok("export", "--out", "full")
        let bag = ws.root.appendingPathComponent("full").path
        let info = try String(contentsOfFile: bag + "/bag-info.txt", encoding: .utf8)
        #expect(info.contains("Kho-Format-Version: 2") && info.contains("Kho-Exhibition-Count: 1"), "\(info)")
        let schema = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("catalogue-schema/exhibition.schema.json").path
        let script = try ws.write(
            "check.py",
            """
            import json, sys, jsonschema
            validator = jsonschema.Draft202012Validator(json.load(open(sys.argv[1])))
            errors = [e.message for line in open(sys.argv[2], encoding='utf-8') for e in validator.iter_errors(json.loads(line))]
            print("\\n".join(errors)); sys.exit(1 if errors else 0)
            """)
        let checked = ws.sh("python3 '\(script)' '\(schema)' '\(bag)/data/exhibitions.jsonl'")
        #expect(checked.status == 0, "\(checked.stdout)")
        #expect(ws.sh("python3 -m bagit --validate '\(bag)' > /dev/null 2>&1").status == 0)
        // A filtered export carries no exhibition, and stays format 1.
        try ws.ok("export", "--kind", "book", "--out", "books")
        let books = try String(contentsOfFile: ws.root.appendingPathComponent("books/bag-info.txt").path, encoding: .utf8)
        #expect(books.contains("Kho-Format-Version: 1") && !books.contains("Exhibition"))

        let national = try Workspace()
        try national.ok("init")
        #expect(ws.sh("cp -a '\(bag)' '\(national.root.path)/full'").status == 0)
        let first = try #require(try national.ok("import", "full", "--json").json() as? [String: Any])
        #expect((first["summary"] as? [String: Int])?["exhibitions_merged"] == 1)
        let copy = try #require(try national.ok("exhibition", "show", id, "--json").json() as? [String: Any])
        #expect(copy["published"] as? Bool == true)
        #expect((copy["items"] as? [[String: Any]])?.count == 3)
        #expect((copy["events"] as? [[String: Any]])?.last?["type"] as? String == "merging")
        let again = try #require(try national.ok("import", "full", "--json").json() as? [String: Any])
        #expect((again["summary"] as? [String: Int])?["exhibitions_merged"] == 0)
        #expect((again["summary"] as? [String: Int])?["exhibitions_unchanged"] == 1)

        // A change at the source travels in the next increment and replaces the copy.
        try ws.ok("exhibition", "edit", id, "--closes", "2025-12-31")
        try ws.ok("export", "--since", "last", "--out", "increment")
        #expect(ws.sh("cp -a '\(ws.root.path)/increment' '\(national.root.path)/increment'").status == 0)
        let update = try #require(try national.ok("import", "increment", "--json").json() as? [String: Any])
        #expect((update["summary"] as? [String: Int])?["exhibitions_merged"] == 1)
        #expect((try national.ok("exhibition", "show", id, "--json").json() as? [String: Any])?["closes"] as? String == "2025-12-31")
        // The older full bundle no longer replaces it.
        let older = try #require(try national.ok("import", "full", "--json").json() as? [String: Any])
        #expect((older["summary"] as? [String: Int])?["exhibitions_merged"] == 0)
        #expect((try national.ok("exhibition", "show", id, "--json").json() as? [String: Any])?["closes"] as? String == "2025-12-31")
        #expect(try national.ok("report", "exhibitions").stdout.contains("1 / 34"))
    }
}
