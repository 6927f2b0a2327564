import ArgumentParser
import Foundation
import KhoCore
import KhoPostgres
import KhoRepository

struct CatalogueCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "catalogue",
        abstract: "Where the catalogue lives: show it, or copy it to PostgreSQL or to a SQLite file.",
        discussion: """
            A repository's catalogue is a SQLite file (catalogue.sqlite) beside its store, or a PostgreSQL \
            database named in catalogue.url, for the national tier. `copy` moves it from one to the other \
            with everything it holds, and checks the copy table by table.

            Examples:
              kho catalogue show
              kho catalogue copy --to postgresql://kho@db.example.vn/kho --use
              kho catalogue copy --to backup/catalogue.sqlite
            """,
        subcommands: [Show.self, Copy.self])

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show",
            abstract: "Print which backend holds the catalogue, where, and how much it holds.")
        @OptionGroup var repository: RepositoryOptions
        @Flag(name: .customLong("json"), help: "Print JSON.") var json = false

        func run() throws {
            let repo = try repository.open()
            let state = try repo.catalogue.state()
            let backend = repo.catalogue is PostgresCatalogue ? "postgresql" : "sqlite"
            if json {
                let object: [String: Any] = [
                    "backend": backend, "location": repo.catalogueLocation, "repository": repo.catalogue.repositoryID,
                    "products": state.products, "last_event": state.lastEvent, "last_change": state.lastChange ?? NSNull(),
                ]
                let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
                Output.line(String(decoding: data, as: UTF8.self))
                return
            }
            let l = Output.l
            for line in Output.table([
                [l("catalogue_show.backend"), backend == "postgresql" ? "PostgreSQL" : "SQLite"],
                [l("catalogue_show.location"), repo.catalogueLocation],
                [l("catalogue_show.repository"), repo.catalogue.repositoryID],
                [l("catalogue_show.products"), l.integer(state.products)],
                [l("catalogue_show.last_change"), state.lastChange ?? "–"],
            ]) {
                Output.line(line)
            }
        }
    }

    struct Copy: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "copy",
            abstract: "Copy the catalogue to PostgreSQL or to a SQLite file, and check the copy.",
            discussion: """
                Copies every table (products and their files, languages, platforms and topics, events, fixity \
                checks, technical metadata, tombstones, settings, bundles, repairs) to an empty PostgreSQL \
                database (created if the server has none of that name) or a new SQLite file, in one \
                transaction, holding the repository's write lock. Then it reads both catalogues again and \
                compares each table's row count and SHA-256; the command fails if any differs.

                With --use the repository then works on the copy: a PostgreSQL copy is written to \
                catalogue.url and catalogue.sqlite is kept as catalogue.sqlite.before-postgresql; a copy back \
                to the repository's own catalogue.sqlite takes the place of catalogue.url (kept as \
                catalogue.url.before-sqlite). The content store is not copied: objects stay where they are.
                """)
        @OptionGroup var repository: RepositoryOptions
        @Option(name: .customLong("to"), help: "postgresql://USER@HOST:PORT/DATABASE, or the path of a new .sqlite file.")
        var target: String
        @Flag(name: .customLong("use"), help: "Make the repository use the copy afterwards.") var use = false

        func run() throws {
            let path = repository.resolvedPath
            let destination: CatalogueTarget
            if PostgresLocation.isURL(target) {
                destination = .postgres(try PostgresLocation(parsing: target))
            } else {
                destination = .sqlite(path: target)
            }
            let own = "\(path)/\(Repository.catalogueFile)"
            if use, case .sqlite(let file) = destination,
                URL(fileURLWithPath: file).standardizedFileURL.path != URL(fileURLWithPath: own).standardizedFileURL.path
            {
                throw CLIError(Output.l("catalogue_copy.use_needs_own_file", ["path": own]))
            }
            let (result, wasPostgres): (CatalogueCopyResult, Bool) = try {
                let repo = try repository.open()
                return (try repo.copyCatalogue(to: destination, now: Environment.now()), repo.catalogue is PostgresCatalogue)
            }()
            let l = Output.l
            var rows = [[l("catalogue_copy.table"), l("catalogue_copy.rows"), "SHA-256", ""]]
            for table in result.tables {
                rows.append([
                    table.name, l.integer(table.target.rows), String(table.target.sha256.prefix(16)),
                    table.same ? l("catalogue_copy.same") : l("catalogue_copy.differs"),
                ])
            }
            for line in Output.table(rows) { Output.line(line) }
            Output.line(l("catalogue_copy.done", ["target": destination.description, "tables": l.integer(result.tables.count)]))
            guard use else { return }
            let manager = FileManager.default
            switch destination {
            case .postgres(let location):
                let urlFile = "\(path)/\(Repository.catalogueURLFile)"
                try Data((location.description + "\n").utf8).write(to: URL(fileURLWithPath: urlFile), options: .atomic)
                if !wasPostgres, manager.fileExists(atPath: own) {
                    try manager.moveItem(atPath: own, toPath: own + ".before-postgresql")
                    for suffix in ["-wal", "-shm"] where manager.fileExists(atPath: own + suffix) {
                        try manager.moveItem(atPath: own + suffix, toPath: own + ".before-postgresql" + suffix)
                    }
                }
            case .sqlite:
                let urlFile = "\(path)/\(Repository.catalogueURLFile)"
                if manager.fileExists(atPath: urlFile) {
                    try? manager.removeItem(atPath: urlFile + ".before-sqlite")
                    try manager.moveItem(atPath: urlFile, toPath: urlFile + ".before-sqlite")
                }
            }
            Output.line(l("catalogue_copy.using", ["path": path, "target": destination.description]))
        }
    }
}
