import CKhoPlatform
import Crypto
import Foundation
import KhoCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A file copied into the store's temporary folder and hashed, not yet in place.
public struct StagedFile: Sendable {
    public let temporaryPath: String
    public let sha256: String
    public let size: Int64
}

/// The content-addressed object store: each distinct content is stored once, read-only, at
/// `objects/ab/cd/<sha256>`. Files arrive through `stage` (one streaming read that copies and
/// hashes, then fsync) and `commit` (rename into place, fsync the folder), so a crash leaves
/// either nothing or a complete object, never a partial one under an object name.
public struct ContentStore: Sendable {
    public let objectsDirectory: String
    public let temporaryDirectory: String
    /// The size of each read: large enough for sequential throughput, small enough for constant memory.
    public static let chunkSize = 4 << 20

    /// The store inside a repository folder.
    public init(repository: String) {
        objectsDirectory = repository + "/objects"
        temporaryDirectory = repository + "/tmp"
    }

    /// Where the object with this hash lives, whether or not it exists.
    public func path(for sha256: String) -> String {
        let hex = Array(sha256)
        return "\(objectsDirectory)/\(String(hex[0..<2]))/\(String(hex[2..<4]))/\(sha256)"
    }

    /// The bytes an unprivileged writer may still use on the file system that holds the store,
    /// or nil when the system does not say.
    public func freeBytes() -> Int64? { Self.freeBytes(at: temporaryDirectory) }

    /// The bytes an unprivileged writer may still use on the file system that holds `path`.
    public static func freeBytes(at path: String) -> Int64? {
        var disk = statvfs()
        guard statvfs(path, &disk) == 0 else { return nil }
        return Int64(disk.f_bavail) * Int64(disk.f_frsize)
    }

    /// Whether `name` is a SHA-256 as objects are named: 64 lower-case hex digits.
    public static func isObjectName(_ name: String) -> Bool {
        name.utf8.count == 64 && name.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }

    /// True when an object with this hash is in place.
    public func contains(_ sha256: String) -> Bool {
        guard Self.isObjectName(sha256) else { return false }
        var info = stat()
        return stat(path(for: sha256), &info) == 0
    }

    /// Creates the store's folders.
    public func create() throws(FilesError) {
        for directory in [objectsDirectory, temporaryDirectory] {
            if mkdir(directory, 0o755) != 0, errno != EEXIST { throw .writeFailed(path: directory, errno: errno) }
        }
    }

    /// Copies `source` into a new temporary file while hashing it, in one read, then syncs it to disk
    /// (with `sync: false`, the caller must call `sync(_:)` before committing it).
    /// `progress` receives the bytes of each chunk as they are read.
    public func stage(_ source: String, sync: Bool = true, progress: (Int) -> Void = { _ in }) throws(FilesError)
        -> StagedFile
    {
        let input = try openRegularFile(source)
        defer { close(input.descriptor) }
        let writer = try beginStaging()
        defer { writer.abandon() }
        let (sha256, size) = try Self.stream(input.descriptor, path: source, expected: input.size, progress: progress) {
            (chunk) throws(FilesError) in try writer.write(chunk)
        }
        return try writer.finish(sha256: sha256, size: size, sync: sync)
    }

    /// A new temporary file in the store, to be filled chunk by chunk by a caller that hashes the
    /// content itself (a bundle read straight from an archive, say).
    public func beginStaging() throws(FilesError) -> StagingWriter {
        let temporary = "\(temporaryDirectory)/\(UUID().uuidString).part"
        let output = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard output >= 0 else { throw .writeFailed(path: temporary, errno: errno) }
        return StagingWriter(descriptor: output, path: temporary)
    }

    /// Hashes a file without copying it: SHA-256 and size.
    public func hash(_ source: String, progress: (Int) -> Void = { _ in }) throws(FilesError) -> (
        sha256: String, size: Int64
    ) {
        let input = try openRegularFile(source)
        defer { close(input.descriptor) }
        return try Self.stream(input.descriptor, path: source, expected: input.size, progress: progress) {
            _ throws(FilesError) in
        }
    }

