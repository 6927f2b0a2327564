import Foundation
import KhoCore
import KhoRepository

/// What an archivist gives to create or change an exhibition, as typed: texts as `LANG=TEXT`
/// (a bare text is in the exhibition's main language), codes and dates unchecked.
public struct ExhibitionInput: Sendable {
    public var titles: [String] = []
    public var descriptions: [String] = []
    public var province: String?
    public var country: String?
    public var venue: String?
    public var opens: String?
    public var closes: String?
    /// Languages to drop (with their texts), for `edit`.
    public var dropLanguages: [String] = []
    /// Clear the in-person venue and days, or the place.
    public var clearVenue = false
    public var clearPlace = false

    public init() {}
}

/// Why an exhibition change was refused before anything was written: every problem, each
/// naming its field or item.
public struct ExhibitionRefused: Error, Sendable, CustomStringConvertible, LocalizedMessage {
    public var id: String?
    public var problems: [Problem]

    public struct Problem: Error, Sendable {
        public var key: String
        public var arguments: [String: String]
        public init(_ key: String, _ arguments: [String: String] = [:]) {
            self.key = key
            self.arguments = arguments
        }
    }

    public var description: String { message(.english) }
    public func message(_ l: Localizer) -> String {
        let head = id.map { l("exhibition.refused", ["id": $0]) } ?? l("exhibition.refused_new")
        return ([head] + problems.map { "  - " + l($0.key, $0.arguments) }).joined(separator: "\n")
    }

    init(_ id: ExhibitionID?, _ problems: [Problem]) {
        self.id = id?.rawValue
        self.problems = problems
    }
}

extension Repository {
    /// Reads `LANG=TEXT` (or a bare text, in `main`) as a language code and a text. A prefix of
    /// letters before `=` must be a code the vocabulary knows: a mistyped code is refused rather
    /// than taken into the text (write `vi=…` for a text that itself holds `=`).
    public func languageText(_ spec: String, main: String, field: String) -> Result<(String, String), ExhibitionRefused.Problem> {
        if let equals = spec.firstIndex(of: "="), equals > spec.startIndex {
            let code = spec[..<equals].trimmingCharacters(in: .whitespaces)
            let text = spec[spec.index(after: equals)...].trimmingCharacters(in: .whitespacesAndNewlines)
            if code.count <= 12, !code.contains(" "), code.allSatisfy({ $0.isLetter || $0 == "-" }) {
                guard let language = vocabulary.languageEntry(code) else {
                    return .failure(.init("exhibition.unknown_language", ["field": field, "code": code]))
                }
                guard !text.isEmpty else { return .failure(.init("exhibition.empty_text", ["field": field, "code": code])) }
                return .success((language.code, text))
            }
        }
        let text = spec.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { return .failure(.init("exhibition.empty_text", ["field": field, "code": main])) }
        return .success((main, text))
    }

