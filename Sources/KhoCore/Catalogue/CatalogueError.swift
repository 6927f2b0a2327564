import Foundation

/// What a catalogue operation can refuse, as data: each front door (the CLI, the web server)
/// turns a case into its own words and status (an exit code, an HTTP status) at its edge.
public enum CatalogueError: Error, Sendable, Equatable, CustomStringConvertible {
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

    public var description: String {
        switch self {
        case .unknownProduct(let id):
            return "product \(id): not in this catalogue; `kho list` or `kho search` shows the products there are"
        case .removed(let tombstone):
            return "product \(tombstone.id): removed on \(Timestamp.string(tombstone.removedAt)) by "
                + "\(tombstone.agent): \(tombstone.reason)"
        case .conflict(let id, let expected, let found):
            return "product \(id) was changed by another command while this one ran (revision \(expected) was read, "
                + "\(found) is stored); nothing was written: run the command again on the current record"
        case .alreadyAttached(let id, let sha256, let source):
            return "\(source): product \(id) already has this file (SHA-256 \(sha256)); nothing was written"
        case .notAttached(let id, let file):
            return "\(file): product \(id) has no such file; `kho show \(id)` lists its files (by name and SHA-256)"
        }
    }
}
