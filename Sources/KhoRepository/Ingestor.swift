import Dispatch
import Foundation
import KhoCore
import KhoFiles
import KhoFormats

/// Takes files and metadata into a repository: stores each file once (streaming copy and SHA-256,
/// fsync, rename), identifies it with libmagic, and registers the product in one transaction.
///
/// Crash safety: an object is marked pending in the catalogue before it is renamed into the store,
/// and the mark is cleared in the transaction that registers its product. A run that is killed
/// leaves at most a temporary file or a pending object, which the next command that writes removes
/// (`Repository.lockForWriting`). Re-running the same ingest finishes the job: files already
/// ingested from the same path with the same content, and manifest rows already registered, are
/// recognised by their ingest key and not registered twice.
public final class Ingestor {
    let repository: Repository
    let identifier: FileIdentifier
    let characteriser = Characteriser()
    let agent: String
    let now: () -> Date
    let software: String
    var vocabulary: Vocabulary { repository.vocabulary }
    private var random = SystemRandomNumberGenerator()
    /// Fault injection for the crash-safety tests: the process dies at once (as if killed) when it
    /// reaches the named point for the Nth time, as in `stored:2`: `staged` (a group of files is
    /// copied), `pending` (its objects are marked pending), `stored` (one is renamed into the store).
    public var crashPoint: String?
    /// Store empty (0-byte) files. Off by default: an empty file is no digitised copy of anything,
    /// and is almost always a failed transfer or a placeholder.
    public var allowEmpty = false
    private var crashCounts: [String: Int] = [:]

    public init(repository: Repository, agent: String, software: String, now: @escaping () -> Date) throws {
        self.repository = repository
        self.identifier = try FileIdentifier()
        self.agent = agent
        self.software = software
        self.now = now
    }

    /// Carries out a plan. With `dryRun`, reads and hashes the files to say what would happen,
    /// and writes nothing.
    public func run(
        _ plan: IngestPlan, policy: DuplicatePolicy, dryRun: Bool, progress: (any IngestProgress)? = nil
    ) throws -> [IngestOutcome] {
        progress?.begin(files: plan.items.count, bytes: plan.totalBytes)
        defer { progress?.end() }
        if dryRun { return try preview(plan, policy: policy, progress: progress) }
        return try repository.withWriteLock { try write(plan, policy: policy, progress: progress) }
    }

    /// `run` for real, holding the write lock.
    private func write(_ plan: IngestPlan, policy: DuplicatePolicy, progress: (any IngestProgress)?) throws
        -> [IngestOutcome]
    {
        let store = repository.store
        try checkSpace(plan)
        if policy == .error { try refuseDuplicates(plan) }

        // Files are copied ahead on the staging queue (copy, SHA-256, sync), at most `lookahead`
        // files or `lookaheadBytes` waiting in the temporary folder, while this thread identifies
        // and registers them in groups of those already copied (see `commit(_:policy:)`).
        // Outcomes stay in plan order.
        let lookahead = 16
        let lookaheadBytes: Int64 = 256 << 20
        let queue = DispatchQueue(label: "kho.ingest.staging")
        let files = plan.items.indices.filter { plan.items[$0].source != nil }
        var staging: [Int: StagingTask] = [:]
        var stagingBytes: Int64 = 0
        var nextFile = 0
        func stageAhead() {
            while nextFile < files.count, staging.count < lookahead, staging.isEmpty || stagingBytes < lookaheadBytes {
                let item = plan.items[files[nextFile]]
                guard let source = item.source else { return }
                staging[files[nextFile]] = StagingTask(source, into: store, on: queue, progress: progress)
                stagingBytes += item.size
                nextFile += 1
            }
        }
        defer {
            // After a failure, drop the copies still under way.
            for task in staging.values { if case .success(let staged) = task.wait() { store.discard(staged) } }
        }
        stageAhead()

        var outcomes: [IngestOutcome] = []
        var index = 0
        while index < plan.items.count {
            let item = plan.items[index]
            do {
                guard item.source != nil else {
                    // Rows with no file (printed books, banners) are registered in groups, one
                    // transaction (one sync) for up to 500 of them.
                    var rows: [IngestItem] = []
                    while index < plan.items.count, plan.items[index].source == nil, rows.count < 500 {
                        rows.append(plan.items[index])
                        index += 1
                    }
                    outcomes += try registerWithoutFiles(rows)
                    for _ in rows { progress?.finishedItem() }
                    continue
                }
                // A group: this file, and the files after it whose copies are already finished.
                var group: [(item: IngestItem, staged: StagedFile)] = []
                while index < plan.items.count, let task = staging[index], group.count < lookahead,
                    group.isEmpty || task.isFinished
                {
                    let result = task.wait()
                    if case .failure = result, !group.isEmpty { break }  // commit the group first, fail after
                    staging[index] = nil
                    stagingBytes -= plan.items[index].size
                    group.append((plan.items[index], try result.get()))
                    index += 1
                }
                stageAhead()
                crash(at: "staged")
                outcomes += try commit(group, policy: policy)
                for _ in group { progress?.finishedItem() }
            } catch {
                throw IngestInterrupted(completed: outcomes, failure: error)
            }
        }
        return outcomes
    }

