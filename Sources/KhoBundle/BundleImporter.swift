import Foundation
import KhoCore
import KhoFiles
import KhoRepository

#if canImport(Glibc)
    import Glibc
#endif

/// What to do with a product that is already here and differs from the bundle's record.
public enum ConflictPolicy: String, Sendable, CaseIterable {
    /// Leave the product here as it is.
    case keep
    /// Take the bundle's metadata, and add its new files.
    case replace
    /// Refuse the whole import.
    case fail
}

/// What an import did (or, with a dry run, would do).
public struct ImportOutcome: Sendable {
    public var bundle: String
    public var added: [ProductID] = []
    /// Products the bundle carries a newer version of (a later `updated_at`): taken whatever the policy.
    public var updated: [ProductID] = []
    public var replaced: [ProductID] = []
    public var kept: [ProductID] = []
    /// Products removed here because the bundle carries their tombstone.
    public var removed: [ProductID] = []
    public var unchanged: [ProductID] = []
    public var objectsStored = 0
    public var objectsAlreadyHere = 0
    /// Exhibitions the bundle carries that are new here or a later revision, and those it carries
    /// that this repository has as they are (or in a later revision).
    public var exhibitionsMerged: [ExhibitionID] = []
    public var exhibitionsUnchanged = 0
}

/// Merges a bundle into a repository. The bag is checked completely first; nothing is written if
/// anything is wrong. Objects are staged and marked pending like an ingest, and every product is
/// merged in one transaction, so an interrupted import leaves the catalogue as it was. Products keep
/// their ids, origin repository, dates and events; importing the same bundle again changes nothing.
public final class BundleImporter {
    let repository: Repository
    let agent: String
    let software: String
    let now: () -> Date
    /// For tests: `staged` or `stored[:N]` makes the process die there, as a crash would.
    public var crashPoint: String?

    public init(repository: Repository, agent: String, software: String, now: @escaping () -> Date) {
        self.repository = repository
        self.agent = agent
        self.software = software
        self.now = now
    }

