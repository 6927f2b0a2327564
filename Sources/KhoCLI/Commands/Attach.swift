import ArgumentParser
import KhoCore
import KhoRepository

struct Attach: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attach",
        abstract: "Add a digital file to a product: a scan of a printed book, an access copy, a derivative.",
        discussion: """
            Examples:
              kho attach 06F3Z8K2QX4M7R1B scan.pdf
              kho attach 06F3Z8K2QX4M7R1B reportage-128k.mp3 --role access
            """)

    @OptionGroup var repository: RepositoryOptions

    @Argument(help: "The product's id.")
    var id: String

    @Argument(help: "The file to store.")
    var file: String

    @Option(help: "The file's role: master, access or derivative.")
    var role: FileRole = .master

    @Flag(help: "Print the product as JSON.")
    var json = false

    @Flag(help: "Store an empty (0-byte) file too; it never counts as digitised.")
    var allowEmpty = false

    func run() throws {
        let repo = try repository.open()
        let productID = try ProductIDArgument.parse(id)
        let ingestor = try Ingestor(
            repository: repo, agent: Environment.agent, software: Environment.software, now: Environment.now)
        ingestor.allowEmpty = allowEmpty
        let progress: (any IngestProgress)? = Environment.stderrIsTerminal && !json ? TerminalProgress() : nil
        let (product, alreadyStored) = try ingestor.attach(file, to: productID, role: role, progress: progress)
        if json {
            try Output.json(ProductRecord(product, vocabulary: repo.vocabulary))
        } else {
            let stored = product.files.last
            Output.line(
                Output.l(
                    "attach.done",
                    [
                        "id": product.id.rawValue, "file": file, "mime": stored?.object.mime ?? "?",
                        "size": Output.bytes(stored?.object.size ?? 0), "role": role.rawValue,
                    ]))
        }
        if alreadyStored {
            Output.note(Output.l("attach.shared"))
        }
    }
}

/// Reads a product id from the command line, with a clear error.
enum ProductIDArgument {
    static func parse(_ text: String) throws -> ProductID {
        guard let id = ProductID(parsing: text) else {
            throw CLIError(
                Output.l("id.invalid", ["value": text]))
        }
        return id
    }
}
