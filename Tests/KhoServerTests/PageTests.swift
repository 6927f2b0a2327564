import Foundation
import HTTPTypes
import KhoCore
import Testing

@Suite("kho serve: landing pages, errors and the e-book reader")
struct PageTests {
    @Test("the page a QR code opens shows the product in Vietnamese, with its QR code and a way to read it")
    func landing() async throws {
        let harness = try ServerHarness()
        let id = harness.fixture.epub.rawValue
        let page = try await harness.client { try await $0.fetch("/p/\(id)") }
        #expect(page.status == .ok)
        #expect(page["Content-Type"] == "text/html; charset=utf-8")
        #expect(page.text.contains("<html lang=\"vi\">"))
        #expect(page.text.contains("<h1>Sổ tay quyền trẻ em</h1>"))
        #expect(page.text.contains("Sách điện tử"))  // the kind, by name
        #expect(page.text.contains("Tiếng Việt"))  // the language, by name
        // Registered under Bình Định (2022), today part of Gia Lai.
        #expect(page.text.contains("Gia Lai (đăng ký khi còn là Bình Định)"))
        #expect(page.text.contains("<dt>Ngày phát hành</dt><dd>06/2024</dd>"))  // day (here month) first, as Vietnamese write dates
        #expect(page.text.contains("href=\"/p/\(id)/read\">Đọc trực tuyến"))
        #expect(page.text.contains("<img src=\"/p/\(id)/qr.svg\""))  // the QR code itself
        let qr = try await harness.client { try await $0.fetch("/p/\(id)/qr.svg") }
        #expect(qr.status == .ok)
        #expect(qr["Content-Type"] == "image/svg+xml; charset=utf-8")
        #expect(qr.text.hasPrefix("<svg"))
        #expect(page.text.contains("https://kho.example.gov.vn/p/\(id)"))
        #expect(!page.text.contains("<script"))
    }

    @Test("ids are read the way the CLI reads them: any case, with hyphens")
    func lenientIDs() async throws {
        let harness = try ServerHarness()
        let id = harness.fixture.audio.rawValue.lowercased()
        let hyphenated = "\(id.prefix(4))-\(id.dropFirst(4).prefix(4))-\(id.dropFirst(8))"
        let page = try await harness.client { try await $0.fetch("/p/\(hyphenated)") }
        #expect(page.status == .ok)
        #expect(page.text.contains("<audio controls"))
        #expect(page.text.contains("rel=\"canonical\" href=\"https://kho.example.gov.vn/p/\(harness.fixture.audio)\""))
    }

    @Test("an unknown id is a real 404 page; a private product is the same 404; a removed one is 410 with the reason")
    func errors() async throws {
        let harness = try ServerHarness()
        let fixture = harness.fixture
        let (unknown, hidden, gone) = try await harness.client { client in
            (
                try await client.fetch("/p/0000000000000000"), try await client.fetch("/p/\(fixture.privateProduct)"),
                try await client.fetch("/p/\(fixture.removed)")
            )
        }
        #expect(unknown.status == .notFound)
        #expect(unknown.text.contains("Không tìm thấy"))
        #expect(hidden.status == .notFound)
        #expect(hidden.text == unknown.text)
        #expect(!hidden.text.contains("Bản thảo nội bộ"))
        #expect(gone.status == .gone)
        #expect(gone.text.contains("trùng với một bản ghi khác"))
    }

    @Test("markup in titles and descriptions is escaped everywhere it is shown")
    func escaping() async throws {
        let harness = try ServerHarness()
        let id = harness.fixture.hostile.rawValue
        let pages = try await harness.client { client in
            [
                try await client.fetch("/p/\(id)"), try await client.fetch("/catalogue?q=quotes"),
                try await client.fetch("/dashboard"),
            ]
        }
        for page in pages {
            #expect(page.status == .ok)
            #expect(!page.text.contains("<script>alert"))
            #expect(!page.text.contains("<img src=x"))
        }
        #expect(pages[0].text.contains("&lt;script&gt;alert('x')&lt;/script&gt; &amp; &quot;quotes&quot;"))
        #expect(pages[1].text.contains("&lt;script&gt;"))
    }

