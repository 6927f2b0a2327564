import KhoCore

/// A catalogue operation that cannot be done, with what to do about it.
public enum StoreError: Error, CustomStringConvertible, Sendable, LocalizedMessage {
    case notARepository(path: String)
    case duplicateID(ProductID)
    case database(path: String, message: String)
    /// The catalogue was opened read-only and the command writes.
    case readOnly(path: String)
    /// A catalogue of an older kho, opened read-only: it cannot be migrated.
    case needsUpgrade(path: String)
    /// The file system holding the catalogue is full: SQLite can neither write it nor, in WAL
    /// mode, open it (its shared-memory file must grow).
    case diskFull(path: String, free: Int64)

    public var description: String { message(.english) }

    public func message(_ l: Localizer) -> String {
        switch self {
        case .notARepository(let path): return l("store.not_a_repository", ["path": path])
        case .duplicateID(let id): return l("store.duplicate_id", ["id": id.rawValue])
        case .database(let path, let message): return l("store.database", ["path": path, "message": message])
        case .readOnly(let path): return l("repository.read_only", ["path": path])
        case .needsUpgrade(let path): return l("store.needs_upgrade", ["path": path])
        case .diskFull(let path, let free): return l("store.disk_full", ["path": path, "free": l.bytes(free)])
        }
    }
}
