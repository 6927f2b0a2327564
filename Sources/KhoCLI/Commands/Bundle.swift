import ArgumentParser
import Foundation
import KhoBundle
import KhoCore
import KhoRepository

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Export products and their files as a bundle for the shared national database (a BagIt bag).",
        discussion: """
            The bundle is a BagIt 1.0 bag (RFC 8493) in the format of catalogue-schema/BUNDLE.md: one JSON \
            record per product (with its events) in data/records.jsonl, its files under data/objects/, \
            SHA-256 and SHA-512 manifests and a tag manifest. --out names a folder, or a .zip or .tar file \
            whose single top-level folder is the bag. Every file is re-hashed while it is copied; a \
            corrupt one stops the export. The bag is written beside its name and moved into place when \
            complete. Each exported product gets an `information package creation` event.

            Examples:
              kho export --out gia-lai-2024 --organization "Sở Thông tin và Truyền thông Gia Lai"
              kho export --province gia-lai --period 2024-H1 --out gia-lai-2024-h1.zip
            """)

    @OptionGroup var repository: RepositoryOptions
    @OptionGroup(title: "Scope") var filters: FilterOptions

    @Option(help: ArgumentHelp("The bag to create: a folder, or a file ending in .zip or .tar.", valueName: "path"))
    var out: String

    @Option(help: ArgumentHelp("Source-Organization: the exporting agency.", valueName: "name"))
    var organization: String?

    @Option(help: ArgumentHelp("Contact-Name.", valueName: "name"))
    var contactName: String?

    @Option(help: ArgumentHelp("Contact-Email.", valueName: "email"))
    var contactEmail: String?

    func run() throws {
        let repo = try repository.open()
        let filter = try filters.filter(repo.vocabulary)
        let products = try repo.catalogue.products(matching: filter, limit: nil)
        guard !products.isEmpty else { throw CLIError("no products in this scope; nothing was exported") }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var records: [(id: String, json: Data)] = []
        for product in products {
            let record = ProductRecord(
                product, vocabulary: repo.vocabulary, events: try repo.catalogue.events(for: product.id))
            records.append((product.id.rawValue, try encoder.encode(record)))
        }
        let scope = filter.isEmpty ? "all" : CommandLine.arguments.dropFirst(2).joined(separator: " ")
        let tags = BagWriter.Tags(
            organization: organization ?? "kho repository \(repo.catalogue.repositoryID)", contactName: contactName,
            contactEmail: contactEmail, repositoryID: repo.catalogue.repositoryID, scope: scope, date: Environment.now()
        )
        let summary = try BagWriter.write(
            records: records, store: repo.store, objects: products.flatMap { $0.files.map(\.object.sha256) },
            tags: tags,
            to: out)
        try repo.lockForWriting()
        try repo.catalogue.recordProductEvents(
            products.map { product in
                (
                    product.id,
                    NewEvent(
                        type: .informationPackageCreation, at: Environment.now(), agent: Environment.agent,
                        detail: ["bundle": summary.identifier, "software": Environment.software])
                )
            })
        Output.line(
            "exported \(summary.products) product(s), \(summary.files) file(s), \(Output.bytes(summary.bytes)) to \(out)"
        )
        Output.line("bundle \(summary.identifier)")
    }
}

extension ConflictPolicy: ExpressibleByArgument {}

struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Merge a bundle into this repository.",
        discussion: """
            The bundle is checked completely first (as `kho bundle verify` does, and every code against this             repository's vocabularies); if anything is wrong nothing is written. Products keep their ids,             origin repository, dates and events; identical files are stored once; everything is merged in one             transaction, so an interrupted import changes nothing. Importing the same bundle again changes             nothing. Bag folders are read; unpack a .zip or .tar bundle first.

            Examples:
              kho import gia-lai-2024 --dry-run
              kho import gia-lai-2024.zip --on-conflict replace
            """)

    @OptionGroup var repository: RepositoryOptions

    @Argument(help: "The bag: a folder, .zip or .tar.")
    var path: String

    @OptionGroup var limits: LimitOptions

    @Flag(help: "Check everything and say what would happen; write nothing.")
    var dryRun = false

    @Option(help: "When a product here differs from the bundle's: keep, replace or fail.")
    var onConflict: ConflictPolicy = .keep

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        let repo = try repository.open()
        let importer = BundleImporter(
            repository: repo, agent: Environment.agent, software: Environment.software, now: Environment.now)
        let outcome = try importer.run(
            bag: path, policy: onConflict, dryRun: dryRun, limits: try limits.limits())
        let summary: [String: Int] = [
            "added": outcome.added.count, "replaced": outcome.replaced.count, "kept": outcome.kept.count,
            "unchanged": outcome.unchanged.count, "objects_stored": outcome.objectsStored,
            "objects_already_here": outcome.objectsAlreadyHere,
        ]
        if json {
            try Output.json(ImportJSON(bundle: outcome.bundle, dryRun: dryRun, summary: summary))
        } else {
            Output.line(
                (dryRun ? "dry run, nothing written: " : "")
                    + "bundle \(outcome.bundle): \(outcome.added.count) added, "
                    + "\(outcome.replaced.count) replaced, \(outcome.kept.count) kept, \(outcome.unchanged.count) unchanged; "
                    + "\(outcome.objectsStored) file(s) stored, \(outcome.objectsAlreadyHere) already here")
        }
    }
}

struct ImportJSON: Encodable {
    var bundle: String
    var dryRun: Bool
    var summary: [String: Int]

    enum CodingKeys: String, CodingKey {
        case bundle, summary
        case dryRun = "dry_run"
    }
}

struct Bundle: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check bundles for the shared national database.",
        subcommands: [Verify.self])

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a bundle: BagIt 1.0, every checksum, Payload-Oxum, kho's profile, every record.",
            discussion: """
                Reports every problem in one go and exits 1 if there is any.

                Examples:
                  kho bundle verify gia-lai-2024
                  kho bundle verify gia-lai-2024.zip --json
                """)

        @Argument(help: "The bag: a folder, .zip or .tar.")
        var path: String

        @OptionGroup var limits: LimitOptions

        @Flag(help: "Print JSON: {valid, records, files, tags, problems}.")
        var json = false

        func run() throws {
            let result = try BagVerifier.verify(path, limits: try limits.limits())
            if json {
                try Output.json(
                    BundleVerifyJSON(
                        valid: result.isValid, records: result.records, files: result.files, tags: result.tags,
                        problems: result.problems))
            } else {
                for problem in result.problems { Output.line(problem) }
                Output.note(
                    result.isValid
                        ? "\(path): valid bag, \(result.records) record(s), \(result.files) payload file(s)"
                        : "\(path): \(result.problems.count) problem(s)")
            }
            if !result.isValid { throw ExitCode.failure }
        }
    }
}

struct BundleVerifyJSON: Encodable {
    var valid: Bool
    var records: Int
    var files: Int
    var tags: [String: String]
    var problems: [String]
}

/// The limit that protects against archives that expand without end.
struct LimitOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Refuse an archive whose entries expand to more than this (bytes, or with K, M, G, T).", valueName: "size"))
    var maxExpandedSize = "2T"

    func limits() throws -> BundleLimits {
        let units: [Character: Int64] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40]
        var text = maxExpandedSize.uppercased()
        if text.hasSuffix("B") && text.count > 1 && units[text[text.index(text.endIndex, offsetBy: -2)]] != nil {
            text.removeLast()
        }
        let unit = text.last.flatMap { units[$0] } ?? 1
        if unit != 1 { text.removeLast() }
        guard let value = Int64(text), value > 0, value <= Int64.max / unit else {
            throw CLIError(
                "--max-expanded-size: '\(maxExpandedSize)' is not a size; expected bytes or a number with K, M, G or T (e.g. 500G)")
        }
        return BundleLimits(maxExpandedSize: value * unit)
    }
}
