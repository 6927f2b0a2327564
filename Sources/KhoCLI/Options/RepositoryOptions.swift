import ArgumentParser
import Foundation
import KhoApp
import KhoRepository

/// `--repo`: which repository a command works on.
struct RepositoryOptions: ParsableArguments {
    @Option(
        name: .customLong("repo"),
        help: ArgumentHelp("The repository folder (default: $KHO_REPO, else ./storage).", valueName: "dir"))
    var path: String?

    /// The folder named by --repo, $KHO_REPO, or `storage`.
    var resolvedPath: String {
        let chosen =
            path ?? ProcessInfo.processInfo.environment["KHO_REPO"].flatMap { $0.isEmpty ? nil : $0 } ?? "storage"
        return chosen.count > 1 && chosen.hasSuffix("/") ? String(chosen.dropLast()) : chosen
    }

    /// The application layer's operations on an open repository.
    func operations(_ repository: Repository) -> Operations {
        Operations(queries: repository.queries, vocabulary: repository.vocabulary, context: Environment.context)
    }

    func open() throws -> Repository {
        let repository = try Repository(path: resolvedPath)
        Output.useLanguage(of: repository)
        repository.onLockWait = { Output.note($0) }
        return repository
    }
}
