import ArgumentParser
import Foundation
import KhoCore
import KhoRepository

struct Vocab: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vocab",
        abstract:
            "Show the controlled vocabularies: kinds, platforms, languages, topics, content-lines, funding, provinces.",
        discussion: """
            Codes come from catalogue-schema/vocabularies/, extended by the repository's own vocabulary/ \
            folder (see its README). Without a name, lists the vocabularies.

            Examples:
              kho vocab platforms
              kho vocab provinces
              kho vocab languages --json
              kho vocab languages --all
            """)

    @OptionGroup var repository: RepositoryOptions

    @Argument(help: "The vocabulary to show.")
    var name: String?

    @Flag(help: "Print JSON.")
    var json = false

    @Flag(help: "languages: every language of ISO 639-3, not only Viet Nam's and the chosen ones.")
    var all = false

    func run() throws {
        // A repository's extensions count when there is one; the built-in vocabularies otherwise.
        let vocabulary = try (try? repository.open().vocabulary) ?? Vocabulary.builtIn()
        guard let name else {
            let counts = vocabulary.entryCounts
            if json {
                try Output.json(
                    Vocabulary.allNames.map {
                        ["name": $0, "version": vocabulary.versions[$0] ?? "", "entries": String(counts[$0] ?? 0)]
                    })
            } else {
                for line in Output.table(
                    Vocabulary.allNames.map {
                        [$0, "\(counts[$0] ?? 0) entries", "version \(vocabulary.versions[$0] ?? "?")"]
                    })
                {
                    Output.line(line)
                }
            }
            return
        }
        switch name {
        case "kinds":
            try show(vocabulary.kinds) {
                [$0.code, $0.label, $0.labelVi, $0.digital ? "digital" : "", $0.bookTitle ? "book title" : ""]
            }
        case "platforms":
            try show(vocabulary.platforms) { [$0.code, $0.label, $0.labelVi, $0.digital ? "digital" : "not digital"] }
        case "languages":
            try show(all ? vocabulary.allLanguages : vocabulary.languages) {
                [$0.code, $0.label, $0.labelVi, $0.role.rawValue, $0.groups.map { "(\($0.joined(separator: ", ")))" } ?? ""]
            }
            if !all && !json {
                Output.note(
                    Output.l(
                        "vocab.more_languages",
                        ["count": Output.l.integer(vocabulary.allLanguages.count - vocabulary.languages.count)]))
            }
        case "topics":
            try show(vocabulary.topics) { [$0.code, $0.label, "lead: \($0.leadAgency)"] }
        case "content-lines":
            try show(vocabulary.contentLines) { [$0.code, $0.label, $0.labelVi] }
        case "funding":
            try show(vocabulary.funding) { [$0.code, $0.label, $0.labelVi] }
        case "countries":
            try show(vocabulary.countries) { [$0.code, $0.label, $0.labelVi] }
        case "licences":
            try show(vocabulary.licences) { licence in
                let may = [
                    licence.share ? "share" : nil, licence.adapt ? "adapt" : nil,
                    licence.commercial ? "commercial" : nil,
                ].compactMap { $0 }
                return [licence.code, licence.label, may.isEmpty ? "no re-use" : may.joined(separator: ", ")]
            }
        case "retention":
            try show(vocabulary.retention) { rule in
                [
                    rule.code, rule.label, "funding: " + (rule.funding?.joined(separator: ", ") ?? "any"),
                    "kinds: " + (rule.kinds?.joined(separator: ", ") ?? "any"),
                ]
            }
        case "provinces":
            if json {
                try Output.json(["units2022": vocabulary.units2022, "units2025": vocabulary.units2025])
            } else {
                Output.line(
                    "Units since the merger of \(vocabulary.mergerDate) (34), with the 2022 units they were formed from:"
                )
                let names = Dictionary(uniqueKeysWithValues: vocabulary.units2022.map { ($0.code, $0.name) })
                for line in Output.table(
                    vocabulary.units2025.map { unit in
                        [
                            unit.code, unit.name,
                            "← "
                                + (unit.formerUnits ?? []).map { "\(names[$0] ?? $0) (\($0))" }.joined(separator: ", "),
                        ]
                    })
                {
                    Output.line("  " + line)
                }
            }
        default:
            throw CLIError(
                "no vocabulary named '\(name)'; the vocabularies are \(Vocabulary.allNames.joined(separator: ", "))")
        }
    }

    private func show<T: Encodable>(_ entries: [T], row: (T) -> [String]) throws {
        if json {
            try Output.json(entries)
        } else {
            for line in Output.table(entries.map(row)) { Output.line(line) }
        }
    }
}
