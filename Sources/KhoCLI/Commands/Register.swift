import ArgumentParser
import KhoCore
import KhoRepository

struct Register: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "register",
        abstract: "Register a product that has no digital file yet (a printed book, a banner, a broadcast).",
        discussion: """
            The product counts as not digitised until `kho attach` adds a file.

            Examples:
              kho register --kind book --lang vi --platform print-publication \\
                  --published 2024 --title "Quyền con người trong Hiến pháp 2013"
              kho attach PRODUCT-ID scan.pdf
            """)

    @OptionGroup var repository: RepositoryOptions
    @OptionGroup(title: "Product metadata") var metadata: MetadataOptions

    @Flag(help: "Print the product as JSON.")
    var json = false

    func run() throws {
        let repo = try repository.open()
        let checked: ProductMetadata
        switch repo.vocabulary.validate(metadata.input, fieldName: Ingestor.flagName) {
        case .failure(let failure):
            throw CLIError(
                ([Output.l("register.refused")] + failure.problems.map { "  - \($0.message)" }).joined(separator: "\n"))
        case .success(let value):
            checked = value
        }
        var sameTitle = ProductFilter()
        sameTitle.kinds = [checked.kind]
        let twins = try repo.catalogue.search(checked.title, filter: sameTitle, limit: 20).filter {
            TextFolding.fold($0.product.metadata.title) == TextFolding.fold(checked.title)
        }
        let ingestor = try Ingestor(
            repository: repo, agent: Environment.agent, software: Environment.software, now: Environment.now)
        let product = try ingestor.register(checked)
        if json {
            try Output.json(ProductRecord(product, vocabulary: repo.vocabulary))
        } else {
            Output.line(Output.l("result.registered", ["id": product.id.rawValue, "origin": product.metadata.title]))
        }
        if !twins.isEmpty {
            Output.note(
                Output.l(
                    "register.twin",
                    ["kind": checked.kind, "ids": twins.map(\.product.id.rawValue).joined(separator: ", ")]))
        }
    }
}
