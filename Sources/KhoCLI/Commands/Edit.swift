import ArgumentParser
import KhoCore
import KhoRepository

struct Edit: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Change a product's metadata; the change is recorded as an event.",
        discussion: """
            Flags that set one value replace it; --add-* and --remove-* change lists; --clear empties a \
            field. Every value is checked as at registration; nothing changes if any is wrong.

            Examples:
              kho edit 06F3Z8K2QX4M7R1B --title "Quyền trẻ em" --add-lang en --remove-platform radio
              kho edit 06F3Z8K2QX4M7R1B --add-lang km:foreign --clear description
            """)

    @OptionGroup var repository: RepositoryOptions

    @Argument(help: "The product's id.")
    var id: String

    @Option var title: String?
    @Option var description: String?
    @Option var kind: String?
    @Option(help: ArgumentHelp("Add a language (code or code:role).", valueName: "code[:role]")) var addLang: [String] =
        []
    @Option(help: ArgumentHelp("Remove a language.", valueName: "code")) var removeLang: [String] = []
    @Option(help: ArgumentHelp("Add a platform.", valueName: "code")) var addPlatform: [String] = []
    @Option(help: ArgumentHelp("Remove a platform.", valueName: "code")) var removePlatform: [String] = []
    @Option(help: ArgumentHelp("Add a topic.", valueName: "code")) var addTopic: [String] = []
    @Option(help: ArgumentHelp("Remove a topic.", valueName: "code")) var removeTopic: [String] = []
    @Option var contentLine: String?
    @Option var agency: String?
    @Option var province: String?
    @Option(help: ArgumentHelp("YYYY-MM-DD, YYYY-MM or YYYY.", valueName: "date")) var produced: String?
    @Option(help: ArgumentHelp("YYYY-MM-DD, YYYY-MM or YYYY.", valueName: "date")) var published: String?
    @Option var funding: String?
    @Option var rights: String?

    @Option(
        help: ArgumentHelp(
            "Empty a field: description, content_line, agency, province, produced, published, funding, rights, languages, platforms, topics.",
            valueName: "field"))
    var clear: [String] = []

    @Flag(help: "Print the product as JSON.")
    var json = false

    static let clearable: Set<String> = [
        "description", "content_line", "agency", "province", "produced", "published", "funding", "rights",
        "languages", "platforms", "topics",
    ]

    func run() throws {
        let repo = try repository.open()
        let productID = try ProductIDArgument.parse(id)
        guard let product = try repo.catalogue.product(productID) else {
            throw RepositoryError.unknownProduct(productID.rawValue)
        }
        let cleared = Set(clear.map { $0.replacingOccurrences(of: "-", with: "_") })
        if let unknown = cleared.subtracting(Self.clearable).sorted().first {
            throw CLIError(
                "--clear: '\(unknown)' cannot be cleared; clearable fields: \(Self.clearable.sorted().joined(separator: ", "))"
            )
        }
        let old = product.metadata
        var input = MetadataInput()
        input.title = title ?? old.title
        input.kind = kind ?? old.kind
        input.description = cleared.contains("description") ? nil : description ?? old.description
        input.contentLine = cleared.contains("content_line") ? nil : contentLine ?? old.contentLine
        input.agency = cleared.contains("agency") ? nil : agency ?? old.agency
        input.province = cleared.contains("province") ? nil : province ?? old.province?.qualified
        input.produced = cleared.contains("produced") ? nil : produced ?? old.produced?.description
        input.published = cleared.contains("published") ? nil : published ?? old.published?.description
        input.funding = cleared.contains("funding") ? nil : funding ?? old.funding
        input.rights = cleared.contains("rights") ? nil : rights ?? old.rights
        var problems: [String] = []
        input.languages = edited(
            cleared.contains("languages") ? [] : old.languages.map(\.spec), add: addLang, remove: removeLang,
            key: { $0.split(separator: ":").first.map { String($0).lowercased() } ?? $0 }, field: "--remove-lang",
            problems: &problems)
        input.platforms = edited(
            cleared.contains("platforms") ? [] : old.platforms, add: addPlatform, remove: removePlatform,
            key: { $0.lowercased() },
            field: "--remove-platform", problems: &problems)
        input.topics = edited(
            cleared.contains("topics") ? [] : old.topics, add: addTopic, remove: removeTopic, key: { $0.lowercased() },
            field: "--remove-topic", problems: &problems)
        var validated: ProductMetadata?
        switch repo.vocabulary.validate(input, fieldName: Ingestor.flagName) {
        case .failure(let failure): problems += failure.problems.map { $0.message }
        case .success(let value): validated = value
        }
        guard problems.isEmpty, let new = validated else {
            throw CLIError(
                "product \(productID) was not changed; fix these and run the command again:\n"
                    + problems.map { "  - \($0)" }.joined(separator: "\n"))
        }
        let changes = Self.changes(from: old, to: new)
        guard !changes.isEmpty else {
            Output.note("nothing to change: product \(productID) already has these values")
            if json { try Output.json(ProductRecord(product, vocabulary: repo.vocabulary)) }
            return
        }
        var detail: [String: String] = [
            "changed": changes.map(\.field).joined(separator: ","), "software": Environment.software,
        ]
        for change in changes {
            detail["\(change.field).before"] = change.before
            detail["\(change.field).after"] = change.after
        }
        try repo.lockForWriting()
        let updated = try repo.catalogue.update(
            productID, metadata: new,
            event: NewEvent(
                type: .metadataModification, at: Environment.now(), agent: Environment.agent, detail: detail))
        if json {
            try Output.json(ProductRecord(updated, vocabulary: repo.vocabulary))
        } else {
            Output.line("edited      \(productID)  \(changes.map(\.field).joined(separator: ", "))")
        }
    }

    /// A list with values added and removed; removing a value the list lacks is a problem.
    private func edited(
        _ current: [String], add: [String], remove: [String], key: (String) -> String, field: String,
        problems: inout [String]
    ) -> [String] {
        var list = current
        for value in MetadataOptions.split(remove) {
            let wanted = key(value)
            if list.contains(where: { key($0) == wanted }) {
                list.removeAll { key($0) == wanted }
            } else {
                problems.append(
                    "\(field): the product has no '\(value)'; it has \(current.isEmpty ? "none" : current.joined(separator: ", "))"
                )
            }
        }
        for value in MetadataOptions.split(add) {
            let wanted = key(value)
            list.removeAll { key($0) == wanted }
            list.append(value)
        }
        return list
    }

    struct Change {
        var field: String
        var before: String
        var after: String
    }

    static func changes(from old: ProductMetadata, to new: ProductMetadata) -> [Change] {
        func text(_ value: (any CustomStringConvertible)?) -> String { value.map(\.description) ?? "" }
        let pairs: [(String, String, String)] = [
            ("title", old.title, new.title),
            ("description", text(old.description), text(new.description)),
            ("kind", old.kind, new.kind),
            (
                "languages", old.languages.map(\.spec).joined(separator: ";"),
                new.languages.map(\.spec).joined(separator: ";")
            ),
            ("platforms", old.platforms.joined(separator: ";"), new.platforms.joined(separator: ";")),
            ("topics", old.topics.joined(separator: ";"), new.topics.joined(separator: ";")),
            ("content_line", text(old.contentLine), text(new.contentLine)),
            ("agency", text(old.agency), text(new.agency)),
            ("province", text(old.province), text(new.province)),
            ("produced", text(old.produced), text(new.produced)),
            ("published", text(old.published), text(new.published)),
            ("funding", text(old.funding), text(new.funding)),
            ("rights", text(old.rights), text(new.rights)),
        ]
        return pairs.filter { $0.1 != $0.2 }.map { Change(field: $0.0, before: $0.1, after: $0.2) }
    }
}
