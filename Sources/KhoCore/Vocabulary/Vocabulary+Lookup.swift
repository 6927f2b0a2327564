import Foundation

extension Vocabulary {
    /// The kind with this code, or an error naming `field` and the close matches.
    public func kind(_ value: String, field: String = "kind") throws(VocabularyError) -> Kind {
        try lookup(
            value, in: kinds, vocabulary: "kinds", field: field, code: \.code, label: \.label, labelVi: \.labelVi)
    }

    public func platform(_ value: String, field: String = "platforms") throws(VocabularyError) -> Platform {
        try lookup(
            value, in: platforms, vocabulary: "platforms", field: field, code: \.code, label: \.label,
            labelVi: \.labelVi)
    }

    public func topic(_ value: String, field: String = "topics") throws(VocabularyError) -> Topic {
        try lookup(
            value, in: topics, vocabulary: "topics", field: field, code: \.code, label: \.label, labelVi: \.labelVi)
    }

    public func contentLine(_ value: String, field: String = "content_line") throws(VocabularyError) -> Term {
        try lookup(
            value, in: contentLines, vocabulary: "content-lines", field: field, code: \.code, label: \.label,
            labelVi: \.labelVi)
    }

    public func fundingSource(_ value: String, field: String = "funding") throws(VocabularyError) -> Term {
        try lookup(
            value, in: funding, vocabulary: "funding", field: field, code: \.code, label: \.label, labelVi: \.labelVi)
    }

    /// The language with this BCP 47 tag or ISO 639-3 code (matched without regard to case).
    public func language(_ value: String, field: String = "languages") throws(VocabularyError) -> Language {
        // By its tag, or by its ISO 639-3 code (`vie` is `vi`): the tag is what is stored.
        let wanted = value.trimmingCharacters(in: .whitespaces)
        if let found = languageEntry(wanted) { return found }
        // Suggestions by name too, and by the ethnic group: `--lang mong` offers the Mông languages.
        let suggestions = Self.closeMatches(
            to: wanted.lowercased(), among: allLanguages.map { ($0.code, [$0.label, $0.labelVi] + ($0.groups ?? [])) })
        throw .unknownCode(vocabulary: "languages", field: field, value: value, suggestions: suggestions)
    }

