import ArgumentParser
import KhoCore
import KhoRepository

struct Config: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Read and change the repository's settings.",
        discussion: """
            Settings: base-url, the address public links and QR codes start with (`<base-url>/p/<id>`); \
            language, the language of reports and messages: vi (Vietnamese, the default) or en (English). \
            KHO_LANG=vi|en overrides it for one command.

            Examples:
              kho config set base-url https://kho.example.gov.vn
              kho config set language en
              kho config get base-url
              kho config list
            """,
        subcommands: [Get.self, Set.self, Unset.self, List.self])

    static let keys = ["base-url", "language"]

    /// The value stored for a setting, checked.
    static func checked(_ key: String, _ value: String) throws -> String {
        switch key {
        case "language":
            guard let language = DisplayLanguage(code: value) else {
                throw CLIError(Output.l("config.bad_language", ["value": value]))
            }
            return language.rawValue
        default:
            switch PublicLink.validate(value) {
            case .failure(let problem): throw CLIError(problem.message)
            case .success(let url): return url
            }
        }
    }

    /// What a setting is when it is not set.
    static let defaults = ["language": DisplayLanguage.vi.rawValue]

    static func check(_ key: String) throws {
        guard keys.contains(key) else {
            throw CLIError(Output.l("config.unknown", ["key": key, "keys": keys.joined(separator: ", ")]))
        }
    }

    struct Get: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "get", abstract: "Print a setting.")
        @OptionGroup var repository: RepositoryOptions
        @Argument var key: String
        func run() throws {
            try Config.check(key)
            guard let value = try repository.open().catalogue.setting(key) ?? Config.defaults[key] else {
                throw CLIError(Output.l("config.not_set", ["key": key]))
            }
            Output.line(value)
        }
    }

    struct Set: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "set", abstract: "Change a setting.")
        @OptionGroup var repository: RepositoryOptions
        @Argument var key: String
        @Argument var value: String
        func run() throws {
            try Config.check(key)
            let checked = try Config.checked(key, value)
            let repo = try repository.open()
            try repo.lockForWriting()
            try repo.catalogue.setSetting(key, value: checked)
            Output.line("\(key) = \(checked)")
        }
    }

    struct Unset: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "unset", abstract: "Remove a setting.")
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
        static let configuration = CommandConfiguration(commandName: "list", abstract: "Print every setting.")
        @OptionGroup var repository: RepositoryOptions
        func run() throws {
            let repo = try repository.open()
            for key in Config.keys {
                let value = try repo.catalogue.setting(key) ?? Config.defaults[key].map { Output.l("config.default", ["value": $0]) }
                    ?? Output.l("config.unset_value")
                Output.line("\(key) = \(value)")
            }
        }
    }
}
