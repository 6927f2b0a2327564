import Crypto
import Dispatch
import Foundation
import KhoCore
import KhoFormats
import KhoFiles
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Limits that keep a hostile archive from filling the disk or the processor.
public struct BundleLimits: Sendable {
    /// The most an archive may expand to, all entries together.
    public var maxExpandedSize: Int64
    /// The largest expansion ratio (uncompressed to compressed) of a ZIP entry ...
    public var maxRatio: Int64 = 100
    /// ... above this size; small, very repetitive files are harmless.
    public var ratioFloor: Int64 = 1 << 20
    /// The largest tag file (bag-info.txt, manifests: about 200 bytes a file) read into memory.
    public var maxTagFileSize: Int64 = 1 << 30
    /// The largest data/records.jsonl (about 1 KB a product) read into memory: an import holds about
    /// three times it (328 MiB for 100,000 products' 93 MiB, measured by scripts/bench-limits), so
    /// 1 GiB (about a million products in one bag) keeps an import within a few GiB. A bigger
    /// export is split with `kho export --max-bag-size`.
    public var maxRecordsSize: Int64 = 1 << 30

    public static let defaultMaxExpandedSize: Int64 = 2 << 40

    public init(maxExpandedSize: Int64 = BundleLimits.defaultMaxExpandedSize) {
        self.maxExpandedSize = maxExpandedSize
    }
}

/// A bag as stored: a folder, or a .zip or .tar whose single top-level folder is the bag. Opening
/// one lists it and applies the rules on names, entry types and sizes; nothing is read until `read`.
protocol BagSource: AnyObject, Sendable {
    /// The path the user gave.
    var location: String { get }
    /// Regular files, by path inside the bag, with their sizes.
    var files: [String: Int64] { get }
    /// Entries that break a rule (unsafe names, links, duplicates, sizes), each naming the entry.
    var problems: [String] { get }
    /// True when files are read one after another (an archive), false when on both cores.
    var sequential: Bool { get }
    /// Reads each listed file once, handing its chunks to the consumer made for it.
    func read(_ consumer: @escaping @Sendable (String) -> FileConsumer)
}

/// Opens a bag folder or archive, whichever `path` is.
func openBag(_ path: String, limits: BundleLimits) throws -> any BagSource {
    var info = stat()
    guard stat(path, &info) == 0 else { throw BundleError(Localizer.current("bundlefile.no_such", ["path": path])) }
    if info.st_mode & S_IFMT == S_IFDIR { return DirectorySource(path) }
    guard info.st_mode & S_IFMT == S_IFREG else { throw BundleError(Localizer.current("bundlefile.not_file", ["path": path])) }
    let file = try RawFile(reading: path)
    let head = try file.read(Tar.block, at: 0)
    if head.starts(with: [0x50, 0x4B, 0x03, 0x04]) || head.starts(with: [0x50, 0x4B, 0x05, 0x06]) {
        return ZipSource(path, limits: limits)
    }
    if head.count == Tar.block && head[257..<262].elementsEqual("ustar".utf8) || path.lowercased().hasSuffix(".tar") {
        return TarSource(path, file: file, limits: limits)
    }
    throw BundleError(Localizer.current("bundlefile.not_bag", ["path": path]))
}

/// Where one file's content goes while a bag is read: both digests, and optionally a copy in
/// memory (tag files, records) and a staged copy in a repository's store (objects to import).
final class FileConsumer: @unchecked Sendable {
    let path: String
    let expected: Int64
    /// Hash on two cores: for archives, read as one sequential stream.
    let split: Bool
    var digests = Digests()
    var size: Int64 = 0
    var captured: Data?
    var staging: StagingWriter?
    var failure: String?

    init(
        path: String, expected: Int64, split: Bool, capture: Bool, staging: StagingWriter?,
        algorithms: Set<String> = []
    ) {
        digests = Digests(also: algorithms)
        self.path = path
        self.expected = expected
        self.split = split
        captured = capture ? Data() : nil
        self.staging = staging
    }

    func consume(_ chunk: UnsafeRawBufferPointer) throws {
        size += Int64(chunk.count)
        guard size <= expected else {
            throw BundleError(
                "\(path): its content goes on past the \(expected) bytes its entry declares (changed while read, or a zip bomb)"
            )
        }
        let staging = staging
        try digests.update(chunk, split: split) { chunk in
            if let staging {
                do { try staging.write(chunk) } catch { throw BundleError("\(error)") }
            }
        }
        captured?.append(chunk.assumingMemoryBound(to: UInt8.self))
    }

    func fail(_ message: String) {
        failure = failure ?? message
        staging?.abandon()
        staging = nil
    }
}

/// The rules every archive entry must meet, applied to the whole listing before anything is read.
enum EntryRules {
    /// A name as a message shows it: control characters escaped.
    static func shown(_ name: String) -> String {
        name.unicodeScalars.map {
            $0.value < 0x20 || $0.value == 0x7F ? "\\u{\(String($0.value, radix: 16))}" : String($0)
        }
        .joined()
    }

