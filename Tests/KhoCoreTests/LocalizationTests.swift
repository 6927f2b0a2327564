import Foundation
import KhoCore
import Testing

@Suite("languages, numbers and Vietnamese order")
struct LocalizationTests {
    @Test("numbers follow the language: 1.000 and 30,0 % in Vietnamese, 1,000 and 30.0 % in English")
    func numbers() {
        let vi = Localizer.vietnamese
        let en = Localizer.english
        #expect(vi.integer(0) == "0")
        #expect(vi.integer(999) == "999")
        #expect(vi.integer(1000) == "1.000")
        #expect(vi.integer(-1_234_567) == "-1.234.567")
        #expect(en.integer(1_234_567) == "1,234,567")
        #expect(vi.percent(30) == "30,0 %")
        #expect(en.percent(30) == "30.0 %")
        #expect(vi.percent(15.255, digits: 2) == "15,26 %")
        #expect(vi.decimal(1234.5, digits: 2) == "1.234,50")
        #expect(vi.decimal(0.05, digits: 1) == "0,1")
        #expect(vi.decimal(-0.004, digits: 2) == "0,00")
        #expect(vi.signed(12, digits: 0) == "+12")
        #expect(vi.signed(-3, digits: 0) == "-3")
        #expect(vi.signed(1.25, digits: 2) == "+1,25")
        #expect(vi.decimal(.nan, digits: 1) == "không xác định")
        #expect(vi.date(PartialDate(parsing: "2024-03-02")!) == "02/03/2024")
        #expect(vi.date(PartialDate(parsing: "2024-11")!) == "11/2024")
        #expect(vi.date(PartialDate(parsing: "2024")!) == "2024")
        #expect(en.date(PartialDate(parsing: "2024-03-02")!) == "2024-03-02")
    }

    @Test("KHO_LANG over the repository's setting over Vietnamese; locale forms are read")
    func resolution() {
        #expect(DisplayLanguage.resolve(environment: nil, setting: nil) == .vi)
        #expect(DisplayLanguage.resolve(environment: nil, setting: "en") == .en)
        #expect(DisplayLanguage.resolve(environment: "vi_VN.UTF-8", setting: "en") == .vi)
        #expect(DisplayLanguage.resolve(environment: "en-GB", setting: nil) == .en)
        #expect(DisplayLanguage.resolve(environment: "", setting: "en") == .en)
        #expect(DisplayLanguage.resolve(environment: "fr", setting: nil) == .vi)
    }

    @Test("Vietnamese order: a ă â b c d đ e ê …, tones second (ngang, huyền, hỏi, ngã, sắc, nặng)")
    func collation() {
        let expected = [
            "An Giang", "Ăn", "Ấn", "Bắc Ninh", "Cà Mau", "Cần Thơ", "Dak", "Đà Nẵng", "Đắk Lắk", "Điện Biên", "Gia Lai",
            "Ha", "Hà", "Hả", "Hã", "Há", "Hạ", "Hà Nội", "Hà Tĩnh", "On", "Ôn", "Ơn", "Tuyên Quang", "Ung", "Ưng",
            "Vĩnh Long",
        ]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<5 {
            #expect(expected.shuffled(using: &generator).sortedVietnamese() == expected)
        }
        #expect(VietnameseCollation.precedes("đặng", "Đặng"))  // case after tone
        #expect(VietnameseCollation.compare("Gia Lai", "Gia Lai") == .orderedSame)
        // NFC and NFD spellings of the same name are the same name.
        let nfd = "Đắk Lắk".decomposedStringWithCanonicalMapping
        #expect(VietnameseCollation.compare(nfd, "Đắk Lắk") != .orderedAscending)
    }

    /// The message keys the sources name, literally (`l("…")`) or by a family of cases.
    static func keysUsed() throws -> Set<String> {
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources")
        var keys = Set<String>()
        let pattern = try NSRegularExpression(pattern: #"\bl(?:\.has)?\("([a-z0-9_.\- ]+)""#)
        let files = FileManager.default.enumerator(atPath: sources.path)?.compactMap { $0 as? String } ?? []
        for file in files where file.hasSuffix(".swift") {
            let text = try String(contentsOf: sources.appendingPathComponent(file), encoding: .utf8)
            for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                if let range = Range(match.range(at: 1), in: text) { keys.insert(String(text[range])) }
            }
        }
        for kind in ["summary", "shares", "books", "coverage", "period"] { keys.insert("report.title.\(kind)") }
        for grouping in ReportGrouping.allCases { keys.insert("report.grouping.\(grouping.rawValue)") }
        for band in ["below", "within", "above"] {
            keys.insert("report.band.\(band)")
            keys.insert("report.band.short.\(band)")
        }
        for key in ReportDefinitions.texts.keys { keys.insert("report.definition.\(key)") }
        for key in ["products", "book_titles", "target_share_points", "book_share_points", "digitised_points"] {
            keys.insert("report.change.\(key)")
        }
        for type in EventType.allCases { keys.insert("event.type." + type.rawValue.replacingOccurrences(of: " ", with: "_")) }
        for outcome in ["success", "failure"] { keys.insert("event.outcome.\(outcome)") }
        for outcome in ["pass", "missing", "corrupted"] { keys.insert("fixity.outcome.\(outcome)") }
        for status in ["ingested", "linked", "registered", "duplicate", "already-ingested", "planned"] {
            keys.insert("ingest.count.\(status)")
        }
        return keys
    }

    @Test("every message has its translation, with the same placeholders, and every key the code uses exists")
    func tables() throws {
        let vi = Localizer.messageTable(.vi)
        let en = Localizer.messageTable(.en)
        #expect(!vi.isEmpty && !en.isEmpty)
        #expect(Set(vi.keys).subtracting(en.keys).isEmpty, "only in vi.json: \(Set(vi.keys).subtracting(en.keys))")
        #expect(Set(en.keys).subtracting(vi.keys).isEmpty, "only in en.json: \(Set(en.keys).subtracting(vi.keys))")
        let placeholder = try NSRegularExpression(pattern: #"\{[a-z_]+\}"#)
        func placeholders(_ text: String) -> Set<String> {
            Set(placeholder.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap {
                Range($0.range, in: text).map { String(text[$0]) }
            })
        }
        for (key, text) in en {
            let translation = vi[key] ?? ""
            #expect(!text.isEmpty && !translation.isEmpty, "\(key) is empty")
            #expect(placeholders(text) == placeholders(translation), "\(key): placeholders differ")
        }
        let used = try Self.keysUsed()
        #expect(used.count > 50)
        let missing = used.subtracting(en.keys)
        #expect(missing.isEmpty, "used in the sources but in no message table: \(missing.sorted())")
    }
}
