import Foundation
import ArgumentParser
import KhoCore
import KhoRepository

struct Remove: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove",
        abstract: "Withdraw products from the catalogue, leaving a tombstone that incremental bundles carry.",
        discussion: """
            Each product's record, file links and events leave the catalogue; a tombstone (id, title, \
            origin, time, agent, reason) stays, and the next `kho export --since` carries it so that the \
            repositories that imported the product remove it too. The files stay in the store: removing a \
            record never destroys content. A reason is required; nothing is removed if any id is unknown.

            A product under retention (`kho vocab retention`: products paid for from the state budget are \
            kept permanently) is not removed unless --override-retention says why; the override, its rule \
            and its reason are written into the tombstone, which bundles carry.

            Examples:
              kho remove PRODUCT-ID --reason "registered twice; kept 06F3Z8K2QX4M7R1B" \\
                  --override-retention "a duplicate record: the product itself stays"
            """)

    @OptionGroup var repository: RepositoryOptions

    @Argument(help: "The products' ids.")
    var ids: [String]

    @Option(help: ArgumentHelp("Why they are withdrawn (recorded in the tombstone).", valueName: "text"))
    var reason: String

    @Option(
        help: ArgumentHelp(
            "Remove products under retention anyway, saying why (kept in each tombstone).", valueName: "text"))
    var overrideRetention: String?

    func validate() throws {
        if ids.isEmpty { throw ValidationError("give at least one product id") }
        if reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw ValidationError("--reason: say why the products are withdrawn; it is kept in the tombstone")
        }
        if let overrideRetention, overrideRetention.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw ValidationError("--override-retention: say why the retention schedule does not hold for them")
        }
    }

    func run() throws {
        let repo = try repository.open()
        let productIDs = try ids.map(ProductIDArgument.parse)
        try repo.lockForWriting()
        // The retention schedule: products it keeps are refused, all together, unless overridden.
        let now = Environment.now()
        let held = try repo.catalogue.products(productIDs).compactMap { product in
            repo.vocabulary.retention(of: product).flatMap { $0.holds(on: now) ? (product, $0) : nil }
        }
        var recorded = reason
        if !held.isEmpty {
            guard let overrideRetention else {
                let l = Output.l
                throw CLIError(
                    ([l("remove.under_retention", ["count": l.integer(held.count)])]
                        + held.map {
                            "  - " + l("remove.retention_item", ["id": $0.0.id.rawValue, "title": $0.0.metadata.title, "rule": $0.1.label(in: l.language)])
                        } + [l("remove.retention_hint")]).joined(separator: "\n"))
            }
            let rules = Set(held.map(\.1.rule.code)).sorted().joined(separator: ", ")
            recorded += " [" + Localizer.english("remove.override_recorded", ["rule": rules, "reason": overrideRetention]) + "]"
        }
        let shown = try repo.catalogue.exhibitions(showing: productIDs)
        let removed = try repo.catalogue.remove(productIDs, reason: recorded, agent: Environment.agent, at: now)
        for (product, exhibitions) in shown.sorted(by: { $0.key < $1.key }) {
            Output.note(
                Output.l(
                    "remove.in_exhibitions",
                    ["id": product.rawValue, "exhibitions": exhibitions.map(\.rawValue).joined(separator: ", ")]))
        }
        for tombstone in removed {
            Output.line(Output.l("remove.done", ["id": tombstone.id.rawValue, "title": tombstone.title]))
        }
        Output.note(
            Output.l("remove.summary", ["count": Output.l.integer(removed.count)]))
    }
}
