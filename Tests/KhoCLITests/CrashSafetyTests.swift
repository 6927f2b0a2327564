import Foundation
import KhoTestFixtures
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite("crash safety and bounded memory")
struct CrashSafetyTests {
    /// A folder of files with distinct contents.
    static func makeBatch(_ ws: Workspace, count: Int, size: Int) throws {
        for index in 0..<count {
            var data = Data(count: size)
            data[0] = UInt8(index)
            data[size - 1] = UInt8(index)
            try ws.write("batch/file-\(index).bin", data)
        }
    }

    /// After a crash and a re-run, every file is ingested once and every object is referenced.
    static func expectConsistent(_ ws: Workspace, files: Int) throws {
        #expect(try ws.products().count == files)
        #expect(ws.storedObjects() == (try ws.referencedObjects()))
        #expect(ws.storedObjects().count == files)
        #expect(ws.temporaryFiles().isEmpty)
    }

    @Test(
        "a process that dies at any step of an ingest leaves no half-registered product, and a re-run finishes the job",
        arguments: ["staged:1", "pending:1", "stored:1", "stored:3"])
    func dyingAtEachStep(point: String) throws {
        let ws = try Workspace()
        try ws.ok("init")
        try Self.makeBatch(ws, count: 4, size: 64 * 1024)
        let crashed = try ws.kho(["ingest", "batch", "--kind", "article"], environment: ["KHO_CRASH_AT": point])
        #expect(crashed.status == 137)
        let survivors = try ws.products()
        #expect(survivors.count < 4)
        // Nothing half-done is visible: each listed product has its file, and each file its object.
        for product in survivors { #expect((product["files"] as? [Any])?.count == 1) }
        #expect(try ws.referencedObjects().isSubset(of: ws.storedObjects()))
        let rerun = try ws.ok("ingest", "batch", "--kind", "article", "--json")
        let summary = try #require((try rerun.json() as? [String: Any])?["summary"] as? [String: Int])
        #expect((summary["already-ingested"] ?? 0) == survivors.count)
        #expect((summary["ingested"] ?? 0) == 4 - survivors.count)
        try Self.expectConsistent(ws, files: 4)
    }

    @Test("a process killed with SIGKILL while copying is recovered by the next run")
    func killedMidCopy() throws {
        let ws = try Workspace()
        try ws.ok("init")
        try Self.makeBatch(ws, count: 3, size: 96 << 20)
        let running = ws.start(["ingest", "batch", "--kind", "video"])
        // Wait until a copy is under way, then kill without warning.
        let deadline = Date().addingTimeInterval(30)
        while ws.temporaryFiles().isEmpty && running.process.isRunning && Date() < deadline { usleep(2_000) }
        kill(running.process.processIdentifier, SIGKILL)
        running.process.waitUntilExit()
        _ = ws.finish(running)
        try ws.ok("ingest", "batch", "--kind", "video")
        try Self.expectConsistent(ws, files: 3)
    }

    @Test("two ingests at once: the second waits for the first, and both complete")
    func concurrentWriters() throws {
        let ws = try Workspace()
        try ws.ok("init")
        try Self.makeBatch(ws, count: 4, size: 96 << 20)
        try ws.write("other/note.txt", "ghi chú")
        let first = ws.start(["ingest", "batch", "--kind", "video"])
        let deadline = Date().addingTimeInterval(30)
        while ws.temporaryFiles().isEmpty && first.process.isRunning && Date() < deadline { usleep(2_000) }
        let second = try ws.kho("ingest", "other", "--kind", "article")
        first.process.waitUntilExit()
        let firstResult = ws.finish(first)
        #expect(firstResult.status == 0, "\(firstResult.stderr)")
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stderr.contains("another kho command is writing"))
        try Self.expectConsistent(ws, files: 5)
    }

    @Test("a large file is streamed: peak memory stays far below its size")
    func largeFileBoundedMemory() throws {
        let ws = try Workspace()
        try ws.ok("init")
        let path = ws.root.appendingPathComponent("large.bin").path
        #expect(try Workspace.shell("head -c 1048576 /dev/urandom > '\(path)' && truncate -s 1G '\(path)'") == 0)
        // GNU time reports the peak resident memory of kho alone, in KiB.
        let report = ws.root.appendingPathComponent("time.txt").path
        let status = try Workspace.shell(
            "cd '\(ws.root.path)' && /usr/bin/time -f %M -o '\(report)' '\(Workspace.binary)' ingest '\(path)' --kind video > /dev/null 2>&1"
        )
        #expect(status == 0)
        let kibibytes =
            Int((try String(contentsOfFile: report, encoding: .utf8)).trimmingCharacters(in: .whitespacesAndNewlines))
            ?? Int.max
        #expect(kibibytes / 1024 < 100, "peak resident memory \(kibibytes / 1024) MiB for a 1 GiB file")
        #expect(ws.storedObjects().count == 1)
    }
}

