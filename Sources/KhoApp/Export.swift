import Foundation
import KhoBundle
import KhoCore
import KhoFiles
import KhoRepository

/// What to export: a scope, an optional increment, and where the bag goes.
public struct ExportRequest: Sendable {
    public var filter: ProductFilter
    /// The filters as given, for the bag's `Kho-Export-Scope` (`FilterInput.arguments`).
    public var filterArguments: [String]
    /// LAST, a bundle id, or a date; nil for a full export.
    public var since: String?
    /// A folder, or a file ending in .zip or .tar.
    public var out: String
    /// Split into bags of at most this many bytes.
    public var maxBagBytes: Int64?
    public var organization: String?
    public var contactName: String?
    public var contactEmail: String?

    public init(filter: ProductFilter, filterArguments: [String] = [], since: String? = nil, out: String) {
        self.filter = filter
        self.filterArguments = filterArguments
        self.since = since
        self.out = out
    }

    /// `Kho-Export-Scope`: the filters and the increment as options, or `all`.
    public var scope: String {
        let parts = filterArguments + (since.map { ["--since", $0] } ?? [])
        return parts.isEmpty ? "all" : parts.joined(separator: " ")
    }
}

/// What an export wrote.
public struct ExportOutcome: Sendable {
    public struct Bag: Sendable {
        public var path: String
        public var products: Int
        public var files: Int
        public var bytes: Int64
    }
    /// The bundle id; its bags are numbered after it when there are several.
    public var identifier: String
    /// The bundle this increment follows, if any.
    public var follows: String?
    public var products: Int
    public var tombstones: Int
    /// Exhibitions carried (in the first bag).
    public var exhibitions = 0
    public var bags: [Bag]
    /// Products whose files alone exceed the bag size: each has a bag of its own.
    public var oversized: [ProductID]
    /// The bag was already in place, written by an export that was interrupted before it was
    /// recorded: it was checked and recorded now, and nothing new was written.
    public var adopted = false
    public var files: Int { bags.reduce(0) { $0 + $1.files } }
    public var bytes: Int64 { bags.reduce(0) { $0 + $1.bytes } }
}

/// Why an export wrote nothing.
public enum ExportRefused: Error, Sendable, Equatable, CustomStringConvertible, LocalizedMessage {
    /// No product in the scope (a full export).
    case nothingInScope
    /// Nothing in the scope changed since the increment's start; not an error for a scheduled job.
    case nothingChanged(since: String)
    case exists(path: String)
    /// The file system that would hold the bundle has less room than it needs.
    case noSpace(path: String, needed: Int64, free: Int64)
    case noPreviousExport
    case unknownStart(String)

    public var description: String { message(.english) }

    public func message(_ l: Localizer) -> String {
        switch self {
        case .nothingInScope: return l("export.nothing_in_scope")
        case .nothingChanged(let since): return l("export.nothing_changed", ["since": since])
        case .exists(let path): return l("export.exists", ["path": path])
        case .noSpace(let path, let needed, let free):
            return l("export.no_space", ["path": path, "needed": l.bytes(needed), "free": l.bytes(free)])
        case .noPreviousExport: return l("export.no_previous")
        case .unknownStart(let value): return l("export.unknown_start", ["value": value])
        }
    }
}

