import KhoCore

/// A catalogue operation that cannot be done, with what to do about it.
public enum StoreError: Error, CustomStringConvertible, Sendable {
    case notARepository(path: String)
    case duplicateID(ProductID)
    case database(path: String, message: String)

    public var description: String {
        switch self {
        case .notARepository(let path):
            return
                "\(path): no kho catalogue here; run `kho init` first, or point --repo (or $KHO_REPO) at a repository"
        case .duplicateID(let id):
            return "product \(id): an id that is already taken; run the command again (a new id will be drawn)"
        case .database(let path, let message):
            return "\(path): catalogue error: \(message)"
        }
    }
}
