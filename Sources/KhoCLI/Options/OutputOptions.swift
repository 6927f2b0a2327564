import ArgumentParser

/// `--json` / `--csv`: machine-readable output instead of text for people.
struct OutputOptions: ParsableArguments {
    @Flag(help: "Print JSON (stable, documented in the README).")
    var json = false

    @Flag(help: "Print CSV (UTF-8, header row).")
    var csv = false

    func validate() throws {
        if json && csv { throw ValidationError("--json and --csv cannot be used together; choose one") }
    }
}