    /// A product language from `CODE` or `CODE:ROLE`, e.g. `jra` or `km:foreign`.
    public func productLanguage(_ spec: String, field: String = "languages") throws(VocabularyError) -> ProductLanguage
    {
        let parts = spec.split(separator: ":", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        guard parts.count <= 2, let first = parts.first, !first.isEmpty else {
            throw .invalidValue(
                field: field, value: spec, expected: "a language code such as 'jra', or CODE:ROLE such as 'km:foreign'")
        }
        let language = try language(first, field: field)
        guard parts.count == 2 else {
            return ProductLanguage(code: language.code, role: language.role, roleOverride: false)
        }
        guard let role = LanguageRole(rawValue: parts[1].lowercased()) else {
            throw .invalidValue(
                field: field, value: spec,
                expected: "a role after ':' of " + LanguageRole.allCases.map(\.rawValue).joined(separator: ", "))
        }
        return ProductLanguage(code: language.code, role: role, roleOverride: role != language.role)
    }

    /// The 2025 unit a 2022 or 2025 unit belongs to now.
    public func currentUnit(of province: ProvinceRef) -> ProvinceUnit? {
        switch province.set {
        case .units2025: return units2025.first { $0.code == province.code }
        case .units2022:
            guard let successor = units2022.first(where: { $0.code == province.code })?.successor else { return nil }
            return units2025.first { $0.code == successor }
        }
    }

    /// The unit named by a province reference.
    public func unit(_ province: ProvinceRef) -> ProvinceUnit? {
        (province.set == .units2022 ? units2022 : units2025).first { $0.code == province.code }
    }

    /// Resolves a province given as a slug (`gia-lai`), a qualified slug (`gia-lai@2022`), an alias
    /// or a name (`Gia Lai`). A code that names a unit in both sets is taken from the set in force
    /// on `date` (the product's publication or production date), or today's set when there is none.
    public func province(_ value: String, date: PartialDate?, field: String = "province") throws(VocabularyError)
        -> ProvinceRef
    {
        var text = value.trimmingCharacters(in: .whitespaces)
        var forced: ProvinceSet?
        if let at = text.lastIndex(of: "@") {
            let suffix = String(text[text.index(after: at)...])
            guard let set = ProvinceSet(rawValue: suffix) else {
                throw .invalidValue(field: field, value: value, expected: "CODE, CODE@2022 or CODE@2025")
            }
            forced = set
            text = String(text[..<at])
        }
        let slug = TextFolding.slug(text)
        func find(_ units: [ProvinceUnit]) -> ProvinceUnit? {
            units.first { $0.code == slug } ?? units.first { ($0.aliases ?? []).contains(slug) }
        }
        let in2022 = find(units2022)
        let in2025 = find(units2025)
        let set: ProvinceSet
        if let forced {
            set = forced
        } else if in2022 != nil, in2025 != nil {
            set = (date.map { $0 < mergerDate } ?? false) ? .units2022 : .units2025
        } else {
            set = in2022 != nil ? .units2022 : .units2025
        }
        guard let unit = set == .units2022 ? in2022 : in2025 else {
            let pool = forced == .units2022 ? units2022 : forced == .units2025 ? units2025 : units2022 + units2025
            let suggestions = Self.closeMatches(
                to: slug, among: pool.map { ($0.code, [$0.name]) })
            throw .unknownCode(vocabulary: "provinces", field: field, value: value, suggestions: suggestions)
        }
        return ProvinceRef(code: unit.code, set: set)
    }

    private func lookup<T>(
        _ value: String, in entries: [T], vocabulary: String, field: String,
        code: KeyPath<T, String>, label: KeyPath<T, String>, labelVi: KeyPath<T, String>
    ) throws(VocabularyError) -> T {
        let wanted = value.trimmingCharacters(in: .whitespaces).lowercased()
        if let found = entries.first(where: { $0[keyPath: code].lowercased() == wanted }) { return found }
        let suggestions = Self.closeMatches(
            to: wanted, among: entries.map { ($0[keyPath: code], [$0[keyPath: label], $0[keyPath: labelVi]]) })
        throw .unknownCode(vocabulary: vocabulary, field: field, value: value, suggestions: suggestions)
    }

    /// Up to five codes near `value`: by edit distance, by prefix, or whose label contains it.
    static func closeMatches(to value: String, among candidates: [(code: String, labels: [String])]) -> [String] {
        let folded = TextFolding.fold(value)
        guard !folded.isEmpty else { return [] }
        var scored: [(score: Int, code: String)] = []
        let squeezedValue = squeezed(folded)
        for candidate in candidates {
            let code = candidate.code.lowercased()
            // A name given whole (a language's or its people's, without diacritics) is the best match.
            if folded.count >= 3, candidate.labels.contains(where: { Self.squeezed(TextFolding.fold($0)) == squeezedValue }) {
                scored.append((0, candidate.code))
                continue
            }
            let distance = Self.editDistance(folded, code)
            let limit = max(1, min(code.count, folded.count) / 4)
            if distance <= limit {
                scored.append((distance, candidate.code))
            } else if code.hasPrefix(folded) || (folded.count >= 3 && folded.hasPrefix(code)) {
                scored.append((limit + 1, candidate.code))
            } else if folded.count >= 3,
                candidate.labels.contains(where: { TextFolding.fold($0).contains(folded) })
            {
                scored.append((limit + 2, candidate.code))
            }
        }
        var seen = Set<String>()
        // At equal distance, the vocabulary's own order: it lists the likely entries first (Viet Nam's
        // languages before the rest of ISO 639-3).
        return scored.enumerated().sorted { ($0.element.score, $0.offset) < ($1.element.score, $1.offset) }
            .map(\.element.code).filter {
            seen.insert($0).inserted
        }
        .prefix(5).map { $0 }
    }

    /// Without spaces, hyphens or apostrophes: "Ê Đê", "ede" and "e-de" are one name.
    static func squeezed(_ text: String) -> String { text.filter { !" -'’".contains($0) } }

    /// Levenshtein distance over Unicode scalars.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a.unicodeScalars)
        let b = Array(b.unicodeScalars)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}

extension Vocabulary {
    /// How many entries each vocabulary has, by name (`provinces`: the 2022 and 2025 units together).
    public var entryCounts: [String: Int] {
        [
            "kinds": kinds.count, "platforms": platforms.count, "languages": allLanguages.count,
            "topics": topics.count, "content-lines": contentLines.count, "funding": funding.count,
            "provinces": units2022.count + units2025.count, "countries": countries.count,
            "licences": licences.count, "retention": retention.count,
        ]
    }

    /// The country with this ISO 3166-1 alpha-2 code or name (any case), or why not.
    public func country(_ value: String, field: String = "country") throws(VocabularyError) -> Term {
        let folded = TextFolding.fold(value.trimmingCharacters(in: .whitespaces))
        if let named = countries.first(where: { TextFolding.fold($0.label) == folded || TextFolding.fold($0.labelVi) == folded }) {
            return named
        }
        return try lookup(
            value, in: countries, vocabulary: "countries", field: field, code: \.code, label: \.label,
            labelVi: \.labelVi)
    }

    /// The licence a product's rights name, when they are a licence code.
    public func licence(_ rights: String?) -> Licence? {
        guard let rights else { return nil }
        // `cc-by-4.0`, and as people write it: `CC BY 4.0`, `CC-BY-SA 4.0`, `CC0`.
        let code = rights.trimmingCharacters(in: .whitespaces).lowercased()
        let spelled = code.split(whereSeparator: { $0 == " " || $0 == "-" || $0 == "_" }).joined(separator: "-")
        return licences.first { $0.code == code || $0.code == spelled || $0.code == spelled + "-1.0" }
    }

    /// The retention rule that applies to a product: the schedule's first match, or nil.
    public func retentionRule(funding: String?, kind: String) -> RetentionRule? {
        retention.first { $0.matches(funding: funding, kind: kind) }
    }
}
