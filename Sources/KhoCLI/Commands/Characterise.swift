import ArgumentParser
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
        let objects = try repo.catalogue.objects(of: id)
        let existing = try repo.catalogue.technicalMetadata(for: objects.map(\.object.sha256))
        let todo = objects.filter { all || existing[$0.object.sha256]?.tool != Characteriser.version }
        let characteriser = Characteriser()
        var results: [String: TechnicalMetadata] = [:]
        var missing: [String] = []
        for status in todo {
            let path = repo.store.path(for: status.object.sha256)
            guard FileManager.default.fileExists(atPath: path) else {
                missing.append(status.object.sha256)
                continue
            }
            results[status.object.sha256] = characteriser.characterise(path: path, mime: status.object.mime)
        }
        try repo.lockForWriting()
        let at = Environment.now()
        try repo.catalogue.setTechnicalMetadata(results, tool: Characteriser.version, at: at)
        for (sha256, metadata) in results.sorted(by: { $0.key < $1.key }) {
            try repo.catalogue.recordObjectEvent(
                sha256,
                event: NewEvent(
                    type: .metadataExtraction, at: at, agent: Environment.agent,
                    detail: ["sha256": sha256, "format": metadata.format, "tool": Characteriser.version]))
        }
        if json {
            try Output.json(
                results.sorted(by: { $0.key < $1.key }).map { CharacterisedJSON(sha256: $0.key, metadata: $0.value) })
        } else {
            for (sha256, metadata) in results.sorted(by: { $0.key < $1.key }) {
                Output.line("\(sha256.prefix(12))…  \(TechnicalText.summary(metadata))")
            }
            Output.note("\(results.count) file(s) characterised, \(objects.count - todo.count) already up to date")
        }
        for sha256 in missing {
            Output.note("missing from the store, not characterised: \(sha256) (run `kho verify`)")
        }
    }
}

struct CharacterisedJSON: Encodable {
    var sha256: String
    var metadata: TechnicalMetadata
}