    static func check(_ entries: [ArchiveEntry], limits: BundleLimits, location: String) -> (
        files: [String: ArchiveEntry], problems: [String]
    ) {
        var problems: [String] = []
        var files: [String: ArchiveEntry] = [:]
        var seen = Set<String>()
        var folders = Set<String>()
        var tops = Set<String>()
        var total: Int64 = 0
        let l = Localizer.current
        if entries.isEmpty { problems.append(l("archive.empty", ["path": location])) }
        for entry in entries {
            guard var name = entry.name else {
                problems.append(l("archive.not_utf8", ["entry": shown(entry.printable)]))
                continue
            }
            while name.hasPrefix("./") { name.removeFirst(2) }
            if entry.kind == .directory { while name.hasSuffix("/") { name.removeLast() } }
            if name.isEmpty || name == "." { continue }
            // RFC 8493 lets a manifest name a file with a line break (%0A); an archive entry with one
            // is refused all the same, as every control character is: no tool kho knows writes them.
            if name.contains("\n") || name.contains("\r") {
                problems.append(l("archive.line_break", ["entry": shown(entry.printable)]))
                continue
            }
            if let reason = BagIt.unsafe(name, payload: false) {
                problems.append(l("archive.unsafe_name", ["entry": shown(entry.printable), "reason": reason]))
                continue
            }
            if name.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
                problems.append(l("archive.control", ["entry": shown(entry.printable)]))
                continue
            }
            switch entry.kind {
            case .symlink: problems.append(l("archive.symlink", ["entry": name]))
            case .hardlink: problems.append(l("archive.hardlink", ["entry": name]))
            case .other(let what): problems.append(l("archive.special", ["entry": name, "what": what]))
            case .file, .directory: break
            }
            guard seen.insert(name).inserted else {
                problems.append(l("archive.twice", ["entry": name]))
                continue
            }
            let parts = name.split(separator: "/")
            tops.insert(String(parts[0]))
            if entry.kind == .directory {
                folders.insert(name)
                continue
            }
            guard entry.kind == .file else { continue }
            if parts.count == 1 {
                problems.append(l("archive.outside_top", ["entry": name]))
                continue
            }
            for depth in 1..<parts.count { folders.insert(parts[0..<depth].joined(separator: "/")) }
            total += entry.size
            if entry.size > limits.maxExpandedSize {
                problems.append(
                    l(
                        "archive.entry_too_large",
                        ["entry": name, "size": String(entry.size), "limit": String(limits.maxExpandedSize)]))
            } else if entry.size > limits.ratioFloor && entry.size > entry.storedSize * limits.maxRatio {
                problems.append(
                    l(
                        "archive.ratio",
                        [
                            "entry": name, "ratio": String(entry.size / max(1, entry.storedSize)),
                            "stored": String(entry.storedSize), "size": String(entry.size),
                            "limit": String(limits.maxRatio),
                        ]))
            }
            files[name] = entry
        }
        if tops.count > 1 {
            problems.append(
                l(
                    "archive.many_tops",
                    [
                        "path": location, "count": String(tops.count),
                        "entries": tops.sorted().prefix(5).joined(separator: ", "),
                    ]))
        }
        for name in files.keys.sorted() where folders.contains(name) {
            problems.append(l("archive.file_and_folder", ["entry": name]))
        }
        if total > limits.maxExpandedSize {
            problems.append(
                l(
                    "archive.too_large",
                    ["path": location, "size": String(total), "limit": String(limits.maxExpandedSize)]))
        }
        // Paths inside the bag: without the top-level folder.
        var inside: [String: ArchiveEntry] = [:]
        for (name, entry) in files {
            if let slash = name.firstIndex(of: "/") { inside[String(name[name.index(after: slash)...])] = entry }
        }
        return (inside, problems)
    }
}

/// A bag folder: listed with lstat (links and special files break the rules), read on both cores.
final class DirectorySource: BagSource, @unchecked Sendable {
    let sequential = false
    let location: String
    let files: [String: Int64]
    let problems: [String]

    init(_ root: String) {
        location = root
        var files: [String: Int64] = [:]
        var problems: [String] = []
        if let walker = FileManager.default.enumerator(atPath: root) {
            for case let relative as String in walker {
                var info = stat()
                guard lstat("\(root)/\(relative)", &info) == 0 else { continue }
                switch info.st_mode & S_IFMT {
                case S_IFREG:
                    // Swift compares strings by canonical equivalence: two names that differ only in
                    // Unicode normalisation (NFC, NFD) are one key, and so cannot be told apart.
                    if let index = files.index(forKey: relative) {
                        let twin = files.keys[index]
                        problems.append(
                            Localizer.current(
                                "bagit.unicode_duplicates", ["paths": "\(twin.debugDescription), \(relative.debugDescription)"]))
                    }
                    files[relative] = Int64(info.st_size)
                case S_IFDIR: continue
                default: problems.append(Localizer.current("archive.folder_special", ["path": relative]))
                }
            }
        }
        self.files = files
        self.problems = problems
    }

