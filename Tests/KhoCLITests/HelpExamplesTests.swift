import Foundation
import KhoTestFixtures
import Testing

/// Every example that `kho … --help` prints runs as written against the sample corpus, and every
/// example line is printed whole (not wrapped by the help formatter, so it can be pasted).
///
/// The only changes made to an example before it runs: the product ids and SHA-256 prefixes it
/// shows are replaced by those of the sample corpus (ids differ in every repository), and
/// `kho serve` listens on a free port and is stopped once it answers.
@Suite("help examples")
struct HelpExamplesTests {
    struct Example: CustomStringConvertible {
        var command: [String]  // the subcommand path, e.g. ["bundle", "verify"]
        var line: String
        var description: String { line }
    }

    /// Every subcommand path, from `kho --help` and the help of each group.
    static func commands(in ws: Workspace, under path: [String] = []) throws -> [[String]] {
        let result = try ws.kho(path + ["--help"])
        #expect(result.status == 0, "kho \(path.joined(separator: " ")) --help: \(result.stderr)")
        let help = result.stdout
        guard result.status == 0, path.count < 3, let start = help.range(of: "SUBCOMMANDS:\n") else { return [path] }
        var found: [[String]] = path.isEmpty ? [] : [path]
        for line in help[start.upperBound...].split(separator: "\n", omittingEmptySubsequences: false) {
            if line.isEmpty { break }
            guard line.hasPrefix("  "), !line.hasPrefix("   ") else { continue }
            // `characterise, characterize`: the name, then its aliases.
            let name = line.split(separator: " ").first.map { String($0.filter { $0 != "," }) } ?? ""
            if name.isEmpty || name == "help" { continue }
            found += try commands(in: ws, under: path + [name])
        }
        return found
    }

    /// The examples of one command's help, continuation lines (`\`) joined; a line of the block
    /// that neither starts an example nor continues one was wrapped by the help formatter.
    static func examples(of command: [String], help: String) -> (examples: [Example], wrapped: [String]) {
        guard let start = help.range(of: "Examples:\n") else { return ([], []) }
        var examples: [Example] = []
        var wrapped: [String] = []
        var current: String?
        for line in help[start.upperBound...].split(separator: "\n", omittingEmptySubsequences: false) {
            if line.trimmingCharacters(in: .whitespaces).isEmpty { break }
            let text = String(line)
            if let open = current {
                current = String(open.dropLast()) + text.trimmingCharacters(in: .whitespaces)
            } else if text.hasPrefix("  kho ") {
                current = String(text.dropFirst(2))
            } else {
                wrapped.append(text)
                continue
            }
            if let line = current, !line.hasSuffix("\\") {
                examples.append(Example(command: command, line: line))
                current = nil
            }
        }
        return (examples, wrapped)
    }

