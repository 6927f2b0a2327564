import Foundation
import HTTPTypes
import KhoCore
import Testing

@Suite("kho serve: OAI-PMH 2.0")
struct OAITests {
    /// The resumption token of an answer, if it has one.
    func token(in text: String) -> String? {
        guard let range = text.range(of: "<resumptionToken[^>]*>[^<]+</resumptionToken>", options: .regularExpression)
        else { return nil }
        let element = String(text[range])
        return element.split(separator: ">")[1].components(separatedBy: "</").first
    }

    /// The text of every `<tag>` in an answer.
    func values(_ tag: String, in text: String) -> [String] {
        text.components(separatedBy: "<\(tag)>").dropFirst().compactMap { $0.components(separatedBy: "</\(tag)>").first }
    }

    @Test("Identify, ListMetadataFormats and ListSets describe the repository")
    func describe() async throws {
        let harness = try ServerHarness()
        let (identify, formats, sets) = try await harness.client { client in
            (
                try await client.fetch("/oai?verb=Identify"), try await client.fetch("/oai?verb=ListMetadataFormats"),
                try await client.fetch("/oai?verb=ListSets")
            )
        }
        #expect(identify["Content-Type"] == "text/xml; charset=utf-8")
        #expect(values("baseURL", in: identify.text) == ["https://kho.example.gov.vn/oai"])
        #expect(values("deletedRecord", in: identify.text) == ["persistent"])
        #expect(values("granularity", in: identify.text) == ["YYYY-MM-DDThh:mm:ssZ"])
        #expect(values("metadataPrefix", in: formats.text) == ["oai_dc"])
        let specs = values("setSpec", in: sets.text)
        #expect(specs.contains("kind:ebook"))
        #expect(specs.contains("province:gia-lai"))
        #expect(specs.contains("language-role:ethnic"))
        #expect(specs.filter { $0.hasPrefix("province:") }.count == 34)
    }

    @Test("a harvest in pages with resumption tokens gives every public record once, and removals as deleted")
    func harvest() async throws {
        let harness = try ServerHarness(oaiPageSize: 2)
        let fixture = harness.fixture
        var identifiers: [String] = []
        var deleted = 0
        var uri = "/oai?verb=ListIdentifiers&metadataPrefix=oai_dc"
        var pages = 0
        while true {
            let page = try await harness.client { [uri] in try await $0.fetch(uri) }
            pages += 1
            identifiers += values("identifier", in: page.text)
            deleted += page.text.components(separatedBy: "status=\"deleted\"").count - 1
            guard let next = self.token(in: page.text) else { break }
            uri = "/oai?verb=ListIdentifiers&resumptionToken=\(next)"
        }
        // 5 public products and 1 tombstone; the private product never appears.
        #expect(identifiers.count == 6)
        #expect(Set(identifiers).count == 6)
        #expect(pages == 3)
        #expect(deleted == 1)
        #expect(!identifiers.contains("oai:kho.example.gov.vn:\(fixture.privateProduct)"))
        #expect(identifiers.contains("oai:kho.example.gov.vn:\(fixture.removed)"))
    }

