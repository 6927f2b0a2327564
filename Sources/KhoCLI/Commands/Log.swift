import ArgumentParser
import KhoCore
import KhoRepository

extension EventType: ExpressibleByArgument {
    /// A code (`fixity check`, `fixity-check`) or a name in either language (`kiểm tra toàn vẹn`).
    public init?(argument: String) { self.init(named: argument) }
}

struct Log: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "Show the event log: what happened to each product, when, and by whom.",
        discussion: """
            Event types follow PREMIS: accession, ingestion, metadata modification, fixity check, \
            metadata extraction, quarantine, recovery, creation, dissemination, validation, \
            information package creation, information package merging. The table names them in the \
            repository's language; --type takes the code or that name (kiểm tra toàn vẹn = fixity check).

            Examples:
              kho log
              kho log 1M7ZTDBH9VBRKF2N
              kho log --type "fixity check" --json
            """)

    @OptionGroup var repository: RepositoryOptions

    @Argument(help: "Only the events of this product.")
    var id: String?

    @Option(help: ArgumentHelp("Only events of this type.", valueName: "type"))
    var type: EventType?

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        let repo = try repository.open()
        let productID = try id.map(ProductIDArgument.parse)
        if let productID, try repo.catalogue.product(productID) == nil {
            throw CatalogueError.unknownProduct(productID)
        }
        let events = try repo.catalogue.events(for: productID).filter { type == nil || $0.type == type }
        if json {
            try Output.json(events.map { EventRecord($0) })
            return
        }
        for line in Output.table(
            events.map { event in
                let l = Output.l
                let detail = event.detail.filter { $0.key != "software" }.sorted { $0.key < $1.key }
                    .map { "\($0.key)=\($0.value)" }.joined(separator: " ")
                return [
                    Timestamp.string(event.at), event.productID.rawValue, event.type.label(l), event.outcome.label(l),
                    event.agent, detail,
                ]
            })
        {
            Output.line(line)
        }
        Output.note(Output.l("log.count", ["count": Output.l.integer(events.count)]))
    }
}
