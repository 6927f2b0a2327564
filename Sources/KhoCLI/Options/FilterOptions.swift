import ArgumentParser
import KhoApp
import KhoCore

/// The flags that choose products, the same for every command that selects them (list, search,
/// export, qr sheet, conformance, report).
struct FilterOptions: ParsableArguments {
    @Option(name: .customLong("kind"), help: ArgumentHelp("Only this kind (repeat, or separate with commas, for several).", valueName: "kind"))
    var kinds: [String] = []

    @Option(name: .customLong("lang"), help: ArgumentHelp("Only products in this language (repeat, or separate with commas, for several).", valueName: "code"))
    var languages: [String] = []

    @Option(name: .customLong("platform"), help: ArgumentHelp("Only products on this platform (repeat, or separate with commas, for several).", valueName: "code"))
    var platforms: [String] = []

    @Option(name: .customLong("topic"), help: ArgumentHelp("Only products on this topic (repeat, or separate with commas, for several).", valueName: "code"))
    var topics: [String] = []

    @Option(name: .customLong("content-line"), help: ArgumentHelp("Only this content line (repeat, or separate with commas, for several).", valueName: "code"))
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

    @Option(
        help: ArgumentHelp(
            "Published in this period: 2024-H1, 2024-Q3, 2024, 2024-03, 2024-03-02 or 2023..2025 (instead of --from/--to).",
            valueName: "period"))
    var period: String?

    @Flag(inversion: .prefixedNo, help: "Only products with (--digitised) or without (--no-digitised) a stored file.")
    var digitised: Bool?

    /// The filter, with every code checked against the vocabulary; all problems reported at once.
    func filter(_ vocabulary: Vocabulary) throws -> ProductFilter {
        do { return try input.resolve(vocabulary).0 } catch { throw CLIError(error.description) }
    }

    /// The flags as the application layer takes them.
    var input: FilterInput {
        var input = FilterInput()
        input.kinds = MetadataOptions.split(kinds)
        input.languages = MetadataOptions.split(languages)
        input.platforms = MetadataOptions.split(platforms)
        input.topics = MetadataOptions.split(topics)
        input.contentLines = MetadataOptions.split(contentLines)
        input.provinces = MetadataOptions.split(provinces)
        input.agency = agency
        input.from = from
        input.to = to
        input.period = period
        input.digitised = digitised
        input.fieldName = { "--\($0)" }
        return input
    }
}