    /// Moves a staged file into place under its hash. Returns false when the object was already
    /// stored, in which case the staged copy is dropped. With `sync: false` the caller must call
    /// `syncDirectories(of:)` before it relies on the rename surviving a power failure.
    @discardableResult
    public func commit(_ staged: StagedFile, sync: Bool = true) throws(FilesError) -> Bool {
        let destination = path(for: staged.sha256)
        if contains(staged.sha256) {
            unlink(staged.temporaryPath)
            return false
        }
        let second = destination.parentPath
        let first = second.parentPath
        for directory in [first, second] {
            if mkdir(directory, 0o755) == 0 {
                // A new folder's own name must reach the disk too, or a power cut could lose the
                // folder (and the objects synced inside it): sync the folder that holds it. Once
                // per folder in a repository's life (256 + 65,536 of them at most).
                Self.syncDirectory(directory.parentPath)
            } else if errno != EEXIST {
                throw .writeFailed(path: directory, errno: errno)
            }
        }
        guard rename(staged.temporaryPath, destination) == 0 else {
            let code = errno
            unlink(staged.temporaryPath)
            throw .writeFailed(path: destination, errno: code)
        }
        if sync { Self.syncDirectory(second) }
        return true
    }

    /// Makes the renames of these objects durable: syncs each folder that holds one. On a
    /// journalling file system the first sync commits the renames of all, so a batch costs
    /// little more than one.
    public func syncDirectories(of sha256s: [String]) {
        var seen = Set<String>()
        for sha256 in sha256s {
            let folder = path(for: sha256).parentPath
            if seen.insert(folder).inserted { Self.syncDirectory(folder) }
        }
    }

    /// Makes a rename into or out of `folder` durable (a quarantine move, say).
    public func syncFolder(_ folder: String) { Self.syncDirectory(folder) }

    /// Syncs a file staged with `sync: false` to disk.
    public func sync(_ staged: StagedFile) throws(FilesError) {
        let descriptor = open(staged.temporaryPath, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .writeFailed(path: staged.temporaryPath, errno: errno) }
        defer { close(descriptor) }
        guard Self.syncData(descriptor) == 0 else { throw .writeFailed(path: staged.temporaryPath, errno: errno) }
    }

    /// Drops a staged file that will not be committed.
    public func discard(_ staged: StagedFile) {
        unlink(staged.temporaryPath)
    }

    /// Removes an object (used only to undo an interrupted ingest).
    public func remove(_ sha256: String) {
        guard Self.isObjectName(sha256) else { return }
        unlink(path(for: sha256))
    }

    /// Removes temporary files left by an interrupted run. Call only while holding the repository lock.
    @discardableResult
    public func sweepTemporaryFiles() -> [String] {
        temporaryFiles().filter { name in
            let path = "\(temporaryDirectory)/\(name)"
            return unlink(path) == 0 || (try? FileManager.default.removeItem(atPath: path)) != nil
        }
    }

