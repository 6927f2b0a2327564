import Foundation
import KhoCore
import KhoRepository

/// What `detach` did.
public struct DetachOutcome: Sendable {
    public var product: Product
    public var file: StoredFile
    /// Other products that still hold the same content.
    public var stillHeldBy: [ProductID]
}

/// Why a correction could not be made; nothing was written.
public enum CorrectionRefused: Error, Sendable, Equatable, CustomStringConvertible, LocalizedMessage {
    case ambiguousFile(id: ProductID, file: String, matches: [String])
    case nothingToUndo(ProductID)
    case changedSince(id: ProductID, field: String, expected: String, found: String)
    case undoInvalid(id: ProductID, problems: [String])

    public var description: String { message(.english) }

    public func message(_ l: Localizer) -> String {
        switch self {
        case .ambiguousFile(let id, let file, let matches):
            return l("correction.ambiguous_file", ["id": id.rawValue, "file": file, "matches": matches.joined(separator: ", ")])
        case .nothingToUndo(let id): return l("correction.nothing_to_undo", ["id": id.rawValue])
        case .changedSince(let id, let field, let expected, let found):
            return l(
                "correction.changed_since", ["id": id.rawValue, "field": field, "expected": expected, "found": found])
        case .undoInvalid(let id, let problems):
            return ([l("correction.undo_invalid", ["id": id.rawValue])] + problems.map { "  - \($0)" })
                .joined(separator: "\n")
        }
    }
}

extension Repository {
    /// Takes a wrongly attached file off a product: named by its SHA-256 (or a unique prefix of at
    /// least 8 digits) or its original name. The stored object stays in the store (content is
    /// never destroyed by a correction); the change is a `metadata modification` event.
    public func detach(_ id: ProductID, file: String, context: OperationContext) throws -> DetachOutcome {
        let product = try existingProduct(id)
        let wanted = file.lowercased()
        var matches = product.files.filter { $0.object.sha256 == wanted }
        if matches.isEmpty, wanted.count >= 8, wanted.allSatisfy(\.isHexDigit) {
            matches = product.files.filter { $0.object.sha256.hasPrefix(wanted) }
        }
        if matches.isEmpty {
            let name = TextFolding.normalized(file.fileName)
            matches = product.files.filter { $0.originalName == name }
        }
        guard let chosen = matches.first else { throw CatalogueError.notAttached(id: id, file: file) }
        guard matches.count == 1 else {
            throw CorrectionRefused.ambiguousFile(
                id: id, file: file, matches: matches.map { "\($0.originalName) \($0.object.sha256.prefix(12))…" })
        }
        let detail = [
            "action": "detach", "sha256": chosen.object.sha256, "file": chosen.originalName,
            "role": chosen.role.rawValue, "changed": "files", "software": context.software,
        ]
        let updated = try withWriteLock {
            try catalogue.detach(
                chosen.object.sha256, from: id,
                event: NewEvent(type: .metadataModification, at: context.now(), agent: context.agent, detail: detail),
                expectedRevision: product.revision)
        }
        let holders = (try catalogue.products(holding: [chosen.object.sha256])[chosen.object.sha256] ?? [])
        return DetachOutcome(product: updated, file: chosen, stillHeldBy: holders)
    }

    /// Reverts the last metadata change of a product from its event's before-values, as a new
    /// `metadata modification` event that names the one it undoes. Refused if a field it would
    /// restore was changed again since (by an import, say), or if the old values no longer validate.
    public func undoLastEdit(_ id: ProductID, context: OperationContext) throws -> EditOutcome {
        let product = try existingProduct(id)
        guard
            let last = try catalogue.events(for: id).last(where: {
                $0.type == .metadataModification && $0.detail["action"] == nil && $0.detail["changed"] != nil
            })
        else { throw CorrectionRefused.nothingToUndo(id) }
        let fields = (last.detail["changed"] ?? "").split(separator: ",").map(String.init)
        let old = product.metadata
        let now = MetadataEdit.values(of: old)
        var (input, _) = MetadataEdit().input(from: old, flagName: { $0 })
        for field in fields {
            let before = last.detail["\(field).before"] ?? ""
            let after = last.detail["\(field).after"] ?? ""
            let current = now[field] ?? ""
            guard current == after else {
                throw CorrectionRefused.changedSince(id: id, field: field, expected: after, found: current)
            }
            let value: String? = before.isEmpty ? nil : before
            func list(_ text: String) -> [String] { text.split(separator: ";").map(String.init) }
            switch field {
            case "title": input.title = before
            case "description": input.description = value
            case "kind": input.kind = before
            case "languages": input.languages = list(before)
            case "platforms": input.platforms = list(before)
            case "topics": input.topics = list(before)
            case "content_line": input.contentLine = value
            case "agency": input.agency = value
            case "province": input.province = value
            case "produced": input.produced = value
            case "published": input.published = value
            case "funding": input.funding = value
            case "rights": input.rights = value
            case "public": input.isPublic = before
            default: continue
            }
        }
        let restored: ProductMetadata
        switch vocabulary.validate(input) {
        case .failure(let failure): throw CorrectionRefused.undoInvalid(id: id, problems: failure.problems.map(\.message))
        case .success(let value): restored = value
        }
        let changes = MetadataEdit.changes(from: old, to: restored)
        guard !changes.isEmpty else { return EditOutcome(product: product, changes: []) }
        return try writeChange(
            product, to: restored, changes: changes, context: context, extra: ["undoes": String(last.sequence)])
    }
}