    @Test("every example in every --help runs as written against the sample corpus")
    func everyExampleRuns() throws {
        let base = try Workspace()
        try base.ok("init")
        // The QR and e-book examples need the public address, which their help says to set first.
        try base.ok("config", "set", "base-url", "https://kho.example.gov.vn")
        let corpus = Workspace.samples.path
        try base.ok("ingest", corpus, "--manifest", corpus + "/manifest.csv")
        func id(_ kind: String) throws -> String {
            try #require(try base.ok("list", "--kind", kind, "--ids").stdout.split(separator: "\n").first.map(String.init))
        }
        let (radio, ebook, book, poster, photo) = try (
            id("radio-report"), id("ebook"), id("book"), id("poster"), id("exhibition-photo")
        )
        let photoObject = try #require(
            (try base.ok("show", photo, "--json").json() as? [String: Any]).flatMap { product in
                ((product["product"] as? [String: Any])?["files"] as? [[String: Any]])?.first?["sha256"] as? String
            })
        // An exhibition in two languages, online, showing the photo and the poster.
        let exhibition = try #require(
            (try base.ok(
                "exhibition", "create", "--title", "Quyền con người", "--title", "en=Human rights", "--province", "gia-lai",
                "--opens", "2025-12-01", "--json"
            ).json() as? [String: Any])?["id"] as? String)
        try base.ok("exhibition", "add", exhibition, photo, poster)
        try base.ok("exhibition", "publish", exhibition)
        // Bundles from another repository, for `import` and `bundle verify`.
        let other = try Workspace()
        try other.ok("init")
        try other.write("in/bao-cao.txt", "Báo cáo của tỉnh Gia Lai về quyền của đồng bào dân tộc thiểu số.")
        try other.ok("ingest", "in", "--kind", "article", "--lang", "vi", "--province", "gia-lai", "--published", "2024-03")
        try other.ok("export", "--out", "gia-lai-2024")
        try other.ok("export", "--out", "gia-lai-2024.zip")

        let help = try Self.commands(in: base)
        #expect(help.count > 30, "\(help)")
        var all: [Example] = []
        for command in help {
            let text = try base.kho(command + ["--help"]).stdout
            let (examples, wrapped) = Self.examples(of: command, help: text)
            #expect(wrapped.isEmpty, "kho \(command.joined(separator: " ")) --help wraps an example: \(wrapped)")
            all += examples
        }
        #expect(all.count > 60)

        for example in all {
            let ws = try Workspace()
            try ws.copy(from: base)
            let object = photoObject.prefix(16)
            var line = example.line
                .replacingOccurrences(of: "06F3Z8K2QX4M7R1B", with: radio)
                .replacingOccurrences(of: "1M7ZTDBH9VBRKF2N", with: ebook)
                .replacingOccurrences(of: "1M7ZTDBJ0AXQ3D5K", with: book)
                .replacingOccurrences(of: "PRODUCT-ID", with: poster)
                .replacingOccurrences(of: "3a7bd3e2360a3d29", with: String(object))
                .replacingOccurrences(of: "1M8XHB0A3D5KQ7ZT", with: exhibition)
            let bundles = ["gia-lai-2024", "gia-lai-2024.zip"]
            // The national tier's examples, on the test's own PostgreSQL server (skipped without one).
            if line.contains("postgresql://kho@db.example.vn/kho") {
                guard let url = TestBackend.newDatabaseURL() else { continue }
                line = line.replacingOccurrences(of: "postgresql://kho@db.example.vn/kho", with: url)
                ws.databases.append(url)
            }
            switch example.command {
            case ["init"]:
                #expect(try Workspace.shell("chmod -R u+w '\(ws.root.path)/storage' && rm -rf '\(ws.root.path)/storage'") == 0)

            case ["ingest"]:
                try ws.copySample("phong-su-quyen-dong-bao-jrai.mp3", as: "reportage.mp3")
                try ws.write("photos/trien-lam-1.jpg", try Data(contentsOf: Workspace.samples.appendingPathComponent("anh-trien-lam-nhan-quyen.jpg")) + Data([0]))
                #expect(try Workspace.shell("cp -a '\(corpus)' '\(ws.root.path)/incoming'") == 0)
                let bags = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                    .deletingLastPathComponent().appendingPathComponent("scripts/make-foreign-bags.py").path
                #expect(
                    try Workspace.shell(
                        "python3 '\(bags)' '\(ws.root.path)/bags' && mv '\(ws.root.path)/bags/lf-1.0' '\(ws.root.path)/vendor-delivery-2024'")
                        == 0)
            case ["attach"], ["register"]:
                try ws.copySample("so-tay-quyen-con-nguoi-en.pdf", as: "scan.pdf")
                try ws.write("reportage-128k.mp3", try Data(contentsOf: Workspace.samples.appendingPathComponent("phong-su-quyen-dong-bao-jrai.mp3")) + Data([0, 0]))
            case ["detach"]:
                try ws.write("wrong-scan.pdf", "%PDF-1.4\n% a scan of another book\n%%EOF\n")
                try ws.ok("attach", radio, "wrong-scan.pdf")
                let digest = try #require(
                    (try ws.ok("show", radio, "--json").json() as? [String: Any]).flatMap { product in
                        ((product["product"] as? [String: Any])?["files"] as? [[String: Any]])?
                            .first { $0["original_name"] as? String == "wrong-scan.pdf" }?["sha256"] as? String
                    })
                line = line.replacingOccurrences(of: "3cb912a7f559a2c1", with: String(digest.prefix(16)))
            case ["edit"]:
                try ws.ok("edit", radio, "--title", "Phóng sự: Quyền của đồng bào Jrai")
            case ["conformance"]:
                let profile = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                    .deletingLastPathComponent().appendingPathComponent("catalogue-schema/profiles/vn-archive-2019.json")
                try ws.write("my-profile.json", try Data(contentsOf: profile))
            case ["import"], ["bundle", "verify"]:
                for bundle in bundles {
                    #expect(try Workspace.shell("cp -a '\(other.root.path)/\(bundle)' '\(ws.root.path)/'") == 0)
                }
            case ["quarantine"], ["restore"]:
                try ws.ok("export", "--out", "gia-lai-2024")
                #expect(try Workspace.shell("mkdir -p '\(ws.root.path)/backup' && cp -a '\(ws.root.path)/storage' '\(ws.root.path)/backup/'") == 0)
                let stored = ws.root.appendingPathComponent("storage/objects/\(photoObject.prefix(2))/\(photoObject.dropFirst(2).prefix(2))/\(photoObject)").path
                #expect(try Workspace.shell("chmod u+w '\(stored)' && printf 'damaged' > '\(stored)'") == 0)
                _ = try ws.kho("verify")
            default:
                break
            }
            if example.command == ["serve"] {
                if line.contains("--port 8080") {
                    line = line.replacingOccurrences(of: "--port 8080", with: "--port 0")
                } else {
                    line += " --port 0"
                }
                let result = ws.sh("timeout -s INT 4 " + line)
                #expect(result.stderr.contains("listening on"), "\(example.line): \(result.stderr)")
                continue
            }
            let result = ws.sh(line)
            #expect(result.status == 0, "\(example.line) failed (\(result.status)): \(result.stderr)")
        }
    }
}