    /// The names of the temporary files (and folders, such as an e-book being stamped) in the
    /// store's temporary folder: each ends in `.part`.
    public func temporaryFiles() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: temporaryDirectory)) ?? []).filter { $0.hasSuffix(".part") }
            .sorted()
    }

    /// One file in the store as `listing()` finds it.
    public struct ListedObject: Sendable {
        public let sha256: String
        public let size: Int64
        /// Whether anyone may write it (a stored object is read-only).
        public let writable: Bool
    }

    /// What `objects/` holds: the files named and placed as objects are, and every other entry
    /// (a folder or file that is not kho's), with `folder` saying which of the two it is.
    public func listing() -> (objects: [ListedObject], foreign: [(path: String, folder: Bool)]) {
        var objects: [ListedObject] = []
        var foreign: [(path: String, folder: Bool)] = []
        let manager = FileManager.default
        func isHex(_ name: String, _ length: Int) -> Bool {
            name.count == length && name.allSatisfy { ("0"..."9").contains($0) || ("a"..."f").contains($0) }
        }
        let root = objectsDirectory
        func isFolder(_ path: String) -> Bool {
            var info = stat()
            return lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
        }
        for first in ((try? manager.contentsOfDirectory(atPath: root)) ?? []).sorted() {
            let firstPath = "\(root)/\(first)"
            guard isHex(first, 2), isFolder(firstPath), let seconds = try? manager.contentsOfDirectory(atPath: firstPath)
            else {
                foreign.append((firstPath, isFolder(firstPath)))
                continue
            }
            for second in seconds.sorted() {
                let secondPath = "\(firstPath)/\(second)"
                guard isHex(second, 2), isFolder(secondPath),
                    let names = try? manager.contentsOfDirectory(atPath: secondPath)
                else {
                    foreign.append((secondPath, isFolder(secondPath)))
                    continue
                }
                for name in names.sorted() {
                    let path = "\(secondPath)/\(name)"
                    var info = stat()
                    guard Self.isObjectName(name), name.hasPrefix(first + second), lstat(path, &info) == 0,
                        (info.st_mode & S_IFMT) == S_IFREG
                    else {
                        foreign.append((path, false))
                        continue
                    }
                    objects.append(
                        ListedObject(sha256: name, size: Int64(info.st_size), writable: info.st_mode & 0o222 != 0))
                }
            }
        }
        return (objects, foreign)
    }

    private func openRegularFile(_ path: String) throws(FilesError) -> (descriptor: Int32, size: Int64) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard descriptor >= 0 else {
            if errno == ELOOP { throw .notRegularFile(path: path) }
            throw .cannotOpen(path: path, errno: errno)
        }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            let code = errno
            close(descriptor)
            throw .cannotOpen(path: path, errno: code)
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            close(descriptor)
            throw .notRegularFile(path: path)
        }
        #if canImport(Glibc)
            _ = posix_fadvise(descriptor, 0, 0, Int32(POSIX_FADV_SEQUENTIAL))
        #endif
        return (descriptor, Int64(info.st_size))
    }

    /// Reads a descriptor to its end in fixed chunks, hashing each and handing it to `sink`.
    private static func stream(
        _ descriptor: Int32, path: String, expected: Int64, progress: (Int) -> Void,
        sink: (UnsafeRawBufferPointer) throws(FilesError) -> Void
    ) throws(FilesError) -> (String, Int64) {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 4096)
        defer { buffer.deallocate() }
        var hasher = SHA256()
        var total: Int64 = 0
        while true {
            let count = read(descriptor, buffer.baseAddress!, chunkSize)
            if count < 0 {
                if errno == EINTR { continue }
                throw .readFailed(path: path, errno: errno)
            }
            if count == 0 { break }
            let chunk = UnsafeRawBufferPointer(rebasing: buffer[0..<count])
            hasher.update(bufferPointer: chunk)
            try sink(chunk)
            total += Int64(count)
            progress(count)
        }
        guard total == expected else { throw .changedWhileReading(path: path) }
        let digest = hasher.finalize()
        return (Hex.string(digest), total)
    }

    static func syncData(_ descriptor: Int32) -> Int32 {
        #if canImport(Glibc)
            fdatasync(descriptor)
        #else
            fsync(descriptor)
        #endif
    }

    private static func syncDirectory(_ path: String) {
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        fsync(descriptor)
        close(descriptor)
    }
}

/// A temporary file in the store being written chunk by chunk. `finish` makes it read-only and
/// syncs it; a writer neither finished nor abandoned leaves a `.part` file that the next writer's
/// recovery sweeps away.
public final class StagingWriter {
    let descriptor: Int32
    public let path: String
    private var position: Int64 = 0
    private var open = true

    init(descriptor: Int32, path: String) {
        self.descriptor = descriptor
        self.path = path
    }

    /// Appends a chunk, and starts writing it to disk at once so that the final sync has little left.
    public func write(_ chunk: UnsafeRawBufferPointer) throws(FilesError) {
        var offset = 0
        while offset < chunk.count {
            let written = posixWrite(descriptor, chunk.baseAddress! + offset, chunk.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw .writeFailed(path: path, errno: errno)
            }
            offset += written
        }
        _ = kho_start_writeback(descriptor, position, Int64(chunk.count))
        position += Int64(chunk.count)
    }

    /// Closes the file, read-only and (unless `sync` is false) on disk, as the staged copy of `sha256`.
    public func finish(sha256: String, size: Int64, sync: Bool = true) throws(FilesError) -> StagedFile {
        guard fchmod(descriptor, 0o444) == 0, !sync || ContentStore.syncData(descriptor) == 0 else {
            throw .writeFailed(path: path, errno: errno)
        }
        close(descriptor)
        open = false
        return StagedFile(temporaryPath: path, sha256: sha256, size: size)
    }

    /// Closes and removes the file, unless it was finished.
    public func abandon() {
        guard open else { return }
        close(descriptor)
        unlink(path)
        open = false
    }

    deinit { abandon() }
}

/// write(2), callable from a type that has its own `write`.
private func posixWrite(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, bytes, count)
}
