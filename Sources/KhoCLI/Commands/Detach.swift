import ArgumentParser
import KhoApp
import KhoCore
import KhoRepository

struct Detach: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "detach",
        abstract: "Take a wrongly attached file off a product; the change is recorded as an event.",
        discussion: """
            The file is named by its SHA-256 (or a unique prefix of 8 digits or more) or by its original \
            name, as `kho show ID` lists them. The stored content stays in the store, also when no product \
            holds it any more: a correction never destroys content.

            Examples:
              kho detach 06F3Z8K2QX4M7R1B wrong-scan.pdf
              kho detach 06F3Z8K2QX4M7R1B 3cb912a7f559a2c1
            """)

    @OptionGroup var repository: RepositoryOptions

    @Argument(help: "The product's id.")
    var id: String

    @Argument(help: "The file: its SHA-256, a unique prefix of it, or its original name.")
    var file: String

    @Flag(help: "Print the product as JSON.")
    var json = false

    func run() throws {
        let repo = try repository.open()
        let productID = try ProductIDArgument.parse(id)
        let outcome = try repo.detach(productID, file: file, context: Environment.context)
        if json {
            try Output.json(ProductRecord(outcome.product, vocabulary: repo.vocabulary))
        } else {
            Output.line(
                Output.l(
                    "detach.done",
                    [
                        "id": productID.rawValue, "file": outcome.file.originalName,
                        "sha256": String(outcome.file.object.sha256.prefix(12)), "role": outcome.file.role.rawValue,
                    ]))
        }
        if outcome.stillHeldBy.isEmpty {
            Output.note(Output.l("detach.unheld"))
        }
    }
}