    /// Applies `input` to `exhibition` (a new one when it has no title yet), checking every field
    /// against the vocabularies; every problem is reported at once.
    func apply(_ input: ExhibitionInput, to exhibition: inout Exhibition) -> [ExhibitionRefused.Problem] {
        var problems: [ExhibitionRefused.Problem] = []
        let main = exhibition.languages.first ?? "vi"
        for code in input.dropLanguages {
            let language = vocabulary.languageEntry(code)?.code ?? code
            guard exhibition.languages.contains(language) else {
                problems.append(.init("exhibition.not_a_language", ["code": code, "languages": exhibition.languages.joined(separator: ", ")]))
                continue
            }
            exhibition.languages.removeAll { $0 == language }
            exhibition.title[language] = nil
            exhibition.description[language] = nil
            for index in exhibition.items.indices { exhibition.items[index].caption[language] = nil }
        }
        for (field, specs, keyPath) in [
            ("--title", input.titles, \Exhibition.title), ("--description", input.descriptions, \Exhibition.description),
        ] {
            for spec in specs {
                switch languageText(spec, main: main, field: field) {
                case .failure(let problem): problems.append(problem)
                case .success(let (code, text)):
                    guard text.count <= (field == "--title" ? 500 : 20_000) else {
                        problems.append(.init("exhibition.too_long", ["field": field, "code": code]))
                        continue
                    }
                    if field == "--title", !exhibition.languages.contains(code) { exhibition.languages.append(code) }
                    if field == "--description", !exhibition.languages.contains(code) {
                        problems.append(.init("exhibition.description_without_title", ["code": code]))
                        continue
                    }
                    exhibition[keyPath: keyPath][code] = text
                }
            }
        }
        if exhibition.languages.isEmpty || exhibition.title.isEmpty {
            problems.append(.init("exhibition.no_title"))
        }
        if input.clearPlace {
            exhibition.province = nil
            exhibition.country = nil
        }
        if input.clearVenue {
            exhibition.venue = nil
            exhibition.opens = nil
            exhibition.closes = nil
        }
        if let venue = input.venue {
            let trimmed = venue.trimmingCharacters(in: .whitespacesAndNewlines)
            exhibition.venue = trimmed.isEmpty ? nil : trimmed
        }
        for (field, value, keyPath) in [("--opens", input.opens, \Exhibition.opens), ("--closes", input.closes, \Exhibition.closes)] {
            guard let value else { continue }
            guard let date = PartialDate(parsing: value), date.day != nil else {
                problems.append(.init("exhibition.bad_day", ["field": field, "value": value]))
                continue
            }
            exhibition[keyPath: keyPath] = date
        }
        if let opens = exhibition.opens, let closes = exhibition.closes, closes < opens {
            problems.append(.init("exhibition.closes_before_opens", ["opens": opens.description, "closes": closes.description]))
        }
        if exhibition.closes != nil, exhibition.opens == nil {
            problems.append(.init("exhibition.closes_without_opens"))
        }
        if input.province != nil, input.country != nil {
            problems.append(.init("exhibition.province_and_country"))
        } else if let province = input.province {
            do {
                exhibition.province = try vocabulary.province(province, date: exhibition.opens, field: "--province")
                exhibition.country = nil
            } catch { problems.append(.init("exhibition.vocabulary", ["message": error.message(.current)])) }
        } else if let country = input.country {
            do {
                let term = try vocabulary.country(country, field: "--abroad")
                if term.code == "vn" {
                    problems.append(.init("exhibition.abroad_is_vietnam"))
                } else {
                    exhibition.country = term.code
                    exhibition.province = nil
                }
            } catch { problems.append(.init("exhibition.vocabulary", ["message": error.message(.current)])) }
        }
        return problems
    }

    /// Creates an exhibition, recording a `creation` event.
    public func createExhibition(_ input: ExhibitionInput, context: OperationContext) throws -> Exhibition {
        var generator = SystemRandomNumberGenerator()
        let now = context.now()
        var exhibition = Exhibition(
            id: .generate(at: now, using: &generator), languages: [], title: [:], originRepository: catalogue.repositoryID,
            at: now)
        let problems = apply(input, to: &exhibition)
        guard problems.isEmpty else { throw ExhibitionRefused(nil, problems) }
        try withWriteLock { try catalogue.createExhibition(exhibition, agent: context.agent) }
        return exhibition
    }

    /// The exhibition with this id, or why there is none.
    public func existingExhibition(_ id: ExhibitionID) throws -> Exhibition {
        guard let exhibition = try catalogue.exhibition(id) else { throw ExhibitionError.unknown(id.rawValue) }
        return exhibition
    }

    /// Reads the exhibition, lets `change` alter it (returning the problems it found and the event's
    /// detail), and stores it as the next revision with its event: nothing is written on a problem,
    /// nor when the change changed nothing. Returns the exhibition as it is now, and whether it changed.
    @discardableResult
    public func changeExhibition(
        _ id: ExhibitionID, event: ExhibitionEventType, context: OperationContext,
        _ change: (inout Exhibition) throws -> (problems: [ExhibitionRefused.Problem], detail: [String: String])
    ) throws -> (exhibition: Exhibition, changed: Bool) {
        let before = try existingExhibition(id)
        var after = before
        let (problems, detail) = try change(&after)
        guard problems.isEmpty else { throw ExhibitionRefused(id, problems) }
        guard after != before else { return (before, false) }
        after.revision = before.revision + 1
        after.updatedAt = max(context.now(), before.updatedAt)
        var eventDetail = detail
        eventDetail["software"] = context.software
        try withWriteLock {
            try catalogue.saveExhibition(after, event: event, agent: context.agent, detail: eventDetail)
        }
        return (after, true)
    }

