import ArgumentParser
import Foundation
import KhoCore
import KhoRepository

struct Conformance: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conformance",
        abstract: "Check every digital file against a national digitisation profile.",
        discussion: """
            Each file is pass, fail (with the reason, e.g. "bitrate 96 kbps < 128 kbps"), unknown (a fact \
            the profile needs could not be read) or not-covered (the profile has no rule for its type), \
            with totals by kind. The default profile, vn-archive-2019, is catalogue-schema/profiles/\
            vn-archive-2019.json (Circular 02/2019/TT-BNV); --profile FILE takes another of the same shape.

            Examples:
              kho conformance
              kho conformance --kind radio-report --json
              kho conformance --profile my-profile.json
            """)

    @OptionGroup var repository: RepositoryOptions

    @Option(help: ArgumentHelp("A built-in profile name, or a profile JSON file.", valueName: "name|file"))
    var profile = ConformanceProfile.defaultName

    @OptionGroup(title: "Filters") var filters: FilterOptions

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        let repo = try repository.open()
        let chosen = try loadProfile()
        var filter = try filters.filter(repo.vocabulary)
        filter.hasFiles = true
        let products = try repo.catalogue.products(matching: filter, limit: nil)
        let metadata = try repo.catalogue.technicalMetadata(for: products.flatMap { $0.files.map(\.object.sha256) })
        var rows: [ConformanceRow] = []
        for product in products {
            for file in product.files {
                let others = product.files.filter { $0.object.sha256 != file.object.sha256 }.map(\.object.mime)
                let result = chosen.evaluate(
                    mime: file.object.mime, kind: product.metadata.kind,
                    metadata: metadata[file.object.sha256]?.metadata, others: others)
                rows.append(ConformanceRow(product: product, file: file, result: result))
            }
        }
        var totals: [String: Int] = [:]
        var byKind: [String: [String: Int]] = [:]
        for row in rows {
            totals[row.result.status.rawValue, default: 0] += 1
            byKind[row.product.metadata.kind, default: [:]][row.result.status.rawValue, default: 0] += 1
        }
        if json {
            try Output.json(
                ConformanceJSON(
                    profile: .init(name: chosen.profile, version: chosen.version, title: chosen.title), objects: rows,
                    totals: totals, byKind: byKind))
            return
        }
        Output.line(
            Output.l("conformance.profile", ["profile": chosen.profile, "version": chosen.version, "title": chosen.title]))
        for line in Output.table(
            rows.map { row in
                [
                    row.result.status.rawValue.uppercased(), row.product.id.rawValue, row.product.metadata.kind,
                    row.file.originalName,
                    (row.result.reasons + row.result.advice.map { "advice: \($0)" }).joined(separator: "; "),
                ]
            })
        {
            Output.line(line)
        }
        Output.line()
        let statuses = ConformanceStatus.allCases.map(\.rawValue)
        let table =
            [["kind"] + statuses]
            + byKind.keys.sorted().map { kind in [kind] + statuses.map { String(byKind[kind]?[$0] ?? 0) } }
            + [["total"] + statuses.map { String(totals[$0] ?? 0) }]
        for line in Output.table(table) { Output.line(line) }
    }

    func loadProfile() throws -> ConformanceProfile {
        if let builtIn = ConformanceProfile.builtIn().first(where: { $0.profile == profile }) { return builtIn }
        guard let data = FileManager.default.contents(atPath: profile) else {
            throw CLIError(
                Output.l(
                    "conformance.unknown_profile",
                    ["profile": profile, "profiles": ConformanceProfile.builtIn().map(\.profile).joined(separator: ", ")]))
        }
        do { return try JSONDecoder().decode(ConformanceProfile.self, from: data) } catch {
            throw CLIError(
                Output.l("conformance.bad_profile", ["profile": profile, "error": "\(error)"]))
        }
    }
}

struct ConformanceRow: Encodable {
    var product: Product
    var file: StoredFile
    var result: ConformanceResult

    enum CodingKeys: String, CodingKey { case product, kind, title, file, sha256, mime, status, rule, reasons, advice }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(product.id, forKey: .product)
        try container.encode(product.metadata.kind, forKey: .kind)
        try container.encode(product.metadata.title, forKey: .title)
        try container.encode(file.originalName, forKey: .file)
        try container.encode(file.object.sha256, forKey: .sha256)
        try container.encode(file.object.mime, forKey: .mime)
        try container.encode(result.status, forKey: .status)
        try container.encode(result.rule, forKey: .rule)
        try container.encode(result.reasons, forKey: .reasons)
        try container.encode(result.advice, forKey: .advice)
    }
}

struct ConformanceJSON: Encodable {
    struct Profile: Encodable {
        var name: String
        var version: String
        var title: String
    }
    var profile: Profile
    var objects: [ConformanceRow]
    var totals: [String: Int]
    var byKind: [String: [String: Int]]

    enum CodingKeys: String, CodingKey {
        case profile, objects, totals
        case byKind = "by_kind"
    }
}
