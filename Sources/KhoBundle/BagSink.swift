import KhoCore
import CKhoPlatform
import Dispatch
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// How a bag is serialised (BUNDLE.md, "Serialisation"): a folder, or one archive whose single
/// top-level folder is the bag.
public enum BagFormat: String, Sendable {
    case directory, zip, tar

    /// The format an output path asks for, by its extension.
    public static func forOutput(_ path: String) -> BagFormat {
        let lower = path.lowercased()
        if lower.hasSuffix(".zip") { return .zip }
        if lower.hasSuffix(".tar") { return .tar }
        return .directory
    }

    /// The path without an archive's extension (`.zip`, `.tar`); a folder's path as it is.
    public static func stem(_ path: String) -> String {
        forOutput(path) == .directory ? path : String(path.dropLast(4))
    }

    /// The bag's folder name inside an archive: the file name without its extension.
    static func topFolder(_ path: String) -> String { stem(path).fileName }
}

/// Where BagWriter puts a bag's files. Everything goes to `<out>.part` first; `finish` moves the
/// complete bag to `<out>`, `abandon` removes the partial one.
protocol BagSink: AnyObject {
    /// A small file (records, tag files) at a path inside the bag.
    func add(_ data: Data, at path: String) throws
    /// Copies files into the bag, reading each once for both digests. Keyed by bag path.
    func copy(_ items: [(source: String, path: String)]) throws -> [String: BagWriter.CopyResult]
    func finish() throws
    func abandon()
}

/// Opens the sink for an output path, refusing one that exists.
func makeSink(_ out: String, modified: Date) throws -> any BagSink {
    guard !FileManager.default.fileExists(atPath: out) else {
        throw BundleError(Localizer.current("export.exists", ["path": out]))
    }
    switch BagFormat.forOutput(out) {
    case .directory: return try DirectorySink(out)
    case .zip, .tar: return try ArchiveSink(out, modified: modified)
    }
}

/// A bag folder, its objects copied on both cores.
final class DirectorySink: BagSink {
    let out: String
    let staging: String

    init(_ out: String) throws {
        self.out = out
        staging = out + ".part"
        try? FileManager.default.removeItem(atPath: staging)
        try FileManager.default.createDirectory(atPath: staging + "/data", withIntermediateDirectories: true)
    }

    func add(_ data: Data, at path: String) throws {
        try data.write(to: URL(fileURLWithPath: staging + "/" + path))
    }

    func copy(_ items: [(source: String, path: String)]) throws -> [String: BagWriter.CopyResult] {
        let staging = staging
        for folder in Set(items.map { (staging + "/" + $0.path).parentPath }) {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
        let copies = Mutex<(results: [String: BagWriter.CopyResult], failure: String?)>(([:], nil))
        DispatchQueue.concurrentPerform(iterations: min(2, max(1, items.count))) { worker in
            let buffer = ChunkBuffer()
            for index in stride(from: worker, to: items.count, by: 2) {
                let item = items[index]
                do {
                    let copied = try BagWriter.copy(item.source, to: staging + "/" + item.path, buffer: buffer)
                    copies.withLock { $0.results[item.path] = copied }
                } catch {
                    copies.withLock { $0.failure = $0.failure ?? "\(error)" }
                }
            }
        }
        let copied = copies.withLock { $0 }
        if let failure = copied.failure { throw BundleError(failure) }
        return copied.results
    }

    /// Everything written reaches the disk (one syncfs for the bag's file system) before the bag
    /// takes its name, so a bag under its final name survives a power cut whole.
    func finish() throws {
        let folder = open(staging, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard folder >= 0, kho_sync_file_system(folder) == 0 else {
            if folder >= 0 { close(folder) }
            throw BundleError(Localizer.current("bundlefile.sync", ["path": staging]))
        }
        close(folder)
        guard rename(staging, out) == 0 else { throw BundleError(Localizer.current("export.cannot_move", ["path": out])) }
        syncParent(of: out)
    }

    func abandon() { try? FileManager.default.removeItem(atPath: staging) }
}

/// A .zip or .tar holding the bag under one top-level folder, written in one sequential stream.
final class ArchiveSink: BagSink {
    let out: String
    let staging: String
    let top: String
    let file: RawFile
    let tar: Tar.Writer?
    let zip: ZipWriter?

    init(_ out: String, modified: Date) throws {
        self.out = out
        staging = out + ".part"
        unlink(staging)
        top = BagFormat.topFolder(out)
        guard !top.isEmpty else { throw BundleError(Localizer.current("export.no_name", ["path": out])) }
        file = try RawFile(creating: staging)
        if BagFormat.forOutput(out) == .tar {
            tar = Tar.Writer(file: file, mtime: modified)
            zip = nil
        } else {
            zip = ZipWriter(file: file, modified: modified)
            tar = nil
        }
    }

    func add(_ data: Data, at path: String) throws {
        try begin(path, size: Int64(data.count))
        try data.withUnsafeBytes { try chunk($0) }
        try end(Int64(data.count))
    }

    func copy(_ items: [(source: String, path: String)]) throws -> [String: BagWriter.CopyResult] {
        var results: [String: BagWriter.CopyResult] = [:]
        let buffer = ChunkBuffer()
        for item in items {
            let source = try RawFile(reading: item.source)
            let size = source.size
            try begin(item.path, size: size)
            let result = try BagWriter.stream(source, buffer: buffer, split: true) { try chunk($0) }
            guard result.size == size else { throw BundleError(Localizer.current("export.changed", ["path": item.source])) }
            try end(size)
            results[item.path] = result
        }
        return results
    }

    private func begin(_ path: String, size: Int64) throws {
        if let tar { try tar.header(top + "/" + path, size: size) }
        if let zip { try zip.begin(top + "/" + path, size: size) }
    }

    private func chunk(_ bytes: UnsafeRawBufferPointer) throws {
        let start = tar?.offset ?? zip?.offset ?? 0
        if let tar { try tar.emit(bytes) }
        if let zip { try zip.write(bytes) }
        // Start writing to disk now, so that the sync before the rename has little left to wait for.
        _ = kho_start_writeback(file.descriptor, start, Int64(bytes.count))
    }

    private func end(_ size: Int64) throws {
        if let tar { try tar.pad(size) }
        if let zip { try zip.end() }
    }

    func finish() throws {
        if let tar { try tar.finish() }
        if let zip { try zip.finish() }
        try file.sync()
        guard rename(staging, out) == 0 else {
            throw BundleError(Localizer.current("export.cannot_move", ["path": out]))
        }
    }

    func abandon() { unlink(staging) }
}

/// Makes a rename in `path`'s folder durable.
private func syncParent(of path: String) {
    let parent = path.parentPath
    let folder = open(parent.isEmpty ? "." : parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    guard folder >= 0 else { return }
    fsync(folder)
    close(folder)
}