    public func run(bag: String, policy: ConflictPolicy, dryRun: Bool, limits: BundleLimits = BundleLimits()) throws
        -> ImportOutcome
    {
        // One read of the bag checks it and stages the objects this store lacks; they are moved into
        // place only once everything checked out.
        let store = repository.store
        if !dryRun { try repository.lockForWriting() }
        let check = try BagVerifier.verify(bag, limits: limits, staging: dryRun ? nil : store)
        var staged = check.staged
        defer { for file in staged.values { store.discard(file) } }
        guard check.isValid else {
            throw BundleError(Localizer.current("import.invalid", ["path": bag]), problems: check.problems)
        }
        var outcome = ImportOutcome(bundle: check.tags["External-Identifier"] ?? bag)
        let vocabulary = repository.vocabulary
        var problems: [String] = []
        var incoming: [(product: Product, events: [ProductEvent])] = []
        var removals: [Tombstone] = []
        let lines = check.recordsData.split(separator: 0x0A)
        for (number, line) in lines.enumerated() {
            do {
                let record: RecordInput
                switch try JSONDecoder().decode(BundleLine.self, from: Data(line)) {
                case .tombstone(let removal):
                    if let tombstone = removal.tombstone { removals.append(tombstone) }
                    continue
                case .record(let input): record = input
                }
                let (product, events) = try record.product(vocabulary: vocabulary)
                incoming.append((product, events))
            } catch {
                problems.append("data/records.jsonl line \(number + 1): \(error)")
            }
        }
        var exhibitions: [Exhibition] = []
        for (number, line) in check.exhibitionsData.split(separator: 0x0A).enumerated() {
            do { exhibitions.append(try Exhibition.decode(Data(line))) } catch {
                problems.append("\(BagWriter.exhibitionsPath) line \(number + 1): \(error)")
            }
        }
        guard problems.isEmpty else {
            throw BundleError(Localizer.current("import.records_refused", ["path": bag]), problems: problems)
        }
        // An exhibition is taken when it is new here or the bundle's copy supersedes this one.
        let exhibitionsHere = Dictionary(
            uniqueKeysWithValues: try exhibitions.compactMap { try repository.catalogue.exhibition($0.id) }.map { ($0.id, $0) })
        let newerExhibitions = exhibitions.filter { incoming in
            exhibitionsHere[incoming.id].map { $0.isSuperseded(by: incoming) } ?? true
        }
        outcome.exhibitionsUnchanged = exhibitions.count - newerExhibitions.count
        let existing = Dictionary(
            uniqueKeysWithValues: try repository.catalogue.products(incoming.map(\.product.id) + removals.map(\.id)).map
            {
                ($0.id, $0)
            })
        var merges: [MergedProduct] = []
        var conflicts: [String] = []
        // Tombstones: the product goes, unless it changed here after its removal there (a conflict).
        let known = Set(try repository.catalogue.tombstones(since: nil).map(\.id))
        var tombstones: [Tombstone] = []
        for tombstone in removals {
            guard let here = existing[tombstone.id] else {
                if !known.contains(tombstone.id) {
                    tombstones.append(tombstone)
                } else {
                    outcome.unchanged.append(tombstone.id)
                }
                continue
            }
            if here.updatedAt > tombstone.removedAt {
                switch policy {
                case .keep:
                    outcome.kept.append(tombstone.id)
                    continue
                case .fail:
                    conflicts.append(
                        Localizer.current(
                            "import.conflict_removed", ["id": tombstone.id.rawValue, "title": here.metadata.title]))
                    continue
                case .replace: break
                }
            }
            outcome.removed.append(tombstone.id)
            tombstones.append(tombstone)
        }
        for (product, events) in incoming {
            let event = NewEvent(
                type: .informationPackageMerging, at: now(), agent: agent,
                detail: ["bundle": outcome.bundle, "origin_repository": product.originRepository, "software": software])
            guard let here = existing[product.id] else {
                outcome.added.append(product.id)
                merges.append(MergedProduct(product: product, events: events, replace: false, mergeEvent: event))
                continue
            }
            let newFiles = Set(product.files.map(\.object.sha256)).subtracting(here.files.map(\.object.sha256))
            if here.metadata == product.metadata && newFiles.isEmpty {
                outcome.unchanged.append(product.id)
                continue
            }
            // A later version from the bundle (an incremental export after an edit there) is an
            // update, not a conflict: the last edit wins. A conflict is a product changed here since.
            if product.updatedAt > here.updatedAt {
                outcome.updated.append(product.id)
                merges.append(MergedProduct(product: product, events: events, replace: true, mergeEvent: event))
                continue
            }
            switch policy {
            case .keep: outcome.kept.append(product.id)
            case .fail:
                conflicts.append(
                    Localizer.current(
                        "import.conflict_differs", ["id": product.id.rawValue, "title": product.metadata.title]))
            case .replace:
                outcome.replaced.append(product.id)
                merges.append(MergedProduct(product: product, events: events, replace: true, mergeEvent: event))
            }
        }
        guard conflicts.isEmpty else {
            throw BundleError(
                Localizer.current("import.conflicts", ["path": bag, "count": Localizer.current.integer(conflicts.count)]),
                problems: conflicts)
        }
        let needed = Set(merges.flatMap { $0.product.files.map(\.object.sha256) })
        let missing = needed.filter { !store.contains($0) }.sorted()
        outcome.objectsStored = missing.count
        outcome.objectsAlreadyHere = needed.count - missing.count
        if dryRun || (merges.isEmpty && tombstones.isEmpty && newerExhibitions.isEmpty) {
            if dryRun { outcome.exhibitionsMerged = newerExhibitions.map(\.id) }
            return outcome
        }

        for sha256 in missing where staged[sha256] == nil {
            throw BundleError(Localizer.current("import.not_read", ["sha256": sha256]))
        }
        // Staged without waiting for the disk, so that reading went on while the writes drained; now
        // each must be on disk before it is named in the catalogue.
        for sha256 in missing { try store.sync(staged[sha256]!) }
        crash(at: "staged", after: 1)
        try repository.catalogue.markPending(missing)
        for (index, sha256) in missing.enumerated() {
            try store.commit(staged[sha256]!, sync: false)
            staged[sha256] = nil
            crash(at: "stored", after: index + 1)
        }
        store.syncDirectories(of: missing)
        outcome.exhibitionsMerged = try repository.catalogue.merge(
            merges, tombstones: tombstones, exhibitions: newerExhibitions, agent: agent, at: now())
        return outcome
    }
}

extension BundleImporter {
    fileprivate func crash(at point: String, after count: Int) {
        guard let parts = crashPoint?.split(separator: ":"), parts.first.map(String.init) == point else { return }
        if count == (parts.count > 1 ? Int(parts[1]) ?? 1 : 1) { _exit(137) }
    }
}

/// One line of data/records.jsonl, parsed once: a tombstone when `removed` is true, else a record.
enum BundleLine: Decodable {
    case record(RecordInput)
    case tombstone(TombstoneRecord)

    private enum Key: String, CodingKey { case removed }

