import Foundation
import Testing

/// Bags made as other tools make them (scripts/make-foreign-bags.py): kho's BagIt verdict follows
/// RFC 8493 alone, apart from kho's profile. `scripts/check-bagit` compares the same bags with
/// bagit-python.
@Suite("BagIt bags from other tools")
struct ForeignBagTests {
    static func bags() throws -> (Workspace, [String: [String: Any]]) {
        let ws = try Workspace()
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("scripts/make-foreign-bags.py").path
        #expect(try Workspace.shell("python3 '\(script)' '\(ws.root.path)/bags'") == 0)
        let data = try Data(contentsOf: ws.root.appendingPathComponent("bags/expected.json"))
        let expected = try #require(try JSONSerialization.jsonObject(with: data) as? [String: [String: Any]])
        return (ws, expected)
    }

    @Test("the BagIt verdict is RFC 8493's: CR LF, CR, Latin-1, UTF-16, 0.97, %-encoded names, md5/sha1 manifests, fetch.txt")
    func bagitVerdicts() throws {
        let (ws, expected) = try Self.bags()
        #expect(expected.count >= 20)
        for (name, want) in expected.sorted(by: { $0.key < $1.key }) {
            let result = try ws.kho(["bundle", "verify", "bags/" + name, "--bagit-only", "--json"])
            let json = try #require(try result.json() as? [String: Any], "\(name): \(result.stderr)")
            let bagit = try #require(json["bagit"] as? [String: Any])
            let valid = want["valid"] as? Bool ?? false
            #expect(bagit["valid"] as? Bool == valid, "\(name): \(bagit["problems"] ?? "")")
            #expect(result.status == (valid ? 0 : 1), "\(name)")
            #expect(bagit["complete"] as? Bool == want["complete"] as? Bool, "\(name)")
            #expect((bagit["warnings"] as? [String])?.count == want["warnings"] as? Int, "\(name): \(bagit["warnings"] ?? "")")
            // None of them is a kho bundle: the profile's verdict is apart, and negative.
            let profile = try #require(json["profile"] as? [String: Any])
            #expect(profile["valid"] as? Bool == false, "\(name)")
            #expect(json["valid"] as? Bool == false)
        }
    }

    @Test("the reasons are named: which file, which line, what RFC 8493 expects")
    func reasons() throws {
        let (ws, _) = try Self.bags()
        func problems(_ name: String) throws -> String {
            let json = try #require(try ws.kho(["bundle", "verify", "bags/" + name, "--json"]).json() as? [String: Any])
            let bagit = try #require(json["bagit"] as? [String: Any])
            return ((bagit["problems"] as? [String] ?? []) + (bagit["warnings"] as? [String] ?? [])).joined(separator: "\n")
        }
        #expect(try problems("bom-in-declaration").contains("bagit.txt: begins with a byte-order mark"))
        #expect(try problems("no-declaration").contains("bagit.txt: missing; not a BagIt bag"))
        #expect(try problems("path-outside").contains("path 'data/../../etc/passwd' contains '..'"))
        #expect(try problems("listed-not-present").contains("manifest-sha256.txt: data/gone.txt is listed but not in the bag"))
        #expect(try problems("present-not-listed").contains("data/extra.txt: in the payload but not in manifest-sha256.txt"))
        #expect(try problems("checksum-mismatch").contains("data/scan-001.tif: sha256 is"))
        #expect(try problems("oxum-mismatch").contains("Payload-Oxum 1.1, but the payload holds"))
        #expect(try problems("tag-manifest-mismatch").contains("bag-info.txt: sha256 is"))
        #expect(try problems("holey").contains("the bag is incomplete: 1 payload file(s) listed in fetch.txt"))
        #expect(try problems("md5-only").contains("only md5 manifests: weak algorithms"))
        #expect(try problems("case-only-duplicates").contains("differ only in case: data/README.txt, data/Readme.txt"))
        #expect(try problems("normalisation-duplicates").contains("differ only in Unicode normalisation"))

        // In text: two verdicts, one line each, the profile's problems under it.
        let text = try ws.kho("bundle", "verify", "bags/crlf-0.97")
        #expect(text.status == 1)
        #expect(text.stdout.hasPrefix("BagIt (RFC 8493): valid, version 0.97\n"))
        #expect(text.stdout.contains("kho profile: not valid"))
        #expect(text.stdout.contains("bagit.txt: BagIt-Version 0.97; kho bundles are BagIt 1.0"))
        #expect(text.stderr.contains("valid BagIt, but not a kho bundle"))
        let vietnamese = try ws.kho(["bundle", "verify", "bags/holey"], environment: ["KHO_LANG": "vi"])
        #expect(vietnamese.stdout.contains("BagIt (RFC 8493): không hợp lệ"))
        #expect(vietnamese.stdout.contains("túi chưa đầy đủ"))

        // An import takes kho bundles only, and says why it refuses a foreign bag; nothing is written.
        try ws.ok("init")
        let refused = try ws.kho("import", "bags/lf-1.0")
        #expect(refused.status == 1 && refused.stderr.contains("the bundle is not valid; nothing was imported"))
        #expect(refused.stderr.contains("bag-info.txt: required tag Kho-Format-Version is missing"))
        #expect(try ws.ok("list", "--ids").stdout.isEmpty)
    }

