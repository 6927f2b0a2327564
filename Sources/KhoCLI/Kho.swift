import ArgumentParser
import KhoCore
import Foundation

/// `kho`: the content-product catalogue and digitisation repository.
public struct Kho: AsyncParsableCommand {
    public static let version = "0.1.0"

    public static let configuration = CommandConfiguration(
        commandName: "kho",
        abstract: "Catalogue, store and audit communication products (articles, radio, video, books, e-books, photos).",
        discussion: """
            kho keeps a repository: a catalogue (SQLite) of products with their language, format, platform, topic, agency and province, and a content store of their files, each stored once under its SHA-256. The repository is ./storage unless --repo or $KHO_REPO says otherwise.

            Examples:
              kho init
              kho ingest reportage.mp3 --kind radio-report --lang jra \\
                  --platform district-radio --topic icerd --province gia-lai
              kho ingest ./incoming --manifest incoming/manifest.csv
              kho search "quyen tre em" --kind book
            """,
        version: version,
        subcommands: [
            Init.self, Ingest.self, Register.self, Attach.self, Detach.self, Show.self, List.self, Search.self, Edit.self,
            Vocab.self, Verify.self, Characterise.self, Conformance.self, Log.self, Quarantine.self, Restore.self,
            Report.self, Config.self, QR.self, Ebook.self, Export.self, Import.self, Bundle.self, Remove.self, Serve.self,
            Doctor.self, CatalogueCommand.self, ExhibitionCommand.self,
        ]
    )

    public init() {}

    /// Runs the command; an error kho can say in the reader's language is printed in it (with the
    /// same exit code), any other (usage errors, help) as ArgumentParser prints it.
    public static func main() async {
        Localizer.current = .builtIn(
            DisplayLanguage.resolve(environment: ProcessInfo.processInfo.environment["KHO_LANG"], setting: nil))
        do {
            var command = try parseAsRoot()
            if var asynchronous = command as? any AsyncParsableCommand {
                try await asynchronous.run()
            } else {
                try command.run()
            }
        } catch {
            if let localized = error as? any LocalizedMessage {
                let l = Output.l
                FileHandle.standardError.write(Data("\(l("error.prefix")) \(localized.message(l))\n".utf8))
                Foundation.exit(exitCode(for: error).rawValue)
            }
            exit(withError: error)
        }
    }
}