    /// Changes an exhibition's texts, place or days.
    public func editExhibition(_ id: ExhibitionID, _ input: ExhibitionInput, context: OperationContext) throws
        -> (exhibition: Exhibition, changed: Bool)
    {
        try changeExhibition(id, event: .modification, context: context) { exhibition in
            let before = exhibition
            let problems = apply(input, to: &exhibition)
            var changed: [String] = []
            if before.title != exhibition.title { changed.append("title") }
            if before.description != exhibition.description { changed.append("description") }
            if before.languages != exhibition.languages { changed.append("languages") }
            if before.province != exhibition.province || before.country != exhibition.country { changed.append("place") }
            if before.venue != exhibition.venue || before.opens != exhibition.opens || before.closes != exhibition.closes {
                changed.append("venue")
            }
            if before.items != exhibition.items { changed.append("captions") }
            return (problems, ["changed": changed.joined(separator: ",")])
        }
    }

    /// Captions as `LANG=TEXT`, each in one of the exhibition's languages.
    func captions(_ specs: [String], for exhibition: Exhibition) -> (LanguageText, [ExhibitionRefused.Problem]) {
        var caption: LanguageText = [:]
        var problems: [ExhibitionRefused.Problem] = []
        for spec in specs {
            switch languageText(spec, main: exhibition.languages.first ?? "vi", field: "--caption") {
            case .failure(let problem): problems.append(problem)
            case .success(let (code, text)):
                guard exhibition.languages.contains(code) else {
                    problems.append(
                        .init(
                            "exhibition.caption_language",
                            ["code": code, "languages": exhibition.languages.joined(separator: ", "), "id": exhibition.id.rawValue]))
                    continue
                }
                guard text.count <= 5_000 else {
                    problems.append(.init("exhibition.too_long", ["field": "--caption", "code": code]))
                    continue
                }
                caption[code] = text
            }
        }
        return (caption, problems)
    }

    /// Adds products as items, at `position` (1-based; the end when nil), with the same captions.
    public func addToExhibition(
        _ id: ExhibitionID, products: [ProductID], captions specs: [String], at position: Int?,
        context: OperationContext
    ) throws -> Exhibition {
        try changeExhibition(id, event: .itemAdded, context: context) { exhibition in
            var (caption, problems) = captions(specs, for: exhibition)
            let found = Dictionary(uniqueKeysWithValues: try catalogue.products(products).map { ($0.id, $0) })
            var seen = Set(exhibition.items.map(\.product))
            for product in products {
                if found[product] == nil {
                    problems.append(.init("exhibition.unknown_product", ["product": product.rawValue]))
                } else if !seen.insert(product).inserted {
                    problems.append(.init("exhibition.already_shown", ["product": product.rawValue]))
                }
            }
            if let position, position < 1 || position > exhibition.items.count + 1 {
                problems.append(
                    .init("exhibition.bad_position", ["position": String(position), "count": String(exhibition.items.count + 1)]))
            }
            guard problems.isEmpty else { return (problems, [:]) }
            if caption.isEmpty, products.count == 1, let product = found[products[0]] {
                // No caption given: the product's title, in the language it is written in.
                let language = product.metadata.languages.first?.code ?? exhibition.languages.first ?? "vi"
                if exhibition.languages.contains(language) { caption[language] = product.metadata.title }
            }
            let items = products.map { ExhibitionItem(product: $0, caption: caption) }
            exhibition.items.insert(contentsOf: items, at: (position ?? exhibition.items.count + 1) - 1)
            return ([], ["products": products.map(\.rawValue).joined(separator: ","), "position": String(position ?? exhibition.items.count)])
        }.exhibition
    }