    @Test("every page carries a strict policy and the security headers")
    func headers() async throws {
        let harness = try ServerHarness()
        let page = try await harness.client { try await $0.fetch("/p/\(harness.fixture.pdf)") }
        #expect(page["Content-Security-Policy"]?.contains("default-src 'none'") == true)
        #expect(page["Content-Security-Policy"]?.contains("script-src") == false)  // none allowed at all
        #expect(page["X-Content-Type-Options"] == "nosniff")
        #expect(page["Referrer-Policy"] == "strict-origin-when-cross-origin")
        #expect(page["X-Frame-Options"] == "DENY")
        let health = try await harness.client { try await $0.fetch("/healthz") }
        #expect(health.status == .ok)
        #expect(health.text == "ok\n")
    }

    @Test("a PDF opens inline; its download is an attachment")
    func pdfInline() async throws {
        let harness = try ServerHarness()
        let fixture = harness.fixture
        let product = try #require(try fixture.repository.catalogue.product(fixture.pdf))
        let file = try #require(product.files.first)
        let page = try await harness.client { try await $0.fetch("/p/\(fixture.pdf)") }
        #expect(page.text.contains("href=\"/p/\(fixture.pdf)/f/\(file.object.sha256)\">Xem tệp PDF"))
        let (inline, attachment) = try await harness.client { client in
            (
                try await client.fetch("/p/\(fixture.pdf)/f/\(file.object.sha256)"),
                try await client.fetch("/p/\(fixture.pdf)/f/\(file.object.sha256)?download=1")
            )
        }
        #expect(inline["Content-Type"] == "application/pdf")
        #expect(inline["Content-Disposition"]?.hasPrefix("inline;") == true)
        #expect(attachment["Content-Disposition"]?.hasPrefix("attachment;") == true)
    }

    @Test("an EPUB reads online: contents, chapters in reading order, previous and next")
    func reader() async throws {
        let harness = try ServerHarness()
        let id = harness.fixture.epub.rawValue
        let (contents, first, second, beyond) = try await harness.client { client in
            (
                try await client.fetch("/p/\(id)/read"), try await client.fetch("/p/\(id)/read/0"),
                try await client.fetch("/p/\(id)/read/1"), try await client.fetch("/p/\(id)/read/2")
            )
        }
        #expect(contents.status == .ok)
        #expect(contents.text.contains("<a href=\"/p/\(id)/read/0\">Chương 1: Quyền được sống</a>"))
        #expect(contents.text.contains("<a href=\"/p/\(id)/read/1\">Chương 2: Quyền được học tập</a>"))
        #expect(first.text.contains("<iframe src=\"/p/\(id)/epub/OEBPS/text/chuong%201.xhtml\""))
        #expect(first.text.contains("sandbox=\"\""))
        #expect(first.text.contains("rel=\"next\""))
        #expect(!first.text.contains("rel=\"prev\""))
        #expect(second.text.contains("rel=\"prev\""))
        #expect(!second.text.contains("rel=\"next\""))
        #expect(beyond.status == .notFound)
    }

    @Test("a book's own pages come without scripts, under a sandbox, and only what its manifest lists")
    func bookContent() async throws {
        let harness = try ServerHarness()
        let id = harness.fixture.epub.rawValue
        let responses = try await harness.client { client in
            [
                try await client.fetch("/p/\(id)/epub/OEBPS/text/chuong%201.xhtml"),
                try await client.fetch("/p/\(id)/epub/OEBPS/style/book.css"),
                try await client.fetch("/p/\(id)/epub/OEBPS/secret.txt"),
                try await client.fetch("/p/\(id)/epub/META-INF/container.xml"),
                try await client.fetch("/p/\(id)/epub/OEBPS/text/../../META-INF/container.xml"),
                try await client.fetch("/p/\(id)/epub/..%2F..%2Fcatalogue.sqlite"),
            ]
        }
        let chapter = responses[0]
        #expect(chapter.status == .ok)
        #expect(chapter["Content-Type"] == "application/xhtml+xml; charset=utf-8")
        #expect(chapter.text.contains("Mọi trẻ em đều có quyền được sống."))
        #expect(!chapter.text.contains("<script"))
        let policy = chapter["Content-Security-Policy"] ?? ""
        #expect(policy.contains("script-src 'none'"))
        #expect(policy.hasSuffix("sandbox"))
        #expect(policy.contains("frame-ancestors 'self'"))
        #expect(responses[1].status == .ok)
        #expect(responses[1]["Content-Type"] == "text/css; charset=utf-8")
        for refused in responses.dropFirst(2) { #expect(refused.status == .notFound) }
    }
}
