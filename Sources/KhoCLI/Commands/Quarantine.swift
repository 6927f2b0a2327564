import ArgumentParser
import KhoCore
import KhoRepository

struct Quarantine: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quarantine",
        abstract: "Move a corrupt stored file out of the store, into quarantine/.",
        discussion: """
            The file is re-hashed first: an intact one is refused unless --force. The move is recorded as \
            a quarantine event on every product that holds the file; `kho restore` can then put back a good copy.

            Examples:
              kho quarantine 3a7bd3e2360a3d29
            """)

    @OptionGroup var repository: RepositoryOptions

    @Argument(help: "The SHA-256 of the stored file (as `kho verify` prints it), or a unique prefix of 8 or more digits.")
    var sha256: String

    @Flag(help: "Quarantine the file even if it is intact.")
    var force = false

    func run() throws {
        let repo = try repository.open()
        let care = ObjectCare(
            repository: repo, agent: Environment.agent, software: Environment.software, now: Environment.now)
        let object = try care.resolveObject(sha256)
        let destination = try care.quarantine(object, force: force)
        Output.line(Output.l("quarantine.done", ["sha256": object, "destination": destination]))
    }
}

struct Restore: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Put back missing or corrupt stored files from good copies found in other folders.",
        discussion: """
            Looks under each --from folder (another repository's objects/, an unpacked bundle, a backup) \
            for files with the same SHA-256, and copies them in; a corrupt file still in place is moved to \
            quarantine/ first. Without SHA-256 arguments it restores every file whose last check failed.

            Examples:
              kho restore --from backup/storage/objects
              kho restore 3a7bd3e2360a3d29 --from gia-lai-2024/data/objects
            """)

    @OptionGroup var repository: RepositoryOptions

    @Argument(
        help: "SHA-256s (or unique prefixes of 8 or more digits) of the stored files to restore (default: those whose last check failed).")
    var sha256s: [String] = []

    @Option(
        name: .customLong("from"),
        help: ArgumentHelp("A folder to search for good copies (repeat for several).", valueName: "dir"))
    var folders: [String] = []

    func validate() throws {
        if folders.isEmpty { throw ValidationError("give at least one --from folder to search for good copies") }
    }

    func run() throws {
        let repo = try repository.open()
        let care = ObjectCare(
            repository: repo, agent: Environment.agent, software: Environment.software, now: Environment.now)
        var wanted = try sha256s.map(care.resolveObject)
        if wanted.isEmpty {
            wanted = try repo.catalogue.objects(of: nil).filter { ($0.lastCheck?.outcome ?? .pass) != .pass }.map(
                \.object.sha256)
            if wanted.isEmpty {
                Output.note(Output.l("restore.nothing"))
                return
            }
        }
        var failed = false
        for outcome in try care.restore(wanted, from: folders) {
            switch outcome {
            case .restored(let sha256, let source): Output.line(Output.l("restore.restored", ["sha256": sha256, "source": source]))
            case .intact(let sha256): Output.line(Output.l("restore.intact", ["sha256": sha256]))
            case .notFound(let sha256):
                Output.line(Output.l("restore.not_found", ["sha256": sha256]))
                failed = true
            }
        }
        if failed { throw ExitCode.failure }
    }
}
