import Crypto
import Foundation
import KhoCore
import KhoPostgres
import KhoStore

/// Where `kho catalogue copy` writes a catalogue.
public enum CatalogueTarget: Sendable, CustomStringConvertible {
    case postgres(PostgresLocation)
    case sqlite(path: String)

    public var description: String {
        switch self {
        case .postgres(let location): return location.description
        case .sqlite(let path): return path
        }
    }
}

/// A copy made, and what it was checked against: each table's rows and digest, in both.
public struct CatalogueCopyResult: Sendable {
    public struct Table: Sendable {
        public let name: String
        public let source: TableDigest
        public let target: TableDigest
        public var same: Bool { source == target }
    }
    public let tables: [Table]
    public var identical: Bool { tables.allSatisfy(\.same) }
}

/// Why a copy was refused or failed, with what to do.
public enum CatalogueCopyError: Error, CustomStringConvertible, Sendable, LocalizedMessage {
    case targetExists(String)
    case targetNotEmpty(String, products: Int)
    case notCopyable(String)
    case mismatch(String, tables: [String])

    public var description: String { message(.english) }

    public func message(_ l: Localizer) -> String {
        switch self {
        case .targetExists(let target): return l("catalogue_copy.target_exists", ["target": target])
        case .targetNotEmpty(let target, let products):
            return l("catalogue_copy.target_not_empty", ["target": target, "products": l.integer(products)])
        case .notCopyable(let source): return l("catalogue_copy.not_copyable", ["source": source])
        case .mismatch(let target, let tables):
            return l("catalogue_copy.mismatch", ["target": target, "tables": tables.joined(separator: ", ")])
        }
    }
}

extension Repository {
    /// Copies this repository's catalogue, every table of it (products, files, events, fixity
    /// checks, technical metadata, tombstones, settings, bundles, repairs), to `target`, which must
    /// be new or empty; then reads both again and compares every table's row count and SHA-256.
    /// Holds the write lock, so that nothing changes the catalogue while it is copied.
    public func copyCatalogue(to target: CatalogueTarget, now: Date) throws -> CatalogueCopyResult {
        guard let source = catalogue as? any CatalogueTransfer else {
            throw CatalogueCopyError.notCopyable(catalogueLocation)
        }
        return try withWriteLock {
            let destination: any CatalogueTransfer & Catalogue
            switch target {
            case .sqlite(let path):
                if FileManager.default.fileExists(atPath: path) { throw CatalogueCopyError.targetExists(path) }
                let folder = path.parentPath
                if !folder.isEmpty {
                    do {
                        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                    } catch {
                        throw RepositoryError.cannotCreate(path: folder, reason: error.localizedDescription)
                    }
                }
                destination = try SQLiteCatalogue.create(
                    path: path, vocabulary: vocabulary, repositoryID: catalogue.repositoryID, now: now)
            case .postgres(let location):
                if location.description == catalogueLocation { throw CatalogueCopyError.targetExists(location.description) }
                let made = try PostgresCatalogue.create(
                    location: location, vocabulary: vocabulary, repositoryID: catalogue.repositoryID, now: now)
                let state = try made.catalogue.state()
                if state.products > 0 || state.lastEvent > 0 {
                    let products = state.products
                    throw CatalogueCopyError.targetNotEmpty(location.description, products: products)
                }
                destination = made.catalogue
            }
            try destination.replaceAll { sink in
                try source.readRows(of: CatalogueTableShape.all, batch: 5000, sink)
            }
            let before = try Self.digests(source)
            let after = try Self.digests(destination)
            let result = CatalogueCopyResult(
                tables: CatalogueTableShape.all.map { shape in
                    CatalogueCopyResult.Table(
                        name: shape.name, source: before[shape.name] ?? TableDigest(rows: 0, sha256: ""),
                        target: after[shape.name] ?? TableDigest(rows: 0, sha256: ""))
                })
            if !result.identical {
                throw CatalogueCopyError.mismatch(
                    target.description, tables: result.tables.filter { !$0.same }.map(\.name))
            }
            return result
        }
    }

    /// Every table's row count and the SHA-256 of its rows in key order (each value typed and
    /// length-prefixed), as the catalogue reads them.
    public static func digests(_ catalogue: any CatalogueTransfer) throws -> [String: TableDigest] {
        var hashers: [String: (rows: Int, hash: SHA256)] = [:]
        try catalogue.readRows(of: CatalogueTableShape.all, batch: 5000) { shape, rows in
            var entry = hashers[shape.name] ?? (0, SHA256())
            for row in rows {
                var bytes: [UInt8] = []
                for value in row {
                    switch value {
                    case .null: bytes.append(0x4E)
                    case .integer(let number): bytes += Array("I\(number)".utf8)
                    case .text(let text):
                        let utf8 = Array(text.utf8)
                        bytes += Array("T\(utf8.count):".utf8) + utf8
                    }
                    bytes.append(0x1F)
                }
                bytes.append(0x1E)
                entry.hash.update(data: bytes)
            }
            entry.rows += rows.count
            hashers[shape.name] = entry
        }
        var result: [String: TableDigest] = [:]
        for shape in CatalogueTableShape.all {
            let entry = hashers[shape.name] ?? (0, SHA256())
            result[shape.name] = TableDigest(
                rows: entry.rows, sha256: entry.hash.finalize().map { String(format: "%02x", $0) }.joined())
        }
        return result
    }
}
