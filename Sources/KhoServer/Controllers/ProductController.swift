import Foundation
import HTTPTypes
import Hummingbird
import KhoApp
import KhoCore
import KhoQR
import NIOCore

/// `/p/<id>`: the page a QR code opens, the product's files, its QR code, and its e-book read online.
struct ProductController: Sendable {
    let site: Site

    func register(on router: Router<BasicRequestContext>) {
        router.get("/p/:id") { request, context in try await landing(request, context) }
        router.get("/p/:id/qr.svg") { _, context in try await qr(context) }
        for path in ["/p/:id/f/:sha256", "/p/:id/f/:sha256/:name"] {
            router.get(RouterPath(path)) { request, context in try await file(request, context, head: false) }
            router.head(RouterPath(path)) { request, context in try await file(request, context, head: true) }
        }
        let reader = EPUBReaderController(site: site)
        router.get("/p/:id/read") { _, context in try await reader.contents(try await product(context)) }
        router.get("/p/:id/read/:n") { _, context in
            try await reader.chapter(try await product(context), index: context.parameters.get("n") ?? "")
        }
        router.get("/p/:id/epub/**") { request, context in
            try await reader.entry(try await product(context), path: request.uri.path)
        }
    }

    func product(_ context: BasicRequestContext) async throws -> Product {
        try await site.publicRecord(context.parameters.get("id") ?? "")
    }

    func landing(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let product = try await product(context)
        let view = ProductView(product: product, vocabulary: site.vocabulary)
        let base = "/p/\(product.id.rawValue)"
        var actions: [HTML] = []
        var player: HTML?
        if let epub = Site.readableEPUB(of: product) {
            actions.append("<a class=\"button\" href=\"\(base)/read\">Đọc trực tuyến</a>")
            actions.append(
                "<a class=\"button secondary\" href=\"\(fileURL(product, epub))?download=1\">Tải sách điện tử (EPUB, \(ProductView.size(epub.object.size)))</a>"
            )
        } else if let file = Site.accessFile(of: product) {
            let url = fileURL(product, file)
            let mime = file.object.mime
            if mime.hasPrefix("audio/") {
                player = "<audio controls preload=\"none\" src=\"\(url)\" aria-label=\"Nghe: \(product.metadata.title)\"></audio>"
            } else if mime.hasPrefix("video/") {
                player = "<video controls preload=\"none\" src=\"\(url)\" aria-label=\"Xem: \(product.metadata.title)\"></video>"
            } else if mime.hasPrefix("image/"), mime != "image/svg+xml" {
                player = "<p><img src=\"\(url)\" alt=\"\(product.metadata.title)\" class=\"preview\" width=\"640\"></p>"
            }
            if Site.isPDF(file) {
                actions.append("<a class=\"button\" href=\"\(url)\">Xem tệp PDF</a>")
            }
            actions.append(
                "<a class=\"button\(Site.isPDF(file) ? " secondary" : "")\" href=\"\(url)?download=1\">Tải về (\(ProductView.size(file.object.size)))</a>"
            )
        }
        let facts = HTML.join(view.facts.map { "<dt>\($0.0)</dt><dd>\($0.1)</dd>" })
        let description: HTML? = product.metadata.description.map { "<p class=\"description\">\($0)</p>" }
        let files = HTML.join(
            product.files.map { file in
                "<li><a href=\"\(fileURL(product, file))?download=1\">\(file.originalName)</a> <span class=\"muted\">\(ProductView.roleLabel(file.role)), \(ProductView.size(file.object.size)), \(file.object.mime)</span></li>"
            })
        let filesSection: HTML =
            product.files.isEmpty
            ? "<p class=\"muted\">Sản phẩm này chưa được số hóa: chưa có tệp nào.</p>"
            : "<h2>Tệp</h2><ul>\(files)</ul>"
        // The QR code as its own cached image, so that a page read on a slow connection comes first.
        let qrFigure: HTML = """
            <h2>Mã QR</h2><figure class="qr"><img src="\(base)/qr.svg" width="240" height="240" loading="lazy" \
            alt="Mã QR của sản phẩm, dẫn tới \(site.link(product.id))"><figcaption class="muted">\(site.link(product.id))</figcaption></figure>
            """
        let body: HTML = """
            <article>
            <h1>\(product.metadata.title)</h1>
            \(description)
            \(player)
            <div class="actions">\(actions)</div>
            <dl class="facts">\(facts)</dl>
            \(filesSection)
            \(qrFigure)
            </article>
            """
        return Reply.html(
            Layout.page(
                title: product.metadata.title, body: body, canonical: site.link(product.id),
                description: product.metadata.description.map { String($0.prefix(200)) }))
    }

    func qr(_ context: BasicRequestContext) async throws -> Response {
        let product = try await product(context)
        let code = try QRCode(text: site.link(product.id), correction: .M)
        let svg = QRRenderer.svg(code, margin: 4, pixels: nil, title: product.metadata.title)
        return Reply.bytes(
            Array(svg.utf8), contentType: "image/svg+xml; charset=utf-8",
            headers: [.cacheControl: "public, max-age=86400", .contentSecurityPolicy: "default-src 'none'; style-src 'unsafe-inline'"])
    }

    func fileURL(_ product: Product, _ file: StoredFile) -> String {
        "/p/\(product.id.rawValue)/f/\(file.object.sha256)"
    }

    func file(_ request: Request, _ context: BasicRequestContext, head: Bool) async throws -> Response {
        let product = try await product(context)
        let sha256 = context.parameters.get("sha256") ?? ""
        // Only a file of this public product, named by its hash: the path is built from 64 hex
        // digits, so no request can reach outside the store.
        guard sha256.count == 64, sha256.allSatisfy({ $0.isHexDigit && !$0.isUppercase }),
            let file = product.files.first(where: { $0.object.sha256 == sha256 })
        else { throw PageError.notFound }
        let download = request.uri.queryParameters.get("download") != nil
        return try await FileSender.send(
            path: site.store.path(for: sha256), file: file, request: request, context: context, head: head,
            download: download)
    }
}
