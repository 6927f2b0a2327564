import ArgumentParser
import KhoCore

/// The flags that choose products, shared by `list` and `search`.
struct FilterOptions: ParsableArguments {
    @Option(name: .customLong("kind"), help: ArgumentHelp("Only this kind (repeat for several).", valueName: "kind"))
    var kinds: [String] = []

    @Option(name: .customLong("lang"), help: ArgumentHelp("Only products in this language.", valueName: "code"))
    var languages: [String] = []

    @Option(name: .customLong("platform"), help: ArgumentHelp("Only products on this platform.", valueName: "code"))
    var platforms: [String] = []

    @Option(name: .customLong("topic"), help: ArgumentHelp("Only products on this topic.", valueName: "code"))
    var topics: [String] = []

    @Option(name: .customLong("content-line"), help: ArgumentHelp("Only this content line.", valueName: "code"))
    var contentLines: [String] = []

    @Option(
        name: .customLong("province"),
        help: ArgumentHelp(
            "Only this province. A current (2025) unit includes the 2022 units merged into it; "
                + "CODE@2022 matches products registered under that 2022 unit only.",
            valueName: "code"))
    var provinces: [String] = []

    @Option(
        help: ArgumentHelp("Only agencies whose name contains this (ignoring case and diacritics).", valueName: "text"))
    var agency: String?

    @Option(help: ArgumentHelp("Published on or after this date (YYYY, YYYY-MM or YYYY-MM-DD).", valueName: "date"))
    var from: String?

    @Option(help: ArgumentHelp("Published on or before this date (YYYY, YYYY-MM or YYYY-MM-DD).", valueName: "date"))
    var to: String?

    @Flag(inversion: .prefixedNo, help: "Only products with (--digitised) or without (--no-digitised) a stored file.")
    var digitised: Bool?

    /// The filter, with every code checked against the vocabulary; all problems reported at once.
    func filter(_ vocabulary: Vocabulary) throws -> ProductFilter {
        var filter = ProductFilter()
        var problems: [String] = []
        func check(_ body: () throws -> Void) {
            do { try body() } catch { problems.append("\(error)") }
        }
        for value in MetadataOptions.split(kinds) {
            check { filter.kinds.append(try vocabulary.kind(value, field: "--kind").code) }
        }
        for value in MetadataOptions.split(languages) {
            check { filter.languages.append(try vocabulary.language(value, field: "--lang").code) }
        }
        for value in MetadataOptions.split(platforms) {
            check { filter.platforms.append(try vocabulary.platform(value, field: "--platform").code) }
        }
        for value in MetadataOptions.split(topics) {
            check { filter.topics.append(try vocabulary.topic(value, field: "--topic").code) }
        }
        for value in MetadataOptions.split(contentLines) {
            check { filter.contentLines.append(try vocabulary.contentLine(value, field: "--content-line").code) }
        }
        for value in MetadataOptions.split(provinces) {
            check {
                let explicit = value.contains("@")
                let ref = try vocabulary.province(value, date: nil, field: "--province")
                filter.provinces.append(
                    !explicit && ref.set == .units2025 ? .current(ref.code) : .registered(ref))
            }
        }
        filter.agency = agency.map(TextFolding.normalized)
        for (name, value) in [("--from", from), ("--to", to)] {
            guard let value else { continue }
            guard let date = PartialDate(parsing: value) else {
                problems.append("\(name): '\(value)' is not valid; expected a date as YYYY-MM-DD, YYYY-MM or YYYY")
                continue
            }
            if name == "--from" { filter.publishedFrom = date } else { filter.publishedTo = date }
        }
        filter.hasFiles = digitised
        guard problems.isEmpty else { throw CLIError(problems.joined(separator: "\n")) }
        return filter
    }
}