    /// Takes a group of staged files into the catalogue: skips those ingested before and applies the
    /// duplicate policy, identifies the rest, marks their objects pending, renames them into the
    /// store, syncs the folders once for the group, and registers every product in one transaction.
    private func commit(_ group: [(item: IngestItem, staged: StagedFile)], policy: DuplicatePolicy) throws
        -> [IngestOutcome]
    {
        let catalogue = repository.catalogue
        let store = repository.store
        enum Decision {
            case done(IngestOutcome)
            case register(NewProduct, sharedWith: [ProductID], origin: String)
        }
        var decisions: [Decision] = []
        var newInGroup: [String: ProductID] = [:]
        var toStore: [StagedFile] = []
        let keys = group.map { Self.fileKey(sha256: $0.staged.sha256, source: $0.item.source ?? "") }
        let ingested = try catalogue.products(ingestKeys: keys)
        let stored = try catalogue.products(holding: group.map(\.staged.sha256))
        for ((item, staged), key) in zip(group, keys) {
            guard let source = item.source else { continue }
            if let existing = ingested[key] {
                store.discard(staged)
                decisions.append(.done(.alreadyIngested(origin: item.origin, existing)))
                continue
            }
            var holders = stored[staged.sha256] ?? []
            if holders.isEmpty, let earlier = newInGroup[staged.sha256] { holders = [earlier] }
            if !holders.isEmpty {
                switch policy {
                case .skip:
                    store.discard(staged)
                    decisions.append(.done(.duplicate(origin: item.origin, sha256: staged.sha256, existing: holders)))
                    continue
                case .error:
                    throw RepositoryError.duplicate(path: item.origin, existing: holders)
                case .link:
                    break
                }
            }
            let identity = identifier.identify(staged.temporaryPath)
            let mime = Characteriser.refine(mime: identity.mime, path: staged.temporaryPath)
            let object = ObjectInfo(sha256: staged.sha256, size: staged.size, mime: mime, format: identity.format)
            let technical = characteriser.characterise(path: staged.temporaryPath, mime: mime)
            let name = TextFolding.normalized(source.fileName)
            let at = now()
            let id = ProductID.generate(at: at, using: &random)
            newInGroup[staged.sha256] = newInGroup[staged.sha256] ?? id
            toStore.append(staged)
            decisions.append(
                .register(
                    NewProduct(
                        id: id, metadata: item.metadata,
                        files: [
                            NewFile(
                                object: object, role: item.role, originalName: name, technical: technical,
                                technicalTool: Characteriser.version)
                        ], ingestKey: key,
                        event: NewEvent(
                            type: .ingestion, at: at, agent: agent,
                            detail: fileDetail(object, name: name, origin: item.origin, role: item.role))),
                    sharedWith: holders, origin: item.origin))
        }
        let shas = toStore.map(\.sha256)
        // Until a staged copy is renamed into the store it is this group's to remove: a failure here
        // (a full disk refusing the catalogue's write) leaves nothing in the temporary folder.
        var committed = 0
        do {
            for staged in toStore { try store.sync(staged) }
            try catalogue.markPending(shas)
            crash(at: "pending")
            for staged in toStore {
                try store.commit(staged, sync: false)
                committed += 1
                crash(at: "stored")
            }
        } catch {
            for staged in toStore.dropFirst(committed) { store.discard(staged) }
            throw error
        }
        store.syncDirectories(of: shas)
        let products = try catalogue.register(
            decisions.compactMap { if case .register(let product, _, _) = $0 { product } else { nil } })
        var registered = products.makeIterator()
        return decisions.map { decision in
            switch decision {
            case .done(let outcome):
                return outcome
            case .register(_, let shared, let origin):
                let product = registered.next()!
                return shared.isEmpty
                    ? .ingested(product, origin: origin) : .linked(product, origin: origin, sharedWith: shared)
            }
        }
    }

