import Foundation
import CKhoSearch
import GRDB
import KhoCore

/// The catalogue in one SQLite file, through GRDB. The only place in kho that speaks SQL.
public final class SQLiteCatalogue: Catalogue, PendingObjectJournal {
    let writer: any DatabaseWriter
    let path: String
    /// Opened read-only: the user cannot write the catalogue (an auditor's account, a backup on
    /// read-only media). Every read works; a write says why it cannot be done.
    public let isReadOnly: Bool
    /// Maps each province to its current unit, for grouping across the 2025 merger.
    let vocabulary: Vocabulary
    public let repositoryID: String

    /// Opens the catalogue at `path`, migrating it to the current schema.
    public static func open(path: String, vocabulary: Vocabulary) throws -> SQLiteCatalogue {
        guard FileManager.default.fileExists(atPath: path) else { throw StoreError.notARepository(path: path) }
        return try SQLiteCatalogue(path: path, vocabulary: vocabulary, newRepositoryID: nil, now: Date())
    }

    /// Creates a catalogue at `path` for a new repository.
    public static func create(
        path: String, vocabulary: Vocabulary, repositoryID: String, now: Date
    ) throws -> SQLiteCatalogue {
        try SQLiteCatalogue(path: path, vocabulary: vocabulary, newRepositoryID: repositoryID, now: now)
    }

    /// How much of the database file is read through a memory map (SQLite caps it at its own limit).
    static let mapSize = 4 << 30

