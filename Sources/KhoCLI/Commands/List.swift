import ArgumentParser
import KhoCore
import KhoRepository

struct List: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List products, filtered by kind, language, platform, topic, province, agency or date.",
        discussion: """
            Filters of different kinds must all match; repeating one (or giving commas) matches any of its \
            values. --province with a current unit includes the 2022 units merged into it.

            Examples:
              kho list --kind radio-report --lang jra
              kho list --province gia-lai --from 2024-01 --to 2024-06 --csv > gia-lai.csv
              kho list --no-digitised --json
            """)

    @OptionGroup var repository: RepositoryOptions
    @OptionGroup(title: "Filters") var filters: FilterOptions
    @OptionGroup var output: OutputOptions

    @Option(help: "Show at most this many products.")
    var limit: Int?

    func validate() throws {
        if let limit, limit < 0 { throw ValidationError("--limit must be 0 or more") }
    }

    func run() throws {
        let repo = try repository.open()
        let filter = try filters.filter(repo.vocabulary)
        let products = try repo.catalogue.products(matching: filter, limit: limit)
        if try !output.print(products, vocabulary: repo.vocabulary) {
            for line in ProductText.lines(products, vocabulary: repo.vocabulary) { Output.line(line) }
            let total = limit == nil ? products.count : try repo.catalogue.count(matching: filter)
            Output.note(
                Output.l("list.count", ["count": Output.l.integer(total)])
                    + (products.count < total ? Output.l("list.shown", ["count": Output.l.integer(products.count)]) : ""))
        }
    }
}