    /// Registers one product with no digital file.
    public func register(_ metadata: ProductMetadata) throws -> Product {
        try repository.withWriteLock {
            let at = now()
            return try repository.catalogue.register(
                NewProduct(
                    id: ProductID.generate(at: at, using: &random), metadata: metadata, files: [], ingestKey: nil,
                    event: NewEvent(type: .accession, at: at, agent: agent, detail: ["software": software])))
        }
    }

    /// Adds a file to an existing product. Returns the product and whether the content was already stored.
    public func attach(_ source: String, to id: ProductID, role: FileRole, progress: (any IngestProgress)? = nil) throws
        -> (product: Product, alreadyStored: Bool)
    {
        let catalogue = repository.catalogue
        guard let product = try catalogue.product(id) else { throw CatalogueError.unknownProduct(id) }
        return try repository.withWriteLock { try attach(source, to: product, role: role, progress: progress) }
    }

    private func attach(_ source: String, to product: Product, role: FileRole, progress: (any IngestProgress)?) throws
        -> (product: Product, alreadyStored: Bool)
    {
        let catalogue = repository.catalogue
        let id = product.id
        var info = stat()
        let size = stat(source, &info) == 0 ? Int64(info.st_size) : 0
        if size == 0 && !allowEmpty && stat(source, &info) == 0 {
            throw RepositoryError.invalidInput(summary: Self.emptyFileProblem(source), problems: [])
        }
        if let free = repository.store.freeBytes(), size + (1 << 20) > free {
            throw RepositoryError.noSpace(path: repository.path, needed: size + (1 << 20), free: free, files: 1)
        }
        progress?.begin(files: 1, bytes: size)
        defer { progress?.end() }
        let staged = try repository.store.stage(source) { progress?.advance(bytes: $0) }
        if product.files.contains(where: { $0.object.sha256 == staged.sha256 }) {
            repository.store.discard(staged)
            throw CatalogueError.alreadyAttached(id: id, sha256: staged.sha256, source: source)
        }
        let identity = identifier.identify(staged.temporaryPath)
        let mime = Characteriser.refine(mime: identity.mime, path: staged.temporaryPath)
        let object = ObjectInfo(sha256: staged.sha256, size: staged.size, mime: mime, format: identity.format)
        let technical = characteriser.characterise(path: staged.temporaryPath, mime: mime)
        let alreadyStored = repository.store.contains(staged.sha256)
        try catalogue.markPending([staged.sha256])
        try repository.store.commit(staged)
        let name = TextFolding.normalized(source.fileName)
        let at = now()
        var detail = fileDetail(object, name: name, origin: source, role: role)
        detail["action"] = "attach"
        let updated = try catalogue.attach(
            NewFile(
                object: object, role: role, originalName: name, technical: technical,
                technicalTool: Characteriser.version), to: id,
            event: NewEvent(type: .ingestion, at: at, agent: agent, detail: detail))
        progress?.finishedItem()
        return (updated, alreadyStored)
    }

    /// Refuses, before anything is copied, an ingest that cannot fit: its files need more than the
    /// store's file system has free. A file the size of an object already stored may be that
    /// object (a re-run, a duplicate) and is not copied again, so it is not counted; a run that
    /// still runs out of space stops cleanly at the file that did not fit, keeping what it stored.
    func checkSpace(_ plan: IngestPlan) throws {
        guard let free = repository.store.freeBytes() else { return }
        // The catalogue's growth: its rows, events, search text and WAL frames for each file.
        let margin: Int64 = (1 << 20) + Int64(plan.items.count) * (16 << 10)
        var needed = plan.totalBytes + margin
        guard needed > free else { return }
        let sizes = Set(try repository.catalogue.catalogueObjects().map(\.size))
        needed = plan.items.reduce(margin) { total, item in
            item.source == nil || sizes.contains(item.size) ? total : total + item.size
        }
        guard needed > free else { return }
        throw RepositoryError.noSpace(
            path: repository.path, needed: needed, free: free, files: plan.items.filter { $0.source != nil }.count)
    }

    // MARK: -

    private func crash(at point: String) {
        guard let crashPoint else { return }
        let parts = crashPoint.split(separator: ":")
        guard parts.first.map(String.init) == point else { return }
        crashCounts[point, default: 0] += 1
        if crashCounts[point] == (parts.count > 1 ? Int(parts[1]) ?? 1 : 1) { _exit(137) }
    }