    @Test("kho ingest BAG: the payload becomes products, the bag's checksums recorded as fixity events; a bad bag ingests nothing")
    func ingestBag() throws {
        let (ws, _) = try Self.bags()
        try ws.ok("init")
        // A vendor's delivery with MD5 and SHA-256 manifests, CR LF tag files, BagIt 0.97.
        let result = try ws.kho(["ingest", "bags/crlf-0.97", "--kind", "archival-document", "--lang", "vi", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("bags/crlf-0.97: a valid BagIt 0.97 bag from Thư viện tỉnh"))
        let items = try #require((try result.json() as? [String: Any])?["items"] as? [[String: Any]])
        #expect(items.count == 2 && items.allSatisfy { $0["status"] as? String == "ingested" })
        let titles = Set(items.compactMap { ($0["product"] as? [String: Any])?["title"] as? String })
        #expect(titles == ["scan-001", "readme"])
        // Each product carries the bag's checksums for its file, and kho's, in a fixity event.
        let log = try #require(try ws.ok("log", "--type", "fixity check", "--json").json() as? [[String: Any]])
        #expect(log.count == 2)
        for event in log {
            let detail = try #require(event["detail"] as? [String: String])
            #expect(event["outcome"] as? String == "success")
            #expect(detail["source_organization"] == "Thư viện tỉnh" && detail["bagit_version"] == "0.97")
            #expect(detail["bag_path"]?.hasPrefix("data/") == true)
            #expect(detail["bag_sha256"] == detail["sha256"] && detail["bag_md5"]?.count == 32)
        }
        try ws.ok("verify")
        // Again: nothing new (the same files are recognised), no second fixity event.
        #expect(try ws.ok("ingest", "bags/crlf-0.97", "--kind", "archival-document").stderr.contains("2 already-ingested"))
        #expect((try ws.ok("log", "--type", "fixity check", "--json").json() as? [Any])?.count == 4)  // verify's two

        // With a manifest, paths are relative to data/.
        try ws.write("bag-manifest.csv", "path,title,kind,languages\ndữ liệu.txt,Tài liệu,archival-document,vi\n")
        let encoded = try ws.kho(["ingest", "bags/latin-1", "--manifest", "bag-manifest.csv"])
        #expect(encoded.status == 1 && encoded.stderr.contains("no such file"), "\(encoded.stderr)")
        try ws.write("bag-manifest.csv", "path,title,kind,languages\ndonnées.txt,Tài liệu,archival-document,vi\n")
        #expect(
            try ws.ok("ingest", "bags/latin-1", "--manifest", "bag-manifest.csv", "--on-duplicate", "link").stdout
                .contains("linked"))

        // A bag that fails RFC 8493 ingests nothing, and says why.
        let before = try ws.ok("list", "--ids").stdout
        let bad = try ws.kho("ingest", "bags/checksum-mismatch", "--kind", "archival-document")
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("bags/checksum-mismatch: not a valid BagIt bag (RFC 8493); nothing was ingested:"))
        #expect(bad.stderr.contains("data/scan-001.tif: sha256 is"))
        let holey = try ws.kho("ingest", "bags/holey", "--kind", "archival-document")
        #expect(holey.status == 1 && holey.stderr.contains("incomplete"))
        #expect(try ws.ok("list", "--ids").stdout == before)
        // A kho bundle is pointed to kho import.
        try ws.ok("export", "--out", "bundle")
        let bundle = try ws.kho("ingest", "bundle", "--kind", "archival-document")
        #expect(bundle.status == 1 && bundle.stderr.contains("a kho bundle; `kho import bundle`"))
    }
}