    /// The index of an item given as its 1-based position or its product's id.
    func itemIndex(_ reference: String, in exhibition: Exhibition) -> Result<Int, ExhibitionRefused.Problem> {
        if let position = Int(reference) {
            guard position >= 1, position <= exhibition.items.count else {
                return .failure(.init("exhibition.bad_position", ["position": reference, "count": String(exhibition.items.count)]))
            }
            return .success(position - 1)
        }
        if let product = ProductID(parsing: reference), let index = exhibition.items.firstIndex(where: { $0.product == product }) {
            return .success(index)
        }
        return .failure(.init("exhibition.no_such_item", ["item": reference, "id": exhibition.id.rawValue]))
    }

    /// Sets an item's captions (languages not given keep theirs).
    public func captionExhibitionItem(
        _ id: ExhibitionID, item reference: String, captions specs: [String], context: OperationContext
    ) throws -> (exhibition: Exhibition, changed: Bool) {
        try changeExhibition(id, event: .captionChanged, context: context) { exhibition in
            let index: Int
            switch itemIndex(reference, in: exhibition) {
            case .failure(let problem): return ([problem], [:])
            case .success(let found): index = found
            }
            let (caption, problems) = captions(specs, for: exhibition)
            if specs.isEmpty { return ([.init("exhibition.no_caption")], [:]) }
            exhibition.items[index].caption.merge(caption) { _, new in new }
            return (problems, ["product": exhibition.items[index].product.rawValue, "languages": caption.keys.sorted().joined(separator: ",")])
        }
    }

    /// Takes an item off the exhibition (the product stays in the catalogue).
    public func removeFromExhibition(_ id: ExhibitionID, item reference: String, context: OperationContext) throws
        -> (exhibition: Exhibition, removed: ExhibitionItem)
    {
        var removed: ExhibitionItem?
        let result = try changeExhibition(id, event: .itemRemoved, context: context) { exhibition in
            switch itemIndex(reference, in: exhibition) {
            case .failure(let problem): return ([problem], [:])
            case .success(let index):
                removed = exhibition.items.remove(at: index)
                return ([], ["product": removed?.product.rawValue ?? "", "position": String(index + 1)])
            }
        }
        return (result.exhibition, removed!)
    }

    /// Moves an item to another 1-based position.
    public func moveInExhibition(_ id: ExhibitionID, item reference: String, to position: Int, context: OperationContext)
        throws -> (exhibition: Exhibition, changed: Bool)
    {
        try changeExhibition(id, event: .itemMoved, context: context) { exhibition in
            let index: Int
            switch itemIndex(reference, in: exhibition) {
            case .failure(let problem): return ([problem], [:])
            case .success(let found): index = found
            }
            guard position >= 1, position <= exhibition.items.count else {
                return ([.init("exhibition.bad_position", ["position": String(position), "count": String(exhibition.items.count)])], [:])
            }
            let item = exhibition.items.remove(at: index)
            exhibition.items.insert(item, at: position - 1)
            return ([], ["product": item.product.rawValue, "from": String(index + 1), "to": String(position)])
        }
    }

    /// Puts the exhibition online (`kho serve` shows it at `/x/<id>`). Refused when no item could
    /// be shown to the public.
    public func publishExhibition(_ id: ExhibitionID, context: OperationContext) throws -> (exhibition: Exhibition, changed: Bool) {
        try changeExhibition(id, event: .publication, context: context) { exhibition in
            guard !exhibition.isPublished else { return ([], [:]) }
            let shown = try catalogue.products(exhibition.items.map(\.product)).filter(\.metadata.isPublic)
            guard !shown.isEmpty else { return ([.init("exhibition.nothing_to_publish", ["id": exhibition.id.rawValue])], [:]) }
            exhibition.online.append(OnlineSpan(from: context.now()))
            return ([], ["items": String(shown.count)])
        }
    }

    /// Takes the exhibition offline; its record and history stay.
    public func unpublishExhibition(_ id: ExhibitionID, context: OperationContext) throws -> (exhibition: Exhibition, changed: Bool) {
        try changeExhibition(id, event: .withdrawal, context: context) { exhibition in
            guard exhibition.isPublished else { return ([], [:]) }
            exhibition.online[exhibition.online.count - 1].until = max(context.now(), exhibition.online[exhibition.online.count - 1].from)
            return ([], [:])
        }
    }
}
