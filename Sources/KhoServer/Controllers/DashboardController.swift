import Foundation
import HTTPTypes
import Hummingbird
import KhoApp
import KhoCore
import KhoReports

/// `/dashboard`: where the programme stands, from the same report code as `kho report summary`:
/// the target share against 15-20 %, book titles against 1,000, digitisation against 100 %, for
/// the whole repository, a period or a province. Every count links to the products behind it.
struct DashboardController: Sendable {
    let site: Site

    func register(on router: Router<BasicRequestContext>) {
        router.get("/dashboard") { request, _ in try await dashboard(request) }
    }

    static func percent(_ ratio: Ratio?) -> String {
        guard let value = ratio?.percent else { return "—" }
        return Localizer.vietnamese.percent(value, digits: 1)
    }

    static func bandWords(_ band: Band?) -> String {
        switch band {
        case .below: return "dưới mục tiêu 15-20 %"
        case .within: return "đạt mục tiêu 15-20 %"
        case .above: return "vượt mục tiêu 15-20 %"
        case nil: return ""
        }
    }

    func dashboard(_ request: Request) async throws -> Response {
        let input = try QueryInput(request)
        let (filter, period) = try input.resolve(site.vocabulary)
        var scope: [String: String] = [:]
        if let period = input.filter.period { scope["period"] = period }
        if !input.filter.provinces.isEmpty { scope["province"] = input.filter.provinces.joined(separator: ", ") }
        let grouping: ReportGrouping? = input.filter.provinces.isEmpty ? .province : nil
        var publicFilter = filter
        publicFilter.publicOnly = true
        let report = try await site.operations.report(
            .summary,
            scope: ReportScope(
                filter: publicFilter, period: period, grouping: grouping, description: scope, listLimit: 0))
        func link(_ group: String?, digitised: Bool? = nil, text: String) -> HTML {
            var replacing: [String: String?] = ["group": group]
            if let digitised { replacing["digitised"] = digitised ? "yes" : "no" }
            return "<a href=\"/catalogue?\(QueryInput.encode(input.items(replacing: replacing)))\">\(text)</a>"
        }
        func count(_ ratio: Ratio?) -> String {
            guard let ratio else { return "—" }
            return "\(Self.number(ratio.numerator)) / \(Self.number(ratio.denominator))"
        }
        var cards: [HTML] = []
        if let shares = report.totals.shares {
            cards.append(
                """
                <div class="card"><h2>Tỷ lệ nhóm mục tiêu</h2>
                <p class="figure \(shares.target.band?.rawValue ?? "")">\(Self.percent(shares.target))</p>
                <p>\(link("any", text: count(shares.target))) sản phẩm · \(Self.bandWords(shares.target.band))</p>
                <ul>
                <li>Tiếng dân tộc thiểu số: \(Self.percent(shares.ethnic)) (\(link("ethnic", text: count(shares.ethnic))))</li>
                <li>Tiếng nước ngoài: \(Self.percent(shares.foreign)) (\(link("foreign", text: count(shares.foreign))))</li>
                <li>Trên nền tảng số: \(Self.percent(shares.digital)) (\(link("digital", text: count(shares.digital))))</li>
                </ul></div>
                """)
        }
        if let books = report.totals.books {
            cards.append(
                """
                <div class="card"><h2>Đầu sách</h2>
                <p class="figure">\(link("books", text: Self.number(books.titles))) / 1.000</p>
                <p>\(Self.percent(books.progress)) mục tiêu 1.000 đầu sách</p>
                <p>Sách tiếng nước ngoài, tiếng dân tộc thiểu số và sách điện tử: \(Self.percent(books.target)) (\(count(books.target))) · \(Self.bandWords(books.target.band))</p>
                </div>
                """)
        }
        if let coverage = report.totals.coverage {
            cards.append(
                """
                <div class="card"><h2>Số hóa</h2>
                <p class="figure">\(Self.percent(coverage.digitised))</p>
                <p>\(link(nil, digitised: true, text: count(coverage.digitised))) sản phẩm đã số hóa (mục tiêu 100 %)</p>
                <p>\(link(nil, digitised: false, text: Self.number(coverage.notDigitised))) sản phẩm chưa số hóa</p>
                </div>
                """)
        }
        // Exhibitions held in the scope's period, by province (every held exhibition counts, online or
        // not: the dashboard shows counts and provinces, not unpublished titles).
        let coverage = ExhibitionCoverage(
            exhibitions: try await site.operations.queries.exhibitionList(audience: .staff), period: period,
            vocabulary: site.vocabulary, now: site.operations.context.now(), software: site.software)
        let held = Dictionary(uniqueKeysWithValues: coverage.provinces.map { ($0.code, $0) })
        let wanted = input.filter.provinces.compactMap { code in
            (try? site.vocabulary.province(code, date: nil)).flatMap(site.vocabulary.currentUnit)
        }
        if wanted.isEmpty {
            let abroad = coverage.abroad.reduce(0) { $0 + $1.exhibitions.count }
            cards.append(
                """
                <div class="card"><h2>Triển lãm</h2>
                <p class="figure">\(Self.number(coverage.covered)) / \(Self.number(coverage.provinces.count))</p>
                <p>tỉnh, thành phố đã tổ chức triển lãm (mục tiêu: tất cả)</p>
                <ul>
                <li>Cả trực tiếp và trực tuyến: \(Self.number(coverage.coveredInPersonAndOnline))</li>
                <li>Bằng tiếng Việt và tiếng nước ngoài: \(Self.number(coverage.coveredVietnameseAndForeign))</li>
                <li>Ở nước ngoài: \(Self.number(abroad)) triển lãm tại \(Self.number(coverage.abroad.count)) quốc gia</li>
                </ul><p><a href="/x">Xem triển lãm trực tuyến</a></p></div>
                """)
        } else {
            for unit in wanted {
                let row = held[unit.code]
                cards.append(
                    """
                    <div class="card"><h2>Triển lãm</h2>
                    <p class="figure">\(row?.held == true ? "Đã tổ chức" : "Chưa tổ chức")</p>
                    <p>\(unit.name): \(Self.number(row?.inPerson ?? 0)) triển lãm trực tiếp, \(Self.number(row?.online ?? 0)) trực tuyến</p>
                    <p><a href="/x">Xem triển lãm trực tuyến</a></p></div>
                    """)
            }
        }
        var charts: [HTML] = []
        if grouping != nil, !report.groups.isEmpty {
            func name(_ group: GroupFigures) -> String { group.key.isEmpty ? "(không có tỉnh)" : group.label }
            let shareRows =
                [(label: "Toàn bộ", ratio: report.totals.shares?.target)]
                + report.groups.map { (name($0), $0.figures.shares?.target) }
            charts.append(
                "<h2>Tỷ lệ nhóm mục tiêu theo tỉnh, thành phố</h2>\(HTML.trusted(ReportHTML.chart(shareRows, title: "Tỷ lệ nhóm mục tiêu", band: true, .vietnamese)))"
            )
            let coverageRows =
                [(label: "Toàn bộ", ratio: report.totals.coverage?.digitised)]
                + report.groups.map { (name($0), $0.figures.coverage?.digitised) }
            charts.append(
                "<h2>Tỷ lệ số hóa theo tỉnh, thành phố</h2>\(HTML.trusted(ReportHTML.chart(coverageRows, title: "Tỷ lệ số hóa", band: false, .vietnamese)))"
            )
            let rows = HTML.join(
                report.groups.map { group in
                    let key = group.key.isEmpty ? nil : group.key
                    var replacing: [String: String?] = ["province": key]
                    replacing["group"] = nil
                    let products = "/catalogue?\(QueryInput.encode(input.items(replacing: replacing)))"
                    return """
                        <tr><td>\(key == nil ? "(không có tỉnh)" : group.label)</td>
                        <td class="num">\(key == nil ? HTML("\(group.figures.shares?.products ?? 0)") : "<a href=\"\(products)\">\(group.figures.shares?.products ?? 0)</a>")</td>
                        <td class="num">\(Self.percent(group.figures.shares?.target))</td>
                        <td class="num">\(Self.percent(group.figures.coverage?.digitised))</td>
                        <td class="num">\(key.flatMap { held[$0]?.held } == true ? "✓" : "–")</td>
                        <td class="num">\(key == nil ? "" : HTML("<a href=\"/dashboard?\(QueryInput.encode(input.items(replacing: ["province": key])))\">Xem</a>"))</td></tr>
                        """
                })
            charts.append(
                """
                <h2>Theo tỉnh, thành phố</h2><div class="scroll"><table>
                <thead><tr><th>Tỉnh, thành phố</th><th>Sản phẩm</th><th>Nhóm mục tiêu</th><th>Đã số hóa</th><th>Triển lãm</th><th>Chi tiết</th></tr></thead>
                <tbody>\(rows)</tbody></table></div>
                """)
        }
        let scopeText =
            scope.isEmpty
            ? "toàn bộ sản phẩm công khai"
            : scope.sorted { $0.key < $1.key }.map { "\($0.key == "period" ? "kỳ" : "tỉnh") \($0.value)" }.joined(
                separator: ", ")
        let provinces = site.formOptions.provinces
        let options = HTML.join(
            provinces.map { code, name in
                "<option value=\"\(code)\"\(HTML.trusted(input.filter.provinces.contains(code) ? " selected" : ""))>\(name)</option>"
            })
        let body: HTML = """
            <h1>Tiến độ thực hiện mục tiêu</h1>
            <form class="search" method="get" action="/dashboard">
            <label>Kỳ báo cáo (2024, 2024-H1)<input name="period" value="\(input.filter.period ?? "")" maxlength="30"></label>
            <label>Tỉnh, thành phố<select name="province"><option value="">Tất cả</option>\(options)</select></label>
            <button type="submit">Xem</button>
            </form>
            <p class="muted">Phạm vi: \(scopeText). Số liệu tính lúc \(report.generatedAt), trạng thái kho \(report.catalogue.digest); báo cáo đầy đủ: <code>kho report summary</code>.</p>
            \(report.message.map { _ in HTML("<p class=\"card\">Chưa có sản phẩm nào trong phạm vi này.</p>") })
            <div class="cards">\(cards)</div>
            \(charts)
            """
        return Reply.html(Layout.page(title: "Tiến độ thực hiện mục tiêu", body: body))
    }

    /// 1.000 in Vietnamese: a dot between thousands.
    static func number(_ value: Int) -> String { Localizer.vietnamese.integer(value) }
}
