import Foundation
import Testing

@Suite("integrity: verify, quarantine, restore, characterise, conformance, log")
struct IntegrityTests {
    static let formats = Workspace.samples.deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Tests/Fixtures/formats")

    /// A workspace with the sample corpus ingested, and the path of each stored object by file name.
    static func ingested() throws -> (Workspace, [String: String]) {
        let ws = try SearchListEditTests.sampleWorkspace()
        var objects: [String: String] = [:]
        for product in try ws.products() {
            for file in product["files"] as? [[String: Any]] ?? [] {
                let sha = file["sha256"] as! String
                objects[file["original_name"] as! String] =
                    ws.root.appendingPathComponent(
                        "storage/objects/\(sha.prefix(2))/\(sha.dropFirst(2).prefix(2))/\(sha)"
                    ).path
            }
        }
        return (ws, objects)
    }

    static func flipByte(_ path: String, at offset: UInt64 = 100) throws {
        _ = try Workspace.shell("chmod u+w '\(path)'")
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: path))
        try handle.seek(toOffset: offset)
        let byte = try handle.read(upToCount: 1)![0]
        try handle.seek(toOffset: offset)
        try handle.write(contentsOf: Data([byte ^ 0xFF]))
        try handle.close()
    }

    @Test("a clean store verifies, exits 0, and each check is recorded")
    func cleanStore() throws {
        let (ws, _) = try Self.ingested()
        let result = try ws.ok("verify", "--json")
        let report = try #require(try result.json() as? [String: Any])
        #expect(report["ok"] as? Bool == true)
        #expect(report["checked"] as? Int == 5 && report["passed"] as? Int == 5)
        #expect(report["searched_for_unexpected"] as? Bool == true)
        let log = try #require(try ws.ok("log", "--type", "fixity check", "--json").json() as? [[String: Any]])
        #expect(log.count == 5)
        #expect(log.allSatisfy { ($0["detail"] as? [String: String])?["result"] == "pass" })
    }

    @Test(
        "a flipped byte is corrupted, a deleted object missing, an extra file unexpected; exit 1; the store untouched")
    func detectsDamage() throws {
        let (ws, objects) = try Self.ingested()
        let mp3 = try #require(objects["phong-su-quyen-dong-bao-jrai.mp3"])
        let pdf = try #require(objects["so-tay-quyen-con-nguoi-en.pdf"])
        // Paths are reported as the repository is named (here the default, ./storage).
        func shown(_ path: String) -> String { String(path.dropFirst(ws.root.path.count + 1)) }
        try Self.flipByte(mp3)
        let damaged = try Data(contentsOf: URL(fileURLWithPath: mp3))
        try FileManager.default.removeItem(atPath: pdf)
        let extra = try ws.write("storage/objects/ab/cd/abcd" + String(repeating: "0", count: 60), "stray")
        let result = try ws.kho("verify", "--json")
        #expect(result.status == 1)
        let report = try #require(try result.json() as? [String: Any])
        let problems = try #require(report["problems"] as? [[String: Any]])
        #expect(problems.map { $0["kind"] as? String } == ["corrupted", "missing", "unexpected"])
        let corrupted = problems[0]
        #expect(corrupted["path"] as? String == shown(mp3))
        #expect(corrupted["expected_sha256"] as? String == URL(fileURLWithPath: mp3).lastPathComponent)
        #expect(
            (corrupted["found_sha256"] as? String)?.count == 64
                && corrupted["found_sha256"] as? String != corrupted["expected_sha256"] as? String)
        #expect((corrupted["products"] as? [String])?.count == 1)
        #expect(problems[1]["path"] as? String == shown(pdf))
        #expect(problems[2]["path"] as? String == shown(extra))
        // Verify changed nothing.
        #expect(try Data(contentsOf: URL(fileURLWithPath: mp3)) == damaged)
        #expect(FileManager.default.fileExists(atPath: extra))
        // The failures are in the log.
        let failures = try #require(try ws.ok("log", "--type", "fixity check", "--json").json() as? [[String: Any]])
        #expect(failures.filter { $0["outcome"] as? String == "failure" }.count == 2)
        let text = try ws.kho("verify")
        #expect(text.status == 1)
        #expect(text.stdout.contains("CORRUPTED  \(shown(mp3))"))
        #expect(text.stdout.contains("expected sha256"))
    }

    @Test("quarantine moves a corrupt object aside; restore puts back a good copy; verify is clean again")
    func quarantineAndRestore() throws {
        let (ws, objects) = try Self.ingested()
        let mp3 = try #require(objects["phong-su-quyen-dong-bao-jrai.mp3"])
        let sha = URL(fileURLWithPath: mp3).lastPathComponent
        // An intact object is not quarantined without --force.
        let refused = try ws.kho("quarantine", sha)
        #expect(refused.status != 0 && refused.stderr.contains("intact"))
        try Self.flipByte(mp3)
        #expect(try ws.kho("verify").status == 1)
        let moved = try ws.ok("quarantine", sha)
        #expect(moved.stdout.contains("quarantine/"))
        #expect(!FileManager.default.fileExists(atPath: mp3))
        let restored = try ws.ok("restore", "--from", Workspace.samples.path)
        #expect(restored.stdout.contains("restored   \(sha)"))
        try ws.ok("verify")
        let events = try #require(try ws.ok("log", "--json").json() as? [[String: Any]]).compactMap {
            $0["type"] as? String
        }
        #expect(events.contains("quarantine") && events.contains("recovery"))
        // Nothing to find: a clear failure.
        try Self.flipByte(mp3)
        try ws.kho("verify")
        let lost = try ws.kho("restore", "--from", ws.root.appendingPathComponent("storage/vocabulary").path)
        #expect(lost.status == 1 && lost.stdout.contains("not found  \(sha)"))
    }

    @Test("verify --sample, --older-than and --product choose what to check")
    func selections() throws {
        let (ws, _) = try Self.ingested()
        func checked(_ arguments: String...) throws -> Int {
            let result = try ws.kho(["verify", "--json"] + arguments)
            #expect(result.status == 0, "\(result.stderr)")
            return (try result.json() as? [String: Any])?["checked"] as? Int ?? -1
        }
        #expect(try checked("--sample", "2") == 2)
        #expect(try checked("--older-than", "1d") == 3)  // the three not sampled yet
        #expect(try checked("--older-than", "1d") == 0)
        #expect(try checked("--sample", "40%") == 2)
        let id = try #require(try ws.products().first { $0["kind"] as? String == "radio-report" }?["id"] as? String)
        #expect(try checked("--product", id) == 1)
        let bad = try ws.kho("verify", "--sample", "lots", "--older-than", "soon")
        #expect(bad.status != 0 && bad.stderr.contains("--sample: 'lots' is not valid"))
    }

    @Test("technical metadata is read at ingest, shown by show, and back-filled by characterise")
    func characterisation() throws {
        let (ws, _) = try Self.ingested()
        let id = try #require(try ws.products().first { $0["kind"] as? String == "radio-report" }?["id"] as? String)
        let shown = try #require(try ws.ok("show", id, "--json").json() as? [String: Any])
        let technical = try #require((shown["technical"] as? [String: [String: Any]])?.values.first)
        #expect(technical["format"] as? String == "mp3" && technical["bitrate_kbps"] as? Double == 128)
        #expect(try ws.ok("show", id).stdout.contains("MP3 MPEG-1 layer III"))
        let again = try ws.ok("characterise")
        #expect(again.stderr.contains("0 file(s) characterised, 5 already up to date"))
        let all = try #require(try ws.ok("characterise", "--all", "--json").json() as? [[String: Any]])
        #expect(
            Set(all.compactMap { ($0["metadata"] as? [String: Any])?["format"] as? String }) == [
                "text", "mp3", "jpeg", "pdf", "epub",
            ])
        #expect(try ws.ok("log", "--type", "metadata extraction").stderr.contains("5 event(s)"))
    }

    @Test("conformance: each format passes or fails the national profile with the reason")
    func conformance() throws {
        let ws = try Workspace()
        try ws.ok("init")
        try ws.ok("ingest", Self.formats.path, "--kind", "archival-document")
        let report = try #require(try ws.ok("conformance", "--json").json() as? [String: Any])
        let objects = try #require(report["objects"] as? [[String: Any]])
        func verdict(_ file: String) -> (String, [String]) {
            let row = objects.first { $0["file"] as? String == file }
            return (row?["status"] as? String ?? "absent", row?["reasons"] as? [String] ?? [])
        }
        #expect(verdict("scan-200ppi-pdfa.pdf").0 == "pass")
        #expect(verdict("scan-100ppi.pdf") == ("fail", ["resolution 100 ppi < 200 ppi"]))
        #expect(verdict("old-1.3.pdf") == ("fail", ["version 1.3 < 1.4"]))
        #expect(verdict("encrypted.pdf").1.contains("encrypted"))
        #expect(verdict("photo-300ppi.jpg").0 == "pass")
        #expect(verdict("photo-72ppi.jpg") == ("fail", ["resolution 72 ppi < 200 ppi"]))
        #expect(verdict("poster-300ppi.png").0 == "fail")
        #expect(verdict("speech-128kbps.mp3").0 == "pass")
        #expect(verdict("speech-96kbps.mp3") == ("fail", ["bitrate 96 kbps < 128 kbps"]))
        #expect(verdict("tone-8k.wav").0 == "fail")
        #expect(verdict("clip-2000kbps.mp4").0 == "pass")
        #expect(verdict("clip-400kbps.mp4").0 == "fail")
        #expect(verdict("book-epub3.epub").0 == "not-covered")
        // The formats Circular 02/2019 names beside MP3 and MPEG-4: WMA audio, WMV and AVI video.
        #expect(verdict("speech-128kbps.wma").0 == "pass")
        #expect(verdict("clip-320x240.wmv").0 == "fail" && verdict("clip-320x240.wmv").1.first?.hasPrefix("bitrate") == true)
        #expect(verdict("clip-320x240.avi").0 == "fail" && verdict("clip-320x240.avi").1.first?.hasPrefix("bitrate") == true)
        let totals = try #require(report["totals"] as? [String: Int])
        // A PDF 1.5 scan whose pages are in a compressed object stream is judged, not left unknown.
        #expect(verdict("scan-200ppi-objstm.pdf").0 == "pass")
        #expect(totals == ["pass": 6, "fail": 12, "not-covered": 4])
        #expect((report["by_kind"] as? [String: [String: Int]])?["archival-document"]?["pass"] == 6)
        let bad = try ws.kho("conformance", "--profile", "no-such-profile")
        #expect(bad.status != 0 && bad.stderr.contains("neither a built-in profile"))
    }
}

