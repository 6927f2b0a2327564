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
        #expect(text.contains("data/objects/\(object): SHA-256 is"))
        #expect(text.contains("path 'data/../../etc/passwd' contains '..'"))
        #expect(text.contains("bag-info.txt: contains a carriage return"))
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
