import Foundation
import KhoCore
import KhoRepository

/// What an edit did: the product as it is now, and the fields it changed (none: nothing to do).
public struct EditOutcome: Sendable {
    public var product: Product
    public var changes: [MetadataEdit.Change]
}

/// Why an edit was refused before anything was written: every problem, each naming its field.
public struct EditRefused: Error, Sendable, CustomStringConvertible, LocalizedMessage {
    public var id: ProductID
    public var problems: [String]
    public var description: String { message(.english) }
    public func message(_ l: Localizer) -> String {
        ([l("edit.refused", ["id": id.rawValue])] + problems.map { "  - \($0)" }).joined(separator: "\n")
    }
}

extension Repository {
    /// Changes a product's metadata and records a `metadata modification` event. The write checks
    /// that the product is still the revision this edit read: if another writer (a second
    /// archivist, the server) changed it in between, it fails with `CatalogueError.conflict` and
    /// writes nothing, instead of silently undoing the other change.
    public func edit(
        _ id: ProductID, _ edit: MetadataEdit, context: OperationContext,
        flagName: @escaping (String) -> String = { $0 }, beforeWrite: () throws -> Void = {}
    ) throws -> EditOutcome {
        let product = try existingProduct(id)
        let old = product.metadata
        let (input, initialProblems) = edit.input(from: old, flagName: flagName)
        var problems = initialProblems
        var validated: ProductMetadata?
        switch vocabulary.validate(input, fieldName: flagName) {
        case .failure(let failure): problems += failure.problems.map(\.message)
        case .success(let value): validated = value
        }
        guard problems.isEmpty, let new = validated else { throw EditRefused(id: id, problems: problems) }
        let changes = MetadataEdit.changes(from: old, to: new)
        guard !changes.isEmpty else { return EditOutcome(product: product, changes: []) }
        try beforeWrite()
        return try writeChange(product, to: new, changes: changes, context: context)
    }

    /// The product to change, or why there is none: removed (with its tombstone) or unknown.
    func existingProduct(_ id: ProductID) throws -> Product {
        if let product = try catalogue.product(id) { return product }
        if let tombstone = try catalogue.tombstones(since: nil).first(where: { $0.id == id }) {
            throw CatalogueError.removed(tombstone)
        }
        throw CatalogueError.unknownProduct(id)
    }

    /// Writes a metadata change with its event (each field's value before and after, and `extra`),
    /// checking that the product is still the revision read.
    func writeChange(
        _ product: Product, to metadata: ProductMetadata, changes: [MetadataEdit.Change], context: OperationContext,
        extra: [String: String] = [:]
    ) throws -> EditOutcome {
        var detail: [String: String] = [
            "changed": changes.map(\.field).joined(separator: ","), "software": context.software,
        ]
        detail.merge(extra) { _, new in new }
        for change in changes {
            detail["\(change.field).before"] = change.before
            detail["\(change.field).after"] = change.after
        }
        let updated = try withWriteLock {
            try catalogue.update(
                product.id, metadata: metadata,
                event: NewEvent(type: .metadataModification, at: context.now(), agent: context.agent, detail: detail),
                expectedRevision: product.revision)
        }
        return EditOutcome(product: updated, changes: changes)
    }
}
