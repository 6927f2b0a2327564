import ArgumentParser
import Foundation
import KhoPostgres
import KhoRepository

struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a repository (default ./storage, or --repo DIR / $KHO_REPO).",
        discussion: """
            Creates the catalogue, the content store and a vocabulary/ folder for local extensions. Running \
            it on an existing repository changes nothing.

            The catalogue is a SQLite file in the repository, unless --catalogue (or $KHO_CATALOGUE) names a \
            PostgreSQL database, for the national tier: the database is created if the server has none of that \
            name, and one that already holds a kho catalogue is joined as it is. The repository remembers the URL \
            without its password: give the password in $PGPASSWORD or ~/.pgpass, as for psql.

            Examples:
              kho init
              kho init --repo ~/kho/gia-lai
              kho init --catalogue postgresql://kho@db.example.vn/kho
            """)

    @OptionGroup var repository: RepositoryOptions

    @Option(
        name: .customLong("catalogue"),
        help: "Put the catalogue on PostgreSQL: postgresql://USER@HOST:PORT/DATABASE (default: $KHO_CATALOGUE, else SQLite).")
    var catalogue: String?

    func run() throws {
        let path = repository.resolvedPath
        let given = catalogue ?? ProcessInfo.processInfo.environment["KHO_CATALOGUE"].flatMap { $0.isEmpty ? nil : $0 }
        let location = try given.map { try PostgresLocation(parsing: $0) }
        if try Repository.create(at: path, now: Environment.now(), catalogue: location) {
            if let location {
                Output.line(Output.l("init.created_postgres", ["path": path, "location": location.description]))
            } else {
                Output.line(Output.l("init.created", ["path": path]))
            }
        } else {
            Output.line(Output.l("init.exists", ["path": path]))
        }
    }
}
