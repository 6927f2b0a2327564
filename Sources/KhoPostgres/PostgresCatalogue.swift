import Foundation
import KhoCore
import KhoStore
import NIOCore
import NIOPosix
import PostgresNIO

/// The catalogue in a PostgreSQL database, for the national tier: the same role protocols as
/// `SQLiteCatalogue`, the same tables and constraints (`catalogue-schema/postgresql/`), the same
/// rules for search and the same report counts.
///
/// Every write is one SERIALIZABLE transaction, run again when the server reports a
/// serialisation failure or a deadlock with another writer (the user never sees one). Reads are
/// REPEATABLE READ, READ ONLY: one snapshot, as SQLite's WAL reads.
public final class PostgresCatalogue: Catalogue, PendingObjectJournal, @unchecked Sendable {
    let pool: PostgresPool
    public let location: PostgresLocation
    let vocabulary: Vocabulary
    public let repositoryID: String
    /// Where the async reads of `kho serve` wait on the database, off the caller's thread: started
    /// by the first async read (a command never makes one), stopped with the catalogue.
    private var threadPool: NIOThreadPool?
    private let threadPoolLock = NSLock()

    /// The advisory lock that orders writers against a change mark (see `changeMark()`).
    static let changeLogLock: Int64 = 0x6B68_6F00_0001
    /// The advisory lock that lets one process at a time bring the schema up to date.
    static let schemaLock: Int64 = 0x6B68_6F00_0002

    /// Opens the catalogue at `location`, bringing its schema up to date.
    public static func open(location: PostgresLocation, vocabulary: Vocabulary) throws -> PostgresCatalogue {
        try PostgresCatalogue(location: location, vocabulary: vocabulary, newRepositoryID: nil, now: Date())
    }

    /// Creates a catalogue at `location` for a new repository: the database is created if the
    /// server has none of that name (the role needs CREATEDB), and a database that already holds a
    /// kho catalogue is taken as it is (another repository folder, on another machine, for one
    /// national catalogue). Returns the catalogue and whether it was new.
    public static func create(
        location: PostgresLocation, vocabulary: Vocabulary, repositoryID: String, now: Date
    ) throws -> (catalogue: PostgresCatalogue, created: Bool) {
        let maintenance = PostgresPool(location: location.with(database: "postgres"), limit: 1)
        // Asked of the maintenance database first, so that nothing tries to connect to a database
        // that is not there yet: a pooler in front of the server (PgBouncer) would hold back the
        // connections that follow such a failed login for its `server_login_retry` (15 s).
        var exists: Bool?
        do {
            exists = try maintenance.withSession { session in
                try session.int("SELECT count(*) FROM pg_database WHERE datname = ?", [location.database]) ?? 0 > 0
            }
        } catch PostgresError.unreachable(_, let reason) {
            // No server there: said of the URL given, without trying it a second time.
            throw PostgresError.unreachable(location: location.description, reason: reason)
        } catch {
            // The role may not open `postgres`, or read pg_database: the database itself is tried.
        }
        if exists == nil {
            do {
                try PostgresPool(location: location, limit: 1).check()
            } catch PostgresError.noDatabase {
                exists = false
            }
        }
        if exists == false {
            try maintenance.withSession { session in
                let quoted = "\"" + location.database.replacingOccurrences(of: "\"", with: "\"\"") + "\""
                do {
                    try session.script("CREATE DATABASE \(quoted) ENCODING 'UTF8' TEMPLATE template0")
                } catch let error as ServerError where error.sqlState == "42P04" || error.sqlState == "23505" {
                    // Created by another process meanwhile (a race on pg_database's unique index
                    // reports 23505 rather than 42P04).
                } catch let error as ServerError {
                    throw PostgresError.server(
                        location: location.description,
                        message: "cannot create database \(location.database): \(error.message)",
                        sqlState: error.sqlState)
                }
            }
        }
        let catalogue = try PostgresCatalogue(
            location: location, vocabulary: vocabulary, newRepositoryID: repositoryID, now: now)
        return (catalogue, catalogue.repositoryID == repositoryID)
    }

