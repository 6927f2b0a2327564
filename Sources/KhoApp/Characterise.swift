import Foundation
import KhoCore
import KhoFormats
import KhoRepository

/// What a characterisation read and wrote.
public struct CharacteriseOutcome: Sendable {
    /// The metadata read, by SHA-256.
    public var results: [String: TechnicalMetadata]
    /// Objects whose metadata was already made by this version of the characteriser.
    public var upToDate: Int
    /// Objects the catalogue lists but the store does not hold (for `kho verify` to explain).
    public var missing: [String]
}

extension Repository {
    /// Reads the technical metadata of a product's stored files (or every file), skipping those
    /// this version of the characteriser already read unless `all`; then records the metadata and
    /// a `metadata extraction` event per object in one transaction, under the write lock.
    public func characterise(_ id: ProductID?, all: Bool, context: OperationContext) throws -> CharacteriseOutcome {
        if isReadOnly { throw RepositoryError.readOnly(path: path) }
        let objects = try catalogue.objects(of: id)
        let existing = try catalogue.technicalMetadata(for: objects.map(\.object.sha256))
        let todo = objects.filter { all || existing[$0.object.sha256]?.tool != Characteriser.version }
        let characteriser = Characteriser()
        var results: [String: TechnicalMetadata] = [:]
        var missing: [String] = []
        for status in todo {
            let path = store.path(for: status.object.sha256)
            guard FileManager.default.fileExists(atPath: path) else {
                missing.append(status.object.sha256)
                continue
            }
            results[status.object.sha256] = characteriser.characterise(path: path, mime: status.object.mime)
        }
        try withWriteLock {
            try catalogue.setTechnicalMetadata(
                results, tool: Characteriser.version, at: context.now(), agent: context.agent)
        }
        return CharacteriseOutcome(results: results, upToDate: objects.count - todo.count, missing: missing)
    }
}
