import Foundation
import Testing

@Suite("Vietnamese first: reports in the reader's language, sorted as Vietnamese readers expect")
struct LanguageTests {
    /// Five products in five provinces whose code-point order is not their Vietnamese order.
    static func fixture() throws -> Workspace {
        let ws = try Workspace()
        try ws.ok("init")
        try ws.write(
            "in/manifest.csv",
            """
            path,title,kind,languages,platforms,province,published
            ,Bản tin Tuyên Quang,article,vi,website,tuyen-quang,2024-02
            ,Phóng sự Đắk Lắk,radio-report,rad;vi,district-radio,dak-lak,2024-03
            ,Bài viết An Giang,article,vi,print-newspaper,an-giang,2024-04
            ,Video Điện Biên,video,vi,social-media,dien-bien,2024-05
            ,Sách Đà Nẵng,book,vi,print-publication,da-nang,2024-06

            """)
        try ws.ok("ingest", "in", "--manifest", "in/manifest.csv")
        return ws
    }

    /// The environment of a user who has set no language.
    static let unset = ["KHO_LANG": ""]

    @Test("a repository speaks Vietnamese by default: titles, rows, numbers with a decimal comma, provinces in Vietnamese order")
    func vietnameseReport() throws {
        let ws = try Self.fixture()
        let text = try ws.kho(["report", "summary", "--by", "province"], environment: Self.unset)
        #expect(text.status == 0, "\(text.stderr)")
        let out = text.stdout
        #expect(out.hasPrefix("Báo cáo tổng hợp: tỷ lệ nhóm mục tiêu, đầu sách và tiến độ số hóa\nPhạm vi: tất cả sản phẩm\n"))
        #expect(out.contains("Tỷ lệ nhóm mục tiêu (dân tộc thiểu số ∪ nước ngoài ∪ nền tảng số)"))
        // ethnic (Ê Đê, `rad`) 1, digital (social media, website) 2: any group 3 of 5.
        #expect(out.contains("3 / 5 = 60,00 %"))
        #expect(out.contains("Đầu sách (mục tiêu 1.000 đầu sách trên toàn quốc)"))
        #expect(out.contains("Theo tỉnh, thành phố:"))
        let order = ["An Giang", "Đà Nẵng", "Đắk Lắk", "Điện Biên", "Tuyên Quang"].map { name in
            out.range(of: "  \(name) ")?.lowerBound
        }
        #expect(order.allSatisfy { $0 != nil })
        #expect(order.compactMap { $0 } == order.compactMap { $0 }.sorted())
        #expect(out.contains("Định nghĩa:"))
        #expect(!out.contains("Target share"))

        let html = try ws.kho(["report", "summary", "--by", "province", "--format", "html"], environment: Self.unset)
        #expect(html.stdout.contains("<html lang=\"vi\">"))
        #expect(html.stdout.contains("Tỷ lệ nhóm mục tiêu so với mức 15–20 %"))
        #expect(html.stdout.contains("60,0 %"))
        let csv = try ws.kho(["report", "shares", "--by", "province", "--format", "csv"], environment: Self.unset)
        #expect(csv.stdout.hasPrefix("nhóm (mã),nhóm,số sản phẩm,"))
        #expect(csv.stdout.contains(",tổng cộng,5,3,5,60.00,above"))  // values stay machine-readable

        // Machine output does not change with the language.
        let json = try ws.kho(["report", "shares", "--format", "json"], environment: Self.unset)
        #expect(json.stdout.contains("\"report\" : \"shares\""))
        #expect(json.stdout.contains("\"title\" : \"Target share: ethnic-language, foreign-language and digital products\""))
    }

