import Foundation
import Testing

@Suite("bundles for the shared national database: export and verify")
struct BundleTests {
    static func exported() throws -> (Workspace, String) {
        let ws = try SearchListEditTests.sampleWorkspace()
        try ws.ok(
            "export", "--out", "bag", "--organization", "Sở Thông tin và Truyền thông Gia Lai", "--contact-email",
            "kho@example.vn")
        return (ws, ws.root.appendingPathComponent("bag").path)
    }

    @Test("an export is a bag that kho and bagit-python both accept, with every record valid against the schema")
    func exportValidates() throws {
        let (ws, bag) = try Self.exported()
        let verified = try #require(try ws.ok("bundle", "verify", bag, "--json").json() as? [String: Any])
        #expect(
            verified["valid"] as? Bool == true && verified["records"] as? Int == 6 && verified["files"] as? Int == 6)
        #expect(
            (verified["tags"] as? [String: String])?["Source-Organization"] == "Sở Thông tin và Truyền thông Gia Lai")
        #expect(
            try Workspace.shell(
                "python3 -m bagit --validate '\(bag)' > /dev/null 2>&1 || bagit.py --validate '\(bag)' > /dev/null 2>&1"
            ) == 0)
        let script = try ws.write(
            "check.py",
            """
            import json, sys, jsonschema
            schema = json.load(open(sys.argv[1]))
            validator = jsonschema.Draft202012Validator(schema)
            errors = [e.message for line in open(sys.argv[2], encoding='utf-8') for e in validator.iter_errors(json.loads(line))]
            print("\\n".join(errors)); sys.exit(1 if errors else 0)
            """)
        #expect(
            try Workspace.shell(
                "python3 '\(script)' '\(SchemaTests.schema.path)' '\(bag)/data/records.jsonl' > /dev/null") == 0)
        let events = try #require(try ws.ok("log", "--type", "information package creation", "--json").json() as? [Any])
        #expect(events.count == 6)
        // An existing bag is never overwritten.
        let again = try ws.kho("export", "--out", "bag")
        #expect(again.status != 0 && again.stderr.contains("already exists"))
    }

    @Test("tampered bags: every problem is reported, with the entry and the rule")
    func tampering() throws {
        let (ws, bag) = try Self.exported()
        try ws.write("bag/data/extra.txt", "not in any manifest")
        let object = try #require(
            FileManager.default.enumerator(atPath: bag + "/data/objects")?.compactMap { $0 as? String }.first {
                $0.count > 10
            })
        try IntegrityTests.flipByte(bag + "/data/objects/" + object, at: 10)
        var manifest = try String(contentsOfFile: bag + "/manifest-sha256.txt", encoding: .utf8)
        manifest += String(repeating: "0", count: 64) + "  data/../../etc/passwd\n"
        try ws.write("bag/manifest-sha256.txt", manifest)
        var info = try String(contentsOfFile: bag + "/bag-info.txt", encoding: .utf8)
        info += "Contact-Name: Nguyễn\r\n"
        try ws.write("bag/bag-info.txt", info)
        let result = try ws.kho("bundle", "verify", bag, "--json")
        #expect(result.status == 1)
        let problems = try #require((try result.json() as? [String: Any])?["problems"] as? [String])
        let text = problems.joined(separator: "\n")
        #expect(text.contains("data/extra.txt: in the payload but not in manifest-sha256.txt"))
        #expect(text.contains("data/objects/\(object): sha256 is"))
        #expect(text.contains("path 'data/../../etc/passwd' contains '..'"))
        // A CR LF line ending is RFC 8493's to allow: not a problem.
        #expect(!text.contains("carriage return"))
        #expect(text.contains("Payload-Oxum"))
        #expect(text.contains("tagmanifest-sha256.txt") || text.contains("does not match tagmanifest"))
        #expect(try ws.kho("bundle", "verify", ws.root.path + "/nowhere").stderr.contains("no such bag folder"))
    }

    @Test("a corrupt object stops the export and leaves nothing behind")
    func corruptObjectStopsExport() throws {
        let (ws, objects) = try IntegrityTests.ingested()
        try IntegrityTests.flipByte(try #require(objects["anh-trien-lam-nhan-quyen.jpg"]))
        let result = try ws.kho("export", "--out", "bag")
        #expect(result.status != 0 && result.stderr.contains("is corrupt in the store"))
        #expect(!FileManager.default.fileExists(atPath: ws.root.appendingPathComponent("bag").path))
        #expect(!FileManager.default.fileExists(atPath: ws.root.appendingPathComponent("bag.part").path))
    }
}

