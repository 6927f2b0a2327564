import ArgumentParser
import KhoCore

/// `--json` / `--csv` / `--ids`: machine-readable output instead of text for people.
struct OutputOptions: ParsableArguments {
    @Flag(help: "Print JSON (stable, documented in the README).")
    var json = false

    @Flag(help: "Print CSV (UTF-8, header row).")
    var csv = false

    @Flag(help: "Print only the ids, one per line (for scripts: kho show $(kho list --ids | head -1)).")
    var ids = false

    func validate() throws {
        if [json, csv, ids].filter({ $0 }).count > 1 {
            throw ValidationError("--json, --csv and --ids cannot be used together; choose one")
        }
    }

    /// Prints products in the chosen form; false when the caller prints text for people.
    func print(_ products: [Product], vocabulary: Vocabulary) throws -> Bool {
        if json {
            try Output.json(products.map { ProductRecord($0, vocabulary: vocabulary) })
        } else if csv {
            try Output.csv(
                header: ProductText.csvHeader, rows: products.map { ProductText.csvRow($0, vocabulary: vocabulary) })
        } else if ids {
            if !products.isEmpty { Output.line(products.map(\.id.rawValue).joined(separator: "\n")) }
        } else {
            return false
        }
        return true
    }
}