@Suite("conformance: the programme's MOOC lesson rule")
struct MOOCConformanceTests {
    /// The MP4 fixture told that it runs `seconds`, and padded with a `free` box so that its
    /// average bitrate stays above the video floor at that length.
    static func lesson(_ ws: Workspace, _ name: String, seconds: UInt32) throws -> String {
        var data = try Data(contentsOf: IntegrityTests.formats.appendingPathComponent("clip-2000kbps.mp4"))
        let bytes = [UInt8](data)
        guard let at = (0..<(bytes.count - 4)).first(where: { bytes[$0..<($0 + 4)].elementsEqual("mvhd".utf8) }) else {
            throw CocoaError(.fileReadCorruptFile)
        }
        let body = at + 4
        #expect(bytes[body] == 0, "a version 0 movie header")
        let scale = UInt32(bytes[body + 12]) << 24 | UInt32(bytes[body + 13]) << 16 | UInt32(bytes[body + 14]) << 8
            | UInt32(bytes[body + 15])
        let length = scale * seconds
        for index in 0..<4 { data[body + 16 + index] = UInt8((length >> (24 - 8 * UInt32(index))) & 0xFF) }
        let padding = Int(seconds) * 1_600_000 / 8
        var box = Data([UInt8((padding >> 24) & 0xFF), UInt8((padding >> 16) & 0xFF), UInt8((padding >> 8) & 0xFF), UInt8(padding & 0xFF)])
        box.append(contentsOf: "free".utf8)
        data.append(box)
        data.append(Data(count: padding - 8))
        return try ws.write(name, data)
    }