extension Repository {
    /// Exports a scope as one bundle (one bag, or several of at most `maxBagBytes`): the products'
    /// records with their events, their files re-hashed while copied, and, for an increment, the
    /// removals since its start. Each bag is written beside its name and moved into place; if any
    /// bag fails, the bags already written are removed and nothing is recorded. The bundle and an
    /// `information package creation` event per product are recorded in one transaction.
    public func export(_ request: ExportRequest, context: OperationContext) throws -> ExportOutcome {
        if isReadOnly { throw RepositoryError.readOnly(path: path) }
        let now = context.now()
        let history = try catalogue.bundles()
        let start = try request.since.map { try BundleExport.resolve($0, history: history) }
        // Where the change log stands before anything is read: the next increment starts here. A
        // change made while this export runs is sent again next time, never missed.
        let mark = try catalogue.changeMark()
        var products = try catalogue.products(matching: request.filter, limit: nil)
        if let start {
            let changed =
                try start.mark.map { try catalogue.productsChanged(after: $0) }
                ?? catalogue.productsChanged(since: start.date)
            products = products.filter { changed.contains($0.id) }
        }
        // Removals since the start travel as tombstones, whatever the scope filters (the product is gone).
        let tombstones =
            try start.map { start in
                try start.mark.map { try catalogue.tombstones(after: $0) } ?? catalogue.tombstones(since: start.date)
            } ?? []
        // Exhibitions travel with an export that no filter narrows: all of them in a full bundle, those
        // changed at or after the start in an increment (a filtered export carries none).
        let exhibitions =
            request.filterArguments.isEmpty
            ? try catalogue.exhibitions().filter { exhibition in start.map { exhibition.updatedAt >= $0.date } ?? true } : []
        guard !products.isEmpty || !tombstones.isEmpty || !exhibitions.isEmpty else {
            if let since = request.since { throw ExportRefused.nothingChanged(since: start?.bundle ?? since) }
            throw ExportRefused.nothingInScope
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var records: [ProductID: Data] = [:]
        for product in products {
            records[product.id] = try encoder.encode(
                ProductRecord(product, vocabulary: vocabulary, events: try catalogue.events(for: product.id), terms: false))
        }
        let limit = request.maxBagBytes
        let groups =
            products.isEmpty
            ? [[]] : limit.map { BundleExport.split(products, records: records, maxBytes: $0) } ?? [products]
        let paths =
            groups.count == 1
            ? [request.out] : (1...groups.count).map { BundleExport.numbered(request.out, $0, of: groups.count) }
        if paths.count == 1, FileManager.default.fileExists(atPath: paths[0]),
            let adopted = try adoptUnrecorded(paths[0], history: history, context: context)
        {
            return adopted
        }
        for path in paths where FileManager.default.fileExists(atPath: path) { throw ExportRefused.exists(path: path) }
        // Room for the whole bundle where it goes: its files, its records and its tag files.
        let needed = groups.reduce(Int64(1 << 20)) { total, group in
            total + BundleExport.bytes(group) + group.reduce(0) { $0 + Int64(records[$1.id]?.count ?? 0) } * 2
        }
        let folder = request.out.parentPath.isEmpty ? "." : request.out.parentPath
        if let free = ContentStore.freeBytes(at: folder), needed > free {
            throw ExportRefused.noSpace(path: request.out, needed: needed, free: free)
        }
        let oversized = limit.map { limit in
            groups.filter { $0.count == 1 && BundleExport.bytes($0) + Int64(records[$0[0].id]?.count ?? 0) > limit }
                .map { $0[0].id }
        } ?? []
        // A new identifier, even for two exports in the same second.
        let base = BagWriter.identifier(repositoryID: catalogue.repositoryID, date: now)
        var identifier = base
        var suffix = 2
        while history.contains(where: { $0.id == identifier }) {
            identifier = "\(base)-\(suffix)"
            suffix += 1
        }
        var written: [String] = []
        var finished = false
        defer { if !finished { for path in written { try? FileManager.default.removeItem(atPath: path) } } }
        var events: [(ProductID, NewEvent)] = []
        var bags: [ExportOutcome.Bag] = []
        for (index, group) in groups.enumerated() {
            let bag = groups.count == 1 ? identifier : "\(identifier)-\(index + 1)-of-\(groups.count)"
            var tags = BagWriter.Tags(
                organization: request.organization ?? "kho repository \(catalogue.repositoryID)",
                contactName: request.contactName, contactEmail: request.contactEmail,
                repositoryID: catalogue.repositoryID, scope: request.scope, date: now, identifier: bag,
                previous: start?.bundle, group: groups.count == 1 ? nil : (identifier, index + 1, groups.count))
            tags.since = start?.date
            tags.mark = mark
            let summary = try BagWriter.write(
                records: group.map { ($0.id.rawValue, records[$0.id] ?? Data()) },
                tombstones: index == 0 ? try tombstones.map { ($0.id.rawValue, try encoder.encode($0.record)) } : [],
                exhibitions: index == 0 ? try exhibitions.map { ($0.id.rawValue, try $0.document()) } : [],
                store: store, objects: group.flatMap { $0.files.map(\.object.sha256) }, tags: tags, to: paths[index])
            written.append(paths[index])
            bags.append(.init(path: paths[index], products: group.count, files: summary.files, bytes: summary.bytes))
            for product in group {
                var detail = ["bundle": bag, "software": context.software]
                if groups.count > 1 { detail["bag_group"] = identifier }
                events.append(
                    (product.id, NewEvent(type: .informationPackageCreation, at: now, agent: context.agent, detail: detail)))
            }
        }
        try withWriteLock {
            try catalogue.recordExport(
                BundleRecord(
                    id: identifier, createdAt: now, since: start?.date, previous: start?.bundle, scope: request.scope,
                    products: products.count, tombstones: tombstones.count, bags: groups.count,
                    location: paths.joined(separator: ", "), mark: mark),
                events: events)
        }
        finished = true
        var outcome = ExportOutcome(
            identifier: identifier, follows: start?.bundle, products: products.count, tombstones: tombstones.count,
            bags: bags, oversized: oversized)
        outcome.exhibitions = exhibitions.count
        return outcome
    }
}

extension Repository {
    /// A bag at `path` that this repository wrote but never recorded, because its export was
    /// killed between moving the bag into place and recording it: checked in full, then recorded
    /// as it was made (its time, scope, start and change-log mark, from its own tags), with an
    /// `information package creation` event for each of its products still here. Nil when the
    /// bag is anything else (another repository's, recorded already, split, or not valid): the
    /// caller then refuses to overwrite it.
    func adoptUnrecorded(_ path: String, history: [BundleRecord], context: OperationContext) throws -> ExportOutcome? {
        // A folder's tags are read first, so that a foreign bag is refused without reading it all.
        if BagFormat.forOutput(path) == .directory {
            guard let info = try? String(contentsOfFile: path + "/bag-info.txt", encoding: .utf8),
                info.contains(catalogue.repositoryID)
            else { return nil }
        }
        guard let check = try? BagVerifier.verify(path), check.isValid else { return nil }
        let tags = check.tags
        guard tags["Kho-Repository-Id"] == catalogue.repositoryID, let id = tags["External-Identifier"],
            !history.contains(where: { $0.id == id }), tags["Bag-Group-Identifier"] == nil,
            let created = tags["Kho-Created-At"].flatMap(Timestamp.date),
            let markParts = tags["Kho-Change-Mark"]?.split(separator: "/").compactMap({ Int64($0) }), markParts.count == 2
        else { return nil }
        var ids: [ProductID] = []
        var tombstones = 0
        for line in check.recordsData.split(separator: 0x0A) {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] else { continue }
            if object["removed"] as? Bool == true {
                tombstones += 1
            } else if let text = object["id"] as? String, let productID = ProductID(parsing: text) {
                ids.append(productID)
            }
        }
        let present = Set(try catalogue.products(ids).map(\.id))
        let events = ids.filter(present.contains).map { productID in
            (
                productID,
                NewEvent(
                    type: .informationPackageCreation, at: created, agent: context.agent,
                    detail: ["bundle": id, "software": context.software, "recorded": "after an interrupted export"])
            )
        }
        try withWriteLock {
            try catalogue.recordExport(
                BundleRecord(
                    id: id, createdAt: created, since: tags["Kho-Since"].flatMap(Timestamp.date),
                    previous: tags["Kho-Previous-Bundle"], scope: tags["Kho-Export-Scope"] ?? "all", products: ids.count,
                    tombstones: tombstones, bags: 1, location: path,
                    mark: ChangeMark(event: markParts[0], tombstone: markParts[1])),
                events: events)
        }
        let octets = tags["Payload-Oxum"]?.split(separator: ".").compactMap { Int64($0) } ?? []
        var outcome = ExportOutcome(
            identifier: id, follows: tags["Kho-Previous-Bundle"], products: ids.count, tombstones: tombstones,
            bags: [
                .init(
                    path: path, products: ids.count, files: Int(octets.count == 2 ? octets[1] : 0),
                    bytes: octets.first ?? 0)
            ], oversized: [])
        outcome.adopted = true
        return outcome
    }
}