@Suite("bundles: import and merge")
struct ImportTests {
    /// Records as `list --json` prints them, without what a merge adds (the events are compared apart).
    static func catalogue(_ ws: Workspace, repo: String) throws -> [[String: Any]] {
        // By id: a bundle carries records in id order, which may differ from the order of registration.
        try #require(try ws.kho(["list", "--json", "--repo", repo]).json() as? [[String: Any]]).sorted {
            ($0["id"] as? String ?? "") < ($1["id"] as? String ?? "")
        }
    }

    @Test(
        "export, verify, import into an empty repository: the same catalogue and files; a second import changes nothing"
    )
    func roundTrip() throws {
        let (ws, bag) = try BundleTests.exported()
        try ws.ok("init", "--repo", "national")
        let result = try ws.ok("import", bag, "--repo", "national", "--json")
        let summary = try #require((try result.json() as? [String: Any])?["summary"] as? [String: Int])
        #expect(summary["added"] == 6 && summary["objects_stored"] == 5)
        let here = try Self.catalogue(ws, repo: "storage")
        let there = try Self.catalogue(ws, repo: "national")
        #expect(
            try JSONSerialization.data(withJSONObject: here, options: .sortedKeys)
                == JSONSerialization.data(withJSONObject: there, options: .sortedKeys))
        try ws.ok("verify", "--repo", "national")
        let events = try #require(try ws.kho(["log", "--json", "--repo", "national"]).json() as? [Any]).count
        let again = try #require(
            (try ws.ok("import", bag, "--repo", "national", "--json").json() as? [String: Any])?["summary"]
                as? [String: Int])
        #expect(again["unchanged"] == 6 && again["added"] == 0 && again["objects_stored"] == 0)
        #expect(try #require(try ws.kho(["log", "--json", "--repo", "national"]).json() as? [Any]).count == events)
    }

    @Test("conflicts: keep leaves the product, replace takes the bundle's, fail writes nothing")
    func conflicts() throws {
        let (ws, bag) = try BundleTests.exported()
        try ws.ok("init", "--repo", "national")
        try ws.ok("import", bag, "--repo", "national")
        let id = try #require(
            try Self.catalogue(ws, repo: "national").first { $0["kind"] as? String == "book" }?["id"] as? String)
        try ws.ok("edit", id, "--repo", "national", "--title", "Changed here")
        let failed = try ws.kho("import", bag, "--repo", "national", "--on-conflict", "fail")
        #expect(failed.status != 0 && failed.stderr.contains("product \(id)"))
        func title() throws -> String? {
            try Self.catalogue(ws, repo: "national").first { $0["id"] as? String == id }?["title"] as? String
        }
        #expect(try title() == "Changed here")
        #expect(try ws.ok("import", bag, "--repo", "national").stdout.contains("1 kept"))
        #expect(try title() == "Changed here")
        #expect(
            try ws.ok("import", bag, "--repo", "national", "--on-conflict", "replace").stdout.contains("1 replaced"))
        #expect(try title() == "Human rights in Viet Nam: a handbook")
    }

    @Test("a bag that fails verification, or records with codes this repository does not know, import nothing")
    func refusals() throws {
        let (ws, bag) = try BundleTests.exported()
        try ws.ok("init", "--repo", "national")
        try ws.write("bag/data/stray.txt", "x")
        let invalid = try ws.kho("import", bag, "--repo", "national")
        #expect(invalid.status != 0 && invalid.stderr.contains("not valid; nothing was imported"))
        #expect(try Self.catalogue(ws, repo: "national").isEmpty)
        // A product on a locally added platform: the national repository does not know the code.
        try ws.write(
            "storage/vocabulary/platforms.json",
            #"{"vocabulary": "platforms", "version": "local-1", "entries": [{"code": "zalo-oa", "label": "Zalo OA", "labelVi": "Zalo OA", "digital": true}]}"#
        )
        try ws.write("z.txt", "zalo")
        try ws.ok("ingest", "z.txt", "--kind", "social-post", "--platform", "zalo-oa")
        try ws.ok("export", "--out", "bag2", "--platform", "zalo-oa")
        let unknown = try ws.kho("import", "bag2", "--repo", "national")
        #expect(unknown.status != 0 && unknown.stderr.contains("unknown platform code 'zalo-oa'"))
        #expect(try Self.catalogue(ws, repo: "national").isEmpty)
        #expect(
            FileManager.default.enumerator(atPath: ws.root.appendingPathComponent("national/objects").path)?.allObjects
                .isEmpty ?? true)
    }
}
