import ArgumentParser
import KhoRepository

struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create a repository (default ./storage, or --repo DIR / $KHO_REPO).",
        discussion: """
            Creates the catalogue, the content store and a vocabulary/ folder for local extensions. Running \
            it on an existing repository changes nothing.

            Examples:
              kho init
              kho init --repo ~/kho/gia-lai
            """)

    @OptionGroup var repository: RepositoryOptions

    func run() throws {
        let path = repository.resolvedPath
        if try Repository.create(at: path, now: Environment.now()) {
            Output.line(Output.l("init.created", ["path": path]))
        } else {
            Output.line(Output.l("init.exists", ["path": path]))
        }
    }
}
