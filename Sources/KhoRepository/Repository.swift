import Foundation
import KhoCore
import KhoFiles
import KhoPostgres
import KhoStore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A kho repository on disk: the catalogue, the content store and the local vocabulary extensions.
///
///     storage/
///       catalogue.sqlite   products, files, events (SQLite, WAL), or
///       catalogue.url      where the catalogue lives on PostgreSQL (the national tier)
///       objects/ab/cd/…    stored files, named by SHA-256, read-only
///       tmp/               files being copied in; emptied after an interrupted run
///       vocabulary/        optional extensions of the built-in vocabularies
///       derivatives/       web-sized copies of exhibition images, made on demand (derived: safe to delete)
///       .lock              held by a command that writes
public final class Repository {
    public let path: String
    public let vocabulary: Vocabulary
    /// The catalogue, through its role protocols (SQLite here; another backend may stand in).
    public let catalogue: any Catalogue & PendingObjectJournal & ConsistencyChecking
    /// The catalogue's snapshot reads, for the application layer and the server.
    public let queries: any CatalogueQueries
    public let store: ContentStore
    /// The user cannot write this repository (read-only media, an auditor's account): reads work,
    /// and a command that writes says so before it starts.
    public let isReadOnly: Bool
    private var lockDescriptor: Int32 = -1
    /// Told when a command must wait for another one that is writing to the repository.
    public var onLockWait: (String) -> Void = { _ in }

    public static let catalogueFile = "catalogue.sqlite"
    /// Where web-sized copies of images are cached: derived data, remade when deleted. A
    /// repository this user cannot write caches them in the temporary folder instead.
    public var derivativesPath: String {
        isReadOnly
            ? FileManager.default.temporaryDirectory.appendingPathComponent("kho-derivatives-\(catalogue.repositoryID)").path
            : "\(path)/derivatives"
    }
    /// The file that names a PostgreSQL catalogue: one line, its URL without a password.
    public static let catalogueURLFile = "catalogue.url"

    /// Where the catalogue lives: the SQLite file, or the PostgreSQL URL (without its password).
    public let catalogueLocation: String

    /// Why a local vocabulary file could not be read, when the repository was opened with
    /// `toleratingVocabularyErrors` (the built-in vocabularies stand in); nil otherwise.
    public private(set) var vocabularyProblem: String?

    /// Opens an existing repository. With `toleratingVocabularyErrors` (for `kho doctor`), a local
    /// vocabulary file that does not parse is noted in `vocabularyProblem` instead of refused.
    public init(path: String, toleratingVocabularyErrors: Bool = false) throws {
        let catalogueFile = "\(path)/\(Self.catalogueFile)"
        let urlFile = "\(path)/\(Self.catalogueURLFile)"
        let remote = FileManager.default.fileExists(atPath: urlFile)
        guard remote || FileManager.default.fileExists(atPath: catalogueFile) else {
            throw RepositoryError.notARepository(path: path)
        }
        self.path = path
        do {
            vocabulary = try Self.loadVocabulary(path)
        } catch let error as VocabularyError where toleratingVocabularyErrors {
            vocabularyProblem = error.description
            vocabulary = try Vocabulary.builtIn()
        }
        if remote {
            let text = (try? String(contentsOfFile: urlFile, encoding: .utf8))?
                .trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            let location: PostgresLocation
            do { location = try PostgresLocation(parsing: text) } catch let error as PostgresError {
                throw RepositoryError.badCatalogueURL(path: urlFile, reason: error.description)
            }
            let postgres = try PostgresCatalogue.open(location: location, vocabulary: vocabulary)
            catalogue = postgres
            queries = postgres
            catalogueLocation = location.description
            isReadOnly = !Self.folderIsWritable(path)
        } else {
            let sqlite = try SQLiteCatalogue.open(path: catalogueFile, vocabulary: vocabulary)
            catalogue = sqlite
            queries = sqlite
            catalogueLocation = catalogueFile
            isReadOnly = sqlite.isReadOnly
        }
        store = ContentStore(repository: path)
    }

    /// Whether this process may write in the repository folder (its store, its lock).
    static func folderIsWritable(_ path: String) -> Bool { access(path, W_OK) == 0 }

    deinit {
        if lockDescriptor >= 0 { close(lockDescriptor) }
    }

