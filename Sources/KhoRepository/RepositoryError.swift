import KhoCore

/// A repository-level problem: a missing repository, bad input to ingest, a refused action.
public enum RepositoryError: Error, CustomStringConvertible, Sendable, LocalizedMessage {
    case notARepository(path: String)
    case cannotCreate(path: String, reason: String)
    /// The file that names a PostgreSQL catalogue does not hold a usable URL.
    case badCatalogueURL(path: String, reason: String)
    /// The repository is read-only for this user and the command writes.
    case readOnly(path: String)
    /// Every problem found in the input, each already naming its file, row and field.
    case invalidInput(summary: String, problems: [String])
    case duplicate(path: String, existing: [ProductID])
    /// The file system holding the repository has less free space than the command needs.
    case noSpace(path: String, needed: Int64, free: Int64, files: Int)

    public var description: String { message(.english) }

    public func message(_ l: Localizer) -> String {
        switch self {
        case .notARepository(let path): return l("repository.not_a_repository", ["path": path])
        case .cannotCreate(let path, let reason): return l("repository.cannot_create", ["path": path, "reason": reason])
        case .readOnly(let path): return l("repository.read_only", ["path": path])
        case .badCatalogueURL(let path, let reason):
            return l("repository.bad_catalogue_url", ["path": path, "reason": reason])
        case .invalidInput(let summary, let problems):
            return ([summary] + problems.map { "  - \($0)" }).joined(separator: "\n")
        case .noSpace(let path, let needed, let free, let files):
            return l(
                "repository.no_space",
                ["path": path, "needed": l.bytes(needed), "free": l.bytes(free), "files": l.integer(files)])
        case .duplicate(let path, let existing):
            return l(
                "repository.duplicate",
                ["path": path, "existing": existing.map(\.rawValue).joined(separator: ", ")])
        }
    }
}
