import ArgumentParser
import KhoApp
import KhoCore
import KhoRepository

struct Edit: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "edit",
        abstract: "Change a product's metadata; the change is recorded as an event.",
        discussion: """
            Flags that set one value replace it; --add-* and --remove-* change lists; --clear empties a \
            field. Every value is checked as at registration; nothing changes if any is wrong. If another \
            command changes the product while this one runs, nothing is written and the edit says so. \
            --undo reverts the last edit from its event's before-values (itself an edit, so a second \
            --undo redoes it).

            Examples:
              kho edit 06F3Z8K2QX4M7R1B --title "Quyền trẻ em" --add-lang en \\
                  --remove-platform district-radio
              kho edit 06F3Z8K2QX4M7R1B --add-lang km:foreign --clear description
              kho edit 06F3Z8K2QX4M7R1B --private
              kho edit 06F3Z8K2QX4M7R1B --undo
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

    @Flag(exclusivity: .exclusive, help: "--public: `kho serve` shows the product; --private: it no longer does.")
    var visibility: Visibility?

    enum Visibility: EnumerableFlag {
        case `public`, `private`
    }

    @Flag(help: "Revert the last edit of this product (alone, without other changes).")
    var undo = false

    @Flag(help: "Print the product as JSON.")
    var json = false

    func run() throws {
        let repo = try repository.open()
        let productID = try ProductIDArgument.parse(id)
        var edit = MetadataEdit()
        if undo {
            let outcome = try repo.undoLastEdit(productID, context: Environment.context)
            try print(outcome, productID, repo, verb: "undone")
            return
        }
        edit.title = title
        edit.description = description
        edit.kind = kind
        edit.contentLine = contentLine
        edit.agency = agency
        edit.province = province
        edit.produced = produced
        edit.published = published
        edit.funding = funding
        edit.rights = rights
        edit.addLanguages = MetadataOptions.split(addLang)
        edit.removeLanguages = MetadataOptions.split(removeLang)
        edit.addPlatforms = MetadataOptions.split(addPlatform)
        edit.removePlatforms = MetadataOptions.split(removePlatform)
        edit.addTopics = MetadataOptions.split(addTopic)
        edit.removeTopics = MetadataOptions.split(removeTopic)
        edit.clear = Set(clear)
        edit.isPublic = visibility.map { $0 == .public }
        let outcome = try repo.edit(
            productID, edit, context: Environment.context, flagName: Ingestor.flagName,
            beforeWrite: Environment.pauseForTests)
        try print(outcome, productID, repo, verb: "edited")
    }

    func validate() throws {
        if undo && changesGiven {
            throw ValidationError("--undo reverts the last edit on its own; give no other change with it")
        }
    }

    /// Whether any change was given besides --undo.
    var changesGiven: Bool {
        [title, description, kind, contentLine, agency, province, produced, published, funding, rights].contains {
            $0 != nil
        } || !(addLang + removeLang + addPlatform + removePlatform + addTopic + removeTopic + clear).isEmpty
            || visibility != nil
    }

    func print(_ outcome: EditOutcome, _ productID: ProductID, _ repo: Repository, verb: String) throws {
        if outcome.changes.isEmpty {
            Output.note(Output.l("edit.nothing", ["id": productID.rawValue]))
        }
        if json {
            try Output.json(ProductRecord(outcome.product, vocabulary: repo.vocabulary))
        } else if !outcome.changes.isEmpty {
            Output.line(
                Output.l(
                    "edit.\(verb)",
                    ["id": productID.rawValue, "fields": outcome.changes.map(\.field).joined(separator: ", ")]))
        }
    }
}
