import Foundation
import HTTPTypes
import Hummingbird
import KhoCore
import KhoFormats
import NIOCore
import NIOPosix

/// "Read online": an EPUB's spine as web pages, straight from the stored file. kho's page holds
/// the navigation (contents, previous, next); the book's own XHTML is shown in a sandboxed
/// frame, its scripts removed and forbidden, so that nothing in a book can act on kho's pages.
struct EPUBReaderController: Sendable {
    let site: Site

    /// What a reader page needs of a book, read on the thread pool.
    struct Outline: Sendable {
        var title: String?
        var spine: [EPUBBook.SpineItem]
        var toc: [EPUBBook.TOCEntry]
        var language: String?
    }

    /// The policy of a book's own documents: no script, no form, no plugin; only the book's own
    /// styles, images, fonts and media; shown only inside kho's reader frame.
    static let bookPolicy =
        "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; "
        + "media-src 'self'; script-src 'none'; object-src 'none'; form-action 'none'; base-uri 'none'; "
        + "frame-ancestors 'self'; sandbox"

    func book(_ product: Product) throws -> (StoredFile, String) {
        guard let epub = Site.readableEPUB(of: product) else { throw PageError.notFound }
        return (epub, site.store.path(for: epub.object.sha256))
    }

    func outline(_ product: Product) async throws -> Outline {
        let (_, path) = try book(product)
        return try await NIOThreadPool.singleton.runIfActive {
            do {
                let book = try EPUBBook(path: path)
                return Outline(title: book.title, spine: book.spine, toc: book.toc, language: book.language)
            } catch {
                throw PageError.unavailable(
                    "Không đọc trực tuyến được cuốn sách này (\(String(describing: error))); hãy tải tệp về để đọc.")
            }
        }
    }

    func contents(_ product: Product) async throws -> Response {
        let outline = try await outline(product)
        let base = "/p/\(product.id.rawValue)"
        let indexOf = Dictionary(outline.spine.enumerated().map { ($1.path, $0) }, uniquingKeysWith: { a, _ in a })
        var entries: [HTML] = outline.toc.compactMap { entry in
            guard let index = indexOf[entry.path] else { return nil }
            let indent = String(repeating: "— ", count: min(entry.depth, 4))
            return "<li><a href=\"\(base)/read/\(index)\">\(indent)\(entry.title)</a></li>"
        }
        if entries.isEmpty {
            entries = outline.spine.indices.map { "<li><a href=\"\(base)/read/\($0)\">Phần \($0 + 1)</a></li>" }
        }
        let title = product.metadata.title
        let body: HTML = """
            <div class="reader">
            <h1>\(title)</h1>
            <p class="actions"><a class="button" href="\(base)/read/0">Bắt đầu đọc</a> <a class="button secondary" href="\(base)">Về trang sản phẩm</a></p>
            <h2>Mục lục</h2>
            <ol class="toc">\(entries)</ol>
            </div>
            """
        return Reply.html(Layout.page(title: "Mục lục: \(title)", body: body))
    }

    func chapter(_ product: Product, index text: String) async throws -> Response {
        let outline = try await outline(product)
        guard let index = Int(text), outline.spine.indices.contains(index) else { throw PageError.notFound }
        let base = "/p/\(product.id.rawValue)"
        let item = outline.spine[index]
        let title = product.metadata.title
        let chapterTitle = outline.toc.first { $0.path == item.path }?.title ?? "Phần \(index + 1)"
        let previous: HTML =
            index > 0 ? "<a class=\"button secondary\" href=\"\(base)/read/\(index - 1)\" rel=\"prev\">‹ Trước</a>" : ""
        let next: HTML =
            index + 1 < outline.spine.count
            ? "<a class=\"button secondary\" href=\"\(base)/read/\(index + 1)\" rel=\"next\">Tiếp ›</a>" : ""
        let source = "\(base)/epub/" + item.path.split(separator: "/").map { segment in
            segment.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/?#"))) ?? String(segment)
        }.joined(separator: "/")
        let body: HTML = """
            <div class="reader">
            <header><a href="\(base)/read">Mục lục</a> <span class="muted">\(index + 1) / \(outline.spine.count)</span></header>
            <h1>\(title)</h1>
            <iframe src="\(source)" title="\(chapterTitle)" sandbox="" referrerpolicy="no-referrer"></iframe>
            <nav class="pager" aria-label="Chuyển trang">\(previous) \(next)</nav>
            </div>
            """
        return Reply.html(Layout.page(title: "\(chapterTitle) · \(title)", body: body))
    }

    /// One entry of the book (a chapter, a stylesheet, an image), if the package names it.
    func entry(_ product: Product, path requestPath: String) async throws -> Response {
        let (_, path) = try book(product)
        let prefix = "/p/"
        guard let marker = requestPath.range(of: "/epub/"), requestPath.hasPrefix(prefix) else {
            throw PageError.notFound
        }
        let raw = String(requestPath[marker.upperBound...])
        guard raw.count <= 1024, let decoded = raw.removingPercentEncoding, !decoded.contains("\0"),
            !decoded.contains("\\")
        else { throw PageError.notFound }
        let (data, mediaType) = try await NIOThreadPool.singleton.runIfActive { () -> (Data, String) in
            guard let book = try? EPUBBook(path: path),
                // Only what the package's manifest lists: nothing else in the container, nothing outside it.
                let mediaType = book.mediaTypes[decoded], let data = book.data(at: decoded)
            else { throw PageError.notFound }
            return (data, mediaType)
        }
        var body = data
        let type = mediaType.lowercased()
        if type == "application/xhtml+xml" || type == "text/html" || type == "image/svg+xml" {
            body = Data(Self.withoutScripts(String(decoding: data, as: UTF8.self)).utf8)
        }
        var headers: HTTPFields = [
            .contentSecurityPolicy: Self.bookPolicy, .xFrameOptions: "SAMEORIGIN",
        ]
        // Fonts are fetched by the sandboxed page with CORS.
        if type.hasPrefix("font/") || type.contains("opentype") || type.contains("woff") || type.contains("truetype") {
            headers[.accessControlAllowOrigin] = "*"
        }
        return Reply.bytes(
            body, contentType: type.hasPrefix("text/") || type.hasSuffix("+xml") ? "\(type); charset=utf-8" : type,
            headers: headers)
    }

    /// The document with its `<script>` elements removed (the policy forbids them anyway).
    static func withoutScripts(_ text: String) -> String {
        var result = text
        let pattern = "<script\\b[^>]*?(/>|>[\\s\\S]*?</script\\s*>)"
        if let expression = try? NSRegularExpression(pattern: pattern, options: [.caseInsensitive]) {
            result = expression.stringByReplacingMatches(
                in: result, range: NSRange(result.startIndex..., in: result), withTemplate: "")
        }
        return result
    }
}
