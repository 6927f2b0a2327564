import ArgumentParser
import KhoCore
import KhoRepository

struct Config: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Read and change the repository's settings.",
        discussion: """
            Settings: base-url, the address public links and QR codes start with (`<base-url>/p/<id>`).

            Examples:
              kho config set base-url https://kho.example.gov.vn
              kho config get base-url
              kho config list
            """,
        subcommands: [Get.self, Set.self, Unset.self, List.self])

    static let keys = ["base-url"]

    static func check(_ key: String) throws {
        guard keys.contains(key) else {
            throw CLIError("unknown setting '\(key)'; the settings are \(keys.joined(separator: ", "))")
        }
    }

    struct Get: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print a setting.")
        @OptionGroup var repository: RepositoryOptions
        @Argument var key: String
        func run() throws {
            try Config.check(key)
            guard let value = try repository.open().catalogue.setting(key) else {
                throw CLIError("\(key) is not set; `kho config set \(key) VALUE` sets it")
            }
            Output.line(value)
        }
    }

    struct Set: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change a setting.")
        @OptionGroup var repository: RepositoryOptions
        @Argument var key: String
        @Argument var value: String
        func run() throws {
            try Config.check(key)
            let checked: String
            switch PublicLink.validate(value) {
            case .failure(let problem): throw CLIError(problem.message)
            case .success(let url): checked = url
            }
            let repo = try repository.open()
            try repo.lockForWriting()
            try repo.catalogue.setSetting(key, value: checked)
            Output.line("\(key) = \(checked)")
        }
    }

    struct Unset: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a setting.")
        @OptionGroup var repository: RepositoryOptions
        @Argument var key: String
        func run() throws {
            try Config.check(key)
            let repo = try repository.open()
            try repo.lockForWriting()
            try repo.catalogue.setSetting(key, value: nil)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print every setting.")
        @OptionGroup var repository: RepositoryOptions
        func run() throws {
            let repo = try repository.open()
            for key in Config.keys { Output.line("\(key) = \(try repo.catalogue.setting(key) ?? "(not set)")") }
        }
    }
}
