import ArgumentParser
import Foundation
import KhoApp
import KhoCore
import KhoRepository

/// `kho exhibition`: curated, ordered sets of products with captions in several languages, held
/// in person and/or online.
struct ExhibitionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exhibition",
        abstract: "Build exhibitions from products: captions in several languages, in person and online.",
        discussion: """
            An exhibition has a title (and a description) in one or more languages, a province or a country \
            abroad, an in-person venue with its days, and an ordered list of products with a caption per \
            language. Texts are given as LANG=TEXT (vi=…, en=…, jra=…); a bare text is in the exhibition's \
            main language, its first. `publish` puts it online at <base-url>/x/<id> (`kho serve`); `export` \
            writes it as a static site for a USB stick or a kiosk; `qr` makes the code a poster points to. \
            Every change is recorded as an event, and bundles carry exhibitions.

            Examples:
              kho exhibition create --title "Thành tựu bảo đảm quyền con người" \\
                  --title en="Human rights in Viet Nam" --province gia-lai \\
                  --venue "Bảo tàng tỉnh Gia Lai" --opens 2025-12-01 --closes 2025-12-15
              kho exhibition add 1M8XHB0A3D5KQ7ZT 06F3Z8K2QX4M7R1B \\
                  --caption "Phóng sự song ngữ Jrai - Việt" \\
                  --caption en="A bilingual report"
              kho exhibition move 1M8XHB0A3D5KQ7ZT 2 1
              kho exhibition publish 1M8XHB0A3D5KQ7ZT
              kho exhibition export 1M8XHB0A3D5KQ7ZT --out trien-lam.zip
            """,
        subcommands: [
            Create.self, ShowCommand.self, ListCommand.self, EditCommand.self, Add.self, Caption.self, RemoveItem.self,
            Move.self, Publish.self, Unpublish.self, Delete.self, ExhibitionExport.self, ExhibitionQR.self,
        ])

    static func parseID(_ text: String) throws -> ExhibitionID {
        guard let id = ExhibitionID(parsing: text) else {
            throw CLIError(Output.l("exhibition.bad_id", ["value": text]))
        }
        return id
    }

    struct PlaceOptions: ParsableArguments {
        @Option(
            name: .customLong("title"),
            help: ArgumentHelp("The title, as LANG=TEXT or TEXT (main language); repeat per language.", valueName: "text"))
        var titles: [String] = []
        @Option(
            name: .customLong("description"),
            help: ArgumentHelp("The description, as LANG=TEXT or TEXT; repeat per language.", valueName: "text"))
        var descriptions: [String] = []
        @Option(help: ArgumentHelp("The province it is held in (a code or name, as for products).", valueName: "code"))
        var province: String?
        @Option(help: ArgumentHelp("Held abroad: the country (ISO 3166-1 code or name, e.g. fr, Lào).", valueName: "country"))
        var abroad: String?
        @Option(help: ArgumentHelp("The in-person venue.", valueName: "text"))
        var venue: String?
        @Option(help: ArgumentHelp("The first day it is open in person (YYYY-MM-DD).", valueName: "day"))
        var opens: String?
        @Option(help: ArgumentHelp("The last day it is open in person (YYYY-MM-DD).", valueName: "day"))
        var closes: String?

        var input: ExhibitionInput {
            var input = ExhibitionInput()
            input.titles = titles
            input.descriptions = descriptions
            input.province = province
            input.country = abroad
            input.venue = venue
            input.opens = opens
            input.closes = closes
            return input
        }
    }

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "create",
            abstract: "Create an exhibition (then add products to it).",
            discussion: """
                Examples:
                  kho exhibition create --title "Quyền trẻ em" \\
                      --title en="Children's rights" --province thanh-hoa
                  kho exhibition create --title "Việt Nam – quyền con người" \\
                      --title fr="Le Viet Nam et les droits humains" --abroad fr \\
                      --venue "Maison du Vietnam, Paris" --opens 2026-03-01 --closes 2026-03-20
                """)
        @OptionGroup var repository: RepositoryOptions
        @OptionGroup var place: PlaceOptions
        @Flag(help: "Print JSON: the exhibition as stored.") var json = false

        func validate() throws {
            if place.titles.isEmpty { throw ValidationError("--title: give the exhibition a title") }
        }

        func run() throws {
            let repo = try repository.open()
            let exhibition = try repo.createExhibition(place.input, context: Environment.context)
            if json { return try ExhibitionText.printJSON(exhibition, repo: repo) }
            Output.line(Output.l("exhibition.created", ["id": exhibition.id.rawValue, "title": exhibition.mainTitle]))
            Output.note(Output.l("exhibition.created_next", ["id": exhibition.id.rawValue]))
        }
    }

    struct ShowCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show", abstract: "Show an exhibition: its texts, place, items and history.")
        @OptionGroup var repository: RepositoryOptions
        @Argument(help: "The exhibition's id.") var id: String
        @Flag(help: "Print JSON: the exhibition as stored, with its events and link.") var json = false

        func run() throws {
            let repo = try repository.open()
            let exhibition = try repo.existingExhibition(try parseID(id))
            let events = try repo.catalogue.exhibitionEvents(exhibition.id)
            if json { return try ExhibitionText.printJSON(exhibition, repo: repo, events: events) }
            for line in try ExhibitionText.details(exhibition, events: events, repo: repo) { Output.line(line) }
        }
    }

    struct ListCommand: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List the exhibitions, oldest first.")
        @OptionGroup var repository: RepositoryOptions
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let repo = try repository.open()
            let exhibitions = try repo.catalogue.exhibitions()
            if json {
                let documents = try exhibitions.map { try JSONSerialization.jsonObject(with: $0.document()) }
                let data = try JSONSerialization.data(
                    withJSONObject: documents, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
                return Output.line(String(decoding: data, as: UTF8.self))
            }
            guard !exhibitions.isEmpty else { return Output.note(Output.l("exhibition.none")) }
            let l = Output.l
            for line in Output.table(
                exhibitions.map { exhibition in
                    [
                        exhibition.id.rawValue, exhibition.mainTitle, ExhibitionText.place(exhibition, repo.vocabulary),
                        l("exhibition.items_count", ["count": l.integer(exhibition.items.count)]),
                        exhibition.isPublished ? l("exhibition.online") : l("exhibition.offline"),
                    ]
                })
            {
                Output.line(line)
            }
        }
    }

    struct EditCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "edit", abstract: "Change an exhibition's texts, place or in-person days.",
            discussion: """
                Options given replace what is there; texts are replaced language by language.

                Examples:
                  kho exhibition edit 1M8XHB0A3D5KQ7ZT \\
                      --title en="Human rights: achievements" --closes 2025-12-31
                  kho exhibition edit 1M8XHB0A3D5KQ7ZT --drop-language en
                """)
        @OptionGroup var repository: RepositoryOptions
        @Argument(help: "The exhibition's id.") var id: String
        @OptionGroup var place: PlaceOptions
        @Option(help: ArgumentHelp("Remove a language with its title, description and captions.", valueName: "code"))
        var dropLanguage: [String] = []
        @Flag(help: "Remove the in-person venue and days.") var clearVenue = false
        @Flag(help: "Remove the province or country.") var clearPlace = false

        func run() throws {
            let repo = try repository.open()
            var input = place.input
            input.dropLanguages = dropLanguage
            input.clearVenue = clearVenue
            input.clearPlace = clearPlace
            let (exhibition, changed) = try repo.editExhibition(try parseID(id), input, context: Environment.context)
            Output.line(
                Output.l(
                    changed ? "exhibition.changed" : "exhibition.unchanged",
                    ["id": exhibition.id.rawValue, "revision": String(exhibition.revision)]))
        }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add",
            abstract: "Add products to an exhibition, with their captions.",
            discussion: """
                Without --caption, a single product's caption is its title (in the language it is written in, \
                when the exhibition has it). Captions are the items' alt text on the exhibition page.

                Examples:
                  kho exhibition add 1M8XHB0A3D5KQ7ZT 06F3Z8K2QX4M7R1B \\
                      --caption "Phóng sự song ngữ" --caption en="A bilingual report"
                  kho exhibition add 1M8XHB0A3D5KQ7ZT 1M7ZTDBH9VBRKF2N 1M7ZTDBJ0AXQ3D5K --at 1
                """)
        @OptionGroup var repository: RepositoryOptions
        @Argument(help: "The exhibition's id.") var id: String
        @Argument(help: "The products' ids, in order.") var products: [String]
        @Option(name: .customLong("caption"), help: ArgumentHelp("A caption, as LANG=TEXT or TEXT.", valueName: "text"))
        var captions: [String] = []
        @Option(help: ArgumentHelp("The position to insert at (1 = first; default: the end).", valueName: "n"))
        var at: Int?

        func validate() throws {
            if products.isEmpty { throw ValidationError("give at least one product id after the exhibition's") }
        }

        func run() throws {
            let repo = try repository.open()
            let exhibition = try repo.addToExhibition(
                try parseID(id), products: try products.map(ProductIDArgument.parse), captions: captions, at: at,
                context: Environment.context)
            Output.line(
                Output.l(
                    "exhibition.added",
                    [
                        "count": Output.l.integer(products.count), "id": exhibition.id.rawValue,
                        "total": Output.l.integer(exhibition.items.count),
                    ]))
        }
    }

    struct Caption: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "caption",
            abstract: "Set an item's captions.",
            discussion: """
                The item is its position (1 = first) or its product's id; languages not given keep their caption.

                Examples:
                  kho exhibition caption 1M8XHB0A3D5KQ7ZT 1 vi="Ảnh triển lãm tại Thanh Hóa" \\
                      en="Exhibition photo, Thanh Hoa"
                """)
        @OptionGroup var repository: RepositoryOptions
        @Argument(help: "The exhibition's id.") var id: String
        @Argument(help: "The item: its position or its product's id.") var item: String
        @Argument(help: "Captions, as LANG=TEXT or TEXT.") var captions: [String]

        func run() throws {
            let repo = try repository.open()
            let (exhibition, changed) = try repo.captionExhibitionItem(
                try parseID(id), item: item, captions: captions, context: Environment.context)
            Output.line(
                Output.l(
                    changed ? "exhibition.changed" : "exhibition.unchanged",
                    ["id": exhibition.id.rawValue, "revision": String(exhibition.revision)]))
        }
    }

    struct RemoveItem: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "remove",
            abstract: "Take an item off an exhibition (the product stays in the catalogue).",
            discussion: """
                Examples:
                  kho exhibition remove 1M8XHB0A3D5KQ7ZT 2
                  kho exhibition remove 1M8XHB0A3D5KQ7ZT PRODUCT-ID
                """)
        @OptionGroup var repository: RepositoryOptions
        @Argument(help: "The exhibition's id.") var id: String
        @Argument(help: "The item: its position or its product's id.") var item: String

        func run() throws {
            let repo = try repository.open()
            let (exhibition, removed) = try repo.removeFromExhibition(try parseID(id), item: item, context: Environment.context)
            Output.line(
                Output.l(
                    "exhibition.item_removed",
                    ["product": removed.product.rawValue, "id": exhibition.id.rawValue, "total": Output.l.integer(exhibition.items.count)]))
        }
    }

    struct Move: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "move",
            abstract: "Move an item to another position (e.g. the second to the first).",
            discussion: """
                Examples:
                  kho exhibition move 1M8XHB0A3D5KQ7ZT 2 1
                """)
        @OptionGroup var repository: RepositoryOptions
        @Argument(help: "The exhibition's id.") var id: String
        @Argument(help: "The item: its position or its product's id.") var item: String
        @Argument(help: "Its new position (1 = first).") var position: Int

        func run() throws {
            let repo = try repository.open()
            let (exhibition, changed) = try repo.moveInExhibition(
                try parseID(id), item: item, to: position, context: Environment.context)
            Output.line(
                Output.l(
                    changed ? "exhibition.changed" : "exhibition.unchanged",
                    ["id": exhibition.id.rawValue, "revision": String(exhibition.revision)]))
        }
    }

    struct Publish: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "publish",
            abstract: "Put an exhibition online: `kho serve` shows it at /x/<id>.",
            discussion: """
                Only public products are shown online; an exhibition with none is not published.

                Examples:
                  kho exhibition publish 1M8XHB0A3D5KQ7ZT
                """)
        @OptionGroup var repository: RepositoryOptions
        @Argument(help: "The exhibition's id.") var id: String

        func run() throws {
            let repo = try repository.open()
            let (exhibition, changed) = try repo.publishExhibition(try parseID(id), context: Environment.context)
            let base = try repo.catalogue.setting("base-url")
            Output.line(
                Output.l(
                    changed ? "exhibition.published" : "exhibition.already_published",
                    ["id": exhibition.id.rawValue, "link": PublicLink.link(base: base ?? "", exhibition: exhibition.id)]))
        }
    }

    struct Unpublish: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "unpublish",
            abstract: "Take an exhibition offline (its record, history and static exports stay).")
        @OptionGroup var repository: RepositoryOptions
        @Argument(help: "The exhibition's id.") var id: String

        func run() throws {
            let repo = try repository.open()
            let (exhibition, changed) = try repo.unpublishExhibition(try parseID(id), context: Environment.context)
            Output.line(Output.l(changed ? "exhibition.unpublished" : "exhibition.not_published", ["id": exhibition.id.rawValue]))
        }
    }

    struct Delete: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "delete",
            abstract: "Delete an exhibition (its products stay; its history stays in the log).",
            discussion: """
                Examples:
                  kho exhibition delete 1M8XHB0A3D5KQ7ZT --reason "a draft made by mistake"
                """)
        @OptionGroup var repository: RepositoryOptions
        @Argument(help: "The exhibition's id.") var id: String
        @Option(help: ArgumentHelp("Why it is deleted (recorded in its history).", valueName: "text")) var reason: String

        func validate() throws {
            if reason.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--reason: say why it is deleted") }
        }

        func run() throws {
            let repo = try repository.open()
            let exhibition = try repo.existingExhibition(try parseID(id))
            try repo.withWriteLock {
                try repo.catalogue.deleteExhibition(
                    exhibition.id, agent: Environment.agent, at: Environment.now(), reason: reason)
            }
            Output.line(Output.l("exhibition.deleted", ["id": exhibition.id.rawValue, "title": exhibition.mainTitle]))
        }
    }
}