    func read(_ consumer: @escaping @Sendable (String) -> FileConsumer) {
        let paths = files.keys.sorted()
        let root = location
        DispatchQueue.concurrentPerform(iterations: min(2, max(1, paths.count))) { worker in
            let buffer = ChunkBuffer()
            for index in stride(from: worker, to: paths.count, by: 2) {
                let sink = consumer(paths[index])
                do {
                    let file = try RawFile(reading: "\(root)/\(paths[index])")
                    try file.chunks(buffer) { try sink.consume($0) }
                } catch {
                    sink.fail("\(error)")
                }
            }
        }
    }
}

/// A tar archive: listed from its headers, read in archive order.
final class TarSource: BagSource, @unchecked Sendable {
    let sequential = true
    let location: String
    let files: [String: Int64]
    let problems: [String]
    let entries: [String: ArchiveEntry]
    let file: RawFile

    init(_ path: String, file: RawFile, limits: BundleLimits) {
        location = path
        self.file = file
        let (listed, damage) = Tar.list(file)
        let (entries, problems) = EntryRules.check(listed, limits: limits, location: path)
        self.entries = entries
        files = entries.mapValues(\.size)
        self.problems = damage.map { "\(path): \($0)" } + problems
    }

    func read(_ consumer: @escaping @Sendable (String) -> FileConsumer) {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: ContentStore.chunkSize, alignment: 4096)
        defer { buffer.deallocate() }
        for (path, entry) in entries.sorted(by: { $0.value.offset < $1.value.offset }) {
            let sink = consumer(path)
            do {
                var done: Int64 = 0
                while done < entry.size {
                    let want = Int(min(Int64(buffer.count), entry.size - done))
                    let got = try file.read(into: buffer, count: want, at: entry.offset + done)
                    guard got == want else { throw BundleError(Localizer.current("archive.ends_inside", ["path": path])) }
                    try sink.consume(UnsafeRawBufferPointer(rebasing: buffer[0..<got]))
                    done += Int64(got)
                }
            } catch {
                sink.fail("\(error)")
            }
        }
    }
}

/// A ZIP archive, read with ZIPFoundation: listed from its central directory, read entry by entry.
final class ZipSource: BagSource, @unchecked Sendable {
    let sequential = true
    let location: String
    let files: [String: Int64]
    let problems: [String]
    /// Bag path for each central-directory position that holds a file of the bag.
    let positions: [Int: String]

    /// Listed and read with kho's own ZIP reader (KhoFormats.ZipIndex): every entry's data is
    /// checked to lie inside the archive before anything is read, and an entry that ends early or
    /// inflates past its declared size is an error, never a wait for bytes that are not there.
    init(_ path: String, limits: BundleLimits) {
        location = path
        let archive: ZipIndex
        do { archive = try ZipIndex(path: path) } catch {
            files = [:]
            positions = [:]
            problems = ["\(path): not a readable ZIP archive (\(error))"]
            return
        }
        guard !archive.entries.isEmpty else {
            files = [:]
            positions = [:]
            problems = ["\(path): not a readable ZIP archive (no entries: its central directory is missing or damaged)"]
            return
        }
        var listed: [ArchiveEntry] = []
        for (position, entry) in archive.entries.enumerated() {
            let kind: ArchiveEntry.Kind = entry.isSymlink ? .symlink : entry.isDirectory ? .directory : .file
            listed.append(
                ArchiveEntry(
                    name: entry.nameIsUTF8 && !entry.name.isEmpty ? entry.name : nil, printable: entry.name,
                    kind: kind, size: entry.uncompressedSize, storedSize: entry.compressedSize, offset: Int64(position)))
        }
        let (entries, problems) = EntryRules.check(listed, limits: limits, location: path)
        files = entries.mapValues(\.size)
        positions = Dictionary(uniqueKeysWithValues: entries.map { (Int($0.value.offset), $0.key) })
        self.problems = problems
    }

    func read(_ consumer: @escaping @Sendable (String) -> FileConsumer) {
        guard let archive = try? ZipIndex(path: location) else { return }
        for (position, entry) in archive.entries.enumerated() {
            guard let path = positions[position] else { continue }
            let sink = consumer(path)
            do {
                // ZIP's CRC-32 is left unchecked: the manifests' SHA-256 and SHA-512 check every byte.
                try archive.read(entry, chunkSize: ContentStore.chunkSize) { try sink.consume($0) }
            } catch let error as BundleError {
                sink.fail(error.summary)
            } catch {
                sink.fail("\(path): cannot be extracted (\(error)); the archive is damaged")
            }
        }
    }
}
