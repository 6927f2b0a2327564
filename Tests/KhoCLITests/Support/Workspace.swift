import Foundation
import KhoTestFixtures
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The result of one run of the `kho` binary.
struct RunResult {
    var status: Int32
    var stdout: String
    var stderr: String

    /// Standard output parsed as JSON.
    func json() throws -> Any { try JSONSerialization.jsonObject(with: Data(stdout.utf8)) }
}

/// A temporary folder with its own repository, in which tests run the built `kho` binary.
final class Workspace {
    let root: URL
    var repo: String { root.appendingPathComponent("storage").path }

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("kho-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    /// The databases this workspace's repositories were given, on PostgreSQL runs.
    var databases: [String] = []

    deinit {
        for database in databases { TestBackend.drop(database) }
        // Objects are read-only; make them writable so the folder can be removed.
        _ = try? Workspace.shell("chmod -R u+w '\(root.path)' && rm -rf '\(root.path)'")
    }

    /// The `kho` binary built beside the test bundle, or $KHO_BIN.
    static var binary: String {
        if let path = ProcessInfo.processInfo.environment["KHO_BIN"] { return path }
        let executable =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: executable).deletingLastPathComponent().appendingPathComponent("kho").path
    }

    /// The sample corpus shipped in the repository.
    static var samples: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("samples/corpus")
    }

    /// Runs `kho ARGS` in the workspace, with the repository at ./storage.
    @discardableResult
    func kho(_ arguments: [String], environment: [String: String] = [:]) throws -> RunResult {
        let process = start(arguments, environment: environment)
        process.process.waitUntilExit()
        return finish(process)
    }

    @discardableResult
    func kho(_ arguments: String...) throws -> RunResult { try kho(arguments) }

    /// Runs kho and expects success; records the output in the failure message otherwise.
    @discardableResult
    func ok(_ arguments: String..., sourceLocation: SourceLocation = #_sourceLocation) throws -> RunResult {
        let result = try kho(arguments)
        #expect(
            result.status == 0, "kho \(arguments.joined(separator: " ")) failed: \(result.stderr)",
            sourceLocation: sourceLocation)
        return result
    }

    struct Running {
        var process: Process
        var out: URL
        var err: URL
    }

    /// Runs `kho ARGS` as a user who cannot write the repository: the workspace's files lose their
    /// write permission, and a test running as root (where permissions do not bind) runs kho as
    /// `nobody` through setpriv, as an auditor's account would.
    func khoAsReader(_ arguments: [String], environment: [String: String] = [:]) throws -> RunResult {
        #expect(try Self.shell("chmod -R a-w,a+rX '\(root.path)/storage'") == 0)
        let process = start(arguments, environment: environment, asReader: getuid() == 0)
        process.process.waitUntilExit()
        return finish(process)
    }

    /// Runs a shell command line in the workspace as a user types it: `kho` on the PATH, HOME the
    /// workspace (so `~/…` stays inside it), the repository at ./storage.
    func sh(_ command: String, environment: [String: String] = [:]) -> RunResult {
        let binDirectory = URL(fileURLWithPath: Self.binary).deletingLastPathComponent().path
        var env = environment
        env["HOME"] = root.path
        env["PATH"] = binDirectory + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        let running = start(["-c", command], environment: env, executable: "/bin/sh")
        running.process.waitUntilExit()
        return finish(running)
    }

    func start(
        _ arguments: [String], environment: [String: String] = [:], asReader: Bool = false, executable: String? = nil
    ) -> Running {
        var arguments = arguments
        // On a PostgreSQL run, every repository gets a database of its own.
        if executable == nil, arguments.first == "init", !arguments.contains("--catalogue"),
            let url = TestBackend.newCatalogueURL()
        {
            arguments += ["--catalogue", url]
            databases.append(url)
        }
        let process = Process()
        if let executable {
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
        } else if asReader {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
            process.arguments = ["--reuid=65534", "--regid=65534", "--clear-groups", Self.binary] + arguments
        } else {
            process.executableURL = URL(fileURLWithPath: Self.binary)
            process.arguments = arguments
        }
        process.currentDirectoryURL = root
        var env = ProcessInfo.processInfo.environment
        env["KHO_REPO"] = nil
        env["KHO_AGENT"] = "tester"
        env["KHO_LANG"] = "en"  // the tests read English; Vietnamese output has its own tests
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let id = UUID().uuidString
        let out = root.appendingPathComponent(".out-\(id)")
        let err = root.appendingPathComponent(".err-\(id)")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        process.standardOutput = try? FileHandle(forWritingTo: out)
        process.standardError = try? FileHandle(forWritingTo: err)
        process.standardInput = FileHandle.nullDevice
        try? process.run()
        return Running(process: process, out: out, err: err)
    }

    func finish(_ running: Running) -> RunResult {
        let stdout = (try? String(contentsOf: running.out, encoding: .utf8)) ?? ""
        let stderr = (try? String(contentsOf: running.err, encoding: .utf8)) ?? ""
        try? FileManager.default.removeItem(at: running.out)
        try? FileManager.default.removeItem(at: running.err)
        return RunResult(status: running.process.terminationStatus, stdout: stdout, stderr: stderr)
    }

    /// Writes a file in the workspace and returns its path.
    @discardableResult
    func write(_ name: String, _ contents: String) throws -> String {
        try write(name, Data(contents.utf8))
    }

    @discardableResult
    func write(_ name: String, _ data: Data) throws -> String {
        let url = root.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: url)
        return url.path
    }

    /// Copies a sample file into the workspace under `name` (default: its own name).
    @discardableResult
    func copySample(_ sample: String, as name: String? = nil) throws -> String {
        let destination = root.appendingPathComponent(name ?? sample)
        try FileManager.default.createDirectory(
            at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: Self.samples.appendingPathComponent(sample), to: destination)
        return destination.path
    }

    /// Every object file in a repository's store (./storage unless named), by SHA-256.
    func storedObjects(repo: String = "storage") -> Set<String> {
        let objects = root.appendingPathComponent("\(repo)/objects").path
        guard let enumerator = FileManager.default.enumerator(atPath: objects) else { return [] }
        var found = Set<String>()
        for case let path as String in enumerator where path.split(separator: "/").count == 3 {
            found.insert(String(path.split(separator: "/").last!))
        }
        return found
    }

    /// Files left in the store's temporary folder.
    func temporaryFiles() -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("storage/tmp").path)) ?? []
    }

    /// All products, as `kho list --json` prints them.
    func products() throws -> [[String: Any]] {
        let result = try kho("list", "--json")
        return (try result.json() as? [[String: Any]]) ?? []
    }

    /// SHA-256 of every file the catalogue refers to.
    func referencedObjects() throws -> Set<String> {
        Set(try products().flatMap { ($0["files"] as? [[String: Any]] ?? []).compactMap { $0["sha256"] as? String } })
    }

    /// Copies another workspace's files into this one, as `cp -a` would; a repository whose
    /// catalogue is on PostgreSQL gets a copy of its database, so that the two stay apart.
    func copy(from other: Workspace) throws {
        #expect(try Self.shell("cp -a '\(other.root.path)/.' '\(root.path)/'") == 0)
        guard let names = FileManager.default.enumerator(atPath: root.path) else { return }
        for case let name as String in names where name.hasSuffix("catalogue.url") && !name.contains("/objects/") {
            let file = root.appendingPathComponent(name).path
            let url = try String(contentsOfFile: file, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            let copy = try #require(TestBackend.clone(url), "could not copy the database of \(name)")
            databases.append(copy)
            try Data((copy + "\n").utf8).write(to: URL(fileURLWithPath: file))
        }
    }

    /// Whether the repository's catalogue is on PostgreSQL (a PostgreSQL run of the suite).
    func onPostgres(repo: String = "storage") -> Bool {
        let folder = repo.hasPrefix("/") ? repo : root.appendingPathComponent(repo).path
        return FileManager.default.fileExists(atPath: folder + "/catalogue.url")
    }

    /// What the catalogue holds, to show that a command wrote nothing: the SQLite file's bytes, or
    /// on PostgreSQL the numbers every write moves (events, checks, products, tombstones, repairs).
    func catalogueFingerprint() throws -> Data {
        if onPostgres() {
            return Data(
                try catalogueSQL(
                    """
                    SELECT (SELECT count(*) FROM event) || ':' || (SELECT coalesce(max(seq), 0) FROM event) || ':'
                        || (SELECT count(*) FROM fixity_check) || ':' || (SELECT count(*) FROM product) || ':'
                        || (SELECT count(*) FROM tombstone) || ':' || (SELECT count(*) FROM repair) || ':'
                        || (SELECT count(*) FROM bundle) || ':' || (SELECT count(*) FROM repository)
                    """
                ).utf8)
        }
        return try Data(contentsOf: URL(fileURLWithPath: repo + "/catalogue.sqlite"))
    }

    /// Runs SQL on the repository's catalogue behind kho's back, as a damaged or hand-edited
    /// catalogue would be: with sqlite3, or with psql on a PostgreSQL run. Returns what it printed.
    func catalogueSQL(_ sql: String, repo: String = "storage", sourceLocation: SourceLocation = #_sourceLocation)
        throws -> String
    {
        let out = root.appendingPathComponent("sql.out").path
        let script = root.appendingPathComponent("sql.in").path
        try Data(sql.utf8).write(to: URL(fileURLWithPath: script))
        let folder = root.appendingPathComponent(repo).path
        let command: String
        if onPostgres(repo: repo) {
            let url = try String(contentsOfFile: folder + "/catalogue.url", encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            command = "psql '\(url)' -qAt -v ON_ERROR_STOP=1 -f '\(script)' > '\(out)' 2>&1"
        } else {
            command = "sqlite3 '\(folder)/catalogue.sqlite' < '\(script)' > '\(out)' 2>&1"
        }
        let status = try Self.shell(command)
        let output = (try String(contentsOfFile: out, encoding: .utf8)).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(status == 0, "\(sql): \(output)", sourceLocation: sourceLocation)
        return output
    }

    @discardableResult
    static func shell(_ command: String) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }
}
