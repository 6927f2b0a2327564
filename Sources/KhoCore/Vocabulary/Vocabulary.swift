import Foundation

/// Every controlled vocabulary of the catalogue, built in from `catalogue-schema/vocabularies/`
/// and optionally extended by a repository's own files.
public struct Vocabulary: Sendable {
    public private(set) var kinds: [Kind]
    public private(set) var platforms: [Platform]
    public private(set) var languages: [Language] { didSet { indexLanguages() } }
    /// Each language's position in `languages`, by lowercased code and ISO 639-3 code: the
    /// vocabulary holds all of ISO 639-3, too many to search one by one.
    private(set) var languageIndex: [String: Int] = [:]
    public private(set) var topics: [Topic]
    public private(set) var contentLines: [Term]
    public private(set) var funding: [Term]
    /// Countries (ISO 3166-1 alpha-2, lower case), for exhibitions abroad.
    public let countries: [Term]
    /// Licences a product's rights may name.
    public let licences: [Licence]
    /// The retention schedule, first match wins.
    public let retention: [RetentionRule]
    public let units2022: [ProvinceUnit]
    public let units2025: [ProvinceUnit]
    /// The day the 2025 provincial units came into force.
    public let mergerDate: PartialDate
    /// The version of each vocabulary, with `+local` where a repository extends it.
    public private(set) var versions: [String: String]

    /// The names of the vocabularies a repository may extend, as file names without `.json`.
    public static let extensibleNames = ["kinds", "platforms", "languages", "topics", "content-lines", "funding"]
    /// Every vocabulary name, in the order `kho vocab` shows them.
    public static let allNames = extensibleNames + ["provinces", "countries", "licences", "retention"]

    /// The vocabularies built into this version of kho.
    public static func builtIn() throws(VocabularyError) -> Vocabulary {
        try Vocabulary(extensions: [:])
    }

    /// The built-in vocabularies extended by the given files, keyed by vocabulary name.
    ///
    /// An extension entry with a new code adds it; one with an existing code replaces it
    /// (to relabel it, or to change a platform's `digital` flag).
    public init(extensions: [String: Data]) throws(VocabularyError) {
        let decoder = JSONDecoder()
        func decode<T: Codable & Sendable>(_ name: String, _ bytes: [UInt8], as: T.Type) throws(VocabularyError)
            -> VocabularyFile<T>
        {
            do { return try decoder.decode(VocabularyFile<T>.self, from: Data(bytes)) } catch {
                throw .invalidFile(name: "built-in \(name).json", reason: "\(error)")
            }
        }
        let kindsFile = try decode("kinds", PackageResources.kinds_json, as: Kind.self)
        let platformsFile = try decode("platforms", PackageResources.platforms_json, as: Platform.self)
        let languagesFile = try decode("languages", PackageResources.languages_json, as: Language.self)
        let topicsFile = try decode("topics", PackageResources.topics_json, as: Topic.self)
        let linesFile = try decode("content-lines", PackageResources.content_lines_json, as: Term.self)
        let fundingFile = try decode("funding", PackageResources.funding_json, as: Term.self)
        let countriesFile = try decode("countries", PackageResources.countries_json, as: Term.self)
        let licencesFile = try decode("licences", PackageResources.licences_json, as: Licence.self)
        let retentionFile = try decode("retention", PackageResources.retention_json, as: RetentionRule.self)
        let provinces: ProvinceFile
        do { provinces = try decoder.decode(ProvinceFile.self, from: Data(PackageResources.provinces_json)) } catch {
            throw .invalidFile(name: "built-in provinces.json", reason: "\(error)")
        }
        kinds = kindsFile.entries
        platforms = platformsFile.entries
        languages = languagesFile.entries
        topics = topicsFile.entries
        contentLines = linesFile.entries
        funding = fundingFile.entries
        countries = countriesFile.entries
        licences = licencesFile.entries
        retention = retentionFile.entries
        units2022 = provinces.units2022
        units2025 = provinces.units2025
        guard let merger = PartialDate(parsing: provinces.mergerDate) else {
            throw .invalidFile(name: "built-in provinces.json", reason: "mergerDate is not a date")
        }
        mergerDate = merger
        versions = [
            "kinds": kindsFile.version, "platforms": platformsFile.version, "languages": languagesFile.version,
            "topics": topicsFile.version, "content-lines": linesFile.version, "funding": fundingFile.version,
            "provinces": provinces.version, "countries": countriesFile.version, "licences": licencesFile.version,
            "retention": retentionFile.version,
        ]
        indexLanguages()
        for (name, data) in extensions.sorted(by: { $0.key < $1.key }) {
            try applyExtension(name: name, data: data)
        }
    }