/// Exhibitions as people read them.
enum ExhibitionText {
    static func place(_ exhibition: Exhibition, _ vocabulary: Vocabulary) -> String {
        let l = Output.l
        if let province = exhibition.province {
            let name = vocabulary.unit(province)?.name ?? province.code
            if let current = vocabulary.currentUnit(of: province), current.code != province.code {
                return name + l("show.now", ["name": current.name])
            }
            return name
        }
        if let country = exhibition.country {
            let term = vocabulary.countries.first { $0.code == country }
            return l("exhibition.abroad_in", ["country": term?.label(in: l.language) ?? country.uppercased()])
        }
        return "–"
    }

    static func languageName(_ code: String, _ vocabulary: Vocabulary) -> String {
        vocabulary.languageEntry(code).map { "\($0.label(in: Output.l.language)) (\(code))" } ?? code
    }

    static func details(_ exhibition: Exhibition, events: [ExhibitionEvent], repo: Repository) throws -> [String] {
        let l = Output.l
        let vocabulary = repo.vocabulary
        var lines = [l("exhibition.heading", ["id": exhibition.id.rawValue, "revision": String(exhibition.revision)])]
        var rows: [[String]] = []
        for (index, code) in exhibition.languages.enumerated() {
            rows.append([index == 0 ? l("exhibition.field.title") : "", "\(code): \(exhibition.title[code] ?? "–")"])
        }
        for code in exhibition.languages where exhibition.description[code] != nil {
            rows.append([l("exhibition.field.description"), "\(code): \(exhibition.description[code] ?? "")"])
        }
        rows.append([l("exhibition.field.languages"), exhibition.languages.map { languageName($0, vocabulary) }.joined(separator: ", ")])
        rows.append([l("exhibition.field.place"), place(exhibition, vocabulary)])
        var venue = exhibition.venue ?? "–"
        if let opens = exhibition.opens {
            venue += ", " + opens.description + (exhibition.closes.map { " – \($0.description)" } ?? "")
        }
        rows.append([l("exhibition.field.venue"), venue])
        let online =
            exhibition.isPublished
            ? l("exhibition.online_since", ["at": Timestamp.string(exhibition.online.last!.from)])
            : (exhibition.online.isEmpty ? l("exhibition.never_online") : l("exhibition.offline"))
        rows.append([l("exhibition.field.online"), online])
        if let base = try repo.catalogue.setting("base-url") {
            rows.append([l("exhibition.field.link"), PublicLink.link(base: base, exhibition: exhibition.id)])
        }
        lines += Output.table(rows)
        lines.append("")
        lines.append(l("exhibition.field.items", ["count": l.integer(exhibition.items.count)]))
        let products = Dictionary(
            uniqueKeysWithValues: try repo.catalogue.products(exhibition.items.map(\.product)).map { ($0.id, $0) })
        for (index, item) in exhibition.items.enumerated() {
            let product = products[item.product]
            var status = ""
            if product == nil {
                status = "  " + l("exhibition.item_missing")
            } else if product?.metadata.isPublic == false {
                status = "  " + l("exhibition.item_private")
            }
            lines.append("  \(index + 1). \(item.product.rawValue)  \(product?.metadata.title ?? "")\(status)")
            for code in exhibition.languages {
                if let caption = item.caption[code] { lines.append("       \(code): \(caption)") }
            }
        }
        lines.append("")
        lines.append(l("show.events"))
        for event in events {
            lines.append(
                "  " + l("exhibition.event", ["at": Timestamp.string(event.at), "type": l("exhibition.event.\(event.type.rawValue.replacingOccurrences(of: " ", with: "_"))"), "agent": event.agent, "revision": String(event.revision)]))
        }
        return lines
    }

    static func printJSON(_ exhibition: Exhibition, repo: Repository, events: [ExhibitionEvent]? = nil) throws {
        var object = try exhibition.jsonObject(base: try repo.catalogue.setting("base-url"))
        if let events {
            let encoder = JSONEncoder()
            object["events"] = try JSONSerialization.jsonObject(with: encoder.encode(events))
        }
        let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        Output.line(String(decoding: data, as: UTF8.self))
    }
}
