import Foundation
import KhoCore
import KhoFiles

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One thing `kho doctor` found.
public struct DoctorFinding: Sendable {
    public enum Severity: String, Sendable, Codable {
        /// The repository is not as it should be; kho does not put it right by itself.
        case problem
        /// What an interrupted command left (a temporary file, a pending mark, an object stored
        /// for a product never registered): harmless, and removed by the next command that writes.
        case leftover
        /// Worth knowing, not wrong: a newer schema, an unknown setting, a code no vocabulary has.
        case warning
    }

    /// What `--repair` does about it; nil when no repair is safe to make without a person.
    public enum Repair: Sendable, Hashable {
        case rederive(ProductID?)
        case recoverInterrupted
        case setReadOnly(sha256: String)
        case quarantineUnknown(sha256: String)

        public var code: String {
            switch self {
            case .rederive: "rederive"
            case .recoverInterrupted: "recover-interrupted"
            case .setReadOnly: "set-object-read-only"
            case .quarantineUnknown: "quarantine-unknown-object"
            }
        }
    }

    /// `schema`, `catalogue`, `foreign-keys`, `derived`, `objects`, `store`, `pending`,
    /// `temporary`, `lock`, `settings`, `vocabulary`, `exhibitions`.
    public let check: String
    public let severity: Severity
    /// What it concerns: a product id, a SHA-256, a path, a setting.
    public let subject: String
    public let message: String
    /// What to do about it.
    public let advice: String
    public let repair: Repair?
    /// The facts behind the message (the values it names), for JSON and the repair log.
    public let facts: [String: String]
}

/// What `kho doctor` found, and what `--repair` did.
public struct DoctorReport: Sendable {
    public var findings: [DoctorFinding] = []
    /// The repairs made, in order (empty without `--repair`).
    public var repairs: [RepairRecord] = []
    /// What the findings were before the repairs (empty without `--repair`).
    public var foundBeforeRepair: [DoctorFinding] = []
    public var products = 0
    public var objects = 0
    public var storeFiles = 0
    /// The process writing to the repository while the check ran, if any.
    public var lockHolder: String?

    /// No problem (leftovers and warnings are not problems).
    public var isClean: Bool { !findings.contains { $0.severity == .problem } }
}

/// Checks a repository's consistency: the catalogue's own integrity and foreign keys, the schema,
/// the columns reports read against the rows they summarise, every catalogued object against the
/// store (present, of its size, read-only) and the store against the catalogue, what interrupted
/// commands left, the lock, the settings and the vocabulary files. Reads only, unless asked to
/// repair; then it makes the safe repairs alone, each recorded in the catalogue's repair log.
/// Hashing every object is `kho verify`'s work, not this one's: doctor reads sizes.
public final class Doctor {
    let repository: Repository
    let agent: String
    let now: () -> Date

    public init(repository: Repository, agent: String, now: @escaping () -> Date) {
        self.repository = repository
        self.agent = agent
        self.now = now
    }

    /// Checks, and with `repair` makes the safe repairs (holding the write lock) and checks again.
    public func run(repair: Bool) throws -> DoctorReport {
        guard repair else {
            let before = repository.lockHolder()
            var report = try check(lockHolder: before)
            // A command that started writing while this check ran may have left work in progress
            // that looked like leftovers or unknown objects: judge again, as work in progress.
            if before == nil, let holder = repository.lockHolder() {
                report = try check(lockHolder: holder)
            }
            report.lockHolder = repository.lockHolder()
            return report
        }
        if repository.isReadOnly { throw RepositoryError.readOnly(path: repository.path) }
        // Its own lock without the automatic recovery, so that what it clears it also records.
        try repository.lockForWriting(recovering: false)
        defer { repository.unlock() }
        let before = try check(lockHolder: nil)
        let repairs = try makeRepairs(before.findings)
        var after = try check(lockHolder: nil)
        after.foundBeforeRepair = before.findings
        after.repairs = repairs
        return after
    }

    // MARK: Checks

