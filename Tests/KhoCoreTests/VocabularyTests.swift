import Foundation
import Testing

@testable import KhoCore

@Suite("vocabularies")
struct VocabularyTests {
    let vocabulary = try! Vocabulary.builtIn()

    @Test("the built-in vocabularies hold the codes the programme needs")
    func builtInCodes() throws {
        let kinds = Set(vocabulary.kinds.map(\.code))
        for code in [
            "article", "radio-report", "radio-drama", "book", "ebook", "mooc-lesson", "social-post", "contest-entry",
        ] {
            #expect(kinds.contains(code))
        }
        #expect(vocabulary.platforms.count == 17)
        #expect(vocabulary.topics.count == 15)
        #expect(vocabulary.units2022.count == 63)
        #expect(vocabulary.units2025.count == 34)
        #expect(try vocabulary.kind("ebook").digital)
        #expect(try vocabulary.kind("book").bookTitle)
        #expect(try !vocabulary.platform("commune-radio").digital)
        #expect(try vocabulary.topic("icerd").leadAgency == "Committee for Ethnic Minority Affairs")
    }

    @Test("every 2022 unit maps to a 2025 unit that lists it among its former units")
    func provinceMappingIsConsistent() {
        let current = Dictionary(uniqueKeysWithValues: vocabulary.units2025.map { ($0.code, $0) })
        for unit in vocabulary.units2022 {
            let successor = current[unit.successor ?? ""]
            #expect(successor != nil, "\(unit.code) has no successor")
            #expect(successor?.formerUnits?.contains(unit.code) == true, "\(unit.code) not among its successor's units")
        }
        #expect(Set(vocabulary.units2025.flatMap { $0.formerUnits ?? [] }).count == 63)
    }

    @Test("language roles come from the vocabulary and can be set per product")
    func languageRoles() throws {
        #expect(try vocabulary.productLanguage("vi").role == .national)
        #expect(try vocabulary.productLanguage("jra").role == .ethnic)
        #expect(try vocabulary.productLanguage("km").role == .ethnic)
        #expect(try vocabulary.productLanguage("zh").role == .foreign)
        let khmerForeign = try vocabulary.productLanguage("km:foreign")
        #expect(khmerForeign.role == .foreign && khmerForeign.roleOverride && khmerForeign.spec == "km:foreign")
        #expect(try !vocabulary.productLanguage("jra:ethnic").roleOverride)
        #expect(throws: VocabularyError.self) { try vocabulary.productLanguage("km:alien") }
    }

    @Test("a province takes the set in force on the product's date")
    func provinceSets() throws {
        let before = PartialDate(parsing: "2024-03-02")
        let after = PartialDate(parsing: "2025-09")
        #expect(try vocabulary.province("gia-lai", date: before) == ProvinceRef(code: "gia-lai", set: .units2022))
        #expect(try vocabulary.province("gia-lai", date: after) == ProvinceRef(code: "gia-lai", set: .units2025))
        #expect(try vocabulary.province("gia-lai", date: nil).set == .units2025)
        #expect(try vocabulary.province("Bình Định", date: nil) == ProvinceRef(code: "binh-dinh", set: .units2022))
        #expect(try vocabulary.province("gia-lai@2022", date: after).set == .units2022)
        #expect(try vocabulary.province("hue", date: before) == ProvinceRef(code: "thua-thien-hue", set: .units2022))
        let binhDinh = ProvinceRef(code: "binh-dinh", set: .units2022)
        #expect(vocabulary.currentUnit(of: binhDinh)?.code == "gia-lai")
        #expect(throws: VocabularyError.self) { try vocabulary.province("binh-dinh@2025", date: nil) }
    }

