import Foundation
import KhoCore
import KhoRepository

/// A plain BagIt bag (a digitisation vendor's delivery, another archive's export) taken in by
/// `kho ingest`: checked by RFC 8493 first (a bag that fails ingests nothing), its payload files then
/// ingested as products like any folder's, and the bag's own checksums for each file recorded as a
/// fixity event on its product, with the bag's `External-Identifier` and `Source-Organization`.
public struct BagIntake: Sendable {
    public let path: String
    /// The payload folder, `PATH/data`: what is ingested, and what manifest paths are relative to.
    public var payload: String { path + "/data" }
    public let verdict: BagItVerdict
    public let tags: [String: String]
    /// What kho computed for each payload file while checking the bag, by bag path (`data/…`).
    let digests: [String: BagWriter.CopyResult]

    /// True when `path` is a folder with a `bagit.txt`: a bag to take in as one.
    public static func isBag(_ path: String) -> Bool {
        var isFolder: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) && isFolder.boolValue
            && FileManager.default.fileExists(atPath: path + "/bagit.txt")
    }

    /// Checks the bag; throws, naming every problem, unless it is valid and complete BagIt. A kho
    /// bundle is pointed to `kho import`, which keeps its products' ids and history.
    public static func open(_ path: String, limits: BundleLimits = BundleLimits()) throws -> BagIntake {
        let l = Localizer.current
        let trimmed = path.withoutTrailingSlash
        let result = try BagVerifier.verify(trimmed, limits: limits, keepDigests: true)
        guard result.bagit.valid else {
            throw BundleError(l("intake.invalid", ["path": trimmed]), problems: result.bagit.problems)
        }
        // A kho bundle, valid or not, is not a plain bag: its payload is objects named by their hash.
        if result.profileProblems.isEmpty || result.tags["Kho-Format-Version"] != nil {
            throw BundleError(l("intake.kho_bundle", ["path": trimmed]))
        }
        return BagIntake(path: trimmed, verdict: result.bagit, tags: result.tags, digests: result.digests)
    }

    /// Warnings the BagIt check gave (weak manifests, lookalike names), to show before ingesting.
    public var warnings: [String] { verdict.warnings }

    /// Records, for each product just made from a payload file, the bag's checksums for that file
    /// and whether what kho stored is what the bag describes. Returns the products whose stored
    /// content is not what the bag was checked with (changed while being ingested).
    @discardableResult
    public func recordFixity(
        _ outcomes: [IngestOutcome], repository: Repository, agent: String, software: String, now: () -> Date
    ) throws -> [ProductID] {
        // The bag paths of each content, by the SHA-256 kho computed while checking the bag.
        var pathsBySHA256: [String: [String]] = [:]
        for (bagPath, digest) in digests where bagPath.hasPrefix("data/") {
            pathsBySHA256[digest.sha256, default: []].append(bagPath)
        }
        var events: [(ProductID, NewEvent)] = []
        var changed: [ProductID] = []
        for outcome in outcomes {
            let product: Product
            switch outcome {
            case .ingested(let made, _), .linked(let made, _, _): product = made
            default: continue
            }
            guard let sha256 = product.files.first?.object.sha256 else { continue }
            var detail = [
                "bag": tags["External-Identifier"] ?? path.fileName,
                "source_organization": tags["Source-Organization"] ?? "",
                "bagit_version": verdict.version ?? "", "software": software,
            ]
            let outcome: EventOutcome
            if let bagPath = pathsBySHA256[sha256]?.sorted().first {
                detail["bag_path"] = bagPath
                for (algorithm, entries) in verdict.payloadManifests {
                    if let value = entries[bagPath] { detail["bag_" + algorithm] = value }
                }
                detail["sha256"] = sha256
                outcome = .success
            } else {
                detail["sha256"] = sha256
                detail["problem"] = "not the content the bag was checked with"
                outcome = .failure
                changed.append(product.id)
            }
            events.append(
                (product.id, NewEvent(type: .fixityCheck, at: now(), agent: agent, outcome: outcome, detail: detail)))
        }
        if !events.isEmpty { try repository.catalogue.recordProductEvents(events) }
        return changed
    }
}