    /// Creates a repository at `path` (the folder may exist), its catalogue in SQLite beside the
    /// store, or on PostgreSQL at `catalogue` (created if the server has no such database; a
    /// database that already holds a kho catalogue is joined as it is). Returns false when a
    /// repository is already there.
    @discardableResult
    public static func create(at path: String, now: Date, catalogue: PostgresLocation? = nil) throws -> Bool {
        let catalogueFile = "\(path)/\(Self.catalogueFile)"
        let urlFile = "\(path)/\(Self.catalogueURLFile)"
        if FileManager.default.fileExists(atPath: catalogueFile) || FileManager.default.fileExists(atPath: urlFile) {
            return false
        }
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            try FileManager.default.createDirectory(atPath: "\(path)/vocabulary", withIntermediateDirectories: true)
            try ContentStore(repository: path).create()
            let readme = "\(path)/vocabulary/README.md"
            if !FileManager.default.fileExists(atPath: readme) {
                try Data(Self.vocabularyReadme.utf8).write(to: URL(fileURLWithPath: readme))
            }
        } catch let error as FilesError {
            throw RepositoryError.cannotCreate(path: path, reason: error.description)
        } catch {
            throw RepositoryError.cannotCreate(path: path, reason: error.localizedDescription)
        }
        let repositoryID = UUID().uuidString.lowercased()
        if let catalogue {
            _ = try PostgresCatalogue.create(
                location: catalogue, vocabulary: try Vocabulary.builtIn(), repositoryID: repositoryID, now: now)
            // Written last, through a temporary file: the folder is a repository once the
            // catalogue is there.
            do {
                try Data((catalogue.description + "\n").utf8).write(to: URL(fileURLWithPath: urlFile), options: .atomic)
            } catch {
                throw RepositoryError.cannotCreate(path: urlFile, reason: error.localizedDescription)
            }
            return true
        }
        _ = try SQLiteCatalogue.create(
            path: catalogueFile, vocabulary: try Vocabulary.builtIn(), repositoryID: repositoryID, now: now)
        return true
    }

    /// Takes the repository's write lock, waiting for another kho process that holds it, then
    /// undoes whatever an interrupted run left: temporary files, and objects stored for a product
    /// that was never registered.
    public func lockForWriting(recovering: Bool = true) throws {
        guard lockDescriptor < 0 else { return }
        if isReadOnly { throw RepositoryError.readOnly(path: path) }
        let lockPath = "\(path)/.lock"
        let descriptor = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw RepositoryError.cannotCreate(path: lockPath, reason: String(cString: strerror(errno)))
        }
        if flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            onLockWait(Localizer.current("repository.lock_wait", ["path": path]))
            while flock(descriptor, LOCK_EX) != 0 && errno == EINTR {}
        }
        lockDescriptor = descriptor
        // Who holds it, for `kho doctor` to name while it is held (the lock itself is the flock,
        // released by the system when the process ends, however it ends).
        let holder = "\(getpid()) \(CommandLine.arguments.dropFirst().prefix(2).joined(separator: " "))\n"
        if ftruncate(descriptor, 0) == 0 { _ = holder.withCString { pwrite(descriptor, $0, strlen($0), 0) } }
        if recovering { try recover() }
    }

    /// The process that holds the write lock now (its pid and command), or nil when no process
    /// holds it. Only meaningful while this process does not hold it itself.
    public func lockHolder() -> String? {
        let descriptor = open("\(path)/.lock", O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        if flock(descriptor, LOCK_SH | LOCK_NB) == 0 {
            flock(descriptor, LOCK_UN)
            return nil
        }
        let text = (try? String(contentsOfFile: "\(path)/.lock", encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines)
        return text?.isEmpty == false ? text : "?"
    }

    /// Runs `body` holding the write lock, then lets the lock go (unless the caller held it
    /// already): a long-running process, such as the server, holds it for one operation only.
    public func withWriteLock<T>(_ body: () throws -> T) throws -> T {
        let held = lockDescriptor >= 0
        try lockForWriting()
        defer { if !held { unlock() } }
        return try body()
    }

    /// Lets the write lock go.
    public func unlock() {
        guard lockDescriptor >= 0 else { return }
        flock(lockDescriptor, LOCK_UN)
        close(lockDescriptor)
        lockDescriptor = -1
    }

    /// Undoes what an interrupted run left: its temporary files, and the objects it stored for
    /// products it never registered (an object the catalogue knows is kept). Returns what it did.
    @discardableResult
    public func recover() throws -> (temporaryFiles: [String], removedObjects: [String], clearedMarks: [String]) {
        let temporary = store.sweepTemporaryFiles()
        let pending = try catalogue.pendingObjects()
        var removed: [String] = []
        for object in pending where !object.referenced && store.contains(object.sha256) {
            store.remove(object.sha256)
            removed.append(object.sha256)
        }
        try catalogue.clearPending(pending.map(\.sha256))
        return (temporary, removed, pending.map(\.sha256))
    }

    /// Of these objects found in the store, those the catalogue still does not know (no object
    /// row, no pending mark) and that are still there, looked up afresh: a check that read the
    /// catalogue before walking the store must not call unknown what a writer stored and
    /// registered in between.
    public func stillUnknown(_ sha256s: [String]) throws -> [String] {
        guard !sha256s.isEmpty else { return [] }
        let known = Set(try catalogue.catalogueObjects().map(\.sha256) + catalogue.pendingObjects().map(\.sha256))
        return sha256s.filter { !known.contains($0) && store.contains($0) }
    }

    static func loadVocabulary(_ path: String) throws -> Vocabulary {
        var extensions: [String: Data] = [:]
        for name in Vocabulary.extensibleNames {
            let file = "\(path)/vocabulary/\(name).json"
            if let data = FileManager.default.contents(atPath: file) { extensions[name] = data }
        }
        do { return try Vocabulary(extensions: extensions) } catch {
            guard case .invalidFile(let name, let reason) = error else { throw error }
            throw VocabularyError.invalidFile(name: "\(path)/\(name)", reason: "\(reason); fix or remove the file")
        }
    }

    static let vocabularyReadme = """
        # Local vocabulary extensions

        Files here extend kho's built-in vocabularies for this repository only. Name a file after
        the vocabulary it extends (`kinds.json`, `platforms.json`, `languages.json`, `topics.json`,
        `content-lines.json`, `funding.json`) and shape it like the built-in one:

            {"vocabulary": "platforms", "version": "local-1",
             "entries": [{"code": "zalo-oa", "label": "Zalo official account",
                          "labelVi": "Zalo OA", "digital": true}]}

        An entry with a new code adds it; an entry with an existing code replaces it.
        `kho vocab NAME --json` prints the built-in entries to start from.

        """
}
