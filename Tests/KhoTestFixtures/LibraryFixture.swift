import Foundation
import KhoCore
import KhoRepository

/// A repository in a temporary folder, filled through the library with the sample corpus's real
/// files: an EPUB (with a script and a stylesheet, to prove the reader strips and sandboxes),
/// an MP3, a PDF, a private product, a removed one, and one whose title is markup.
public final class LibraryFixture: @unchecked Sendable {
    // @unchecked: every stored property is a `let` set in init and never changed; the repository
    // is only used by the test that owns the fixture.
    public let root: String
    public let repository: Repository
    public let epub: ProductID
    public let audio: ProductID
    public let pdf: ProductID
    public let privateProduct: ProductID
    public let removed: ProductID
    public let hostile: ProductID
    public let undigitised: ProductID
    /// A fixed clock: 2025-01-15T10:00:00Z.
    public static let now = Date(timeIntervalSince1970: 1_736_935_200)

    /// The sample corpus shipped in the repository.
    public static var samples: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("samples/corpus")
    }

    public init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("kho-fixture-\(UUID().uuidString)").path
        let path = root + "/storage"
        try Repository.create(at: path, now: Self.now, catalogue: try TestBackend.newCatalogue())
        repository = try Repository(path: path)
        let ingestor = try Ingestor(repository: repository, agent: "tester", software: "kho test", now: { Self.now })
        func metadata(
            _ title: String, kind: String, languages: [(String, LanguageRole)], province: ProvinceRef? = nil,
            platforms: [String] = [], topics: [String] = [], isPublic: Bool = true, description: String? = nil
        ) -> ProductMetadata {
            ProductMetadata(
                title: title, description: description, kind: kind,
                languages: languages.map { ProductLanguage(code: $0.0, role: $0.1, roleOverride: false) },
                platforms: platforms, topics: topics, agency: "Nhà xuất bản Tư pháp", province: province,
                published: PartialDate(parsing: "2024-06"), funding: "state-budget", rights: "CC BY 4.0",
                isPublic: isPublic)
        }
        let book = try ingestor.register(
            metadata(
                "Sổ tay quyền trẻ em", kind: "ebook", languages: [("vi", .national)],
                province: ProvinceRef(code: "binh-dinh", set: .units2022), platforms: ["ebook-app"], topics: ["crc"],
                description: "Sách điện tử phổ biến Công ước về Quyền Trẻ em."))
        epub = book.id
        _ = try ingestor.attach(try Self.scriptedEPUB(in: root), to: epub, role: .master)
        let report = try ingestor.register(
            metadata(
                "Phóng sự: Quyền của đồng bào dân tộc thiểu số", kind: "radio-report",
                languages: [("jra", .ethnic), ("vi", .national)], province: ProvinceRef(code: "gia-lai", set: .units2025),
                platforms: ["district-radio"], topics: ["icerd"]))
        audio = report.id
        _ = try ingestor.attach(
            Self.samples.appendingPathComponent("phong-su-quyen-dong-bao-jrai.mp3").path, to: audio, role: .master)
        let handbook = try ingestor.register(
            metadata("Human rights in Viet Nam: a handbook", kind: "book", languages: [("en", .foreign)]))
        pdf = handbook.id
        _ = try ingestor.attach(
            Self.samples.appendingPathComponent("so-tay-quyen-con-nguoi-en.pdf").path, to: pdf, role: .master)
        privateProduct = try ingestor.register(
            metadata("Bản thảo nội bộ", kind: "article", languages: [("vi", .national)], isPublic: false)
        ).id
        removed = try ingestor.register(metadata("Bài trùng lặp", kind: "article", languages: [("vi", .national)])).id
        _ = try repository.catalogue.remove(
            [removed], reason: "trùng với một bản ghi khác", agent: "tester", at: Self.now)
        hostile = try ingestor.register(
            metadata(
                "<script>alert('x')</script> & \"quotes\"", kind: "poster", languages: [("vi", .national)],
                description: "<img src=x onerror=alert(1)>")
        ).id
        undigitised = try ingestor.register(
            metadata("Pa-nô tuyên truyền", kind: "poster", languages: [("tyz", .ethnic), ("vi", .national)])
        ).id
    }

    deinit {
        if TestBackend.isPostgres { TestBackend.drop(repository.catalogueLocation) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "chmod -R u+w '\(root)' && rm -rf '\(root)'"]
        try? process.run()
        process.waitUntilExit()
    }

    /// An EPUB 3 with a navigation document, two chapters, a stylesheet, and a script that a
    /// reader must never run. Built with Info-ZIP, `mimetype` first and stored.
    public static func scriptedEPUB(in folder: String) throws -> String {
        let book = folder + "/book"
        let files: [String: String] = [
            "mimetype": "application/epub+zip",
            "META-INF/container.xml": """
                <?xml version="1.0" encoding="UTF-8"?>
                <container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
                <rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/></rootfiles>
                </container>
                """,
            "OEBPS/content.opf": """
                <?xml version="1.0" encoding="UTF-8"?>
                <package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="uid">
                <metadata xmlns:dc="http://purl.org/dc/elements/1.1/">
                <dc:identifier id="uid">urn:uuid:7d1c1f0e-2b8e-4d0b-9b7a-0c1b2e3f4a5b</dc:identifier>
                <dc:title>Sổ tay quyền trẻ em</dc:title><dc:language>vi</dc:language>
                <meta property="dcterms:modified">2024-06-01T00:00:00Z</meta>
                </metadata>
                <manifest>
                <item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>
                <item id="c1" href="text/chuong%201.xhtml" media-type="application/xhtml+xml"/>
                <item id="c2" href="text/ch2.xhtml" media-type="application/xhtml+xml"/>
                <item id="css" href="style/book.css" media-type="text/css"/>
                </manifest>
                <spine><itemref idref="c1"/><itemref idref="c2"/></spine>
                </package>
                """,
            "OEBPS/nav.xhtml": """
                <?xml version="1.0" encoding="UTF-8"?>
                <html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops"><head><title>Mục lục</title></head>
                <body><nav epub:type="toc"><ol><li><a href="text/chuong%201.xhtml">Chương 1: Quyền được sống</a></li>
                <li><a href="text/ch2.xhtml#muc">Chương 2: Quyền được học tập</a></li></ol></nav></body></html>
                """,
            "OEBPS/text/chuong 1.xhtml": """
                <?xml version="1.0" encoding="UTF-8"?>
                <html xmlns="http://www.w3.org/1999/xhtml"><head><title>Chương 1</title>
                <link rel="stylesheet" href="../style/book.css"/><script>document.title = "pwned"</script></head>
                <body><h1>Chương 1: Quyền được sống</h1><p>Mọi trẻ em đều có quyền được sống.</p>
                <script src="evil.js"/></body></html>
                """,
            "OEBPS/text/ch2.xhtml": """
                <?xml version="1.0" encoding="UTF-8"?>
                <html xmlns="http://www.w3.org/1999/xhtml"><head><title>Chương 2</title></head>
                <body><h1 id="muc">Chương 2: Quyền được học tập</h1><p>Mọi trẻ em đều được đi học.</p></body></html>
                """,
            "OEBPS/style/book.css": "h1 { color: #0b5cad; }\n",
            "OEBPS/secret.txt": "not in the manifest\n",
        ]
        for (name, text) in files {
            let url = URL(fileURLWithPath: book + "/" + name)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
        let epub = folder + "/so-tay-quyen-tre-em.epub"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "cd '\(book)' && zip -qX0 '\(epub)' mimetype && zip -qXr '\(epub)' META-INF OEBPS"]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: "zip failed building \(epub)"])
        }
        return epub
    }
}