    func check(lockHolder: String?) throws -> DoctorReport {
        var report = DoctorReport()
        let l = Localizer.current
        let catalogue = repository.catalogue
        let store = repository.store
        func add(
            _ check: String, _ severity: DoctorFinding.Severity, _ subject: String, _ key: String,
            _ values: [String: String] = [:], repair: DoctorFinding.Repair? = nil
        ) {
            report.findings.append(
                DoctorFinding(
                    check: check, severity: severity, subject: subject, message: l("doctor.\(key)", values),
                    advice: l("doctor.\(key).advice", values), repair: repair, facts: values))
        }
        let busy = lockHolder != nil
        if let lockHolder {
            add("lock", .warning, repository.path + "/.lock", "lock_held", ["holder": lockHolder])
        }

        // The schema and the database engine's own checks, named by the catalogue's file (or its
        // PostgreSQL URL).
        let database =
            repository.catalogueLocation.hasPrefix(repository.path + "/")
            ? Repository.catalogueFile : repository.catalogueLocation
        let schema = try catalogue.schemaState()
        if schema.newer { add("schema", .warning, database, "schema_newer") }
        for migration in schema.missing {
            add("schema", .problem, database, "schema_missing", ["migration": migration])
        }
        for message in try catalogue.integrityProblems() {
            add("catalogue", .problem, database, "integrity", ["message": message])
        }
        for message in try catalogue.foreignKeyProblems() {
            add("foreign-keys", .problem, database, "foreign_key", ["message": message])
        }

        // The columns reports and searches read, against the rows they derive from.
        let mismatches = try catalogue.derivedMismatches(vocabulary: repository.vocabulary)
        for mismatch in mismatches {
            add(
                "derived", .problem, mismatch.product?.rawValue ?? "product_fts", "derived",
                ["column": mismatch.column.rawValue, "stored": mismatch.stored, "expected": mismatch.expected],
                repair: .rederive(mismatch.product))
        }
        report.products = try catalogue.count(matching: ProductFilter())

        // The catalogue's objects against the store, and the store against the catalogue.
        let known = try catalogue.catalogueObjects()
        report.objects = known.count
        let listing = store.listing()
        report.storeFiles = listing.objects.count
        let inStore = Dictionary(listing.objects.map { ($0.sha256, $0) }, uniquingKeysWith: { a, _ in a })
        let pending = Set(try catalogue.pendingObjects().map(\.sha256))
        let quarantined = (try? FileManager.default.contentsOfDirectory(atPath: repository.path + "/quarantine")) ?? []
        for object in known {
            let path = store.path(for: object.sha256)
            guard let file = inStore[object.sha256] else {
                if let moved = quarantined.first(where: { $0.hasPrefix(object.sha256) }) {
                    add(
                        "objects", .problem, path, "object_quarantined",
                        ["sha256": object.sha256, "quarantined": "quarantine/\(moved)"])
                } else {
                    add("objects", .problem, path, "object_missing", ["sha256": object.sha256])
                }
                continue
            }
            if file.size != object.size {
                add(
                    "objects", .problem, path, "object_size",
                    ["sha256": object.sha256, "size": String(file.size), "expected": String(object.size)])
            }
            if file.writable {
                add("objects", .warning, path, "object_writable", repair: .setReadOnly(sha256: object.sha256))
            }
        }
        let catalogued = Set(known.map(\.sha256))
        let uncatalogued = listing.objects.map(\.sha256).filter { !catalogued.contains($0) }
        if !busy {
            // Stored by an ingest or import that did not register its product.
            for sha256 in uncatalogued where pending.contains(sha256) {
                add("pending", .leftover, store.path(for: sha256), "interrupted_object", repair: .recoverInterrupted)
            }
            // While a command writes, an unknown object may be the running command's, between its
            // steps; and one registered since the catalogue was read is not unknown.
            for sha256 in try repository.stillUnknown(uncatalogued.filter { !pending.contains($0) }) {
                let path = store.path(for: sha256)
                let intact = (try? store.hash(path).sha256) == sha256
                add(
                    "store", .problem, path, intact ? "unknown_object" : "unknown_damaged", ["sha256": sha256],
                    repair: .quarantineUnknown(sha256: sha256))
            }
        }
        for entry in listing.foreign {
            add("store", .warning, entry.path, entry.folder ? "foreign_folder" : "foreign_file")
        }
        if !busy {
            for sha256 in pending.sorted() where catalogued.contains(sha256) || inStore[sha256] == nil {
                add("pending", .leftover, sha256, "stale_mark", repair: .recoverInterrupted)
            }
            for name in store.temporaryFiles() {
                add(
                    "temporary", .leftover, "\(store.temporaryDirectory)/\(name)", "temporary_file",
                    repair: .recoverInterrupted)
            }
        }

        // Exhibitions: every document reads back, and what each shows is still in the catalogue.
        do {
            let exhibitions = try catalogue.exhibitions()
            let shown = Set(exhibitions.flatMap { $0.items.map(\.product) })
            let present = Set(try catalogue.products(Array(shown)).map(\.id))
            for exhibition in exhibitions {
                for item in exhibition.items where !present.contains(item.product) {
                    add(
                        "exhibitions", .warning, exhibition.id.rawValue, "exhibition_item_gone",
                        ["exhibition": exhibition.id.rawValue, "product": item.product.rawValue])
                }
            }
        } catch let error as CatalogueCorruption {
            add("exhibitions", .problem, database, "exhibition_unreadable", ["detail": error.detail])
        }

        // Settings and vocabularies.
        for (key, value) in try catalogue.settings().sorted(by: { $0.key < $1.key }) {
            switch key {
            case "language":
                if DisplayLanguage(code: value) == nil {
                    add("settings", .problem, key, "setting_bad", ["key": key, "value": value])
                }
            case "base-url":
                if case .failure = PublicLink.validate(value) {
                    add("settings", .problem, key, "setting_bad", ["key": key, "value": value])
                }
            default:
                add("settings", .warning, key, "setting_unknown", ["key": key, "value": value])
            }
        }
        if let problem = repository.vocabularyProblem {
            add("vocabulary", .problem, repository.path + "/vocabulary", "vocabulary_file", ["reason": problem])
        }
        for (name, codes) in try catalogue.codesInUse().sorted(by: { $0.key < $1.key }) {
            for (code, count) in codes.sorted(by: { $0.key < $1.key }) where !defines(name, code) {
                add(
                    "vocabulary", .warning, code, "code_unknown",
                    ["vocabulary": name, "code": code, "count": l.integer(count)])
            }
        }
        return report
    }