    /// The key that recognises a file ingested before: the same content from the same path.
    static func fileKey(sha256: String, source: String) -> String { "file:\(sha256):\(source)" }

    private func fileDetail(_ object: ObjectInfo, name: String, origin: String, role: FileRole) -> [String: String] {
        [
            "file": name, "sha256": object.sha256, "size": String(object.size), "mime": object.mime,
            "format": object.format, "source": origin, "role": role.rawValue, "software": software,
        ]
    }

    /// Registers rows with no digital file in one transaction; rows an earlier run registered
    /// (by their manifest key) are reported as already there.
    private func registerWithoutFiles(_ items: [IngestItem]) throws -> [IngestOutcome] {
        let known = try repository.catalogue.products(ingestKeys: items.compactMap(\.rowKey))
        var outcomes: [IngestOutcome?] = []
        var fresh: [(index: Int, product: NewProduct)] = []
        for item in items {
            if let key = item.rowKey, let existing = known[key] {
                outcomes.append(.alreadyIngested(origin: item.origin, existing))
                continue
            }
            let at = now()
            fresh.append(
                (
                    outcomes.count,
                    NewProduct(
                        id: ProductID.generate(at: at, using: &random), metadata: item.metadata, files: [],
                        ingestKey: item.rowKey,
                        event: NewEvent(
                            type: .accession, at: at, agent: agent,
                            detail: ["source": item.origin, "software": software]))
                ))
            outcomes.append(nil)
        }
        let registered = try repository.catalogue.register(fresh.map(\.product))
        for ((index, _), product) in zip(fresh, registered) {
            outcomes[index] = .registered(product, origin: items[index].origin)
        }
        return outcomes.map { $0! }
    }

    /// `--on-duplicate error`: hashes every file first, and refuses the whole ingest if any is
    /// already stored for another product or appears twice in the batch.
    private func refuseDuplicates(_ plan: IngestPlan) throws {
        var problems: [String] = []
        var firstSeen: [String: String] = [:]
        let l = Localizer.current
        for item in plan.items {
            guard let source = item.source else { continue }
            let (sha256, _) = try repository.store.hash(source)
            if try repository.catalogue.product(ingestKey: Self.fileKey(sha256: sha256, source: source)) != nil {
                continue
            }
            let holders = try repository.catalogue.products(holding: sha256)
            if !holders.isEmpty {
                problems.append(
                    l(
                        "ingest.duplicate.stored",
                        ["origin": item.origin, "products": holders.map(\.rawValue).joined(separator: ", ")]))
            } else if let earlier = firstSeen[sha256] {
                problems.append(l("ingest.duplicate.batch", ["origin": item.origin, "earlier": earlier]))
            }
            firstSeen[sha256] = firstSeen[sha256] ?? item.origin
        }
        guard problems.isEmpty else {
            throw RepositoryError.invalidInput(
                summary: l("ingest.duplicate.refused", ["count": l.integer(problems.count)]),
                problems: problems)
        }
    }

    private func preview(_ plan: IngestPlan, policy: DuplicatePolicy, progress: (any IngestProgress)?) throws
        -> [IngestOutcome]
    {
        var outcomes: [IngestOutcome] = []
        var batch: [String: String] = [:]
        for item in plan.items {
            guard let source = item.source else {
                let existing = try item.rowKey.flatMap { try repository.catalogue.product(ingestKey: $0) }
                outcomes.append(
                    .planned(
                        item, sha256: nil, action: existing == nil ? .register : .alreadyIngested,
                        existing: existing.map { [$0] } ?? []))
                progress?.finishedItem()
                continue
            }
            let (sha256, _) = try repository.store.hash(source) { progress?.advance(bytes: $0) }
            let action: PlannedAction
            var existing: [ProductID] = []
            if let already = try repository.catalogue.product(ingestKey: Self.fileKey(sha256: sha256, source: source)) {
                action = .alreadyIngested
                existing = [already]
            } else {
                existing = try repository.catalogue.products(holding: sha256)
                let duplicate = !existing.isEmpty || batch[sha256] != nil
                switch (duplicate, policy) {
                case (false, _): action = .ingest
                case (true, .link): action = .linkDuplicate
                case (true, .skip): action = .skipDuplicate
                case (true, .error): action = .refuseDuplicate
                }
            }
            batch[sha256] = batch[sha256] ?? item.origin
            outcomes.append(.planned(item, sha256: sha256, action: action, existing: existing))
            progress?.finishedItem()
        }
        return outcomes
    }
}
