import ArgumentParser
import KhoCore
import KhoRepository

struct Show: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show a product: its metadata, files and events.",
        discussion: """
            Examples:
              kho show 06F3Z8K2QX4M7R1B
              kho show 06F3Z8K2QX4M7R1B --json
            """)

    @OptionGroup var repository: RepositoryOptions

    @Argument(help: "The product's id (any case; hyphens and spaces are ignored).")
    var id: String

    @Flag(help: "Print JSON: the product record, with its events.")
    var json = false

    func run() async throws {
        let repo = try repository.open()
        let productID = try ProductIDArgument.parse(id)
        let details = try await repository.operations(repo).productDetails(productID)
        let (product, events, technical, checks) = (
            details.product, details.events, details.technical, details.lastChecks
        )
        if json {
            try Output.json(
                ShowReport(
                    product: ProductRecord(product, vocabulary: repo.vocabulary),
                    events: events.map { EventRecord($0) },
                    technical: technical,
                    lastVerified: checks.mapValues { ["at": Timestamp.string($0.at), "outcome": $0.outcome.rawValue] }))
        } else {
            for line in ProductText.details(
                product, events: events, vocabulary: repo.vocabulary, technical: technical, checks: checks)
            {
                Output.line(line)
            }
        }
    }
}

struct ShowReport: Encodable {
    var product: ProductRecord
    var events: [EventRecord]
    /// Technical metadata by SHA-256.
    var technical: [String: TechnicalMetadata]
    /// The last fixity check by SHA-256.
    var lastVerified: [String: [String: String]]

    enum CodingKeys: String, CodingKey {
        case product, events, technical
        case lastVerified = "last_verified"
    }
}
