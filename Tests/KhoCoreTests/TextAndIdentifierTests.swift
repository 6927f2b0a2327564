import Foundation
import Testing

@testable import KhoCore

@Suite("text folding, dates and identifiers")
struct TextAndIdentifierTests {
    @Test("folding ignores case, diacritics, NFC/NFD and reads đ as d")
    func folding() {
        #expect(TextFolding.fold("Quyền Trẻ Em") == "quyen tre em")
        #expect(TextFolding.fold("ĐỒNG BÀO".decomposedStringWithCanonicalMapping) == "dong bao")
        #expect(TextFolding.fold("Ứng dụng ơ ư ă â ê ô") == "ung dung o u a a e o")
        #expect(TextFolding.slug("Bà Rịa - Vũng Tàu") == "ba-ria-vung-tau")
        #expect(TextFolding.searchTerms("“Quyền”, trẻ-em!") == ["quyen", "tre", "em"])
        #expect(TextFolding.singleLine("a\r\nb\tc") == "a  b c")
    }

    @Test("partial dates parse strictly and compare by their first day")
    func partialDates() throws {
        #expect(PartialDate(parsing: "2024")?.description == "2024")
        #expect(PartialDate(parsing: "2024-02-29")?.lastDay == "2024-02-29")
        #expect(PartialDate(parsing: "2023-02-29") == nil)
        #expect(PartialDate(parsing: "2024-2-01") == nil)
        #expect(PartialDate(parsing: "24") == nil)
        let month = try #require(PartialDate(parsing: "2024-02"))
        #expect(month.firstDay == "2024-02-01" && month.lastDay == "2024-02-29")
        #expect(try #require(PartialDate(parsing: "2023-12-31")) < month)
    }

    @Test("identifiers are 16 Crockford characters, sortable by time, read back leniently")
    func identifiers() throws {
        var generator = SystemRandomNumberGenerator()
        let early = ProductID.generate(at: Date(timeIntervalSince1970: 1_700_000_000), using: &generator)
        let late = ProductID.generate(at: Date(timeIntervalSince1970: 1_700_000_001), using: &generator)
        #expect(early.rawValue.count == 16 && early < late)
        #expect(ProductID(parsing: early.rawValue.lowercased()) == early)
        let grouped = early.rawValue.prefix(8) + "-" + early.rawValue.dropFirst(8)
        #expect(ProductID(parsing: String(grouped)) == early)
        #expect(ProductID(parsing: "OOOOOOOOOOOOOOOI")?.rawValue == "0000000000000001")
        #expect(ProductID(parsing: "UUUUUUUUUUUUUUUU") == nil)
        #expect(ProductID(parsing: "short") == nil)
        var ids = Set<ProductID>()
        for _ in 0..<10_000 { ids.insert(ProductID.generate(at: Date(), using: &generator)) }
        #expect(ids.count == 10_000)
    }

    @Test("target groups: ethnic or foreign by language role, digital by platform or kind")
    func groups() throws {
        let vocabulary = try Vocabulary.builtIn()
        func product(kind: String, languages: [String], platforms: [String]) throws -> Product {
            let metadata = ProductMetadata(
                title: "t", kind: kind, languages: try languages.map { try vocabulary.productLanguage($0) },
                platforms: platforms)
            var generator = SystemRandomNumberGenerator()
            return Product(
                id: .generate(at: Date(), using: &generator), metadata: metadata, files: [], originRepository: "r",
                createdAt: Date(), updatedAt: Date())
        }
        #expect(
            try product(kind: "article", languages: ["vi"], platforms: ["print-newspaper"]).groups(in: vocabulary)
                == TargetGroups(ethnic: false, foreign: false, digital: false))
        #expect(try product(kind: "ebook", languages: ["vi"], platforms: []).groups(in: vocabulary).digital)
        let mixed = try product(kind: "radio-report", languages: ["jra", "km:foreign"], platforms: ["website"]).groups(
            in: vocabulary)
        #expect(mixed == TargetGroups(ethnic: true, foreign: true, digital: true))
    }

    @Test("timestamps are written and read as UTC ISO 8601 to the second; markup escapes the four characters")
    func timestampsAndEscaping() {
        let cases: [(TimeInterval, String)] = [
            (0, "1970-01-01T00:00:00Z"), (951_782_400, "2000-02-29T00:00:00Z"),
            (1_795_390_799.9, "2026-11-22T23:39:59Z"), (253_402_300_799, "9999-12-31T23:59:59Z"),
        ]
        for (seconds, text) in cases {
            #expect(Timestamp.string(Date(timeIntervalSince1970: seconds)) == text)
            #expect(Timestamp.date(text) == Date(timeIntervalSince1970: seconds.rounded(.down)))
        }
        #expect(Timestamp.date("2026-1-2T3:04:05Z") == Date(timeIntervalSince1970: 1_767_323_045))  // lenient
        #expect(Timestamp.date("2026-11-22T23:39:5xZ") == nil)
        #expect(Timestamp.date("hôm qua") == nil)
        #expect(Markup.escape("Quyền trẻ em") == "Quyền trẻ em")
        #expect(Markup.escape("<b>\"Đ&Đ\"</b>") == "&lt;b&gt;&quot;Đ&amp;Đ&quot;&lt;/b&gt;")
        #expect(Markup.escape("") == "")
    }

    @Test("path arithmetic works on one-character names and trailing slashes (where NSString's crashes on Linux)")
    func paths() {
        #expect("b".parentPath == "" && "b".fileName == "b")
        #expect("b/".parentPath == "" && "b/".fileName == "b")
        #expect("a/b/c.txt".parentPath == "a/b" && "a/b/c.txt".fileName == "c.txt")
        #expect("/c".parentPath == "/" && "/".fileName == "/")
        #expect("a//b".parentPath == "a")
        #expect("a/b.tar".removingPathExtension == "a/b")
        #expect("b.zip".removingPathExtension == "b")
        #expect(".hidden".removingPathExtension == ".hidden")
        #expect("a.".removingPathExtension == "a.")
        #expect("/x/y.tar".removingPathExtension == "/x/y")
        #expect("c".removingPathExtension == "c")
        #expect("/y.tar".removingPathExtension == "/y")
        #expect("a".appendingPath("b") == "a/b" && "a/".appendingPath("b") == "a/b")
        #expect("/".appendingPath("b") == "/b" && "".appendingPath("b") == "b")
        #expect("bag//".withoutTrailingSlash == "bag" && "/".withoutTrailingSlash == "/")
    }
}
