import ArgumentParser
import KhoCore
import KhoRepository

struct Remove: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Withdraw products from the catalogue, leaving a tombstone that incremental bundles carry.",
        discussion: """
            Each product's record, file links and events leave the catalogue; a tombstone (id, title, \
            origin, time, agent, reason) stays, and the next `kho export --since` carries it so that the \
            repositories that imported the product remove it too. The files stay in the store: removing a \
            record never destroys content. A reason is required; nothing is removed if any id is unknown.

            Examples:
              kho remove 06F3Z8K2QX4M7R1B --reason "registered twice; kept 06F3Z8K2QX4M7R1C"
            """)

    @OptionGroup var repository: RepositoryOptions

    @Argument(help: "The products' ids.")
    var ids: [String]

    @Option(help: ArgumentHelp("Why they are withdrawn (recorded in the tombstone).", valueName: "text"))
    var reason: String

    func validate() throws {
        if ids.isEmpty { throw ValidationError("give at least one product id") }
        if reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw ValidationError("--reason: say why the products are withdrawn; it is kept in the tombstone")
        }
    }

    func run() throws {
        let repo = try repository.open()
        let productIDs = try ids.map(ProductIDArgument.parse)
        try repo.lockForWriting()
        let removed = try repo.catalogue.remove(
            productIDs, reason: reason, agent: Environment.agent, at: Environment.now())
        for tombstone in removed {
            Output.line(Output.l("remove.done", ["id": tombstone.id.rawValue, "title": tombstone.title]))
        }
        Output.note(
            Output.l("remove.summary", ["count": Output.l.integer(removed.count)]))
    }
}