    private init(location: PostgresLocation, vocabulary: Vocabulary, newRepositoryID: String?, now: Date) throws {
        self.location = location
        self.vocabulary = vocabulary
        pool = PostgresPool(location: location)
        let pool = self.pool
        let place = location.description
        repositoryID = try pool.withSession { session in
            try PostgresMigrations.migrate(session, creating: newRepositoryID != nil, location: place)
            if let newRepositoryID {
                try session.execute(
                    """
                    INSERT INTO repository(key, value) VALUES ('id', ?), ('created_at', ?), ('format', '1')
                    ON CONFLICT (key) DO NOTHING
                    """, [newRepositoryID, Timestamp.string(now)])
            }
            guard let id = try session.text("SELECT value FROM repository WHERE key = 'id'") else {
                throw PostgresError.notACatalogue(location: place)
            }
            return id
        }
    }

    deinit {
        try? threadPool?.syncShutdownGracefully()
    }

    /// The thread pool of the async reads, started when first needed.
    private var threads: NIOThreadPool {
        threadPoolLock.lock()
        defer { threadPoolLock.unlock() }
        if let threadPool { return threadPool }
        let started = NIOThreadPool(numberOfThreads: 4)
        started.start()
        threadPool = started
        return started
    }

    // MARK: Transactions