@Suite("interrupted exports")
struct InterruptedExportTests {
    @Test("a bag in place whose export was killed before it was recorded is recorded by running the export again")
    func adoptUnrecordedBag() throws {
        let ws = try DoctorTests.corpus()
        try ws.ok("export", "--out", "bundle")
        let recorded = try #require(try ws.ok("bundle", "list", "--json").json() as? [[String: Any]])
        let id = try #require(recorded.first?["id"] as? String)
        // What a kill between the rename and the record leaves: the bag, and no record of it.
        _ = try DoctorTests.sqlite(
            ws,
            "DELETE FROM bundle; DELETE FROM event WHERE type = 'information package creation'; UPDATE product SET shared = 0"
        )
        let again = try ws.ok("export", "--out", "bundle")
        #expect(again.stdout.contains(id), "\(again.stdout)")
        #expect(again.stdout.contains("interrupted"))
        let history = try #require(try ws.ok("bundle", "list", "--json").json() as? [[String: Any]])
        #expect(history.count == 1)
        #expect(history.first?["id"] as? String == id)
        #expect(history.first?["products"] as? Int == 6)
        // Recorded as it was made: the next increment starts where it left off, so nothing changed.
        let increment = try ws.ok("export", "--since", "LAST", "--out", "next")
        #expect(!FileManager.default.fileExists(atPath: ws.root.appendingPathComponent("next").path), "\(increment.stdout)")
        let report = try #require(try ws.ok("report", "coverage", "--format", "json").json() as? [String: Any])
        let shared = ((report["totals"] as? [String: Any])?["coverage"] as? [String: Any])?["shared"] as? [String: Any]
        #expect((shared?["ratio"] as? [String: Any])?["numerator"] as? Int == 6)
        // Another repository's bag, or one recorded already, is still never overwritten.
        #expect(try ws.kho("export", "--out", "bundle").status != 0)
    }
}

@Suite(
    "crash injection, short run",
    .enabled(if: TestBackend.isSQLite, "scripts/fault-test makes SQLite repositories of its own; the SQLite pass runs it"))
struct FaultInjectionTests {
    @Test("scripts/fault-test: every writing operation killed at seeded random moments, two trials each, all recover")
    func shortRun() throws {
        let script = Workspace.samples.deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("scripts/fault-test").path
        let ws = try Workspace()
        let log = ws.root.appendingPathComponent("fault-test.log").path
        let status = try Workspace.shell(
            "python3 '\(script)' --trials 2 --seed 7 --kho '\(Workspace.binary)' > '\(log)' 2>&1")
        let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        #expect(status == 0, "\(output)")
        // One line per operation, each with its trials and no failure.
        let lines = output.split(separator: "\n").filter { $0.contains(" trials,") }
        #expect(lines.count == 14, "\(output)")
        #expect(lines.allSatisfy { $0.contains("  0 failed") }, "\(output)")
    }
}

@Suite(
    "power cuts",
    .enabled(if: TestBackend.isSQLite, "the power-cut model replays the SQLite catalogue's own writes; the SQLite pass runs it"))
struct PowerCutTests {
    static var script: String {
        Workspace.samples.deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("scripts/power-cut-test").path
    }

    static func run(_ arguments: String) throws -> (status: Int32, output: String) {
        let ws = try Workspace()
        let log = ws.root.appendingPathComponent("power-cut.log").path
        let status = try Workspace.shell(
            "python3 '\(script)' \(arguments) --kho '\(Workspace.binary)' > '\(log)' 2>&1")
        return (status, (try? String(contentsOfFile: log, encoding: .utf8)) ?? "")
    }

    @Test("what a command reported done survives a power cut at any moment, and the repository opens consistent")
    func acknowledgedWritesSurvive() throws {
        let (status, output) = try Self.run("--cuts 3 --seed 11")
        #expect(status == 0, "\(output)")
        let lines = output.split(separator: "\n").filter { $0.contains(" cuts over ") }
        #expect(lines.count == 6, "\(output)")
        #expect(lines.allSatisfy { $0.contains(": 0 inconsistent, 0 with an acknowledged write lost") }, "\(output)")
    }

    @Test("the same test catches the loss when the catalogue commits as it used to (synchronous=NORMAL)")
    func theTestHasTeeth() throws {
        let (status, output) = try Self.run("--cuts 0 --synchronous normal --ops edit,remove")
        #expect(status == 1, "\(output)")
        #expect(output.contains("reported edited, old title after the cut"), "\(output)")
        #expect(output.contains("reported removed, still here"), "\(output)")
    }
}
