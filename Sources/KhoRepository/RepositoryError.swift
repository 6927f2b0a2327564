import KhoCore

/// A repository-level problem: a missing repository, bad input to ingest, a refused action.
public enum RepositoryError: Error, CustomStringConvertible, Sendable {
    case notARepository(path: String)
    case cannotCreate(path: String, reason: String)
    /// The repository is read-only for this user and the command writes.
    case readOnly(path: String)
    /// Every problem found in the input, each already naming its file, row and field.
    case invalidInput(summary: String, problems: [String])
    case duplicate(path: String, existing: [ProductID])

    public var description: String {
        switch self {
        case .notARepository(let path):
            return "\(path): not a kho repository; run `kho init` (or `kho init --repo \(path)`) first, "
                + "or point --repo / $KHO_REPO at an existing one"
        case .cannotCreate(let path, let reason):
            return "\(path): cannot create the repository: \(reason)"
        case .readOnly(let path):
            return
                "\(path): this repository is read-only for you (read-only media, or no write permission), and this "
                + "command writes to it; commands that only read (list, show, search, log, report, conformance, "
                + "verify --no-record) work as they are, or run this one with write access"
        case .invalidInput(let summary, let problems):
            return ([summary] + problems.map { "  - \($0)" }).joined(separator: "\n")
        case .duplicate(let path, let existing):
            return "\(path): the same content is already stored as "
                + existing.map(\.rawValue).joined(separator: ", ")
                + "; nothing was written. Use --on-duplicate skip to pass over it or link to register it again"
        }
    }
}
