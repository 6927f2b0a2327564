import ArgumentParser
import KhoCore

/// The flags that describe a product; named after the manifest's columns.
struct MetadataOptions: ParsableArguments {
    @Option(help: "The product's title (NFC-normalised when stored).")
    var title: String?

    @Option(help: "A longer description.")
    var description: String?

    @Option(
        help: ArgumentHelp(
            "The kind of product, e.g. article, radio-report, book, ebook (see `kho vocab kinds`).", valueName: "kind"))
    var kind: String?

    @Option(
        name: .customLong("lang"),
        help: ArgumentHelp(
            "A language as a BCP 47 tag, optionally with its role: jra, vi, km:foreign (repeat, or separate with commas).",
            valueName: "code[:role]"))
    var languages: [String] = []

    @Option(
        name: .customLong("platform"),
        help: ArgumentHelp(
            "A platform, e.g. district-radio, website (repeat, or separate with commas).", valueName: "code"))
    var platforms: [String] = []

    @Option(
        name: .customLong("topic"),
        help: ArgumentHelp(
            "A topic, e.g. icerd, crc, trafficking (repeat, or separate with commas).", valueName: "code"))
    var topics: [String] = []

    @Option(help: ArgumentHelp("The content line: education, achievements or rebuttal.", valueName: "code"))
    var contentLine: String?

    @Option(help: "The producing agency, e.g. \"Đài PT-TH Gia Lai\".")
    var agency: String?

    @Option(
        help: ArgumentHelp(
            "The province, as a code (gia-lai), a name, or a code fixed to a set (binh-dinh@2022, gia-lai@2025).",
            valueName: "code"))
    var province: String?

    @Option(help: ArgumentHelp("The date produced: YYYY-MM-DD, YYYY-MM or YYYY.", valueName: "date"))
    var produced: String?

    @Option(help: ArgumentHelp("The date published: YYYY-MM-DD, YYYY-MM or YYYY.", valueName: "date"))
    var published: String?

    @Option(
        help: ArgumentHelp(
            "The funding source: state-budget, socialised, foreign-sponsor, mixed, other.", valueName: "code"))
    var funding: String?

    @Option(
        help: ArgumentHelp(
            "The licence: cc-by-4.0, cc-by-sa-4.0, cc-by-nc-4.0, cc0-1.0, public-domain, all-rights-reserved… (kho vocab licences).",
            valueName: "code"))
    var rights: String?

    @Flag(
        name: .customLong("private"),
        help: "Keep the product private: `kho serve` does not show it (products are public by default).")
    var isPrivate = false

    /// The flags as unchecked metadata.
    var input: MetadataInput {
        var input = MetadataInput()
        input.title = title
        input.description = description
        input.kind = kind
        input.languages = Self.split(languages)
        input.platforms = Self.split(platforms)
        input.topics = Self.split(topics)
        input.contentLine = contentLine
        input.agency = agency
        input.province = province
        input.produced = produced
        input.published = published
        input.funding = funding
        input.rights = rights
        input.isPublic = isPrivate ? "no" : nil
        return input
    }

    /// Values given as repeated flags, or separated by commas or semicolons.
    static func split(_ values: [String]) -> [String] {
        values.flatMap { $0.split(whereSeparator: { $0 == "," || $0 == ";" }) }.map {
            $0.trimmingCharacters(in: .whitespaces)
        }.filter { !$0.isEmpty }
    }
}
