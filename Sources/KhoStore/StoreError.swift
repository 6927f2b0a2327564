import KhoCore

/// A catalogue operation that cannot be done, with what to do about it.
public enum StoreError: Error, CustomStringConvertible, Sendable {
    case notARepository(path: String)
    case duplicateID(ProductID)
    case database(path: String, message: String)
    /// The catalogue was opened read-only and the command writes.
    case readOnly(path: String)
    /// A catalogue of an older kho, opened read-only: it cannot be migrated.
    case needsUpgrade(path: String)

    public var description: String {
        switch self {
        case .notARepository(let path):
            return
                "\(path): no kho catalogue here; run `kho init` first, or point --repo (or $KHO_REPO) at a repository"
        case .duplicateID(let id):
            return "product \(id): an id that is already taken; run the command again (a new id will be drawn)"
        case .database(let path, let message):
            return "\(path): catalogue error: \(message)"
        case .readOnly(let path):
            return
                "\(path): this repository is read-only for you (read-only media, or no write permission), and this "
                + "command writes to it; commands that only read (list, show, search, log, report, conformance, "
                + "verify --no-record) work as they are, or run this one with write access"
        case .needsUpgrade(let path):
            return
                "\(path): this catalogue was written by an older kho and must be upgraded, which writes; open it once "
                + "with write access (any command, e.g. `kho list`), then it can be read here"
        }
    }
}
