import ArgumentParser
import Foundation
import KhoBundle
import KhoCore
import KhoRepository

extension DuplicatePolicy: ExpressibleByArgument {}
extension FileRole: ExpressibleByArgument {}

struct Ingest: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Store files and register them as products: one file, several, a folder, or a manifest.",
        discussion: """
            Each file becomes one product, described by the flags (a file's title defaults to its name). \
            Folders are read recursively; hidden files and links are passed over. The file type comes from \
            its content (libmagic), never from its extension. Each file is read once, copied and hashed \
            (SHA-256) on the way, and stored once: the same content ingested again is reported as a \
            duplicate of the product that holds it (see --on-duplicate).

            With --manifest, a CSV (UTF-8, header row) or JSON file describes each product, with the columns \
            path,title,kind,languages,platforms,topics,content_line,agency,province,produced, \
            published,funding,description,rights; lists are ';'-separated; a row with no path registers a \
            product with no digital file yet. Paths are relative to the folder given (or the manifest's \
            folder). Flags fill the fields a row leaves empty. The whole manifest is checked first: any bad \
            row stops the ingest before anything is written.

            A BagIt bag (a folder with bagit.txt, as digitisation vendors deliver scans) is checked by \
            RFC 8493 first, and a bag that fails ingests nothing; its payload files (under data/) then \
            become products, and --manifest paths are relative to data/. The bag's own checksums for \
            each file are recorded on its product as a fixity check event, with the bag's \
            External-Identifier and Source-Organization. A kho bundle goes through `kho import` instead.

            An interrupted ingest leaves nothing half-done; run the same command again to finish it.

            Examples:
              kho ingest reportage.mp3 --kind radio-report --lang jra \\
                  --platform district-radio --topic icerd --province gia-lai \\
                  --agency "Đài PT-TH Gia Lai" --published 2024-03-02 \\
                  --title "Phóng sự: Quyền của đồng bào dân tộc thiểu số"
              kho ingest ./photos --kind exhibition-photo --lang vi --platform exhibition
              kho ingest ./incoming --manifest incoming/manifest.csv --dry-run
              kho ingest vendor-delivery-2024 --kind archival-document --lang vi
            """)

    @OptionGroup var repository: RepositoryOptions

    @Argument(
        help: ArgumentHelp(
            "Files or folders to ingest (with --manifest: the folder the paths are relative to).", valueName: "path"))
    var paths: [String] = []

    @Option(help: ArgumentHelp("A CSV or JSON manifest describing the products.", valueName: "file"))
    var manifest: String?

    @OptionGroup(title: "Product metadata") var metadata: MetadataOptions

    @Option(help: "The files' role: master, access or derivative.")
    var role: FileRole = .master

    @Option(
        help:
            "When the content is already stored for another product: skip (report it), link (register a new product sharing the file), or error (write nothing)."
    )
    var onDuplicate: DuplicatePolicy = .skip

    @Flag(help: "Check everything and show what would happen; write nothing.")
    var dryRun = false

    @Flag(help: "Print JSON.")
    var json = false

    @Flag(help: "Store empty (0-byte) files too; they never count as digitised.")
    var allowEmpty = false

    func validate() throws {
        if manifest == nil && paths.isEmpty {
            throw ValidationError("give files or folders to ingest, or --manifest FILE")
        }
        if manifest != nil && paths.count > 1 {
            throw ValidationError(
                "with --manifest, give at most one folder (the one the manifest's paths are relative to)")
        }
    }

    func run() throws {
        let repo = try repository.open()
        let ingestor = try Ingestor(
            repository: repo, agent: Environment.agent, software: Environment.software, now: Environment.now)
        ingestor.crashPoint = ProcessInfo.processInfo.environment["KHO_CRASH_AT"]
        ingestor.allowEmpty = allowEmpty
        // A BagIt bag (a folder with bagit.txt): checked first; its payload is what is ingested.
        var bag: BagIntake?
        if paths.count == 1, BagIntake.isBag(paths[0]) {
            let intake = try BagIntake.open(paths[0])
            Output.note(
                Output.l(
                    "ingest.bag",
                    [
                        "path": intake.path, "version": intake.verdict.version ?? "?",
                        "organization": intake.tags["Source-Organization"] ?? "-",
                    ]))
            for warning in intake.warnings { Output.note(Output.l("bundle.warning", ["warning": warning])) }
            bag = intake
        }
        let plan: IngestPlan
        if let manifest {
            plan = try ingestor.plan(
                manifest: manifest, folder: bag?.payload ?? paths.first, defaults: metadata.input, role: role)
        } else {
            plan = try ingestor.plan(paths: bag.map { [$0.payload] } ?? paths, defaults: metadata.input, role: role)
        }
        let progress: (any IngestProgress)? = Environment.stderrIsTerminal && !json ? TerminalProgress() : nil
        func recordBagFixity(_ outcomes: [IngestOutcome]) throws {
            guard let bag, !dryRun else { return }
            let changed = try bag.recordFixity(
                outcomes, repository: repo, agent: Environment.agent, software: Environment.software,
                now: Environment.now)
            if !changed.isEmpty {
                throw CLIError(Output.l("ingest.bag_changed", ["ids": changed.map(\.rawValue).joined(separator: ", ")]))
            }
        }
        do {
            let outcomes = try ingestor.run(plan, policy: onDuplicate, dryRun: dryRun, progress: progress)
            try recordBagFixity(outcomes)
            try report(outcomes, notes: plan.notes, vocabulary: repo.vocabulary)
        } catch let interrupted as IngestInterrupted {
            try recordBagFixity(interrupted.completed)
            try report(interrupted.completed, notes: plan.notes, vocabulary: repo.vocabulary)
            throw CLIError(interrupted.message(Output.l))
        }
    }

    private func report(_ outcomes: [IngestOutcome], notes: [String], vocabulary: Vocabulary) throws {
        var counts: [String: Int] = [:]
        for outcome in outcomes { counts[outcome.status, default: 0] += 1 }
        if json {
            try Output.json(
                IngestReport(
                    dryRun: dryRun, items: outcomes.map { IngestReport.Item($0, vocabulary: vocabulary) }, notes: notes,
                    summary: counts))
            return
        }
        for outcome in outcomes { Output.line(Self.text(outcome)) }
        for note in notes { Output.note(Output.l("ingest.note", ["note": note])) }
        let order = ["ingested", "linked", "registered", "duplicate", "already-ingested", "planned"]
        let l = Output.l
        let summary = order.compactMap { key in counts[key].map { l("ingest.count.\(key)", ["count": l.integer($0)]) } }
            .joined(separator: ", ")
        Output.note((dryRun ? l("ingest.dry_run") : "") + (summary.isEmpty ? l("ingest.nothing") : summary))
    }

    /// A dry run's planned action (a code in `--json`) as the reader's language says it.
    static func actionText(_ action: PlannedAction) -> String {
        let l = Output.l
        switch action {
        case .ingest: return l("ingest.action.ingest")
        case .register: return l("ingest.action.register")
        case .alreadyIngested: return l("ingest.action.already")
        case .linkDuplicate: return l("ingest.action.link")
        case .skipDuplicate: return l("ingest.action.skip")
        case .refuseDuplicate: return l("ingest.action.error")
        }
    }

    static func text(_ outcome: IngestOutcome) -> String {
        let l = Output.l
        func ids(_ list: [ProductID]) -> String { list.map(\.rawValue).joined(separator: ", ") }
        switch outcome {
        case .ingested(let product, let origin):
            let file = product.files.first
            return l(
                "result.ingested",
                [
                    "id": product.id.rawValue, "origin": origin, "mime": file?.object.mime ?? "?",
                    "size": Output.bytes(file?.object.size ?? 0),
                ])
        case .linked(let product, let origin, let shared):
            return l("result.linked", ["id": product.id.rawValue, "origin": origin, "shared": ids(shared)])
        case .registered(let product, let origin):
            return l("result.registered", ["id": product.id.rawValue, "origin": origin])
        case .duplicate(let origin, _, let existing):
            return l("result.duplicate", ["origin": origin, "existing": ids(existing)])
        case .alreadyIngested(let origin, let id):
            return l("result.already", ["id": id.rawValue, "origin": origin])
        case .planned(let item, _, let action, let existing):
            let suffix = existing.isEmpty ? "" : " (" + ids(existing) + ")"
            return l(
                "result.planned",
                [
                    "action": actionText(action), "suffix": suffix, "origin": item.origin, "kind": item.metadata.kind,
                    "title": item.metadata.title,
                ])
        }
    }
}