    private mutating func indexLanguages() {
        var index: [String: Int] = [:]
        index.reserveCapacity(languages.count * 2)
        for (position, language) in languages.enumerated() {
            if let alpha3 = language.iso639_3?.lowercased(), index[alpha3] == nil { index[alpha3] = position }
            index[language.code.lowercased()] = position
        }
        languageIndex = index
    }

    /// The language with this BCP 47 tag or ISO 639-3 code (any case), or nil: Viet Nam's languages
    /// and the chosen ones first, then the rest of ISO 639-3.
    public func languageEntry(_ code: String) -> Language? {
        let key = code.lowercased()
        if let position = languageIndex[key] { return languages[position] }
        return Self.otherLanguages.index[key].map { Self.otherLanguages.entries[$0] }
    }

    /// Every language kho knows: `languages`, then the rest of ISO 639-3.
    public var allLanguages: [Language] {
        let known = Set(languages.map { $0.code.lowercased() })
        return languages + Self.otherLanguages.entries.filter { !known.contains($0.code.lowercased()) }
    }

    /// The rest of ISO 639-3 (`iso639_3TSV`), read once per process on first use, all `foreign`.
    static let otherLanguages: (entries: [Language], index: [String: Int]) = {
        var entries: [Language] = []
        var index: [String: Int] = [:]
        for line in iso639_3TSV.split(separator: "\n") {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == 4 else { continue }
            index[fields[1].lowercased()] = entries.count
            index[fields[0].lowercased()] = entries.count
            entries.append(
                Language(code: fields[0], iso639_3: fields[1], label: fields[2], labelVi: fields[3], role: .foreign))
        }
        return (entries, index)
    }()

    private mutating func applyExtension(name: String, data: Data) throws(VocabularyError) {
        let file = "vocabulary/\(name).json"
        func entries<T: Codable & Sendable>(_: T.Type) throws(VocabularyError) -> [T] {
            do { return try JSONDecoder().decode(VocabularyFile<T>.self, from: data).entries } catch {
                throw .invalidFile(
                    name: file,
                    reason: "\(error). Expected {\"vocabulary\": \"\(name)\", \"version\": \"…\", \"entries\": [ … ]} "
                        + "with entries shaped like those of `kho vocab \(name) --json`")
            }
        }
        func check(_ codes: [String]) throws(VocabularyError) {
            for code in codes where !Self.isValidCode(code, language: name == "languages") {
                throw .invalidFile(
                    name: file,
                    reason: "code '\(code)' is not valid: use lower-case letters, digits and hyphens"
                        + (name == "languages" ? " (a BCP 47 tag)" : ""))
            }
        }
        switch name {
        case "kinds":
            let added = try entries(Kind.self); try check(added.map(\.code)); kinds = Self.merge(kinds, added, \.code)
        case "platforms":
            let added = try entries(Platform.self); try check(added.map(\.code))
            platforms = Self.merge(platforms, added, \.code)
        case "languages":
            let added = try entries(Language.self); try check(added.map(\.code))
            languages = Self.merge(languages, added, \.code)
        case "topics":
            let added = try entries(Topic.self); try check(added.map(\.code));
            topics = Self.merge(topics, added, \.code)
        case "content-lines":
            let added = try entries(Term.self); try check(added.map(\.code))
            contentLines = Self.merge(contentLines, added, \.code)
        case "funding":
            let added = try entries(Term.self); try check(added.map(\.code));
            funding = Self.merge(funding, added, \.code)
        default:
            throw .invalidFile(
                name: file,
                reason: "'\(name)' cannot be extended; the extensible vocabularies are "
                    + Self.extensibleNames.joined(separator: ", "))
        }
        versions[name] = (versions[name] ?? "?") + "+local"
    }

    private static func merge<T>(_ base: [T], _ added: [T], _ key: KeyPath<T, String>) -> [T] {
        var result = base
        for entry in added {
            if let index = result.firstIndex(where: { $0[keyPath: key] == entry[keyPath: key] }) {
                result[index] = entry
            } else {
                result.append(entry)
            }
        }
        return result
    }

    static func isValidCode(_ code: String, language: Bool) -> Bool {
        guard !code.isEmpty, code.count <= 64, code.first != "-", code.last != "-" else { return false }
        return code.unicodeScalars.allSatisfy { scalar in
            ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) || scalar == "-"
                || (language && ("A"..."Z").contains(scalar))
        }
    }
}
