import Foundation
import HTTPTypes
import Hummingbird
import KhoApp
import KhoCore

/// `/catalogue`: search and browse the public products, with filters, in pages whose URLs can be
/// bookmarked and shared (everything is in the query string).
struct CatalogueController: Sendable {
    let site: Site
    static let pageSize = 20

    func register(on router: Router<BasicRequestContext>) {
        router.get("/") { _, _ in Reply.redirect("/catalogue", status: .found) }
        router.get("/catalogue") { request, _ in try await browse(request) }
    }

    func browse(_ request: Request) async throws -> Response {
        let input = try QueryInput(request)
        let (filter, _) = try input.resolve(site.vocabulary)
        let cursor = request.uri.queryParameters.get("cursor").map { String($0) }
        let page = try await site.operations.products(
            PageRequest(filter: filter, query: input.query, cursor: cursor, limit: Self.pageSize, audience: .publicOnly))
        let items = HTML.join(
            page.products.map { product in
                let view = ProductView(product: product, vocabulary: site.vocabulary)
                var facts = [view.kind]
                if !view.languages.isEmpty { facts.append(view.languages.joined(separator: ", ")) }
                if let province = product.metadata.province.flatMap({ site.vocabulary.currentUnit(of: $0)?.name }) {
                    facts.append(province)
                }
                if let published = product.metadata.published { facts.append(Localizer.vietnamese.date(published)) }
                if product.files.isEmpty { facts.append("chưa số hóa") }
                return """
                    <li><a class="title" href="/p/\(product.id.rawValue)">\(product.metadata.title)</a>
                    <div class="muted">\(facts.joined(separator: " · "))</div></li>
                    """
            })
        let heading: HTML =
            input.query != nil
            ? "<p>\(DashboardController.number(page.total)) kết quả cho «\(input.query ?? "")»\(page.total >= ProductPage.rankingWindow ? " (xếp hạng trong \(DashboardController.number(ProductPage.rankingWindow)) kết quả mới nhất)" : "")</p>"
            : "<p>\(DashboardController.number(page.total)) sản phẩm</p>"
        var pager: [HTML] = []
        if cursor != nil {
            pager.append("<a href=\"/catalogue?\(QueryInput.encode(input.items()))\">« Trang đầu</a>")
        }
        if let next = page.next {
            pager.append(
                "<a href=\"/catalogue?\(QueryInput.encode(input.items() + [("cursor", next)]))\" rel=\"next\">Trang sau »</a>")
        }
        let body: HTML = """
            <h1>Danh mục sản phẩm truyền thông</h1>
            \(form(input))
            \(heading)
            <ol class="results">\(items)</ol>
            <nav class="pager" aria-label="Phân trang">\(pager)</nav>
            """
        return Reply.html(Layout.page(title: "Danh mục sản phẩm", body: body))
    }

    func form(_ input: QueryInput) -> HTML {
        let vocabulary = site.vocabulary
        func select(_ name: String, _ label: String, _ options: [(String, String)], selected: [String]) -> HTML {
            let choices = HTML.join(
                options.map { code, text in
                    "<option value=\"\(code)\"\(HTML.trusted(selected.contains(code) ? " selected" : ""))>\(text)</option>"
                })
            return """
                <label>\(label)<select name="\(name)"><option value="">Tất cả</option>\(choices)</select></label>
                """
        }
        let options = site.formOptions
        let (kinds, platforms, topics, provinces) = (options.kinds, options.platforms, options.topics, options.provinces)
        // A language chosen outside the common ones (any of ISO 639-3, by URL) stays selectable.
        let languages =
            options.languages
            + input.filter.languages.filter { code in !options.languages.contains { $0.0 == code } }.map { code in
                (code, vocabulary.languageEntry(code)?.labelVi ?? code)
            }
        let groups = [
            ("any", "Thuộc nhóm mục tiêu"), ("ethnic", "Tiếng dân tộc thiểu số"), ("foreign", "Tiếng nước ngoài"),
            ("digital", "Trên nền tảng số"), ("books", "Đầu sách"),
        ]
        return """
            <form class="search" method="get" action="/catalogue" role="search">
            <label>Tìm (không cần dấu)<input type="search" name="q" value="\(input.query ?? "")" maxlength="200"></label>
            \(select("kind", "Loại sản phẩm", kinds, selected: input.filter.kinds))
            \(select("lang", "Ngôn ngữ", languages, selected: input.filter.languages))
            \(select("platform", "Nền tảng", platforms, selected: input.filter.platforms))
            \(select("topic", "Chủ đề", topics, selected: input.filter.topics))
            \(select("province", "Tỉnh, thành phố (từ 2025)", provinces, selected: input.filter.provinces))
            \(select("group", "Nhóm mục tiêu", groups, selected: input.filter.group.map { [$0] } ?? []))
            <label>Kỳ (2024, 2024-H1, 2024-Q3)<input name="period" value="\(input.filter.period ?? "")" maxlength="30"></label>
            <button type="submit">Tìm</button>
            </form>
            """
    }
}