    static func verdict(_ ws: Workspace, _ id: String) throws -> (String, [String]) {
        let report = try #require(try ws.ok("conformance", "--kind", "mooc-lesson", "--json").json() as? [String: Any])
        let row = (report["objects"] as? [[String: Any]] ?? []).first {
            $0["product"] as? String == id && ($0["file"] as? String)?.hasSuffix(".mp4") == true
        }
        return (row?["status"] as? String ?? "absent", row?["reasons"] as? [String] ?? [])
    }

    @Test("a MOOC lesson's video runs 3 to 5 minutes and comes with its slides, or it fails and says which")
    func moocLesson() throws {
        let ws = try Workspace()
        try ws.ok("init")
        let video = try Self.lesson(ws, "bai-giang.mp4", seconds: 240)
        let ingested = try #require(try ws.ok("ingest", video, "--kind", "mooc-lesson", "--json").json() as? [String: Any])
        let id = try #require(((ingested["items"] as? [[String: Any]])?.first?["product"] as? [String: Any])?["id"] as? String)
        #expect(try Self.verdict(ws, id) == ("fail", ["no slides (a PDF or a presentation) among the product's files"]))
        try ws.ok("attach", id, Workspace.samples.appendingPathComponent("so-tay-quyen-con-nguoi-en.pdf").path)
        let passed = try Self.verdict(ws, id)
        #expect(passed.0 == "pass", "\(passed)")
        // Too short, too long: the duration is named against the rule's bound.
        for (seconds, reason) in [(120, "duration 120 s < 180 s"), (400, "duration 400 s > 300 s")] {
            let other = try Self.lesson(ws, "bai-giang-\(seconds).mp4", seconds: UInt32(seconds))
            let json = try #require(try ws.ok("ingest", other, "--kind", "mooc-lesson", "--json").json() as? [String: Any])
            let otherID = try #require(((json["items"] as? [[String: Any]])?.first?["product"] as? [String: Any])?["id"] as? String)
            try ws.ok("attach", otherID, Workspace.samples.appendingPathComponent("so-tay-quyen-con-nguoi-en.pdf").path)
            let verdict = try Self.verdict(ws, otherID)
            #expect(verdict.0 == "fail")
            #expect(verdict.1.contains(reason), "\(verdict)")
        }
        // The same video as another kind is judged by the video floor alone.
        let plain = try Self.lesson(ws, "phong-su.mp4", seconds: 150)
        try ws.ok("ingest", plain, "--kind", "video")
        let all = try #require(try ws.ok("conformance", "--kind", "video", "--json").json() as? [String: Any])
        #expect((all["objects"] as? [[String: Any]])?.first?["status"] as? String == "pass")
        #expect((all["profile"] as? [String: Any])?["version"] as? String == "1.1.0")
    }
}
