import ArgumentParser
import Foundation
import KhoApp
import KhoBundle
import KhoCore
import KhoRepository

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export products and their files as a bundle for the shared national database (a BagIt bag).",
        discussion: """
            The bundle is a BagIt 1.0 bag (RFC 8493) in the format of catalogue-schema/BUNDLE.md: one JSON \
            record per product (with its events) in data/records.jsonl, its files under data/objects/, \
            SHA-256 and SHA-512 manifests and a tag manifest. --out names a folder, or a .zip or .tar file \
            whose single top-level folder is the bag. Every file is re-hashed while it is copied; a \
            corrupt one stops the export. The bag is written beside its name and moved into place when \
            complete. Each exported product gets an `information package creation` event.

            Examples:
              kho export --out gia-lai-2024 \\
                  --organization "Sở Thông tin và Truyền thông Gia Lai"
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

    @Option(
        help: ArgumentHelp(
            "Export only what changed since LAST (this repository's last export), a bundle id, or a date (YYYY-MM-DD, or ISO 8601 UTC).",
            valueName: "when"))
    var since: String?

    @Option(
        help: ArgumentHelp(
            "Split into several bags of at most this size (bytes, or with K, M, G, T); a product is never split.",
            valueName: "size"))
    var maxBagSize: String?

    func run() throws {
        let repo = try repository.open()
        var request = ExportRequest(
            filter: try filters.filter(repo.vocabulary), filterArguments: filters.input.arguments, since: since, out: out)
        request.maxBagBytes = try maxBagSize.map { try ByteSize.parse($0, option: "--max-bag-size") }
        request.organization = organization
        request.contactName = contactName
        request.contactEmail = contactEmail
        let outcome: ExportOutcome
        do { outcome = try repo.export(request, context: Environment.context) } catch let refused as ExportRefused {
            if case .nothingChanged = refused {
                Output.line(refused.message(Output.l))
                return
            }
            throw refused
        }
        if outcome.adopted {
            Output.line(Output.l("export.adopted", ["path": out, "id": outcome.identifier]))
            return
        }
        for id in outcome.oversized {
            Output.note(Output.l("export.oversized", ["id": id.rawValue]))
        }
        if outcome.bags.count > 1 {
            for (index, bag) in outcome.bags.enumerated() {
                Output.line(
                    Output.l(
                        "export.bag",
                        [
                            "index": String(index + 1), "count": Output.l.integer(outcome.bags.count),
                            "products": String(bag.products), "files": String(bag.files),
                            "size": Output.bytes(bag.bytes), "path": bag.path,
                        ]))
            }
        }
        let l = Output.l
        Output.line(
            l(
                "export.done",
                [
                    "products": String(outcome.products),
                    "removals": (outcome.tombstones == 0 ? "" : l("export.removals", ["count": Output.l.integer(outcome.tombstones)]))
                        + (outcome.exhibitions == 0 ? "" : l("export.exhibitions", ["count": Output.l.integer(outcome.exhibitions)])),
                    "files": String(outcome.files), "size": Output.bytes(outcome.bytes),
                    "target": outcome.bags.count == 1 ? out : l("export.bags", ["count": Output.l.integer(outcome.bags.count)]),
                ]))
        Output.line(
            l("export.bundle", ["id": outcome.identifier]) + (outcome.follows.map { l("export.follows", ["id": $0]) } ?? ""))
    }
}

extension ConflictPolicy: ExpressibleByArgument {}

struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Merge a bundle into this repository.",
        discussion: """
            The bundle is checked completely first (as `kho bundle verify` does, and every code against \
            this repository's vocabularies); if anything is wrong, nothing is written. Products keep their \
            ids, origin repository, dates and events; identical files are stored once; everything is merged \
            in one transaction, so an interrupted import changes nothing. Importing the same bundle again \
            changes nothing. A bag is read as a folder, or straight from a .zip or .tar file (no need to \
            unpack it); the bags of a split export are given together, in any order.

            Examples:
              kho import gia-lai-2024 --dry-run
              kho import gia-lai-2024.zip --on-conflict replace
            """)

    @OptionGroup var repository: RepositoryOptions

    @Argument(help: "The bags: folders, .zip or .tar files (the bags of a split export, in any order).")
    var paths: [String]

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
        importer.crashPoint = ProcessInfo.processInfo.environment["KHO_CRASH_AT"]
        var reports: [ImportJSON] = []
        for (index, path) in paths.enumerated() {
            let outcome: ImportOutcome
            do {
                outcome = try importer.run(bag: path, policy: onConflict, dryRun: dryRun, limits: try limits.limits())
            } catch let error where index > 0 {
                Output.note(Output.l("import.partial", ["done": paths[..<index].joined(separator: ", "), "path": path]))
                throw error
            }
            let summary: [String: Int] = [
                "added": outcome.added.count, "updated": outcome.updated.count, "replaced": outcome.replaced.count,
                "kept": outcome.kept.count, "removed": outcome.removed.count,
                "unchanged": outcome.unchanged.count, "objects_stored": outcome.objectsStored,
                "objects_already_here": outcome.objectsAlreadyHere,
                "exhibitions_merged": outcome.exhibitionsMerged.count, "exhibitions_unchanged": outcome.exhibitionsUnchanged,
            ]
            reports.append(ImportJSON(bundle: outcome.bundle, dryRun: dryRun, summary: summary))
            if !json {
                Output.line(
                    (dryRun ? Output.l("ingest.dry_run") : "")
                        + Output.l(
                            "import.summary",
                            [
                                "bundle": outcome.bundle, "added": String(outcome.added.count),
                                "updated": String(outcome.updated.count), "replaced": String(outcome.replaced.count),
                                "kept": String(outcome.kept.count), "removed": String(outcome.removed.count),
                                "unchanged": String(outcome.unchanged.count), "stored": String(outcome.objectsStored),
                                "here": String(outcome.objectsAlreadyHere),
                            ]))
                if !outcome.exhibitionsMerged.isEmpty || outcome.exhibitionsUnchanged > 0 {
                    Output.line(
                        Output.l(
                            "import.exhibitions",
                            [
                                "merged": Output.l.integer(outcome.exhibitionsMerged.count),
                                "unchanged": Output.l.integer(outcome.exhibitionsUnchanged),
                            ]))
                }
            }
        }
        if json {
            if reports.count == 1 { try Output.json(reports[0]) } else { try Output.json(reports) }
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
        commandName: "bundle",
        abstract: "Check bundles for the shared national database, and list those exported from here.",
        subcommands: [Verify.self, List.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "The bundles this repository exported, oldest first: what `kho export --since` can follow.",
            discussion: """
                Examples:
                  kho bundle list
                  kho bundle list --json
                """)

        @OptionGroup var repository: RepositoryOptions

        @Flag(help: "Print JSON: [{id, created_at, since, previous, scope, products, bags, location}].")
        var json = false

        func run() throws {
            let bundles = try repository.open().catalogue.bundles()
            if json {
                try Output.json(bundles.map(BundleJSON.init))
                return
            }
            guard !bundles.isEmpty else {
                Output.note(Output.l("bundle.none"))
                return
            }
            var rows = [["bundle", "created", "follows", "products", "bags", "written to"]]
            for bundle in bundles {
                rows.append([
                    bundle.id, Timestamp.string(bundle.createdAt),
                    bundle.previous ?? bundle.since.map { Output.l("bundle.since", ["at": Timestamp.string($0)]) }
                        ?? Output.l("bundle.full"),
                    String(bundle.products), String(bundle.bags), bundle.location,
                ])
            }
            for line in Output.table(rows) { Output.line(line) }
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify",
            abstract: "Check a bag: is it valid BagIt (RFC 8493), and is it a kho bundle (kho's profile)?",
            discussion: """
                Two verdicts, reported apart. BagIt: RFC 8493 alone, for a bag from any tool (a \
                digitisation vendor, another archive system): versions 0.97 and 1.0, LF, CR LF or CR line \
                endings, the declared tag-file encoding (UTF-8, ISO-8859-1, UTF-16), md5, sha1, sha256, \
                sha384 and sha512 manifests, every checksum, Payload-Oxum, tag manifests, fetch.txt (a bag \
                whose fetch.txt names files not here is incomplete; kho never fetches). Warnings as \
                bagit-python and the Library of Congress validators give them: weak (md5 or sha1) \
                manifests only, names that differ only in case or in Unicode normalisation. Profile: \
                kho's own rules for bundles of the national database (BagIt 1.0, UTF-8, SHA-256 and \
                SHA-512 manifests, the required tags, every record); `kho import` needs both.

                Reports every problem in one go and exits 1 unless both verdicts are valid (with \
                --bagit-only, unless the BagIt one is).

                Examples:
                  kho bundle verify gia-lai-2024
                  kho bundle verify gia-lai-2024.zip --json
                """)

        @Argument(help: "The bag: a folder, .zip or .tar.")
        var path: String

        @OptionGroup var limits: LimitOptions

        @Flag(help: "Print JSON: {bagit{valid, version, complete, problems, warnings}, profile{valid, problems}, valid, records, files, tags, problems}.")
        var json = false

        @Flag(help: "Judge the bag by RFC 8493 alone: exit 0 if it is valid BagIt, whatever kho's profile says.")
        var bagitOnly = false

        func run() throws {
            let result = try BagVerifier.verify(path, limits: try limits.limits())
            let l = Output.l
            if json {
                try Output.json(BundleVerifyJSON(result))
            } else {
                let bagit = result.bagit
                var head = l(
                    bagit.valid ? "bundle.bagit_valid" : "bundle.bagit_invalid",
                    ["version": bagit.version ?? "?", "count": l.integer(bagit.problems.count)])
                if !bagit.complete { head += l("bundle.incomplete") }
                Output.line(head)
                for problem in bagit.problems { Output.line("  " + problem) }
                for warning in bagit.warnings { Output.line("  " + l("bundle.warning", ["warning": warning])) }
                Output.line(
                    result.profileProblems.isEmpty
                        ? l("bundle.profile_valid")
                        : l("bundle.profile_invalid", ["count": l.integer(result.profileProblems.count)]))
                for problem in result.profileProblems { Output.line("  " + problem) }
                Output.note(
                    result.isValid
                        ? l("bundle.valid", [
                            "path": path, "records": l.integer(result.records), "files": l.integer(result.files),
                        ])
                        : bagit.valid
                            ? l("bundle.bagit_only", ["path": path])
                            : l("bundle.problems", ["path": path, "count": l.integer(result.problems.count)]))
            }
            if !(bagitOnly ? result.bagit.valid : result.isValid) { throw ExitCode.failure }
        }
    }
}

/// `bundle verify --json`: the two verdicts apart, and (as before them) the combined ones.
struct BundleVerifyJSON: Encodable {
    struct BagIt: Encodable {
        var valid: Bool
        var version: String?
        var complete: Bool
        var problems: [String]
        var warnings: [String]

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(valid, forKey: .valid)
            try container.encode(version, forKey: .version)
            try container.encode(complete, forKey: .complete)
            try container.encode(problems, forKey: .problems)
            try container.encode(warnings, forKey: .warnings)
        }
        enum CodingKeys: String, CodingKey { case valid, version, complete, problems, warnings }
    }
    struct Profile: Encodable {
        var valid: Bool
        var problems: [String]
    }
    var bagit: BagIt
    var profile: Profile
    var valid: Bool
    var records: Int
    var files: Int
    var tags: [String: String]
    var problems: [String]

    init(_ result: BagVerifier.Result) {
        bagit = BagIt(
            valid: result.bagit.valid, version: result.bagit.version, complete: result.bagit.complete,
            problems: result.bagit.problems, warnings: result.bagit.warnings)
        profile = Profile(valid: result.profileProblems.isEmpty, problems: result.profileProblems)
        valid = result.isValid
        records = result.records
        files = result.files
        tags = result.tags
        problems = result.problems
    }
}

/// The limit that protects against archives that expand without end.
struct LimitOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Refuse an archive whose entries expand to more than this (bytes, or with K, M, G, T).", valueName: "size"))
    var maxExpandedSize = "2T"

    func limits() throws -> BundleLimits {
        BundleLimits(maxExpandedSize: try ByteSize.parse(maxExpandedSize, option: "--max-expanded-size"))
    }
}

/// Sizes on the command line: bytes, or a number with K, M, G or T (binary multiples).
enum ByteSize {
    static func parse(_ given: String, option: String) throws -> Int64 {
        let units: [Character: Int64] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40]
        var text = given.uppercased()
        if text.hasSuffix("B") && text.count > 1 && units[text[text.index(text.endIndex, offsetBy: -2)]] != nil {
            text.removeLast()
        }
        let unit = text.last.flatMap { units[$0] } ?? 1
        if unit != 1 { text.removeLast() }
        guard let value = Int64(text), value > 0, value <= Int64.max / unit else {
            throw CLIError(
                Output.l("size.invalid", ["option": option, "value": given]))
        }
        return value * unit
    }
}

struct BundleJSON: Encodable {
    var id: String
    var created_at: String
    var since: String?
    var previous: String?
    var scope: String
    var products: Int
    var bags: Int
    var location: String

    init(_ bundle: BundleRecord) {
        id = bundle.id
        created_at = Timestamp.string(bundle.createdAt)
        since = bundle.since.map(Timestamp.string)
        previous = bundle.previous
        scope = bundle.scope
        products = bundle.products
        bags = bundle.bags
        location = bundle.location
    }

    // Every key always present, null when unknown (the README's contract).
    enum CodingKeys: String, CodingKey { case id, created_at, since, previous, scope, products, bags, location }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(created_at, forKey: .created_at)
        try container.encode(since, forKey: .since)
        try container.encode(previous, forKey: .previous)
        try container.encode(scope, forKey: .scope)
        try container.encode(products, forKey: .products)
        try container.encode(bags, forKey: .bags)
        try container.encode(location, forKey: .location)
    }
}