    private init(path: String, vocabulary: Vocabulary, newRepositoryID: String?, now: Date) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(30)
        let readOnly = newRepositoryID == nil && !Self.isWritable(path)
        configuration.readonly = readOnly
        configuration.prepareDatabase { db in
            // Reads through a memory map of the database file: the pages a search walks are shared by
            // every connection and the operating system's cache instead of copied into each one with
            // a read call (24 % of a search's time under load, measured with perf).
            try db.execute(sql: "PRAGMA mmap_size = \(Self.mapSize)")
            // The search's ranking (BM25 without the per-query IDF scan; see kho_search.c).
            let status = kho_register_search_rank(db.sqliteConnection)
            guard status == SQLITE_OK else {
                throw DatabaseError(resultCode: ResultCode(rawValue: status), message: "FTS5 is not available: kho_rank was not registered")
            }
            // Folding in SQL, for filters that ignore case and diacritics.
            db.add(
                function: DatabaseFunction("kho_fold", argumentCount: 1, pure: true) { values in
                    String.fromDatabaseValue(values[0]).map(TextFolding.fold)
                })
        }
        self.path = path
        self.vocabulary = vocabulary
        isReadOnly = readOnly
        do {
            let pool = try readOnly ? Self.openReadOnly(path, configuration) : DatabasePool(path: path, configuration: configuration)
            if !readOnly {
                // WAL with synchronous=FULL on the one connection that writes: every commit is
                // synced to disk before it returns, so what a command has reported done (an ingest,
                // an import, an edit, a removal) survives a power cut, not only a crash of the
                // process; NORMAL, which GRDB sets when it turns WAL on, may lose the last
                // transactions to a power cut (scripts/power-cut-test shows both). Set here, after
                // the pool is open, because GRDB's WAL set-up runs after `prepareDatabase`. Its cost
                // is one fsync of the WAL per transaction; ingest commits a group of files at a time.
                // KHO_SYNCHRONOUS=normal keeps GRDB's setting, for the benchmarks to price it.
                let relaxed = ProcessInfo.processInfo.environment["KHO_SYNCHRONOUS"] == "normal"
                try pool.writeWithoutTransaction { db in
                    try db.execute(sql: "PRAGMA synchronous = \(relaxed ? "NORMAL" : "FULL")")
                }
            }
            if readOnly {
                // Nothing can be migrated here: a catalogue written by an older kho must be opened
                // once with write access first.
                if try pool.read({ db in try !CatalogueMigrations.migrator.hasCompletedMigrations(db) }) {
                    throw StoreError.needsUpgrade(path: path)
                }
            } else {
                try CatalogueMigrations.migrator.migrate(pool)
            }
            if let newRepositoryID {
                try pool.write { db in
                    try db.execute(
                        sql: "INSERT INTO repository(key, value) VALUES ('id', ?), ('created_at', ?), ('format', '1')",
                        arguments: [newRepositoryID, Timestamp.string(now)])
                }
            }
            guard
                let id = try pool.read({ db in
                    try String.fetchOne(db, sql: "SELECT value FROM repository WHERE key = 'id'")
                })
            else { throw StoreError.notARepository(path: path) }
            writer = pool
            repositoryID = id
        } catch let error as DatabaseError {
            throw Self.storeError(error, path: path)
        }
    }

    /// A database error as kho says it: a full disk named as one (SQLite reports it as SQLITE_FULL
    /// or, when its shared-memory file cannot grow, as an I/O error), anything else as SQLite says.
    static func storeError(_ error: DatabaseError, path: String) -> StoreError {
        if error.resultCode == .SQLITE_FULL || error.resultCode == .SQLITE_IOERR {
            var disk = statvfs()
            let folder = path.parentPath.isEmpty ? "." : path.parentPath
            if statvfs(folder, &disk) == 0 {
                let free = Int64(disk.f_bavail) * Int64(disk.f_frsize)
                if free < 1 << 20 { return .diskFull(path: path, free: free) }
            }
        }
        return .database(path: path, message: error.message ?? "\(error)")
    }

    // MARK: Writing

    public func register(_ products: [NewProduct]) throws -> [Product] {
        let origin = repositoryID
        try write { db in
            for product in products {
                try insert(db, product, origin: origin)
            }
        }
        // What was written, without reading it back: timestamps are kept to the second, as stored.
        return products.map { product in
            let at = Timestamp.date(Timestamp.string(product.event.at)) ?? product.event.at
            return Product(
                id: product.id, metadata: product.metadata,
                files: product.files.map {
                    StoredFile(object: $0.object, role: $0.role, originalName: $0.originalName, addedAt: at)
                },
                originRepository: origin, createdAt: at, updatedAt: at)
        }
    }

    private func insert(_ db: Database, _ product: NewProduct, origin: String) throws {
        if try Bool.fetchOne(db, sql: "SELECT 1 FROM product WHERE id = ?", arguments: [product.id.rawValue]) ?? false {
            throw StoreError.duplicateID(product.id)
        }
        let metadata = product.metadata
        try db.cachedStatement(
            sql: """
                INSERT INTO product(id, title, description, kind, content_line, agency, province, province_current,
                    produced, published, published_first, funding, rights, public, origin_repository, ingest_key,
                    created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [
            product.id.rawValue, metadata.title, metadata.description, metadata.kind, metadata.contentLine,
            metadata.agency, metadata.province?.qualified, currentProvince(metadata),
            metadata.produced?.description, metadata.published?.description, metadata.published?.firstDay,
            metadata.funding, metadata.rights, metadata.isPublic, origin, product.ingestKey,
            Timestamp.string(product.event.at), Timestamp.string(product.event.at),
        ])
        try Self.writeLists(db, id: product.id, metadata: metadata)
        try Self.writeSearchText(db, id: product.id, metadata: metadata)
        for file in product.files {
            try Self.insertFile(db, file, productID: product.id, at: product.event.at)
        }
        try Self.insertEvent(db, product.event, productID: product.id)
    }

    public func merge(
        _ products: [MergedProduct], tombstones: [Tombstone], exhibitions: [Exhibition], agent: String, at date: Date
    ) throws -> [ExhibitionID] {
        guard !products.isEmpty || !tombstones.isEmpty || !exhibitions.isEmpty else { return [] }
        return try write { db in
            for tombstone in tombstones {
                try Self.delete(db, tombstone.id)
                try Self.insertTombstone(db, tombstone)
            }
            for merged in products {
                let product = merged.product
                let id = product.id.rawValue
                if merged.replace {
                    try replaceMetadata(db, id: product.id, metadata: product.metadata, updatedAt: product.updatedAt)
                } else {
                    let metadata = product.metadata
                    try db.execute(
                        sql: """
                            INSERT INTO product(title, description, kind, content_line, agency, province, province_current,
                                produced, published, published_first, funding, rights, public, id, origin_repository,
                                ingest_key, created_at, updated_at)
                            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?)
                            """,
                        arguments: Self.metadataArguments(metadata, current: currentProvince(metadata))
                            + [
                                id, product.originRepository, Timestamp.string(product.createdAt),
                                Timestamp.string(product.updatedAt),
                            ])
                    try Self.writeLists(db, id: product.id, metadata: metadata)
                    try Self.writeSearchText(db, id: product.id, metadata: metadata)
                }
                let present = Set(
                    try String.fetchAll(
                        db, sql: "SELECT sha256 FROM product_file WHERE product_id = ?", arguments: [id]))
                for file in product.files where !present.contains(file.object.sha256) {
                    try Self.insertFile(
                        db, NewFile(object: file.object, role: file.role, originalName: file.originalName),
                        productID: product.id,
                        at: file.addedAt)
                }
                let known = Set(
                    try String.fetchAll(
                        db, sql: "SELECT at || type || agent FROM event WHERE product_id = ?", arguments: [id]))
                for event in merged.events
                where !known.contains(Timestamp.string(event.at) + event.type.rawValue + event.agent) {
                    try Self.insertEvent(
                        db,
                        NewEvent(
                            type: event.type, at: event.at, agent: event.agent, outcome: event.outcome,
                            detail: event.detail),
                        productID: product.id)
                }
                try Self.insertEvent(db, merged.mergeEvent, productID: product.id)
            }
            return try Self.mergeExhibitions(db, exhibitions, agent: agent, at: date)
        }
    }

    static func metadataArguments(_ metadata: ProductMetadata, current: String?) -> StatementArguments {
        [
            metadata.title, metadata.description, metadata.kind, metadata.contentLine, metadata.agency,
            metadata.province?.qualified, current, metadata.produced?.description, metadata.published?.description,
            metadata.published?.firstDay, metadata.funding, metadata.rights, metadata.isPublic,
        ]
    }

    public func attach(_ file: NewFile, to id: ProductID, event: NewEvent) throws -> Product {
        try write { db in
            try Self.requireExists(db, id)
            try Self.insertFile(db, file, productID: id, at: event.at)
            try db.execute(
                sql: "UPDATE product SET updated_at = ?, revision = revision + 1 WHERE id = ?",
                arguments: [Timestamp.string(event.at), id.rawValue])
            try Self.insertEvent(db, event, productID: id)
        }
        return try requireProduct(id)
    }

    /// Fails with `CatalogueError.conflict` if the product is no longer the revision the caller
    /// read. Called inside the write transaction: no other write can come between.
    static func checkRevision(_ db: Database, _ id: ProductID, expected: Int?) throws {
        guard let expected else { return }
        let found = try Int.fetchOne(db, sql: "SELECT revision FROM product WHERE id = ?", arguments: [id.rawValue]) ?? 0
        if found != expected { throw CatalogueError.conflict(id: id, expected: expected, found: found) }
    }

    public func detach(_ sha256: String, from id: ProductID, event: NewEvent, expectedRevision: Int?) throws -> Product {
        try write { db in
            try Self.requireExists(db, id)
            try Self.checkRevision(db, id, expected: expectedRevision)
            guard
                let size = try Int64.fetchOne(
                    db,
                    sql: """
                        SELECT o.size FROM product_file f JOIN object o ON o.sha256 = f.sha256
                        WHERE f.product_id = ? AND f.sha256 = ?
                        """, arguments: [id.rawValue, sha256])
            else { throw CatalogueError.notAttached(id: id, file: sha256) }
            try db.execute(
                sql: "DELETE FROM product_file WHERE product_id = ? AND sha256 = ?", arguments: [id.rawValue, sha256])
            try db.execute(
                sql: """
                    UPDATE product SET file_count = file_count - 1, content_files = content_files - ?,
                        updated_at = ?, revision = revision + 1 WHERE id = ?
                    """, arguments: [size > 0 ? 1 : 0, Timestamp.string(event.at), id.rawValue])
            try Self.insertEvent(db, event, productID: id)
        }
        return try requireProduct(id)
    }

    public func update(_ id: ProductID, metadata: ProductMetadata, event: NewEvent, expectedRevision: Int?) throws
        -> Product
    {
        try write { db in
            try Self.requireExists(db, id)
            try Self.checkRevision(db, id, expected: expectedRevision)
            try replaceMetadata(db, id: id, metadata: metadata, updatedAt: event.at)
            try Self.insertEvent(db, event, productID: id)
        }
        return try requireProduct(id)
    }

    /// Replaces a product's metadata: its row, its language, platform and topic lists, and its
    /// search text (an edit here, or a newer record from a bundle).
    func replaceMetadata(_ db: Database, id: ProductID, metadata: ProductMetadata, updatedAt: Date) throws {
        try db.execute(
            sql: """
                UPDATE product SET title = ?, description = ?, kind = ?, content_line = ?, agency = ?,
                    province = ?, province_current = ?, produced = ?, published = ?, published_first = ?,
                    funding = ?, rights = ?, public = ?, updated_at = ?, revision = revision + 1
                WHERE id = ?
                """,
            arguments: Self.metadataArguments(metadata, current: currentProvince(metadata))
                + [Timestamp.string(updatedAt), id.rawValue])
        for table in ["product_language", "product_platform", "product_topic"] {
            try db.execute(sql: "DELETE FROM \(table) WHERE product_id = ?", arguments: [id.rawValue])
        }
        try Self.writeLists(db, id: id, metadata: metadata)
        let seq = try Int64.fetchOne(db, sql: "SELECT seq FROM product WHERE id = ?", arguments: [id.rawValue])
        try db.execute(sql: "DELETE FROM product_fts WHERE rowid = ?", arguments: [seq])
        try Self.writeSearchText(db, id: id, metadata: metadata)
    }

    public func markPending(_ sha256s: [String]) throws {
        guard !sha256s.isEmpty else { return }
        let since = Timestamp.string(Date())
        try write { db in
            for sha256 in sha256s {
                try db.execute(
                    sql: "INSERT OR REPLACE INTO pending_object(sha256, since) VALUES (?, ?)",
                    arguments: [sha256, since])
            }
        }
    }

    public func pendingObjects() throws -> [(sha256: String, referenced: Bool)] {
        try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT p.sha256, EXISTS (SELECT 1 FROM object o WHERE o.sha256 = p.sha256) AS referenced
                    FROM pending_object p ORDER BY p.sha256
                    """
            ).map { (sha256: $0["sha256"], referenced: $0["referenced"]) }
        }
    }

    public func clearPending(_ sha256s: [String]) throws {
        guard !sha256s.isEmpty else { return }
        try write { db in
            for sha256 in sha256s {
                try db.execute(sql: "DELETE FROM pending_object WHERE sha256 = ?", arguments: [sha256])
            }
        }
    }

    public func setting(_ key: String) throws -> String? {
        try read { db in try Self.setting(db, key) }
    }

    public func setSetting(_ key: String, value: String?) throws {
        try write { db in
            if let value {
                try db.execute(
                    sql: "INSERT OR REPLACE INTO repository(key, value) VALUES (?, ?)",
                    arguments: ["setting:\(key)", value])
            } else {
                try db.execute(sql: "DELETE FROM repository WHERE key = ?", arguments: ["setting:\(key)"])
            }
        }
    }

    // MARK: Helpers

    /// The 2025 unit of the product's province: the registered one itself, or its successor.
    func currentProvince(_ metadata: ProductMetadata) -> String? {
        guard let province = metadata.province else { return nil }
        return vocabulary.currentUnit(of: province)?.code ?? province.code
    }

    func write<T>(_ body: (Database) throws -> T) throws -> T {
        if isReadOnly { throw StoreError.readOnly(path: path) }
        do { return try writer.write(body) } catch let error as DatabaseError {
            if error.resultCode == .SQLITE_READONLY { throw StoreError.readOnly(path: path) }
            throw Self.storeError(error, path: path)
        }
    }

    /// A catalogue this process cannot write. SQLite reads a WAL database through its shared-memory
    /// file; when there is none and the folder cannot hold one (read-only media, a copy with no
    /// writer), a catalogue with no pending WAL frames is read as immutable: nothing writes it.
    static func openReadOnly(_ path: String, _ configuration: Configuration) throws -> DatabasePool {
        do {
            let pool = try DatabasePool(path: path, configuration: configuration)
            _ = try pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master") }
            return pool
        } catch let error as DatabaseError where error.resultCode == .SQLITE_READONLY || error.resultCode == .SQLITE_CANTOPEN {
            let wal = (try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int) ?? 0
            guard wal == 0 else { throw error }
            let encoded = path.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? path
            return try DatabasePool(path: "file:\(encoded)?immutable=1", configuration: configuration)
        }
    }

    /// Whether this process may write the catalogue and create its journal files beside it.
    static func isWritable(_ path: String) -> Bool {
        let folder = path.parentPath
        return access(path, W_OK) == 0 && access(folder.isEmpty ? "." : folder, W_OK) == 0
    }

    /// SQLite's own integrity check: nothing when the database is sound, else its messages. A
    /// "NULL value in T.C" message is kept only if the column really holds a NULL (SQLite 3.40 gave
    /// false ones on tables whose columns migration v11 reordered).
    public func integrityProblems() throws -> [String] {
        try read { db in
            let messages = try String.fetchAll(db, sql: "PRAGMA integrity_check")
            if messages == ["ok"] { return [] }
            return try messages.filter { message in
                guard message.hasPrefix("NULL value in "),
                    let column = message.split(separator: " ").last?.split(separator: "."), column.count == 2,
                    column.allSatisfy({ $0.allSatisfy { $0.isLetter || $0 == "_" } })
                else { return true }
                let nulls = try Int.fetchOne(
                    db, sql: "SELECT count(*) FROM \(column[0]) WHERE \(column[1]) IS NULL") ?? 0
                return nulls > 0
            }
        }
    }

    func read<T>(_ body: (Database) throws -> T) throws -> T {
        do { return try writer.read(body) } catch let error as DatabaseError {
            throw Self.storeError(error, path: path)
        }
    }

    func requireProduct(_ id: ProductID) throws -> Product {
        guard let product = try product(id) else { throw CatalogueError.unknownProduct(id) }
        return product
    }

    static func requireExists(_ db: Database, _ id: ProductID) throws {
        guard try Bool.fetchOne(db, sql: "SELECT 1 FROM product WHERE id = ?", arguments: [id.rawValue]) ?? false else {
            throw CatalogueError.unknownProduct(id)
        }
    }

    static func writeLists(_ db: Database, id: ProductID, metadata: ProductMetadata) throws {
        let roles = Set(metadata.languages.map(\.role))
        let mask =
            (roles.contains(.ethnic) ? 1 : 0) | (roles.contains(.foreign) ? 2 : 0) | (roles.contains(.national) ? 4 : 0)
        var platformMask: Int64 = 0
        for code in metadata.platforms { platformMask |= 1 << Int64(try platformBit(db, code)) }
        try db.cachedStatement(sql: "UPDATE product SET role_mask = ?, platform_mask = ? WHERE id = ?")
            .execute(arguments: [mask, platformMask, id.rawValue])
        for (position, language) in metadata.languages.enumerated() {
            try db.cachedStatement(
                sql:
                    "INSERT INTO product_language(product_id, position, code, role, role_override) VALUES (?, ?, ?, ?, ?)"
            ).execute(arguments: [id.rawValue, position, language.code, language.role.rawValue, language.roleOverride])
        }
        for (position, code) in metadata.platforms.enumerated() {
            try db.cachedStatement(sql: "INSERT INTO product_platform(product_id, position, code) VALUES (?, ?, ?)")
                .execute(arguments: [id.rawValue, position, code])
        }
        for (position, code) in metadata.topics.enumerated() {
            try db.cachedStatement(sql: "INSERT INTO product_topic(product_id, position, code) VALUES (?, ?, ?)")
                .execute(arguments: [id.rawValue, position, code])
        }
    }

    /// The bit of a platform code in `product.platform_mask`, assigned on first use.
    static func platformBit(_ db: Database, _ code: String) throws -> Int {
        if let bit = try Int.fetchOne(
            db.cachedStatement(sql: "SELECT bit FROM platform_bit WHERE code = ?"), arguments: [code])
        {
            return bit
        }
        let next = try Int.fetchOne(db, sql: "SELECT coalesce(max(bit) + 1, 0) FROM platform_bit") ?? 0
        guard next <= 62 else {
            throw StoreError.database(
                path: "platform_bit",
                message: "more than 63 platform codes in one repository; kho's reports count at most 63 platforms")
        }
        try db.execute(sql: "INSERT INTO platform_bit(code, bit) VALUES (?, ?)", arguments: [code, next])
        return next
    }

    /// Indexes the folded text, so that search ignores case, diacritics, NFC/NFD and đ/d.
    static func writeSearchText(_ db: Database, id: ProductID, metadata: ProductMetadata) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO product_fts(rowid, title, description, agency)
                SELECT seq, ?, ?, ? FROM product WHERE id = ?
                """
        ).execute(arguments: [
            TextFolding.fold(metadata.title), metadata.description.map(TextFolding.fold) ?? "",
            metadata.agency.map(TextFolding.fold) ?? "", id.rawValue,
        ])
    }

    static func insertFile(_ db: Database, _ file: NewFile, productID: ProductID, at date: Date) throws {
        try db.cachedStatement(
            sql: "INSERT OR IGNORE INTO object(sha256, size, mime, format, stored_at) VALUES (?, ?, ?, ?, ?)"
        ).execute(arguments: [
            file.object.sha256, file.object.size, file.object.mime, file.object.format, Timestamp.string(date),
        ])
        try db.cachedStatement(
            sql: "INSERT INTO product_file(product_id, sha256, role, original_name, added_at) VALUES (?, ?, ?, ?, ?)"
        ).execute(arguments: [
            productID.rawValue, file.object.sha256, file.role.rawValue, file.originalName, Timestamp.string(date),
        ])
        try db.cachedStatement(
            sql: "UPDATE product SET file_count = file_count + 1, content_files = content_files + ? WHERE id = ?"
        ).execute(arguments: [file.object.size > 0 ? 1 : 0, productID.rawValue])
        try db.cachedStatement(sql: "DELETE FROM pending_object WHERE sha256 = ?").execute(arguments: [
            file.object.sha256
        ])
        if let technical = file.technical {
            try writeTechnicalMetadata(
                db, sha256: file.object.sha256, metadata: technical, tool: file.technicalTool, at: date, replace: false)
        }
    }

    static func insertEvent(_ db: Database, _ event: NewEvent, productID: ProductID) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let detail = String(decoding: try encoder.encode(event.detail), as: UTF8.self)
        try db.cachedStatement(
            sql: "INSERT INTO event(product_id, type, at, agent, outcome, detail) VALUES (?, ?, ?, ?, ?, ?)"
        ).execute(arguments: [
            productID.rawValue, event.type.rawValue, Timestamp.string(event.at), event.agent, event.outcome.rawValue,
            detail,
        ])
        if event.type == .informationPackageCreation {
            try db.cachedStatement(sql: "UPDATE product SET shared = 1 WHERE id = ?").execute(arguments: [
                productID.rawValue
            ])
        }
    }
}
