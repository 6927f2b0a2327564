import ArgumentParser
import KhoApp
import Foundation
import KhoCore
import KhoFormats
import KhoRepository

struct Characterise: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "characterise",
        abstract: "Read technical metadata from stored files (ingest does it too; this fills the gaps).",
        discussion: """
            Reads what each format declares: PDF version, pages, PDF/A claim and encryption; image size, \
            resolution and colour mode; audio and video duration, bitrate, sample rate and channels; EPUB \
            version, title, language and identifier; text encoding and word count. Without --all it reads \
            only files that have none yet, or whose metadata an older kho made.

            Examples:
              kho characterise
              kho characterise --all --json
              kho characterise --product 1M7ZTDBH9VBRKF2N
            """,
        aliases: ["characterize"])

    @OptionGroup var repository: RepositoryOptions

    @Flag(help: "Read every stored file again.")
    var all = false

    @Option(help: ArgumentHelp("Only the files of this product.", valueName: "id"))
    var product: String?

    @Flag(help: "Print JSON: the metadata of each file read.")
    var json = false

    func run() throws {
        let repo = try repository.open()
        let id = try product.map(ProductIDArgument.parse)
        let outcome = try repo.characterise(id, all: all, context: Environment.context)
        let results = outcome.results.sorted(by: { $0.key < $1.key })
        if json {
            try Output.json(results.map { CharacterisedJSON(sha256: $0.key, metadata: $0.value) })
        } else {
            for (sha256, metadata) in results {
                Output.line("\(sha256.prefix(12))…  \(TechnicalText.summary(metadata))")
            }
            Output.note(
                Output.l("characterise.summary", ["count": Output.l.integer(results.count), "current": Output.l.integer(outcome.upToDate)]))
        }
        for sha256 in outcome.missing {
            Output.note(Output.l("characterise.missing", ["sha256": sha256]))
        }
    }
}

struct CharacterisedJSON: Encodable {
    var sha256: String
    var metadata: TechnicalMetadata
}