    @Test("`kho config set language en` switches a repository to English; KHO_LANG overrides it for one command")
    func setting() throws {
        let ws = try Self.fixture()
        #expect(try ws.kho(["config", "get", "language"], environment: Self.unset).stdout == "vi\n")
        try ws.ok("config", "set", "language", "en")
        let english = try ws.kho(["report", "books"], environment: Self.unset)
        #expect(english.stdout.hasPrefix("Book titles: progress and share\n"))
        #expect(english.stdout.contains("1 / 1,000 = 0.10 %"))
        let vietnamese = try ws.kho(["report", "books"], environment: ["KHO_LANG": "vi"])
        #expect(vietnamese.stdout.hasPrefix("Đầu sách: tiến độ và tỷ lệ\n"))
        #expect(vietnamese.stdout.contains("1 / 1.000 = 0,10 %"))
        let refused = try ws.kho(["config", "set", "language", "fr"])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("language: 'fr' is not a language kho speaks; expected vi (Vietnamese) or en (English)"))
        #expect(try ws.kho(["config", "get", "language"]).stdout == "en\n")
    }

    @Test("errors are said in the reader's language, with the same exit codes")
    func errors() throws {
        let ws = try Self.fixture()
        let unknown = try ws.kho(["show", "0000000000000000"], environment: Self.unset)
        #expect(unknown.status == 1)
        #expect(unknown.stderr == "Lỗi: sản phẩm 0000000000000000: không có trong danh mục này; `kho list` hoặc `kho search` liệt kê các sản phẩm hiện có\n")
        let english = try ws.kho(["show", "0000000000000000"], environment: ["KHO_LANG": "en"])
        #expect(english.status == 1)
        #expect(english.stderr.hasPrefix("Error: product 0000000000000000: not in this catalogue"))
        let nowhere = try ws.kho(["list", "--repo", "nowhere"], environment: Self.unset)
        #expect(nowhere.status == 1 && nowhere.stderr.hasPrefix("Lỗi: nowhere: không phải kho lưu trữ của kho"))
    }

    @Test("everyday commands report in Vietnamese: init, ingest, list, edit, undo, export, remove")
    func everydayMessages() throws {
        let ws = try Workspace()
        let vi = Self.unset
        let created = try ws.kho(["init"], environment: vi).stdout
        if ws.onPostgres() {
            #expect(created.hasPrefix("đã tạo kho lưu trữ tại storage, danh mục trên PostgreSQL tại postgresql://"))
        } else {
            #expect(created == "đã tạo kho lưu trữ tại storage\n")
        }
        try ws.write("in/quyen-tre-em.txt", String(repeating: "Quyền trẻ em. ", count: 200))
        let ingest = try ws.kho(["ingest", "in", "--kind", "article", "--lang", "vi"], environment: vi)
        #expect(ingest.stdout.hasPrefix("đã nhập     "))
        #expect(ingest.stdout.contains("(text/plain, 3,6 KB)"))  // a decimal comma (3,600 bytes of UTF-8)
        #expect(ingest.stderr.contains("1 đã nhập"))
        #expect(try ws.kho(["list"], environment: vi).stderr == "1 sản phẩm\n")
        // Technical metadata in kho show speaks the language too.
        #expect(try ws.kho(["show", try ws.ok("list", "--ids").stdout.trimmingCharacters(in: .whitespacesAndNewlines)], environment: vi)
            .stdout.contains("text, UTF-8, 600 từ"))
        let id = try #require(try ws.ok("list", "--ids").stdout.split(separator: "\n").first.map(String.init))
        #expect(try ws.kho(["edit", id, "--title", "Quyền trẻ em"], environment: vi).stdout == "đã sửa     \(id)  title\n")
        #expect(try ws.kho(["edit", id, "--undo"], environment: vi).stdout == "đã hoàn tác \(id)  title\n")
        let export = try ws.kho(["export", "--out", "goi"], environment: vi)
        #expect(export.stdout.hasPrefix("đã xuất 1 sản phẩm, 1 tệp, "))
        let remove = try ws.kho(["remove", id, "--reason", "đăng ký nhầm"], environment: vi)
        #expect(remove.stdout.hasPrefix("đã gỡ bỏ \(id)"))
        #expect(remove.stderr.hasPrefix("đã gỡ bỏ 1 sản phẩm"))
    }

    @Test("validation problems are listed in the reader's language, every one of them")
    func validationMessages() throws {
        let ws = try Workspace()
        try ws.ok("init")
        let refused = try ws.kho(
            ["register", "--title", "", "--kind", "artcle", "--lang", "jrx", "--published", "2024-13"],
            environment: Self.unset)
        #expect(refused.status == 1)
        #expect(refused.stderr.hasPrefix("Lỗi: chưa đăng ký gì; hãy sửa những điểm sau rồi chạy lại lệnh:\n"))
        #expect(refused.stderr.contains("  - --title: còn thiếu; sản phẩm nào cũng cần có tên"))
        #expect(refused.stderr.contains("  - --kind: không có mã loại sản phẩm 'artcle'; có phải ý bạn là 'article'?"))
        #expect(refused.stderr.contains("  - --published: '2024-13' không hợp lệ; cần ngày dạng YYYY-MM-DD"))
    }

    @Test("manifest and ingest problems, dry runs, the event log and filters speak Vietnamese too")
    func ingestAndLogMessages() throws {
        let ws = try Self.fixture()
        let vi = Self.unset
        try ws.write(
            "bad/manifest.csv",
            """
            path,title,kind,langs
            a.txt,A,article,vi

            """)
        let header = try ws.kho(["ingest", "bad", "--manifest", "bad/manifest.csv"], environment: vi)
        #expect(header.status == 1)
        #expect(header.stderr.contains("bad/manifest.csv: dòng tiêu đề không hợp lệ:"))
        #expect(header.stderr.contains("  - dòng 1, cột 4: không có cột 'langs'; các cột là path,title,"))
        try ws.write(
            "bad/manifest.csv",
            """
            path,title,kind
            ../a.txt,A,article
            b.txt,B,artcle

            """)
        try ws.write("bad/b.txt", "B")
        let rows = try ws.kho(["ingest", "bad", "--manifest", "bad/manifest.csv"], environment: vi)
        #expect(rows.status == 1)
        #expect(rows.stderr.contains("bad/manifest.csv: có 2 lỗi; chưa nhập gì."))
        #expect(rows.stderr.contains("  - manifest.csv dòng 2, path '../a.txt': có '..'; tệp phải nằm trong thư mục"))
        #expect(rows.stderr.contains("  - manifest.csv dòng 3: kind: không có mã loại sản phẩm 'artcle'"))

        try ws.write("new/bai-moi.txt", "Bài mới")
        let dryRun = try ws.kho(["ingest", "new", "--kind", "article", "--dry-run"], environment: vi)
        #expect(dryRun.status == 0, "\(dryRun.stderr)")
        #expect(dryRun.stdout.hasPrefix("sẽ nhập: new/bai-moi.txt"))
        #expect(dryRun.stderr.contains("chạy thử, chưa ghi gì: 1 dự kiến"))
        let empty = try ws.kho(["ingest", "nowhere", "--kind", "article"], environment: vi)
        #expect(empty.status == 1 && empty.stderr.contains("nowhere: không có tệp hay thư mục này"))

        let log = try ws.kho(["log"], environment: vi)
        #expect(log.stdout.contains("tiếp nhận") && log.stdout.contains("thành công"))
        #expect(!log.stdout.contains("accession"))
        // --type takes the code or the name in either language, with or without diacritics.
        let byName = try ws.kho(["log", "--type", "tiep nhan", "--json"], environment: vi)
        let byCode = try ws.kho(["log", "--type", "accession", "--json"], environment: vi)
        #expect(byName.status == 0 && byName.stdout == byCode.stdout)
        #expect(byCode.stdout.contains("\"type\" : \"accession\""))  // JSON keeps the code

        let period = try ws.kho(["list", "--period", "2024-H3"], environment: vi)
        #expect(period.status == 1)
        #expect(period.stderr.contains("--period: '2024-H3' không phải kỳ báo cáo"))
    }
}
