import Foundation
import Testing

@Suite("bundles as .zip and .tar, and hostile archives")
struct ArchiveTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/bundles")

    @Test(
        "export to .zip and .tar: kho verifies them unopened, standard tools unpack them into bags bagit-python accepts"
    )
    func exportArchives() throws {
        let ws = try SearchListEditTests.sampleWorkspace()
        try ws.ok("export", "--out", "gia-lai.zip")
        try ws.ok("export", "--out", "gia-lai.tar")
        let root = ws.root.path
        for name in ["gia-lai.zip", "gia-lai.tar"] {
            let verified = try #require(try ws.ok("bundle", "verify", name, "--json").json() as? [String: Any])
            #expect(verified["valid"] as? Bool == true && verified["records"] as? Int == 6)
            #expect(!FileManager.default.fileExists(atPath: "\(root)/\(name).part"))
        }
        #expect(try Workspace.shell("cd '\(root)' && unzip -tq gia-lai.zip > /dev/null") == 0)
        #expect(
            try Workspace.shell(
                "mkdir -p '\(root)/z' '\(root)/t' && cd '\(root)/z' && unzip -q ../gia-lai.zip && cd ../t && tar xf ../gia-lai.tar"
            ) == 0)
        for folder in ["z", "t"] {
            // One top-level folder, named after the archive.
            #expect(try FileManager.default.contentsOfDirectory(atPath: "\(root)/\(folder)") == ["gia-lai"])
            #expect(
                try Workspace.shell("python3 -m bagit --validate '\(root)/\(folder)/gia-lai' > /dev/null 2>&1") == 0)
        }
        // The manifests inside are the ones a folder export writes.
        try ws.ok("export", "--out", "gia-lai")
        let folderManifest = try String(contentsOfFile: "\(root)/gia-lai/manifest-sha512.txt", encoding: .utf8)
        let objects = folderManifest.split(separator: "\n").filter { $0.contains("data/objects/") }
        let zipped = try String(contentsOfFile: "\(root)/z/gia-lai/manifest-sha512.txt", encoding: .utf8)
        #expect(objects.count == 5 && objects.allSatisfy { zipped.contains($0) })
    }

    @Test("import from .zip and .tar: the same catalogue as from the folder; a second import changes nothing")
    func importArchives() throws {
        let ws = try SearchListEditTests.sampleWorkspace()
        try ws.ok("export", "--out", "bag.zip")
        try ws.ok("init", "--repo", "national")
        let summary = try #require(
            (try ws.ok("import", "bag.zip", "--repo", "national", "--json").json() as? [String: Any])?["summary"]
                as? [String: Int])
        #expect(summary["added"] == 6 && summary["objects_stored"] == 5)
        try ws.ok("verify", "--repo", "national")
        let here = try ImportTests.catalogue(ws, repo: "storage")
        let there = try ImportTests.catalogue(ws, repo: "national")
        #expect(
            try JSONSerialization.data(withJSONObject: here, options: .sortedKeys)
                == JSONSerialization.data(withJSONObject: there, options: .sortedKeys))
        #expect(try ws.ok("import", "bag.zip", "--repo", "national").stdout.contains("6 unchanged; 0 file(s) stored"))
        // A tar packed by GNU tar (directory entries, its own header style) into a third repository.
        try ws.ok("export", "--out", "bag")
        #expect(try Workspace.shell("cd '\(ws.root.path)' && tar cf gnu.tar bag && zip -qr info.zip bag") == 0)
        for (archive, repo) in [("gnu.tar", "third"), ("info.zip", "fourth")] {
            try ws.ok("init", "--repo", repo)
            #expect(try ws.ok("import", archive, "--repo", repo).stdout.contains("6 added"))
            #expect(try ImportTests.catalogue(ws, repo: repo).count == 6)
        }
    }

    @Test(
        "hostile archives are refused from their listing, naming the entry and the rule; nothing is written",
        arguments: [
            ("absolute.zip", "entry '/etc/evil': its name is absolute"),
            ("dotdot.zip", "its name contains '..'"),
            ("dotdot.tar", "entry 'bag/../evil': its name contains '..'"),
            ("backslash.zip", "its name contains a backslash"),
            ("nul.zip", "entry 'bag/data/ev\\u{0}il': its name contains NUL"),
            ("newline.zip", "its name contains a line break"),
            ("not-utf8.zip", "its name is not UTF-8"),
            ("not-utf8.tar", "its name is not UTF-8"),
            ("symlink.zip", "entry 'bag/data/link': a symbolic link"),
            ("symlink.tar", "entry 'bag/data/link': a symbolic link"),
            ("hardlink.tar", "entry 'bag/data/hard': a hard link"),
            ("fifo.tar", "entry 'bag/data/fifo': a FIFO"),
            ("duplicate.zip", "entry 'bag/data/records.jsonl': appears more than once"),
            ("duplicate.tar", "entry 'bag/bagit.txt': appears more than once"),
            ("bomb.zip", "over the limit of 100:1; a zip bomb?"),
            ("two-folders.zip", "holds 2 top-level entries (bag, other)"),
        ])
    func hostile(archive: String, message: String) throws {
        let (ws, bag) = try BundleTests.exported()
        let crafted = ws.root.appendingPathComponent("crafted").path
        #expect(
            try Workspace.shell(
                "python3 '\(Self.fixtures.path)/craft-hostile.py' '\(bag)' '\(crafted)' > /dev/null 2>&1") == 0)
        try ws.ok("init", "--repo", "national")
        let verified = try ws.kho("bundle", "verify", "\(crafted)/\(archive)")
        #expect(verified.status == 1)
        #expect(verified.stdout.contains(message), "\(verified.stdout)")
        let imported = try ws.kho("import", "\(crafted)/\(archive)", "--repo", "national")
        #expect(imported.status != 0 && imported.stderr.contains(message), "\(imported.stderr)")
        #expect(imported.stderr.contains("nothing was imported"))
        #expect(try ImportTests.catalogue(ws, repo: "national").isEmpty)
        let national = ws.root.appendingPathComponent("national").path
        #expect(FileManager.default.enumerator(atPath: national + "/objects")?.allObjects.isEmpty ?? true)
        #expect((try FileManager.default.contentsOfDirectory(atPath: national + "/tmp")).isEmpty)
        // Nothing was unpacked beside the archive either.
        #expect(!FileManager.default.fileExists(atPath: "\(crafted)/bag"))
    }

    @Test("a truncated tar, a damaged zip and an archive over --max-expanded-size are refused")
    func damagedAndOversized() throws {
        let ws = try SearchListEditTests.sampleWorkspace()
        try ws.ok("export", "--out", "bag.tar")
        try ws.ok("export", "--out", "bag.zip")
        let root = ws.root.path
        let tar = try Data(contentsOf: URL(fileURLWithPath: "\(root)/bag.tar"))
        try ws.write("cut.tar", tar.prefix(3000))
        let cut = try ws.kho("bundle", "verify", "cut.tar")
        #expect(cut.status == 1 && cut.stdout.contains("runs past the end of the archive (truncated?)"))
        var zip = try Data(contentsOf: URL(fileURLWithPath: "\(root)/bag.zip"))
        zip.removeLast(30)
        try ws.write("cut.zip", zip)
        #expect(try ws.kho("bundle", "verify", "cut.zip").stdout.contains("not a readable ZIP archive"))
        // A payload byte changed inside the archive: the digest check names the file.
        var flipped = try Data(contentsOf: URL(fileURLWithPath: "\(root)/bag.tar"))
        let records = try #require(flipped.range(of: Data(#"{"agency""#.utf8)))
        flipped[records.lowerBound + 2] = UInt8(ascii: "A")
        try ws.write("flipped.tar", flipped)
        let changed = try ws.kho("bundle", "verify", "flipped.tar")
        #expect(changed.status == 1 && changed.stdout.contains("data/records.jsonl: sha256 is"))
        let small = try ws.kho("import", "bag.zip", "--max-expanded-size", "10K")
        #expect(small.status != 0 && small.stderr.contains("over the limit of 10240 (--max-expanded-size)"))
        let wrong = try ws.kho("bundle", "verify", "bag.zip", "--max-expanded-size", "lots")
        #expect(wrong.status != 0 && wrong.stderr.contains("--max-expanded-size: 'lots' is not a size"))
        try ws.write("notes.txt", "not a bundle")
        #expect(try ws.kho("bundle", "verify", "notes.txt").stderr.contains("neither a bag folder, a .zip nor a .tar"))
    }
}

