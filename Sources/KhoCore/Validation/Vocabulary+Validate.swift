extension Vocabulary {
    /// Checks every field of `input` and returns the metadata, or every problem found (not just the first).
    ///
    /// - Parameter fieldName: how to name a field in messages, from its manifest column name
    ///   (e.g. `kind` → `--kind` on the command line).
    public func validate(
        _ input: MetadataInput, fieldName: (String) -> String = { $0 }
    ) -> Result<ProductMetadata, FieldProblems> {
        var problems: [FieldProblem] = []
        let l = Localizer.current
        func attempt<T>(_ field: String, _ body: (String) throws(VocabularyError) -> T) -> T? {
            do { return try body(fieldName(field)) } catch {
                problems.append(FieldProblem(field: field, message: error.description))
                return nil
            }
        }
        func text(_ value: String?) -> String? {
            guard let value else { return nil }
            let clean = TextFolding.singleLine(value)
            return clean.isEmpty ? nil : clean
        }
        func date(_ field: String, _ value: String?) -> PartialDate? {
            guard let value = text(value) else { return nil }
            guard let date = PartialDate(parsing: value) else {
                problems.append(
                    FieldProblem(
                        field: field,
                        message: VocabularyError.invalidValue(
                            field: fieldName(field), value: value,
                            expected: l("validate.expected_date")
                        ).description))
                return nil
            }
            return date
        }
        func unique<T: Hashable>(_ values: [T]) -> [T] {
            var seen = Set<T>()
            return values.filter { seen.insert($0).inserted }
        }
        func list(_ values: [String]) -> [String] {
            values.map { TextFolding.normalized($0) }.filter { !$0.isEmpty }
        }

        let title = text(input.title)
        if title == nil {
            problems.append(
                FieldProblem(field: "title", message: l("validate.title_missing", ["field": fieldName("title")])))
        }
        var kind: String?
        if let value = text(input.kind) {
            kind = attempt("kind") { field throws(VocabularyError) in try self.kind(value, field: field).code }
        } else {
            problems.append(
                FieldProblem(
                    field: "kind",
                    message: l("validate.kind_missing", ["field": fieldName("kind")])))
        }
        let languages = list(input.languages).compactMap { value in
            attempt("languages") { field throws(VocabularyError) in try productLanguage(value, field: field) }
        }
        var seenLanguages = Set<String>()
        for language in languages where !seenLanguages.insert(language.code).inserted {
            problems.append(
                FieldProblem(
                    field: "languages",
                    message: l("validate.twice", ["field": fieldName("languages"), "value": language.code])))
        }
        let platforms = list(input.platforms).compactMap { value in
            attempt("platforms") { field throws(VocabularyError) in try platform(value, field: field).code }
        }
        let topics = list(input.topics).compactMap { value in
            attempt("topics") { field throws(VocabularyError) in try topic(value, field: field).code }
        }
        let contentLine = text(input.contentLine).flatMap { value in
            attempt("content_line") { field throws(VocabularyError) in try self.contentLine(value, field: field).code }
        }
        let funding = text(input.funding).flatMap { value in
            attempt("funding") { field throws(VocabularyError) in try fundingSource(value, field: field).code }
        }
        let produced = date("produced", input.produced)
        let published = date("published", input.published)
        if let produced, let published, published.lastDay < produced.firstDay {
            problems.append(
                FieldProblem(
                    field: "published",
                    message: l(
                        "validate.published_before",
                        [
                            "field": fieldName("published"), "published": published.description,
                            "produced": produced.description,
                        ])))
        }
        let province = text(input.province).flatMap { value in
            attempt("province") { field throws(VocabularyError) in
                try self.province(value, date: published ?? produced, field: field)
            }
        }
        var isPublic = true
        if let value = text(input.isPublic) {
            switch value.lowercased() {
            case "yes", "true", "1", "public", "có", "công khai": isPublic = true
            case "no", "false", "0", "private", "không", "riêng tư": isPublic = false
            default:
                problems.append(
                    FieldProblem(
                        field: "public",
                        message: VocabularyError.invalidValue(
                            field: fieldName("public"), value: value, expected: l("validate.expected_yes_no")
                        ).description))
            }
        }
        // Rights: a licence code, so that a visitor can be told what they may re-use.
        var rights = text(input.rights)
        if let given = rights, !input.rightsUnchecked {
            if let licence = licence(given) ?? licences.first(where: {
                TextFolding.fold($0.label) == TextFolding.fold(given) || TextFolding.fold($0.labelVi) == TextFolding.fold(given)
            }) {
                rights = licence.code
            } else {
                let suggestions = Self.closeMatches(
                    to: given.lowercased(), among: licences.map { ($0.code, [$0.label, $0.labelVi]) })
                problems.append(
                    FieldProblem(
                        field: "rights",
                        message: VocabularyError.unknownCode(
                            vocabulary: "licences", field: fieldName("rights"), value: given, suggestions: suggestions
                        ).description))
            }
        }
        problems += MetadataLimits.problems(
            texts: [
                ("title", input.title), ("description", input.description), ("agency", input.agency),
                ("rights", input.rights),
            ],
            lists: [
                ("languages", input.languages.count), ("platforms", input.platforms.count),
                ("topics", input.topics.count),
            ], fieldName: fieldName)
        guard problems.isEmpty, let title, let kind else { return .failure(FieldProblems(problems)) }
        return .success(
            ProductMetadata(
                title: title,
                description: input.description.map(TextFolding.normalized).flatMap { $0.isEmpty ? nil : $0 },
                kind: kind, languages: languages, platforms: unique(platforms), topics: unique(topics),
                contentLine: contentLine, agency: text(input.agency), province: province, produced: produced,
                published: published, funding: funding, rights: rights, isPublic: isPublic))
    }
}

/// The longest metadata values kho takes, in characters, and the most entries in a list: generous
/// for any real product, and a bound on what one record costs a search, a page, a bundle and a
/// report. Checked at registration, edit and import alike.
public enum MetadataLimits {
    public static let title = 1_000
    public static let description = 20_000
    public static let agency = 500
    public static let rights = 2_000
    public static let listEntries = 64

    static let textLimits = ["title": title, "description": description, "agency": agency, "rights": rights]

    /// Each text past its limit and each list past `listEntries`, named as `fieldName` names them.
    public static func problems(
        texts: [(field: String, value: String?)], lists: [(field: String, count: Int)],
        fieldName: (String) -> String = { $0 }
    ) -> [FieldProblem] {
        let l = Localizer.current
        var problems: [FieldProblem] = []
        for (field, value) in texts {
            guard let value, let limit = textLimits[field], value.count > limit else { continue }
            problems.append(
                FieldProblem(
                    field: field,
                    message: l(
                        "validate.too_long",
                        ["field": fieldName(field), "length": l.integer(value.count), "limit": l.integer(limit)])))
        }
        for (field, count) in lists where count > listEntries {
            problems.append(
                FieldProblem(
                    field: field,
                    message: l(
                        "validate.too_many",
                        ["field": fieldName(field), "count": l.integer(count), "limit": l.integer(listEntries)])))
        }
        return problems
    }
}
