import Foundation
import KhoPostgres

/// Which catalogue backend the tests run on. `scripts/test` starts a throwaway PostgreSQL server
/// (`scripts/postgres`), names it in `KHO_TEST_POSTGRES`, and runs the suite twice: on SQLite, and
/// with `KHO_TEST_BACKEND=postgresql`, where every repository a test creates gets a database of
/// its own on that server. The tests of PostgreSQL itself (equivalence, copies, errors) run
/// whenever a server is named.
public enum TestBackend {
    /// The PostgreSQL server named for the tests (`postgresql://USER@HOST:PORT`), if any.
    public static let postgresServer: String? = {
        guard let value = ProcessInfo.processInfo.environment["KHO_TEST_POSTGRES"], !value.isEmpty else { return nil }
        // The server's URL, without a database.
        guard let components = URLComponents(string: value) else { return value }
        var server = components
        server.path = ""
        server.query = nil
        return server.string ?? value
    }()

    /// Whether the suite runs on PostgreSQL: every repository's catalogue there.
    public static let isPostgres =
        postgresServer != nil && ProcessInfo.processInfo.environment["KHO_TEST_BACKEND"] == "postgresql"
    public static var isSQLite: Bool { !isPostgres }

    /// A new database's URL on the test server, for one repository of a PostgreSQL run.
    public static func newCatalogueURL() -> String? {
        isPostgres ? newDatabaseURL() : nil
    }

    /// A new database's URL on the test server, whatever the run's backend.
    public static func newDatabaseURL() -> String? {
        postgresServer.map { "\($0)/kho_test_\(UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(20).lowercased())" }
    }

    /// A copy of a test database under a new name (as `cp -a` copies a SQLite catalogue), for a
    /// copied repository folder; nil if it could not be made.
    public static func clone(_ url: String) -> String? {
        guard let server = postgresServer, let name = url.split(separator: "/").last, let copy = newDatabaseURL(),
            let copyName = copy.split(separator: "/").last
        else { return nil }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "psql", "\(server)/postgres", "-qAtc", "CREATE DATABASE \"\(copyName)\" TEMPLATE \"\(name)\"",
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try? process.run()
        process.waitUntilExit()
        return process.terminationStatus == 0 ? copy : nil
    }

    /// A new database on the test server, for one repository, or nil for SQLite.
    public static func newCatalogue() throws -> PostgresLocation? {
        try newCatalogueURL().map { try PostgresLocation(parsing: $0) }
    }

    /// Drops a test database (with its connections), if the server still runs.
    public static func drop(_ url: String) {
        guard let server = postgresServer, let name = url.split(separator: "/").last else { return }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["psql", "\(server)/postgres", "-qAtc", "DROP DATABASE IF EXISTS \"\(name)\" WITH (FORCE)"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try? process.run()
        process.waitUntilExit()
    }
}