@Suite("bundles: an interrupted import")
struct InterruptedImportTests {
    @Test(
        "an import that dies after staging or between moving objects leaves the catalogue as it was; a re-run finishes",
        arguments: ["staged", "stored:1", "stored:4"])
    func dying(point: String) throws {
        let ws = try SearchListEditTests.sampleWorkspace()
        try ws.ok("export", "--out", "bag.tar")
        try ws.ok("init", "--repo", "national")
        let crashed = try ws.kho(["import", "bag.tar", "--repo", "national"], environment: ["KHO_CRASH_AT": point])
        #expect(crashed.status == 137)
        #expect(try ImportTests.catalogue(ws, repo: "national").isEmpty)
        let rerun = try #require(
            (try ws.ok("import", "bag.tar", "--repo", "national", "--json").json() as? [String: Any])?["summary"]
                as? [String: Int])
        #expect(rerun["added"] == 6)
        // Every object is referenced, none is left over, nothing stays in the temporary folder.
        let national = ws.root.appendingPathComponent("national").path
        try ws.ok("verify", "--repo", "national")
        #expect((try FileManager.default.contentsOfDirectory(atPath: national + "/tmp")).isEmpty)
        let referenced = Set(
            try ImportTests.catalogue(ws, repo: "national").flatMap {
                ($0["files"] as? [[String: Any]] ?? []).compactMap { $0["sha256"] as? String }
            })
        #expect(ws.storedObjects(repo: "national") == referenced)
    }
}