/// The parts of an export that are rules, not I/O.
public enum BundleExport {
    /// What --since names: the time the increment starts from, and the bundle it follows if any.
    /// A bundle the repository exported starts the increment where its change-log mark stands
    /// (at its time, for bundles recorded before marks); a date starts it at that time.
    public static func resolve(_ since: String, history: [BundleRecord]) throws(ExportRefused) -> (
        date: Date, bundle: String?, mark: ChangeMark?
    ) {
        if since.uppercased() == "LAST" {
            guard let last = history.last else { throw .noPreviousExport }
            return (last.createdAt, last.id, last.mark)
        }
        if let bundle = history.first(where: { $0.id == since }) { return (bundle.createdAt, bundle.id, bundle.mark) }
        if let date = Timestamp.date(since) ?? Timestamp.date(since + "T00:00:00Z") { return (date, nil, nil) }
        throw .unknownStart(since)
    }

    /// The bytes of a group's distinct files.
    public static func bytes(_ products: [Product]) -> Int64 {
        var seen = Set<String>()
        var total: Int64 = 0
        for file in products.flatMap(\.files) where seen.insert(file.object.sha256).inserted {
            total += file.object.size
        }
        return total
    }

    /// Products in id order, in groups whose payload (distinct files and records) stays within
    /// `maxBytes`; a product larger than that alone gets a group of its own.
    public static func split(_ products: [Product], records: [ProductID: Data], maxBytes: Int64) -> [[Product]] {
        var groups: [[Product]] = []
        var current: [Product] = []
        var seen = Set<String>()
        var size: Int64 = 0
        for product in products.sorted(by: { $0.id.rawValue < $1.id.rawValue }) {
            let record = Int64(records[product.id]?.count ?? 0) + 1
            var added = record
            for file in product.files where seen.insert(file.object.sha256).inserted { added += file.object.size }
            if !current.isEmpty && size + added > maxBytes {
                groups.append(current)
                current = []
                seen = Set(product.files.map(\.object.sha256))
                size = 0
                added = bytes([product]) + record
            }
            current.append(product)
            size += added
        }
        if !current.isEmpty { groups.append(current) }
        return groups
    }

    /// `gia-lai.zip` as the second of three bags: `gia-lai-2-of-3.zip`.
    public static func numbered(_ out: String, _ index: Int, of count: Int) -> String {
        let stem = BagFormat.stem(out)
        return "\(stem)-\(index)-of-\(count)" + out.dropFirst(stem.count)
    }
}