    init(from decoder: any Decoder) throws {
        let keys = try decoder.container(keyedBy: Key.self)
        if try keys.decodeIfPresent(Bool.self, forKey: .removed) == true {
            self = .tombstone(try TombstoneRecord(from: decoder))
        } else {
            self = .record(try RecordInput(from: decoder))
        }
    }
}

/// A record as data/records.jsonl carries it.
struct RecordInput: Decodable {
    struct Language: Decodable {
        var code: String
        var role: LanguageRole
        var role_override: Bool
    }
    struct Province: Decodable { var registered: String }
    struct File: Decodable {
        var sha256: String
        var size: Int64
        var mime: String
        var format: String
        var role: FileRole
        var original_name: String
        var added_at: String
    }
    struct Event: Decodable {
        var type: String
        var at: String
        var agent: String
        var outcome: EventOutcome
        var detail: [String: String]
    }

    var id: String
    var title: String
    var description: String?
    var kind: String
    var languages: [Language]
    var platforms: [String]
    var topics: [String]
    var content_line: String?
    var agency: String?
    var province: Province?
    var produced: String?
    var published: String?
    var funding: String?
    var rights: String?
    /// Absent in bundles made before kho 0.2: those products are public.
    var `public`: Bool?
    var files: [File]
    var origin_repository: String
    var created_at: String
    var updated_at: String
    var events: [Event]?

    struct Problem: Error, CustomStringConvertible {
        var description: String
    }

    /// The product, with every code checked against this repository's vocabularies.
    func product(vocabulary: Vocabulary) throws -> (Product, [ProductEvent]) {
        guard let productID = ProductID(parsing: id) else {
            throw Problem(description: Localizer.current("import.bad_id", ["id": id]))
        }
        var problems: [String] = []
        func check(_ body: () throws -> Void) {
            do { try body() } catch { problems.append("\(error)") }
        }
        check { _ = try vocabulary.kind(kind, field: "kind") }
        for code in platforms { check { _ = try vocabulary.platform(code, field: "platforms") } }
        for code in topics { check { _ = try vocabulary.topic(code, field: "topics") } }
        for language in languages { check { _ = try vocabulary.language(language.code, field: "languages") } }
        if let content_line { check { _ = try vocabulary.contentLine(content_line, field: "content_line") } }
        if let funding { check { _ = try vocabulary.fundingSource(funding, field: "funding") } }
        // The same bounds as a record typed here, so no bundle brings in more.
        problems += MetadataLimits.problems(
            texts: [("title", title), ("description", description), ("agency", agency), ("rights", rights)],
            lists: [("languages", languages.count), ("platforms", platforms.count), ("topics", topics.count)]
        ).map(\.message)
        let provinceRef = province.flatMap { ProvinceRef(qualified: $0.registered) }
        if let province, provinceRef.flatMap(vocabulary.unit) == nil {
            problems.append(Localizer.current("import.unknown_unit", ["unit": province.registered]))
        }
        guard problems.isEmpty else {
            throw Problem(description: Localizer.current("import.product_problems", ["id": id, "problems": problems.joined(separator: "; ")]))
        }
        let metadata = ProductMetadata(
            title: title, description: description, kind: kind,
            languages: languages.map { ProductLanguage(code: $0.code, role: $0.role, roleOverride: $0.role_override) },
            platforms: platforms, topics: topics, contentLine: content_line, agency: agency, province: provinceRef,
            produced: produced.flatMap(PartialDate.init(parsing:)),
            published: published.flatMap(PartialDate.init(parsing:)),
            funding: funding, rights: rights, isPublic: `public` ?? true)
        let stored = files.map {
            StoredFile(
                object: ObjectInfo(sha256: $0.sha256, size: $0.size, mime: $0.mime, format: $0.format), role: $0.role,
                originalName: $0.original_name, addedAt: Timestamp.date($0.added_at) ?? Date(timeIntervalSince1970: 0))
        }
        let history = (events ?? []).compactMap { event -> ProductEvent? in
            guard let type = EventType(rawValue: event.type), let at = Timestamp.date(event.at) else { return nil }
            return ProductEvent(
                sequence: 0, productID: productID, type: type, at: at, agent: event.agent, outcome: event.outcome,
                detail: event.detail)
        }
        return (
            Product(
                id: productID, metadata: metadata, files: stored, originRepository: origin_repository,
                createdAt: Timestamp.date(created_at) ?? Date(timeIntervalSince1970: 0),
                updatedAt: Timestamp.date(updated_at) ?? Date(timeIntervalSince1970: 0)), history
        )
    }
}
