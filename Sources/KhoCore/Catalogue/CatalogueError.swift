import Foundation

/// What a catalogue operation can refuse, as data: each front door (the CLI, the web server)
/// turns a case into its own words and status (an exit code, an HTTP status) at its edge.
public enum CatalogueError: Error, Sendable, Equatable, CustomStringConvertible, LocalizedMessage {
    /// No product has this id (or, for the public, none that may be shown).
    case unknownProduct(ProductID)
    /// The product was removed; its tombstone says when and why.
    case removed(Tombstone)
    /// Another write changed the product after this one read it: nothing was written.
    case conflict(id: ProductID, expected: Int, found: Int)
    /// The product already holds this object: attaching it again would change nothing.
    case alreadyAttached(id: ProductID, sha256: String, source: String)
    /// The product holds no file with this SHA-256 (or name).
    case notAttached(id: ProductID, file: String)

    public var description: String { message(.english) }

    public func message(_ l: Localizer) -> String {
        switch self {
        case .unknownProduct(let id): return l("catalogue.unknown", ["id": id.rawValue])
        case .removed(let tombstone):
            return l(
                "catalogue.removed",
                [
                    "id": tombstone.id.rawValue, "at": Timestamp.string(tombstone.removedAt), "agent": tombstone.agent,
                    "reason": tombstone.reason,
                ])
        case .conflict(let id, let expected, let found):
            return l("catalogue.conflict", ["id": id.rawValue, "expected": String(expected), "found": String(found)])
        case .alreadyAttached(let id, let sha256, let source):
            return l("catalogue.already_attached", ["id": id.rawValue, "sha256": sha256, "source": source])
        case .notAttached(let id, let file):
            return l("catalogue.not_attached", ["id": id.rawValue, "file": file])
        }
    }
}
