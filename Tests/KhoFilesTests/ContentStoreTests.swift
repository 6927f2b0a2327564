import Foundation
import Testing

@testable import KhoFiles

@Suite("content store and identification")
struct ContentStoreTests {
    static func temporaryRepository() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("kho-store-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test("staging copies and hashes in one pass; commit stores the object once, read-only")
    func stageAndCommit() throws {
        let root = try Self.temporaryRepository()
        defer { _ = try? FileManager.default.removeItem(atPath: root) }
        let store = ContentStore(repository: root)
        try store.create()
        let source = root + "/abc.txt"
        try Data("abc".utf8).write(to: URL(fileURLWithPath: source))
        let staged = try store.stage(source)
        #expect(staged.sha256 == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(staged.size == 3)
        #expect(try store.commit(staged))
        let path = store.path(for: staged.sha256)
        #expect(path.hasSuffix("/objects/ba/78/\(staged.sha256)"))
        #expect(FileManager.default.contents(atPath: path) == Data("abc".utf8))
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? Int) == 0o444)
        // The same content again: not stored twice, the staged copy dropped.
        #expect(try !store.commit(store.stage(source)))
        #expect(try FileManager.default.contentsOfDirectory(atPath: store.temporaryDirectory).isEmpty)
        #expect(try store.hash(source).sha256 == staged.sha256)
    }

    @Test("an empty file has the SHA-256 of nothing")
    func emptyFile() throws {
        let root = try Self.temporaryRepository()
        defer { _ = try? FileManager.default.removeItem(atPath: root) }
        let store = ContentStore(repository: root)
        try store.create()
        _ = FileManager.default.createFile(atPath: root + "/empty", contents: Data())
        #expect(
            try store.hash(root + "/empty").sha256 == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        )
    }

    @Test("folders, links and missing files are refused with the path named")
    func refusesNonFiles() throws {
        let root = try Self.temporaryRepository()
        defer { _ = try? FileManager.default.removeItem(atPath: root) }
        let store = ContentStore(repository: root)
        try store.create()
        try FileManager.default.createSymbolicLink(atPath: root + "/link", withDestinationPath: "/etc/hostname")
        for path in [root, root + "/link", root + "/missing"] {
            do {
                _ = try store.stage(path)
                Issue.record("\(path) was staged")
            } catch {
                #expect(error.description.contains(path))
            }
        }
    }

    @Test("libmagic identifies by content")
    func identifies() throws {
        let identifier = try FileIdentifier()
        let root = try Self.temporaryRepository()
        defer { _ = try? FileManager.default.removeItem(atPath: root) }
        try Data("%PDF-1.4\n%âãÏÓ\n1 0 obj\n<<>>\nendobj\n".utf8).write(to: URL(fileURLWithPath: root + "/x.jpg"))
        #expect(identifier.identify(root + "/x.jpg").mime == "application/pdf")
        try Data("Xin chào, đây là văn bản.\n".utf8).write(to: URL(fileURLWithPath: root + "/t.bin"))
        let text = identifier.identify(root + "/t.bin")
        #expect(text.mime == "text/plain")
        #expect(text.format.contains("UTF-8"))
    }
}