    /// Whether the repository's vocabulary defines `code` in the vocabulary called `name`.
    func defines(_ name: String, _ code: String) -> Bool {
        let vocabulary = repository.vocabulary
        switch name {
        case "kinds": return (try? vocabulary.kind(code)) != nil
        case "platforms": return (try? vocabulary.platform(code)) != nil
        case "topics": return (try? vocabulary.topic(code)) != nil
        case "content-lines": return (try? vocabulary.contentLine(code)) != nil
        case "funding": return (try? vocabulary.fundingSource(code)) != nil
        case "languages": return (try? vocabulary.language(code)) != nil
        default: return true
        }
    }

    // MARK: Repairs

    func makeRepairs(_ findings: [DoctorFinding]) throws -> [RepairRecord] {
        var records: [RepairRecord] = []
        let store = repository.store
        let at = now()
        func record(_ action: String, _ target: String, _ detail: [String: String] = [:]) {
            records.append(RepairRecord(at: at, agent: agent, action: action, target: target, detail: detail))
        }
        let repairs = findings.compactMap(\.repair)
        // Interrupted work first: the same recovery every writing command runs, recorded.
        if repairs.contains(.recoverInterrupted) {
            let done = try repository.recover()
            for name in done.temporaryFiles { record("remove-temporary", "tmp/\(name)") }
            for sha256 in done.removedObjects { record("remove-interrupted-object", sha256) }
            for sha256 in done.clearedMarks where !done.removedObjects.contains(sha256) {
                record("clear-pending", sha256)
            }
        }
        for case .setReadOnly(let sha256) in repairs where chmod(store.path(for: sha256), 0o444) == 0 {
            record("set-object-read-only", sha256)
        }
        for case .quarantineUnknown(let sha256) in repairs {
            // Moved aside, never deleted: it may be the only copy of something.
            let folder = repository.path + "/quarantine/unknown"
            try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let destination = "\(folder)/\(sha256)"
            if rename(store.path(for: sha256), destination) == 0 {
                record("quarantine-unknown-object", sha256, ["to": "quarantine/unknown/\(sha256)"])
            }
        }
        try repository.catalogue.recordRepairs(records)
        // Derived columns: derived again, and each mismatch recorded, in one transaction.
        var ids: [ProductID] = []
        var seen = Set<ProductID>()
        var strays = false
        for case .rederive(let id) in repairs {
            guard let id else {
                strays = true
                continue
            }
            if seen.insert(id).inserted { ids.append(id) }
        }
        let derived = findings.filter { $0.check == "derived" }.map {
            RepairRecord(at: at, agent: agent, action: "rederive", target: $0.subject, detail: $0.facts)
        }
        if !ids.isEmpty || strays {
            try repository.catalogue.rederive(
                ids, removingStraySearchRows: strays, vocabulary: repository.vocabulary, repairs: derived)
        }
        return records + derived
    }
}