    @Test("records are Dublin Core; sets and dates select; GetRecord answers one")
    func records() async throws {
        let harness = try ServerHarness()
        let fixture = harness.fixture
        let id = "oai:kho.example.gov.vn:\(fixture.epub)"
        let (record, set, future, deleted) = try await harness.client { client in
            (
                try await client.fetch("/oai?verb=GetRecord&metadataPrefix=oai_dc&identifier=\(id)"),
                try await client.fetch("/oai?verb=ListRecords&metadataPrefix=oai_dc&set=province:gia-lai"),
                try await client.fetch("/oai?verb=ListRecords&metadataPrefix=oai_dc&from=2030-01-01"),
                try await client.fetch(
                    "/oai?verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:kho.example.gov.vn:\(fixture.removed)")
            )
        }
        #expect(values("dc:title", in: record.text) == ["Sổ tay quyền trẻ em"])
        #expect(values("dc:identifier", in: record.text) == ["https://kho.example.gov.vn/p/\(fixture.epub)"])
        #expect(values("dc:language", in: record.text) == ["vi"])
        #expect(values("dc:coverage", in: record.text) == ["Gia Lai", "Bình Định"])
        #expect(values("dc:type", in: record.text).contains("Text"))
        // A licence is named and linked, so that a harvester can tell what it may re-use.
        #expect(
            values("dc:rights", in: record.text) == [
                "Creative Commons Ghi công 4.0 (Creative Commons Attribution 4.0)", "https://creativecommons.org/licenses/by/4.0/",
            ])
        #expect(values("setSpec", in: record.text).contains("province:gia-lai"))
        #expect(Set(values("dc:title", in: set.text)) == ["Sổ tay quyền trẻ em", "Phóng sự: Quyền của đồng bào dân tộc thiểu số"])
        #expect(future.text.contains("<error code=\"noRecordsMatch\">"))
        #expect(deleted.text.contains("<header status=\"deleted\">"))
    }

    @Test("protocol errors: bad verbs, arguments, formats, ids and tampered tokens")
    func errors() async throws {
        let harness = try ServerHarness(oaiPageSize: 2)
        let fixture = harness.fixture
        let first = try await harness.client { try await $0.fetch("/oai?verb=ListRecords&metadataPrefix=oai_dc") }
        let token = try #require(self.token(in: first.text))
        var tampered = Array(token)
        tampered[5] = tampered[5] == "A" ? "B" : "A"
        let cases: [(String, String)] = [
            ("/oai", "badVerb"),
            ("/oai?verb=Delete", "badVerb"),
            ("/oai?verb=Identify&verb=Identify", "badVerb"),
            ("/oai?verb=Identify&extra=1", "badArgument"),
            ("/oai?verb=ListRecords", "badArgument"),
            ("/oai?verb=ListRecords&metadataPrefix=oai_dc&from=2024-13-45", "badArgument"),
            ("/oai?verb=ListRecords&metadataPrefix=oai_dc&from=2024-01-01&until=2023-01-01", "badArgument"),
            ("/oai?verb=ListRecords&metadataPrefix=oai_dc&from=2024-01-01&until=2025-01-01T00:00:00Z", "badArgument"),
            ("/oai?verb=ListRecords&metadataPrefix=oai_dc&set=kind:novel", "badArgument"),
            ("/oai?verb=ListRecords&metadataPrefix=marc21", "cannotDisseminateFormat"),
            ("/oai?verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:kho.example.gov.vn:\(fixture.privateProduct)", "idDoesNotExist"),
            ("/oai?verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:elsewhere:\(fixture.epub)", "idDoesNotExist"),
            ("/oai?verb=ListRecords&resumptionToken=\(String(tampered))", "badResumptionToken"),
            ("/oai?verb=ListIdentifiers&resumptionToken=\(token)", "badResumptionToken"),
            ("/oai?verb=ListRecords&resumptionToken=\(token)&metadataPrefix=oai_dc", "badArgument"),
        ]
        let answers = try await harness.client { client in
            var texts: [String] = []
            for (uri, _) in cases { texts.append(try await client.fetch(uri).text) }
            return texts
        }
        for ((uri, code), text) in zip(cases, answers) {
            #expect(text.contains("<error code=\"\(code)\">"), "\(uri)")
        }
        // A request with a bad verb or argument echoes no arguments.
        #expect(answers[0].contains("<request>https://kho.example.gov.vn/oai</request>"))
    }

    @Test("POST works like GET")
    func post() async throws {
        let harness = try ServerHarness()
        let answer = try await harness.client { client in
            try await client.fetch(
                "/oai", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                body: "verb=Identify")
        }
        #expect(answer.text.contains("<Identify>"))
    }
}