    /// Runs `body` in one SERIALIZABLE transaction, again (up to 50 times, after a short random
    /// wait) when the server says a concurrent writer made it fail.
    func write<T>(_ body: (PostgresSession) throws -> T) throws -> T {
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try pool.withSession { session in
                    try session.script("BEGIN ISOLATION LEVEL SERIALIZABLE")
                    session.platformBits.bits = [:]
                    do {
                        try session.execute("SELECT pg_advisory_xact_lock_shared(?)", [Self.changeLogLock])
                        let result = try body(session)
                        let appended = try session.totals.flush(session)
                        try session.script("COMMIT")
                        // Now and then the appended totals are folded into one row, and the
                        // appended word bitmaps into theirs.
                        if appended, Int.random(in: 0..<256) == 0 {
                            try? SearchTotalsDelta.compact(session, lock: Self.changeLogLock, limit: 256)
                        }
                        // After every write, not only one that changed words: while others write,
                        // the fold's lock is not to be had, and the last of them may be one that
                        // changed none (an import's last transaction), which left earlier bits
                        // unfolded until the next write (one statement when there are none).
                        try? SearchBlocks.fold(session, lock: Self.changeLogLock)
                        return result
                    } catch {
                        session.platformBits.bits = [:]
                        try? session.script("ROLLBACK")
                        throw error
                    }
                }
            } catch is RetryableConflict where attempt < 50 {
                usleep(UInt32.random(in: 1_000...(5_000 * UInt32(min(attempt, 20)))))
            } catch let error as ServerError {
                throw translate(error)
            } catch is RetryableConflict {
                throw PostgresError.server(
                    location: location.description,
                    message: "the transaction conflicted with other writers 50 times; run the command again",
                    sqlState: "40001")
            }
        }
    }

    /// Runs `body` in one read-only snapshot.
    func read<T>(_ body: (PostgresSession) throws -> T) throws -> T {
        do {
            return try pool.withSession { session in
                // BEGIN is not waited for on its own, and COMMIT is queued with the last statement
                // when the body says which one that is (`lastRows`): a wait and the hand-back to
                // this thread fewer each.
                let begun = session.send("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                session.ending.statement = "COMMIT"
                do {
                    let result = try body(session)
                    try session.settle(begun)
                    try session.end()
                    return result
                } catch {
                    try? session.settle(begun)
                    session.ending.statement = nil
                    try? session.script("ROLLBACK")
                    throw error
                }
            }
        } catch let error as ServerError {
            throw translate(error)
        }
    }

    /// A read snapshot awaited without blocking the caller's thread (the server's event loops).
    func readAsync<T: Sendable>(_ body: @escaping @Sendable (PostgresSession) throws -> T) async throws -> T {
        try await threads.runIfActive { [self] in try read(body) }
    }

    func translate(_ error: ServerError) -> any Error {
        if error.sqlState == "23505", error.constraint == "product_id_key" || error.constraint == "product_pkey" {
            return StoreError.database(path: location.description, message: error.message)
        }
        if error.sqlState == "25006" || error.sqlState == "42501" {
            return StoreError.readOnly(path: location.description)
        }
        return PostgresError.server(location: location.description, message: error.message, sqlState: error.sqlState)
    }

    // MARK: Writing

    public func register(_ products: [NewProduct]) throws -> [Product] {
        let origin = repositoryID
        try write { session in
            for product in products {
                try insert(session, product, origin: origin)
            }
        }
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

    private func insert(_ session: PostgresSession, _ product: NewProduct, origin: String) throws {
        if try session.int("SELECT 1 FROM product WHERE id = ?", [product.id.rawValue]) != nil {
            throw StoreError.duplicateID(product.id)
        }
        let metadata = product.metadata
        try session.execute(
            """
            INSERT INTO product(title, description, kind, content_line, agency, province, province_current,
                produced, published, published_first, funding, rights, public, id, origin_repository, ingest_key,
                created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            metadataArguments(metadata) + [
                product.id.rawValue, origin, product.ingestKey, Timestamp.string(product.event.at),
                Timestamp.string(product.event.at),
            ])
        try writeLists(session, id: product.id, metadata: metadata)
        try Self.writeSearchText(session, id: product.id, metadata: metadata, isNew: true)
        for file in product.files {
            try Self.insertFile(session, file, productID: product.id, at: product.event.at)
        }
        try Self.insertEvent(session, product.event, productID: product.id)
    }

    public func merge(
        _ products: [MergedProduct], tombstones: [Tombstone], exhibitions: [Exhibition], agent: String, at date: Date
    ) throws -> [ExhibitionID] {
        guard !products.isEmpty || !tombstones.isEmpty || !exhibitions.isEmpty else { return [] }
        return try write { session in
            // The bundle's removals in one statement (their bitmaps cleared once), then their tombstones.
            try Self.delete(session, tombstones.map(\.id))
            for tombstone in tombstones { try Self.insertTombstone(session, tombstone) }
            for merged in products {
                let product = merged.product
                let id = product.id.rawValue
                // Several imports may write one national catalogue at once, each deciding before its
                // transaction what is new. A product another import added meanwhile is merged as a
                // sequential import would have merged it: replaced if this record is later, else kept.
                var replace = merged.replace
                if !replace, let here = try session.text("SELECT updated_at FROM product WHERE id = ?", [id]) {
                    guard Timestamp.string(product.updatedAt) > here else { continue }
                    replace = true
                }
                if replace {
                    try replaceMetadata(session, id: product.id, metadata: product.metadata, updatedAt: product.updatedAt)
                } else {
                    let metadata = product.metadata
                    try session.execute(
                        """
                        INSERT INTO product(title, description, kind, content_line, agency, province, province_current,
                            produced, published, published_first, funding, rights, public, id, origin_repository,
                            ingest_key, created_at, updated_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?)
                        """,
                        metadataArguments(metadata) + [
                            id, product.originRepository, Timestamp.string(product.createdAt),
                            Timestamp.string(product.updatedAt),
                        ])
                    try writeLists(session, id: product.id, metadata: metadata)
                    try Self.writeSearchText(session, id: product.id, metadata: metadata, isNew: true)
                }
                let present = Set(try session.texts("SELECT sha256 FROM product_file WHERE product_id = ?", [id]))
                for file in product.files where !present.contains(file.object.sha256) {
                    try Self.insertFile(
                        session, NewFile(object: file.object, role: file.role, originalName: file.originalName),
                        productID: product.id, at: file.addedAt)
                }
                let known =
                    replace
                    ? Set(try session.texts("SELECT at || type || agent FROM event WHERE product_id = ?", [id])) : []
                let events =
                    merged.events.filter { !known.contains(Timestamp.string($0.at) + $0.type.rawValue + $0.agent) }.map {
                        NewEvent(type: $0.type, at: $0.at, agent: $0.agent, outcome: $0.outcome, detail: $0.detail)
                    } + [merged.mergeEvent]
                try Self.insertEvents(session, events, productID: product.id)
            }
            return try Self.mergeExhibitions(session, exhibitions, agent: agent, at: date)
        }
    }

    func metadataArguments(_ metadata: ProductMetadata) -> [any SQLBindable] {
        [
            metadata.title, metadata.description, metadata.kind, metadata.contentLine, metadata.agency,
            metadata.province?.qualified, currentProvince(metadata), metadata.produced?.description,
            metadata.published?.description, metadata.published?.firstDay, metadata.funding, metadata.rights,
            metadata.isPublic,
        ]
    }

    public func attach(_ file: NewFile, to id: ProductID, event: NewEvent) throws -> Product {
        try write { session in
            try Self.requireExists(session, id)
            try Self.insertFile(session, file, productID: id, at: event.at)
            try session.execute(
                "UPDATE product SET updated_at = ?, revision = revision + 1 WHERE id = ?",
                [Timestamp.string(event.at), id.rawValue])
            try Self.insertEvent(session, event, productID: id)
        }
        return try requireProduct(id)
    }

    static func checkRevision(_ session: PostgresSession, _ id: ProductID, expected: Int?) throws {
        guard let expected else { return }
        let found = Int(try session.int("SELECT revision FROM product WHERE id = ?", [id.rawValue]) ?? 0)
        if found != expected { throw CatalogueError.conflict(id: id, expected: expected, found: found) }
    }

    public func detach(_ sha256: String, from id: ProductID, event: NewEvent, expectedRevision: Int?) throws -> Product {
        try write { session in
            try Self.requireExists(session, id)
            try Self.checkRevision(session, id, expected: expectedRevision)
            guard
                let size = try session.int(
                    """
                    SELECT o.size FROM product_file f JOIN object o ON o.sha256 = f.sha256
                    WHERE f.product_id = ? AND f.sha256 = ?
                    """, [id.rawValue, sha256])
            else { throw CatalogueError.notAttached(id: id, file: sha256) }
            try session.execute("DELETE FROM product_file WHERE product_id = ? AND sha256 = ?", [id.rawValue, sha256])
            try session.execute(
                """
                UPDATE product SET file_count = file_count - 1, content_files = content_files - ?,
                    updated_at = ?, revision = revision + 1 WHERE id = ?
                """, [size > 0 ? 1 : 0, Timestamp.string(event.at), id.rawValue])
            try Self.insertEvent(session, event, productID: id)
        }
        return try requireProduct(id)
    }

    public func update(_ id: ProductID, metadata: ProductMetadata, event: NewEvent, expectedRevision: Int?) throws
        -> Product
    {
        try write { session in
            try Self.requireExists(session, id)
            try Self.checkRevision(session, id, expected: expectedRevision)
            try replaceMetadata(session, id: id, metadata: metadata, updatedAt: event.at)
            try Self.insertEvent(session, event, productID: id)
        }
        return try requireProduct(id)
    }

    func replaceMetadata(_ session: PostgresSession, id: ProductID, metadata: ProductMetadata, updatedAt: Date) throws {
        try session.execute(
            """
            UPDATE product SET title = ?, description = ?, kind = ?, content_line = ?, agency = ?,
                province = ?, province_current = ?, produced = ?, published = ?, published_first = ?,
                funding = ?, rights = ?, public = ?, updated_at = ?, revision = revision + 1
            WHERE id = ?
            """, metadataArguments(metadata) + [Timestamp.string(updatedAt), id.rawValue])
        for table in ["product_language", "product_platform", "product_topic"] {
            try session.execute("DELETE FROM \(table) WHERE product_id = ?", [id.rawValue])
        }
        try writeLists(session, id: id, metadata: metadata)
        try Self.writeSearchText(session, id: id, metadata: metadata, isNew: false)
    }

    public func markPending(_ sha256s: [String]) throws {
        guard !sha256s.isEmpty else { return }
        let since = Timestamp.string(Date())
        try write { session in
            for sha256 in sha256s {
                try session.execute(
                    """
                    INSERT INTO pending_object(sha256, since) VALUES (?, ?)
                    ON CONFLICT (sha256) DO UPDATE SET since = EXCLUDED.since
                    """, [sha256, since])
            }
        }
    }

    public func pendingObjects() throws -> [(sha256: String, referenced: Bool)] {
        try read { session in
            try session.rows(
                """
                SELECT p.sha256, EXISTS (SELECT 1 FROM object o WHERE o.sha256 = p.sha256)::int AS referenced
                FROM pending_object p ORDER BY p.sha256
                """
            ).map { (sha256: $0.string("sha256"), referenced: $0.bool("referenced")) }
        }
    }

    public func clearPending(_ sha256s: [String]) throws {
        guard !sha256s.isEmpty else { return }
        try write { session in
            for batch in Self.batches(sha256s) {
                try session.execute(
                    "DELETE FROM pending_object WHERE sha256 IN \(Self.placeholders(batch.count))", batch)
            }
        }
    }

    public func setting(_ key: String) throws -> String? {
        try read { session in try Self.setting(session, key) }
    }

    static func setting(_ session: PostgresSession, _ key: String) throws -> String? {
        try session.text("SELECT value FROM repository WHERE key = ?", ["setting:\(key)"])
    }

    public func setSetting(_ key: String, value: String?) throws {
        try write { session in
            if let value {
                try session.execute(
                    """
                    INSERT INTO repository(key, value) VALUES (?, ?)
                    ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value
                    """, ["setting:\(key)", value])
            } else {
                try session.execute("DELETE FROM repository WHERE key = ?", ["setting:\(key)"])
            }
        }
    }

    // MARK: Helpers

    func currentProvince(_ metadata: ProductMetadata) -> String? {
        guard let province = metadata.province else { return nil }
        return vocabulary.currentUnit(of: province)?.code ?? province.code
    }

    func requireProduct(_ id: ProductID) throws -> Product {
        guard let product = try product(id) else { throw CatalogueError.unknownProduct(id) }
        return product
    }

    static func requireExists(_ session: PostgresSession, _ id: ProductID) throws {
        guard try session.int("SELECT 1 FROM product WHERE id = ?", [id.rawValue]) != nil else {
            throw CatalogueError.unknownProduct(id)
        }
    }

    func writeLists(_ session: PostgresSession, id: ProductID, metadata: ProductMetadata) throws {
        let roles = Set(metadata.languages.map(\.role))
        let mask =
            (roles.contains(.ethnic) ? 1 : 0) | (roles.contains(.foreign) ? 2 : 0) | (roles.contains(.national) ? 4 : 0)
        var platformMask: Int64 = 0
        for code in metadata.platforms { platformMask |= 1 << Int64(try Self.platformBit(session, code)) }
        try session.execute(
            "UPDATE product SET role_mask = ?, platform_mask = ? WHERE id = ?", [mask, platformMask, id.rawValue])
        // Each list in one statement: a product's languages, platforms and topics are a few rows each.
        if !metadata.languages.isEmpty {
            try session.execute(
                "INSERT INTO product_language(product_id, position, code, role, role_override) VALUES "
                    + Self.valueRows(5, metadata.languages.count),
                metadata.languages.enumerated().flatMap { position, language -> [any SQLBindable] in
                    [id.rawValue, position, language.code, language.role.rawValue, language.roleOverride]
                })
        }
        for (table, codes) in [("product_platform", metadata.platforms), ("product_topic", metadata.topics)]
        where !codes.isEmpty {
            try session.execute(
                "INSERT INTO \(table)(product_id, position, code) VALUES " + Self.valueRows(3, codes.count),
                codes.enumerated().flatMap { position, code -> [any SQLBindable] in [id.rawValue, position, code] })
        }
    }

    /// `(?, …), (?, …)`: `count` rows of `columns` placeholders, for a multi-row `VALUES`.
    static func valueRows(_ columns: Int, _ count: Int) -> String {
        let row = "(" + Array(repeating: "?", count: columns).joined(separator: ", ") + ")"
        return Array(repeating: row, count: count).joined(separator: ", ")
    }

    /// The bit of a platform code in `product.platform_mask`, assigned on first use.
    static func platformBit(_ session: PostgresSession, _ code: String) throws -> Int {
        if let bit = session.platformBits.bits[code] { return bit }
        if let bit = try session.int("SELECT bit FROM platform_bit WHERE code = ?", [code]) {
            session.platformBits.bits[code] = Int(bit)
            return Int(bit)
        }
        let next = Int(try session.int("SELECT coalesce(max(bit) + 1, 0) FROM platform_bit") ?? 0)
        guard next <= 62 else {
            throw StoreError.database(
                path: "platform_bit",
                message: "more than 63 platform codes in one repository; kho's reports count at most 63 platforms")
        }
        try session.execute("INSERT INTO platform_bit(code, bit) VALUES (?, ?)", [code, next])
        session.platformBits.bits[code] = next
        return next
    }

    /// A product's search columns: its folded title, description and agency, their word counts,
    /// and its distinct words, space-separated, for `words`.
    static func searchValues(title: String, description: String?, agency: String?) -> (
        folded: [String], counts: [Int], lexemes: String
    ) {
        let folded = [
            TextFolding.fold(title), description.map(TextFolding.fold) ?? "", agency.map(TextFolding.fold) ?? "",
        ]
        let words = folded.map(tokens)
        return (folded, words.map(\.count), Set(words.joined().map(String.init)).sorted().joined(separator: " "))
    }

    /// The words of folded text, as the SQLite index's tokenizer (unicode61) splits it.
    static func tokens(_ folded: String) -> [Substring] {
        // Most folded text is ASCII, where a letter or number is [a-zA-Z0-9]: split its bytes.
        if folded.utf8.allSatisfy({ $0 < 0x80 }) {
            return folded.utf8.split { !isASCIIWordByte($0) }.map { Substring($0) }
        }
        return folded.split { !($0.isLetter || $0.isNumber) }
    }

    /// A letter or number of ASCII text, as `tokens` splits it.
    static func isASCIIWordByte(_ byte: UInt8) -> Bool {
        (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x30 && byte <= 0x39)
    }

    /// Writes a product's search columns, and what they change in the ranking's totals: a new
    /// product adds its counts, a changed one the difference.
    static func writeSearchText(_ session: PostgresSession, id: ProductID, metadata: ProductMetadata, isNew: Bool)
        throws
    {
        let search = searchValues(title: metadata.title, description: metadata.description, agency: metadata.agency)
        if isNew {
            session.totals.add(products: 1, tokens: search.counts)
        } else if let old = try session.row(
            "SELECT title_tokens, description_tokens, agency_tokens FROM product WHERE id = ?", [id.rawValue])
        {
            session.totals.add(products: 0, tokens: search.counts)
            session.totals.add(
                products: 0, tokens: ["title_tokens", "description_tokens", "agency_tokens"].map { -old.int($0) })
        }
        try session.execute(
            """
            UPDATE product SET title_fold = ?, description_fold = ?, agency_fold = ?,
                title_tokens = ?, description_tokens = ?, agency_tokens = ?,
                words = array_to_tsvector(string_to_array(?, ' '))
            WHERE id = ?
            """, (search.folded as [any SQLBindable]) + (search.counts as [any SQLBindable]) + [search.lexemes, id.rawValue])
    }

    static func insertFile(_ session: PostgresSession, _ file: NewFile, productID: ProductID, at date: Date) throws {
        try session.execute(
            """
            INSERT INTO object(sha256, size, mime, format, stored_at) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (sha256) DO NOTHING
            """,
            [file.object.sha256, file.object.size, file.object.mime, file.object.format, Timestamp.string(date)])
        try session.execute(
            "INSERT INTO product_file(product_id, sha256, role, original_name, added_at) VALUES (?, ?, ?, ?, ?)",
            [productID.rawValue, file.object.sha256, file.role.rawValue, file.originalName, Timestamp.string(date)])
        try session.execute(
            "UPDATE product SET file_count = file_count + 1, content_files = content_files + ? WHERE id = ?",
            [file.object.size > 0 ? 1 : 0, productID.rawValue])
        try session.execute("DELETE FROM pending_object WHERE sha256 = ?", [file.object.sha256])
        if let technical = file.technical {
            try writeTechnicalMetadata(
                session, sha256: file.object.sha256, metadata: technical, tool: file.technicalTool, at: date,
                replace: false)
        }
    }

    /// Several events of one product in one statement (a merged product's history).
    static func insertEvents(_ session: PostgresSession, _ events: [NewEvent], productID: ProductID) throws {
        guard !events.isEmpty else { return }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // In slices of 1,000 rows: a statement takes at most 65,535 parameters.
        for start in stride(from: 0, to: events.count, by: 1_000) {
            let slice = events[start..<min(start + 1_000, events.count)]
            var values: [any SQLBindable] = []
            for event in slice {
                values += [
                    productID.rawValue, event.type.rawValue, Timestamp.string(event.at), event.agent,
                    event.outcome.rawValue, String(decoding: try encoder.encode(event.detail), as: UTF8.self),
                ]
            }
            let rows = Array(repeating: "(?, ?, ?, ?, ?, ?::jsonb)", count: slice.count).joined(separator: ", ")
            try session.execute("INSERT INTO event(product_id, type, at, agent, outcome, detail) VALUES " + rows, values)
        }
        if events.contains(where: { $0.type == .informationPackageCreation }) {
            try session.execute("UPDATE product SET shared = 1 WHERE id = ?", [productID.rawValue])
        }
    }

    static func insertEvent(_ session: PostgresSession, _ event: NewEvent, productID: ProductID) throws {
        try insertEvents(session, [event], productID: productID)
    }

    /// Values in slices small enough for one `IN (…)` list.
    static func batches<T>(_ values: [T]) -> [[T]] {
        stride(from: 0, to: values.count, by: 500).map { Array(values[$0..<min($0 + 500, values.count)]) }
    }

    static func placeholders(_ count: Int) -> String { CatalogueSQL.placeholders(count) }
}

/// The average word count of each search column over every product, as SQLite's index keeps it
/// (its totals and row count): the sum of `search_totals`, which every write keeps in its transaction.
enum SearchAverages {
    /// The columns that give the averages, for a statement that selects from `search_totals`.
    static let columns = """
        coalesce(sum(products), 0)::bigint AS n, coalesce(sum(title_tokens), 0)::bigint AS t,
        coalesce(sum(description_tokens), 0)::bigint AS d, coalesce(sum(agency_tokens), 0)::bigint AS a
        """

    static func averages(_ session: PostgresSession) throws -> [Double] {
        averages(try session.row("SELECT \(columns) FROM search_totals"))
    }

    /// The same, from a row with `columns` among others.
    static func averages(_ row: PostgresRow) -> [Double] {
        var values: [String: SQLValue] = [:]
        for cell in row where ["n", "t", "d", "a"].contains(cell.columnName) {
            values[cell.columnName] = PostgresSession.value(cell)
        }
        return averages(SQLRow(values: values))
    }

    /// The average word count of the title, description and agency, from a row with `columns`.
    static func averages(_ row: SQLRow?) -> [Double] {
        guard let row else { return [1, 1, 1] }
        let rows = Double(row.int64("n") ?? 0)
        return ["t", "d", "a"].map { column -> Double in
            let total = Double(row.int64(column) ?? 0)
            let average = rows > 0 ? total / rows : 1.0
            return average <= 0 ? 1.0 : average
        }
    }
}

/// What one write transaction changes in the search totals, appended as one row just before it
/// commits: an insert, which conflicts with no concurrent writer's.
final class SearchTotalsDelta: @unchecked Sendable {
    private(set) var products: Int64 = 0
    private(set) var tokens: [Int64] = [0, 0, 0]

    func add(products: Int64, tokens counts: [Int]) {
        self.products += products
        for index in 0..<3 { tokens[index] += Int64(counts[index]) }
    }

    func reset() {
        products = 0
        tokens = [0, 0, 0]
    }

    /// Appends the change; true when one was written.
    @discardableResult
    func flush(_ session: PostgresSession) throws -> Bool {
        guard products != 0 || tokens.contains(where: { $0 != 0 }) else { return false }
        try session.execute(
            "INSERT INTO search_totals(products, title_tokens, description_tokens, agency_tokens) VALUES (?, ?, ?, ?)",
            [products, tokens[0], tokens[1], tokens[2]])
        reset()
        return true
    }

    /// Sets the totals from the product rows themselves (after a copy, or a repair).
    static func recompute(_ session: PostgresSession) throws {
        try session.execute("DELETE FROM search_totals")
        try session.execute(
            """
            INSERT INTO search_totals(products, title_tokens, description_tokens, agency_tokens)
            SELECT count(*), coalesce(sum(title_tokens), 0), coalesce(sum(description_tokens), 0),
                coalesce(sum(agency_tokens), 0) FROM product
            """)
        session.totals.reset()
    }

    /// Folds the appended rows into one, once there are more than `limit` of them: in its own
    /// transaction, holding the change-log lock exclusively, so that no writer runs meanwhile.
    static func compact(_ session: PostgresSession, lock: Int64, limit: Int) throws {
        try session.script("BEGIN")
        do {
            guard (try session.int("SELECT count(*) FROM search_totals") ?? 0) > limit else {
                try session.script("COMMIT")
                return
            }
            try session.execute("SELECT pg_advisory_xact_lock(?)", [lock])
            try session.execute(
                """
                WITH gone AS (DELETE FROM search_totals RETURNING *)
                INSERT INTO search_totals(products, title_tokens, description_tokens, agency_tokens)
                SELECT coalesce(sum(products), 0), coalesce(sum(title_tokens), 0),
                    coalesce(sum(description_tokens), 0), coalesce(sum(agency_tokens), 0) FROM gone
                """)
            try session.script("COMMIT")
        } catch {
            try? session.script("ROLLBACK")
            throw error
        }
    }
}

/// The search's word bitmaps (schema version 5): what writes append to `search_block_new` folded
/// into `search_block`, and both made again from the products' words.
enum SearchBlocks {
    /// Folds the appended bitmaps into one row per word and block, after a write that appended
    /// some: in its own transaction, holding the change-log lock exclusively, and only if it can be
    /// had at once (while other writers run, the last of them folds). A search reads the folded
    /// bitmaps alone, and faster, when no appended one has its words.
    static func fold(_ session: PostgresSession, lock: Int64) throws {
        guard try session.int("SELECT 1 FROM search_block_new LIMIT 1") != nil else { return }
        try session.script("BEGIN")
        do {
            guard try session.int("SELECT pg_try_advisory_xact_lock(?)::int", [lock]) == 1 else {
                try session.script("COMMIT")
                return
            }
            try session.execute(foldSQL)
            try session.script("COMMIT")
        } catch {
            try? session.script("ROLLBACK")
            throw error
        }
    }

    static let foldSQL = """
        WITH gone AS (DELETE FROM search_block_new RETURNING word, block, bits)
        INSERT INTO search_block (word, block, bits)
        SELECT word, block, bit_or(bits) FROM gone GROUP BY word, block
        ON CONFLICT (word, block) DO UPDATE SET bits = search_block.bits | excluded.bits
        """

    /// Every (word, block, bits) as the products' words give them.
    static let expectedSQL = """
        SELECT lexeme AS word, search_block_of(seq) AS block, bit_or(search_block_bit(seq)) AS bits
        FROM product, unnest(tsvector_to_array(words)) lexeme GROUP BY 1, 2
        """

    /// The bitmaps as the products' words give them, in `search_block` alone.
    static func rebuild(_ session: PostgresSession) throws {
        try session.execute("DELETE FROM search_block_new")
        try session.execute("DELETE FROM search_block")
        try session.execute("INSERT INTO search_block (word, block, bits) " + expectedSQL)
    }

    /// How many (word, block) bitmaps differ from those the products' words give: missing bits
    /// (a search would miss a product) and bits of no product.
    static func differences(_ session: PostgresSession) throws -> (missing: Int, extra: Int) {
        let row = try session.row(
            """
            WITH expected AS (\(expectedSQL)),
            stored AS (
                SELECT word, block, bit_or(bits) AS bits
                FROM (SELECT word, block, bits FROM search_block UNION ALL SELECT word, block, bits FROM search_block_new) x
                GROUP BY 1, 2 HAVING bit_count(bit_or(bits)) > 0)
            SELECT (SELECT count(*) FROM (SELECT * FROM expected EXCEPT SELECT * FROM stored) a) AS missing,
                (SELECT count(*) FROM (SELECT * FROM stored EXCEPT SELECT * FROM expected) b) AS extra
            """)
        return (row?.int("missing") ?? 0, row?.int("extra") ?? 0)
    }
}
