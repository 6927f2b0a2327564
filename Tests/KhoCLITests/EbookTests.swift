import Foundation
import Testing

@Suite("e-books stamped with a QR page")
struct EbookTests {
    static let formats = IntegrityTests.formats

    static func workspace() throws -> Workspace {
        let ws = try Workspace()
        try ws.ok("init")
        try ws.ok("config", "set", "base-url", "https://kho.example.gov.vn")
        return ws
    }

    static func ingest(_ ws: Workspace, _ path: String, kind: String = "ebook") throws -> String {
        let result = try ws.ok("ingest", path, "--kind", kind, "--json", "--on-duplicate", "link")
        let items = try #require((try result.json() as? [String: Any])?["items"] as? [[String: Any]])
        return try #require((items.first?["product"] as? [String: Any])?["id"] as? String)
    }

    /// EPUBCheck's verdict on a file (exit status 0: no errors).
    static func epubcheck(_ path: String) throws -> (Int32, String) {
        let output = path + ".epubcheck.txt"
        let status = try Workspace.shell("java -jar /usr/share/java/epubcheck.jar '\(path)' > '\(output)' 2>&1")
        return (status, (try? String(contentsOfFile: output, encoding: .utf8)) ?? "")
    }

    @Test(
        "stamped EPUB 2 and EPUB 3 pass EPUBCheck, hold a QR that decodes to the link, and the master is untouched",
        arguments: ["book-epub2.epub", "book-epub3.epub"])
    func stampPassesEPUBCheck(fixture: String) throws {
        let ws = try Self.workspace()
        let id = try Self.ingest(ws, Self.formats.appendingPathComponent(fixture).path)
        let before = try #require(try ws.products().first?["files"] as? [[String: Any]])
        let result = try ws.ok("ebook", "stamp", id, "--out", "stamped.epub")
        #expect(result.stdout.contains("stamped"))
        let stamped = ws.root.appendingPathComponent("stamped.epub").path
        let (status, report) = try Self.epubcheck(stamped)
        #expect(status == 0, "EPUBCheck: \(report)")
        // mimetype first and stored.
        let head = try Data(contentsOf: URL(fileURLWithPath: stamped)).prefix(58)
        #expect(String(decoding: head[30..<38], as: UTF8.self) == "mimetype" && head[8] == 0)
        // The QR page's image decodes to the product's link.
        let unpacked = ws.root.appendingPathComponent("unpacked").path
        #expect(try Workspace.shell("unzip -q -o '\(stamped)' -d '\(unpacked)'") == 0)
        let image = try #require(
            FileManager.default.enumerator(atPath: unpacked)?.compactMap { $0 as? String }.first {
                $0.hasSuffix("kho-qr.png")
            })
        #expect(try QRTests.decode("\(unpacked)/\(image)") == "https://kho.example.gov.vn/p/\(id)")
        // The page speaks the repository's language (English in these tests; Vietnamese by default).
        let page = try #require(
            FileManager.default.enumerator(atPath: unpacked)?.compactMap { $0 as? String }.first {
                $0.hasSuffix("kho-qr.xhtml")
            })
        let xhtml = try String(contentsOfFile: "\(unpacked)/\(page)", encoding: .utf8)
        #expect(xhtml.contains("Scan the code to open this book's page"))
        #expect(xhtml.contains("xml:lang=\"en\""))
        // A derivative is added; the master is as it was.
        let files = try #require(try ws.products().first?["files"] as? [[String: Any]])
        #expect(files.count == 2)
        #expect(files.first?["sha256"] as? String == before.first?["sha256"] as? String)
        #expect(files.last?["role"] as? String == "derivative")
        try ws.ok("verify")
        // The same stamp again gives the same bytes, so nothing new is stored.
        #expect(try ws.ok("ebook", "stamp", id).stdout.contains("unchanged"))
    }

    @Test("every book of the EPUB corpus passes EPUBCheck before stamping and after: prefixes, fixed layout, RTL, vertical, SVG, media overlays, obfuscated fonts, EPUB 2")
    func corpus() throws {
        let ws = try Self.workspace()
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("scripts/make-epub-corpus.py").path
        let audio = Self.formats.appendingPathComponent("speech-96kbps.mp3").path
        #expect(try Workspace.shell("python3 '\(script)' '\(ws.root.path)/corpus' '\(audio)'") == 0)
        let books = try FileManager.default.contentsOfDirectory(atPath: ws.root.path + "/corpus")
            .filter { $0.hasSuffix(".epub") }.sorted()
        #expect(books.count >= 10)
        var pages: [String: String] = [:]
        for book in books {
            let path = ws.root.path + "/corpus/" + book
            let (before, made) = try Self.epubcheck(path)
            #expect(before == 0, "\(book) as made: \(made)")
            let id = try Self.ingest(ws, path)
            let stamped = ws.root.path + "/stamped-" + book
            try ws.ok("ebook", "stamp", id, "--out", stamped)
            let (after, report) = try Self.epubcheck(stamped)
            #expect(after == 0, "\(book) stamped: \(report)")
            let unpacked = ws.root.path + "/unpacked-" + book
            #expect(try Workspace.shell("unzip -q -o '\(stamped)' -d '\(unpacked)'") == 0)
            let page = try #require(
                FileManager.default.enumerator(atPath: unpacked)?.compactMap { $0 as? String }.first {
                    $0.hasSuffix("kho-qr.xhtml")
                })
            pages[book] = try String(contentsOfFile: unpacked + "/" + page, encoding: .utf8)
        }
        let unpacked = ws.root.path + "/unpacked-"
        // A prefixed package document gets prefixed elements.
        let prefixed = try String(contentsOfFile: unpacked + "epub3-prefixed-opf.epub/OEBPS/content.opf", encoding: .utf8)
        #expect(prefixed.contains("<opf:item id=\"kho-qr-page\" href=\"kho-qr.xhtml\""))
        #expect(prefixed.contains("<opf:itemref idref=\"kho-qr-page\"/>"))
        // A fixed-layout book: the page takes the book's viewport.
        #expect(pages["epub3-fixed-layout.epub"]?.contains("<meta name=\"viewport\" content=\"width=600, height=800\"/>") == true)
        #expect(pages["epub3-fixed-layout.epub"]?.contains("width: 600px; height: 800px") == true)
        // Right-to-left books keep their progression; the page itself is left to right.
        let rtl = try String(contentsOfFile: unpacked + "epub3-rtl.epub/OEBPS/content.opf", encoding: .utf8)
        #expect(rtl.contains("page-progression-direction=\"rtl\""))
        #expect(pages["epub3-rtl.epub"]?.contains("dir=\"ltr\"") == true)
        // An id kho would choose that the book already uses: another is chosen.
        let taken = try String(contentsOfFile: unpacked + "epub3-nav-subfolder.epub/OEBPS/content.opf", encoding: .utf8)
        #expect(taken.contains("<item id=\"kho-qr-page-2\" href=\"kho-qr.xhtml\""))
        // Font obfuscation is not DRM: the font and encryption.xml come through unchanged.
        let original = ws.root.path + "/original-font"
        #expect(try Workspace.shell("unzip -q -o '\(ws.root.path)/corpus/epub3-obfuscated-font.epub' -d '\(original)'") == 0)
        for file in ["OEBPS/font.ttf", "META-INF/encryption.xml"] {
            #expect(
                FileManager.default.contents(atPath: original + "/" + file)
                    == FileManager.default.contents(atPath: unpacked + "epub3-obfuscated-font.epub/" + file), "\(file)")
        }
    }

    @Test("encrypted, damaged and non-EPUB products are refused, and nothing is written")
    func refusals() throws {
        let ws = try Self.workspace()
        let drm = try Self.ingest(ws, Self.formats.appendingPathComponent("book-drm.epub").path)
        let encrypted = try ws.kho("ebook", "stamp", drm, "--out", "x.epub")
        #expect(encrypted.status != 0 && encrypted.stderr.contains("encrypted"))
        let pdf = try Self.ingest(ws, Self.formats.appendingPathComponent("old-1.3.pdf").path, kind: "book")
        let notEbook = try ws.kho("ebook", "stamp", pdf)
        #expect(notEbook.status != 0 && notEbook.stderr.contains("not an e-book with an EPUB file"))
        // A ZIP with an EPUB's mimetype but no container, and one whose container names a missing OPF.
        try ws.write("bad/mimetype", "application/epub+zip")
        try ws.write(
            "bad/META-INF/container.xml",
            #"<?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles><rootfile full-path="OEBPS/missing.opf" media-type="application/oebps-package+xml"/></rootfiles></container>"#
        )
        #expect(
            try Workspace.shell(
                "cd '\(ws.root.path)/bad' && zip -q -X -0 ../no-container.epub mimetype && zip -q -X -0 ../no-opf.epub mimetype && zip -q -X ../no-opf.epub META-INF/container.xml"
            ) == 0)
        for (name, message) in [("no-container.epub", "META-INF/container.xml"), ("no-opf.epub", "OEBPS/missing.opf")] {
            let id = try Self.ingest(ws, ws.root.appendingPathComponent(name).path)
            let result = try ws.kho("ebook", "stamp", id, "--out", "out-\(name)")
            #expect(result.status != 0 && result.stderr.contains(message), "\(name): \(result.stderr)")
            #expect(!FileManager.default.fileExists(atPath: ws.root.appendingPathComponent("out-\(name)").path))
        }
        #expect(try ws.kho("ebook", "stamp", "0000000000000000").stderr.contains("not in this catalogue"))
        #expect(ws.temporaryFiles().isEmpty)
        #expect(try ws.products().allSatisfy { ($0["files"] as? [Any])?.count == 1 })
    }
}
