import Foundation
import HTTPTypes
import Hummingbird
import KhoCore
import KhoImages
import KhoQR
import NIOCore
import NIOPosix

/// `/x/<id>`: a published exhibition, walked through item by item; its web-sized images; its QR
/// code; and `/x`, the list of exhibitions online.
struct ExhibitionController: Sendable {
    let site: Site

    /// kho's page policy, with the exhibition page's own script allowed.
    static let pagePolicy = SecurityHeadersMiddleware.pagePolicy.replacingOccurrences(
        of: "default-src 'none';", with: "default-src 'none'; script-src 'self';")

    func register(on router: Router<BasicRequestContext>) {
        router.get("/x") { _, _ in try await list() }
        router.get("/x/:id") { request, context in try await page(request, context) }
        router.get("/x/:id/qr.svg") { _, context in try await qr(context) }
        router.get("/x/:id/i/:sha256/:file") { request, context in try await image(request, context) }
        router.get("/static/exhibition.css") { _, _ in
            Reply.bytes(
                Array(ExhibitionPage.stylesheet.utf8), contentType: "text/css; charset=utf-8",
                headers: [.cacheControl: "public, max-age=31536000, immutable"])
        }
        router.get("/static/exhibition.js") { _, _ in
            Reply.bytes(
                Array(ExhibitionPage.script.utf8), contentType: "text/javascript; charset=utf-8",
                headers: [.cacheControl: "public, max-age=31536000, immutable"])
        }
    }

    static let assetVersion = "1"

    func view(_ context: BasicRequestContext) async throws -> ExhibitionView {
        let text = context.parameters.get("id") ?? ""
        guard text.count <= 64, let id = ExhibitionID(parsing: text.removingPercentEncoding ?? text),
            let view = try await site.operations.queries.exhibitionView(id, audience: .publicOnly)
        else { throw PageError.notFound }
        return view
    }

    func links(for id: ExhibitionID) -> ExhibitionLinks {
        let base = PublicLink.link(base: "", exhibition: id)
        return ExhibitionLinks(
            page: { "\(base)?lang=\($0)" },
            image: { sha, width, format in "\(base)/i/\(sha)/\(width).\(format.fileExtension)" },
            media: { product, file in "/p/\(product.id.rawValue)/f/\(file.object.sha256)" },
            product: { "/p/\($0.rawValue)" },
            stylesheet: "/static/exhibition.css?v=\(Self.assetVersion)",
            script: "/static/exhibition.js?v=\(Self.assetVersion)", online: nil, siteHeader: true)
    }

    func page(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let view = try await view(context)
        let language = request.uri.queryParameters.get("lang").map { String($0) }
        let html = ExhibitionPage.render(
            view, language: language, vocabulary: site.vocabulary, links: links(for: view.exhibition.id))
        return Reply.html(
            html,
            headers: [
                .contentSecurityPolicy: Self.pagePolicy,
                HTTPField.Name("Content-Language")!: language.flatMap { view.exhibition.languages.contains($0) ? $0 : nil }
                    ?? view.exhibition.languages.first ?? "vi",
            ])
    }

    /// A web-sized copy of an item's image, made on first request and served from the cache
    /// after. Only an object an item of this published exhibition shows, at an offered width.
    func image(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let view = try await view(context)
        let sha256 = context.parameters.get("sha256") ?? ""
        let name = context.parameters.get("file") ?? ""
        let parts = name.split(separator: ".")
        guard parts.count == 2, let width = Int(parts[0]), DerivativeCache.widths.contains(width),
            let format = WebImageFormat(fileExtension: String(parts[1])),
            let file = view.shownItems.lazy.compactMap({ entry -> StoredFile? in
                if case .image(let file) = ExhibitionVisual.of(entry.product), file.object.sha256 == sha256 { return file }
                return nil
            }).first
        else { throw PageError.notFound }
        let mime = file.object.mime
        let etag = "\"\(sha256)-\(width)\""
        if request.headers[.ifNoneMatch] == etag {
            return Response(status: .notModified, headers: [.eTag: etag])
        }
        let source = site.store.path(for: sha256)
        let cache = site.derivatives
        let path = try await NIOThreadPool.singleton.runIfActive {
            try cache.derivative(sha256: sha256, source: source, mime: mime, width: width, format: format)
        }
        guard let data = FileManager.default.contents(atPath: path) else { throw PageError.notFound }
        return Reply.bytes(
            data, contentType: format.mime,
            headers: [.cacheControl: "public, max-age=31536000, immutable", .eTag: etag])
    }

    func qr(_ context: BasicRequestContext) async throws -> Response {
        let view = try await view(context)
        let link = PublicLink.link(base: site.baseURL, exhibition: view.exhibition.id)
        let code = try QRCode(text: link, correction: .M)
        let svg = QRRenderer.svg(code, margin: 4, pixels: nil, title: view.exhibition.mainTitle)
        return Reply.bytes(
            Array(svg.utf8), contentType: "image/svg+xml; charset=utf-8",
            headers: [.cacheControl: "public, max-age=86400", .contentSecurityPolicy: "default-src 'none'; style-src 'unsafe-inline'"])
    }

    func list() async throws -> Response {
        let exhibitions = try await site.operations.queries.exhibitionList(audience: .publicOnly)
        let items = HTML.join(
            exhibitions.reversed().map { exhibition in
                let place = ExhibitionPage.placeName(exhibition, site.vocabulary, words: .vi)
                let languages = exhibition.languages.map { ExhibitionPage.languageName($0, on: "vi", site.vocabulary) }
                return """
                    <li><a class="title" href="\(PublicLink.link(base: "", exhibition: exhibition.id))">\(exhibition.mainTitle)</a>
                    <div class="muted">\(place.isEmpty ? "" : place + " · ")\(languages.joined(separator: ", ")) · \(exhibition.items.count) hiện vật</div></li>
                    """
            })
        let body: HTML =
            exhibitions.isEmpty
            ? "<h1>Triển lãm trực tuyến</h1><p>Chưa có triển lãm nào được công bố.</p>"
            : "<h1>Triển lãm trực tuyến</h1><ol class=\"results\">\(items)</ol>"
        return Reply.html(Layout.page(title: "Triển lãm trực tuyến", body: body, canonical: "\(site.baseURL)/x"))
    }
}
