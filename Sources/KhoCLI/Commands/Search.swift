import ArgumentParser
import Foundation
import KhoCore
import KhoRepository

struct Search: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Full-text search over titles, descriptions and agencies.",
        discussion: """
            Every word must match. Matching ignores case and diacritics, NFC or NFD input, and reads 'đ' as \
            'd': "quyen tre em" finds "Quyền trẻ em", "dan toc" finds "dân tộc". End the query with * to \
            match the last word as a prefix. Filters combine with the query.

            Examples:
              kho search "quyen tre em"
              kho search "đồng bào" --lang jra --province gia-lai --json
              kho search "quyen tre em" --csv > ket-qua.csv
            """)

    @OptionGroup var repository: RepositoryOptions

    @Argument(help: "The words to find.")
    var query: String

    @OptionGroup(title: "Filters") var filters: FilterOptions

    @OptionGroup var output: OutputOptions

    @Option(help: "Show at most this many products.")
    var limit = 50

    func validate() throws {
        if limit < 1 { throw ValidationError("--limit must be 1 or more") }
    }

    func run() throws {
        let repo = try repository.open()
        guard !TextFolding.searchTerms(query).isEmpty else {
            throw CLIError(Output.l("search.no_words", ["query": query]))
        }
        let filter = try filters.filter(repo.vocabulary)
        let started = Date()
        let hits = try repo.catalogue.search(query, filter: filter, limit: limit)
        if ProcessInfo.processInfo.environment["KHO_TIMING"] != nil {
            Output.note(String(format: "timing: search %.2f ms", Date().timeIntervalSince(started) * 1000))
        }
        // Best first in every form.
        if try !output.print(hits.map(\.product), vocabulary: repo.vocabulary) {
            for line in ProductText.lines(hits.map(\.product), vocabulary: repo.vocabulary) { Output.line(line) }
            Output.note(
                Output.l("search.count", ["count": Output.l.integer(hits.count)])
                    + (hits.count == limit ? Output.l("search.more", ["count": Output.l.integer(limit)]) : ""))
        }
    }
}