extension IngestOutcome {
    var status: String {
        switch self {
        case .ingested: "ingested"
        case .linked: "linked"
        case .registered: "registered"
        case .duplicate: "duplicate"
        case .alreadyIngested: "already-ingested"
        case .planned: "planned"
        }
    }
}

/// The JSON `kho ingest --json` prints.
struct IngestReport: Encodable {
    var dryRun: Bool
    var items: [Item]
    var notes: [String]
    var summary: [String: Int]

    enum CodingKeys: String, CodingKey {
        case items, notes, summary
        case dryRun = "dry_run"
    }

    struct Item: Encodable {
        var status: String
        var origin: String
        var product: ProductRecord?
        var sha256: String?
        var existing: [ProductID]
        var action: String?
        var title: String?
        var kind: String?

        init(_ outcome: IngestOutcome, vocabulary: Vocabulary) {
            status = outcome.status
            existing = []
            switch outcome {
            case .ingested(let product, let origin), .registered(let product, let origin):
                self.origin = origin
                self.product = ProductRecord(product, vocabulary: vocabulary)
                sha256 = product.files.first?.object.sha256
            case .linked(let product, let origin, let shared):
                self.origin = origin
                self.product = ProductRecord(product, vocabulary: vocabulary)
                sha256 = product.files.first?.object.sha256
                existing = shared
            case .duplicate(let origin, let hash, let holders):
                self.origin = origin
                sha256 = hash
                existing = holders
            case .alreadyIngested(let origin, let id):
                self.origin = origin
                existing = [id]
            case .planned(let item, let hash, let action, let holders):
                origin = item.origin
                sha256 = hash
                existing = holders
                self.action = action.rawValue
                title = item.metadata.title
                kind = item.metadata.kind
            }
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(status, forKey: .status)
            try container.encode(origin, forKey: .origin)
            try container.encode(product, forKey: .product)
            try container.encode(sha256, forKey: .sha256)
            try container.encode(existing, forKey: .existing)
            if status == "planned" {
                try container.encode(action, forKey: .action)
                try container.encode(title, forKey: .title)
                try container.encode(kind, forKey: .kind)
            }
        }

        enum CodingKeys: String, CodingKey { case status, origin, product, sha256, existing, action, title, kind }
    }
}
