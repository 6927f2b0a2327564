import Foundation
import KhoFuzzing
import Testing

@Suite("fuzzing: regressions and seeds")
struct FuzzRegressionTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    static func scratch() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("kho-fuzz-test-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Every input a fuzzer found (Tests/Fixtures/fuzz/TARGET/…), run again through its target.
    @Test("every input the fuzzers found runs through its reader without a crash")
    func foundInputs() throws {
        let root = Self.fixtures.appendingPathComponent("fuzz").path
        let scratch = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        var count = 0
        for target in ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).sorted()
        where FuzzTargets.isKnown(target) {
            for name in try FileManager.default.contentsOfDirectory(atPath: "\(root)/\(target)").sorted() {
                let data = try Data(contentsOf: URL(fileURLWithPath: "\(root)/\(target)/\(name)"))
                FuzzTargets.run(target, data, scratch: scratch)
                count += 1
            }
        }
        #expect(count >= 0)
    }

    /// The real files the fuzzers start from, through every format reader (the wrong ones too: a
    /// reader given another format's file must say what it could not read, not crash).
    @Test("every fixture file through every format reader, matching or not")
    func seedsThroughEveryReader() throws {
        let scratch = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let folder = Self.fixtures.appendingPathComponent("formats").path
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        #expect(files.count > 10)
        let readers = [
            "pdf", "jpeg", "png", "tiff", "mp3", "wav", "mp4", "asf", "avi", "epub", "text", "epub-stamp", "bag-info",
            "bag-manifest", "manifest-csv", "manifest-json",
        ]
        for name in files {
            let data = try Data(contentsOf: URL(fileURLWithPath: "\(folder)/\(name)"))
            for reader in readers {
                #expect(FuzzTargets.isKnown(reader))
                FuzzTargets.run(reader, data, scratch: scratch)
                // Truncated halfway, as a failed transfer leaves it.
                FuzzTargets.run(reader, data.prefix(data.count / 2), scratch: scratch)
            }
        }
    }
}