    @Test("unknown codes suggest close matches")
    func suggestions() {
        #expect(
            throws: VocabularyError.unknownCode(
                vocabulary: "kinds", field: "kind", value: "radio-reprt", suggestions: ["radio-report"])
        ) {
            try vocabulary.kind("radio-reprt")
        }
        do {
            _ = try vocabulary.platform("loa xa", field: "--platform")
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("--platform: unknown platform code 'loa xa'"))
        }
    }

    @Test("validation reports every problem at once")
    func validationCollectsAllProblems() {
        var input = MetadataInput()
        input.kind = "bok"
        input.languages = ["vi", "xx"]
        input.published = "2024-02-30"
        input.produced = "2025"
        guard case .failure(let failure) = vocabulary.validate(input) else {
            Issue.record("expected failure")
            return
        }
        #expect(Set(failure.problems.map(\.field)) == ["title", "kind", "languages", "published"])
    }

    @Test("a repository extension adds and replaces entries, and rejects bad codes")
    func extensions() throws {
        let data = Data(
            #"{"vocabulary":"platforms","version":"x","entries":[{"code":"radio","label":"Radio","labelVi":"Đài","digital":true},{"code":"zalo-oa","label":"Zalo","labelVi":"Zalo","digital":true}]}"#
                .utf8)
        let extended = try Vocabulary(extensions: ["platforms": data])
        #expect(try extended.platform("radio").digital)
        #expect(try extended.platform("zalo-oa").digital)
        #expect(extended.versions["platforms"] == "1.0.0+local")
        let bad = Data(
            #"{"vocabulary":"kinds","version":"x","entries":[{"code":"Bad Code","label":"","labelVi":"","digital":false,"bookTitle":false}]}"#
                .utf8)
        #expect(throws: VocabularyError.self) { try Vocabulary(extensions: ["kinds": bad]) }
        #expect(throws: VocabularyError.self) { try Vocabulary(extensions: ["provinces": data]) }
    }

    @Test("languages: all of ISO 639-3, Viet Nam's 54 groups' languages ethnic by default, names found by suggestion")
    func isoLanguages() throws {
        let vocabulary = try Vocabulary.builtIn()
        #expect(vocabulary.allLanguages.count >= 7900)
        #expect(Set(vocabulary.allLanguages.map { $0.code.lowercased() }).count == vocabulary.allLanguages.count)
        for (code, role) in [
            ("vi", LanguageRole.national), ("tyz", .ethnic), ("hnj", .ethnic), ("mww", .ethnic), ("hmv", .ethnic),
            ("km", .ethnic), ("jra", .ethnic), ("rad", .ethnic), ("bdq", .ethnic), ("mlc", .ethnic), ("nty", .ethnic),
            ("tyh", .ethnic), ("en", .foreign), ("zh", .foreign), ("lo", .foreign), ("ain", .foreign),
        ] {
            #expect(try vocabulary.language(code).role == role, "\(code)")
        }
        #expect(try vocabulary.language("vie").code == "vi")  // ISO 639-3 codes are read as their tag
        #expect(try vocabulary.language("HNJ").groups == ["Mông"])
        // Every group of the 54 has its languages in the vocabulary, each ethnic (Vietnamese national).
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        struct Groups: Decodable {
            struct Entry: Decodable { var group: String; var languages: [String] }
            var entries: [Entry]
        }
        let groups = try JSONDecoder().decode(
            Groups.self,
            from: Data(contentsOf: root.appendingPathComponent("catalogue-schema/language-sources/vietnam-ethnic-groups.json")))
        #expect(groups.entries.count == 54)
        for group in groups.entries {
            for code in group.languages {
                let language = try vocabulary.language(code)
                #expect(language.groups?.contains(group.group) == true, "\(group.group): \(code)")
                #expect(language.role != .foreign || ["lao"].contains(code), "\(group.group): \(code) is foreign")
            }
        }
        // The languages compiled in are exactly the committed data.
        let tsv = try String(
            contentsOf: root.appendingPathComponent("catalogue-schema/language-sources/iso-639-3.tsv"), encoding: .utf8)
        #expect(Vocabulary.iso639_3TSV + "\n" == tsv)
        // Suggestions by English name, and by the people's Vietnamese name without diacritics.
        for (typed, expected) in [("hmong", "hmn"), ("mong", "hnj"), ("gia rai", "jra"), ("ede", "rad")] {
            do {
                _ = try vocabulary.language(typed)
                Issue.record("\(typed) was accepted")
            } catch .unknownCode(_, _, _, let suggestions) {
                #expect(suggestions.contains(expected), "\(typed): \(suggestions)")
            } catch {
                Issue.record("\(error)")
            }
        }
    }
}
