import Crypto
import Dispatch
import Foundation
import KhoCore
import KhoFiles
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Checks a bag completely (a folder, or a .zip or .tar holding one): BagIt 1.0 (RFC 8493: declaration, tags, manifests, every
/// checksum, Payload-Oxum, tag manifest), kho's profile (catalogue-schema/bagit-profile.json), and
/// every record. It reports every problem it finds, not only the first.
public enum BagVerifier {
    public static let requiredTags = [
        "Source-Organization", "Bagging-Date", "External-Identifier", "Payload-Oxum", "Kho-Format-Version",
        "Kho-Repository-Id", "Kho-Export-Scope", "Kho-Product-Count",
    ]

    public struct Result: Sendable {
        public var problems: [String]
        public var tags: [String: String]
        public var files: Int
        public var records: Int
        public var isValid: Bool { problems.isEmpty }
        /// data/records.jsonl, as read.
        public var recordsData = Data()
        /// Objects staged into a store while the bag was read, by SHA-256 (see `verify(_:staging:)`);
        /// not yet synced: the caller syncs (`ContentStore.sync`) those it commits.
        public var staged: [String: StagedFile] = [:]
    }

    /// Checks a bag folder, .zip or .tar. With `staging`, every object the store lacks is copied into
    /// the store's temporary folder in the same read that checks it (an import reads the bag once);
    /// the caller commits or discards `Result.staged`. A listing that breaks the rules (unsafe names,
    /// links, duplicates, sizes) is refused before any content is read or written.
    public static func verify(_ path: String, limits: BundleLimits = BundleLimits(), staging: ContentStore? = nil)
        throws -> Result
    {
        let source = try openBag(path, limits: limits)
        guard source.problems.isEmpty else {
            return Result(problems: source.problems, tags: [:], files: 0, records: 0)
        }
        // Which objects to stage, and is there room for them.
        var toStage = Set<String>()
        if let staging {
            var needed: Int64 = 0
            for (path, size) in source.files {
                guard let sha256 = objectName(path), !staging.contains(sha256) else { continue }
                toStage.insert(path)
                needed += size
            }
            var disk = statvfs()
            if statvfs(staging.temporaryDirectory, &disk) == 0 {
                let free = Int64(disk.f_bavail) * Int64(disk.f_frsize)
                if needed > free {
                    throw BundleError(
                        "\(path): the bundle's new files need \(needed) bytes and the repository's disk has \(free) free; "
                            + "nothing was imported. Free some space and import again")
                }
            }
        }
        let stage = toStage
        let sources = Mutex<[String: FileConsumer]>([:])
        let failures = Mutex<[String]>([])
        source.read { path in
            let expected = source.files[path] ?? 0
            let capture = memoryLimit(path, limits).map { expected <= $0 } ?? false
            var writer: StagingWriter?
            if stage.contains(path) {
                do { writer = try staging?.beginStaging() } catch { failures.withLock { $0.append("\(error)") } }
            }
            let consumer = FileConsumer(
                path: path, expected: expected, split: source.sequential, capture: capture, staging: writer)
            sources.withLock { $0[path] = consumer }
            return consumer
        }
        var problems = failures.withLock { $0 }
        let read = sources.withLock { $0 }
        var digests: [String: BagWriter.CopyResult] = [:]
        var contents: [String: Data] = [:]
        var staged: [String: StagedFile] = [:]
        for (path, consumer) in read.sorted(by: { $0.key < $1.key }) {
            if let failure = consumer.failure {
                problems.append(failure)
                continue
            }
            let digest = consumer.digests.result(size: consumer.size)
            guard digest.size == source.files[path] else {
                problems.append("\(path): \(digest.size) bytes read, its entry declares \(source.files[path] ?? 0)")
                consumer.staging?.abandon()
                continue
            }
            digests[path] = digest
            if let data = consumer.captured { contents[path] = data }
            if let writer = consumer.staging, let sha256 = objectName(path) {
                if digest.sha256 == sha256 {
                    do { staged[sha256] = try writer.finish(sha256: sha256, size: digest.size, sync: false) } catch {
                        problems.append("\(error)")
                    }
                } else {
                    writer.abandon()
                }
            }
        }
        for (path, size) in source.files.sorted(by: { $0.key < $1.key }) {
            guard let limit = memoryLimit(path, limits), size > limit else { continue }
            problems.append(
                path == "data/records.jsonl"
                    ? "\(path): \(size) bytes, more than the \(limit) a records file may have; split the export (--max-bag-size)"
                    : "\(path): \(size) bytes, more than the \(limit) a tag file may have")
        }
        var result = check(contents: contents, files: source.files, digests: digests)
        result.problems = problems + result.problems
        result.staged = staged
        return result
    }

    /// For a file read into memory (tag files, data/records.jsonl), the most it may hold; nil for
    /// payload files, which are only streamed.
    static func memoryLimit(_ path: String, _ limits: BundleLimits) -> Int64? {
        if path == "data/records.jsonl" { return limits.maxRecordsSize }
        return path.hasPrefix("data/") ? nil : limits.maxTagFileSize
    }

    /// The SHA-256 an object's path in a bag names, if it is one (data/objects/ab/cd/<sha256>).
    static func objectName(_ path: String) -> String? {
        let parts = path.split(separator: "/")
        guard parts.count == 5, parts[0] == "data", parts[1] == "objects", parts[4].count == 64,
            parts[4].allSatisfy({ $0.isHexDigit && !$0.isUppercase }), parts[4].hasPrefix(parts[2] + parts[3])
        else { return nil }
        return String(parts[4])
    }

    /// The checks on what was read: declaration, tags, manifests both ways, digests, Payload-Oxum,
    /// tag manifest, records.
    static func check(contents: [String: Data], files: [String: Int64], digests: [String: BagWriter.CopyResult])
        -> Result
    {
        var problems: [String] = []
        var tags: [String: String] = [:]
        func read(_ name: String) -> Data? { contents[name] }

        // The declaration.
        if let declaration = read("bagit.txt") {
            let text = String(decoding: declaration, as: UTF8.self)
            if !text.contains("BagIt-Version: 1.0") { problems.append("bagit.txt: BagIt-Version is not 1.0") }
            if !text.contains("Tag-File-Character-Encoding: UTF-8") {
                problems.append("bagit.txt: Tag-File-Character-Encoding is not UTF-8")
            }
        } else {
            problems.append("bagit.txt: missing; not a BagIt bag")
        }
        // Tags: single lines, required ones present, non-repeatable ones once.
        if let info = read("bag-info.txt") {
            guard let text = String(validating: info, as: UTF8.self) else {
                problems.append("bag-info.txt: not UTF-8")
                return Result(problems: problems, tags: tags, files: 0, records: 0)
            }
            if text.contains("\r") {
                problems.append("bag-info.txt: contains a carriage return (CR); tag values are single lines")
            }
            for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: true).enumerated() {
                guard let colon = line.firstIndex(of: ":") else {
                    problems.append("bag-info.txt line \(number + 1): not LABEL: VALUE")
                    continue
                }
                if line.first == " " || line.first == "\t" {
                    problems.append("bag-info.txt line \(number + 1): a continued value; kho tags are single lines")
                    continue
                }
                let label = String(line[..<colon]).trimmingCharacters(in: .whitespaces)
                let value = String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
                if tags[label] != nil { problems.append("bag-info.txt: \(label) appears more than once") }
                tags[label] = value
            }
            for tag in requiredTags where tags[tag] == nil {
                problems.append("bag-info.txt: required tag \(tag) is missing")
            }
            if let version = tags["Kho-Format-Version"], version != "1" {
                problems.append("bag-info.txt: Kho-Format-Version \(version) is not one this kho reads (1)")
            }
        } else {
            problems.append("bag-info.txt: missing")
        }
        // Payload files.
        let payload = files.filter { $0.key.hasPrefix("data/") }
        if payload.isEmpty { problems.append("data/: missing or empty") }
        // Manifests: safe paths, complete both ways, every digest right.
        var manifests: [String: [String: String]] = [:]
        for algorithm in ["sha256", "sha512"] {
            guard let data = read("manifest-\(algorithm).txt") else {
                problems.append("manifest-\(algorithm).txt: missing (the profile requires it)")
                continue
            }
            manifests[algorithm] = parseManifest(
                data, name: "manifest-\(algorithm).txt", length: algorithm == "sha256" ? 64 : 128, problems: &problems)
        }
        for (algorithm, entries) in manifests.sorted(by: { $0.key < $1.key }) {
            for path in entries.keys.sorted() where payload[path] == nil {
                problems.append("manifest-\(algorithm).txt: \(path) is listed but not in the payload")
            }
            for path in payload.keys.sorted() where entries[path] == nil {
                problems.append("\(path): in the payload but not in manifest-\(algorithm).txt")
            }
        }
        for path in payload.keys.sorted() {
            guard let expected256 = manifests["sha256"]?[path] ?? nil, let digests = digests[path] else { continue }
            if digests.sha256 != expected256 {
                problems.append("\(path): SHA-256 is \(digests.sha256), manifest says \(expected256)")
            }
            if let expected512 = manifests["sha512"]?[path], digests.sha512 != expected512 {
                problems.append("\(path): SHA-512 does not match manifest-sha512.txt")
            }
            if let name = objectName(path), name != digests.sha256 {
                problems.append("\(path): its content hashes to \(digests.sha256), not to the name it is stored under")
            }
        }
        if let oxum = tags["Payload-Oxum"] {
            let parts = oxum.split(separator: ".")
            let octets = payload.values.reduce(0, +)
            if parts.count != 2 || Int64(parts[0]) != octets || Int(parts[1]) != payload.count {
                problems.append("bag-info.txt: Payload-Oxum \(oxum), but the payload holds \(octets).\(payload.count)")
            }
        }
        // The tag manifest.
        if let data = read("tagmanifest-sha256.txt") {
            let entries = parseManifest(
                data, name: "tagmanifest-sha256.txt", length: 64, problems: &problems, payload: false)
            for (path, expected) in entries.sorted(by: { $0.key < $1.key }) {
                guard let content = read(path) else {
                    problems.append("tagmanifest-sha256.txt: \(path) is listed but missing")
                    continue
                }
                if Hex.string(SHA256.hash(data: content)) != expected {
                    problems.append("\(path): SHA-256 does not match tagmanifest-sha256.txt")
                }
            }
        } else {
            problems.append("tagmanifest-sha256.txt: missing (the profile requires it)")
        }
        // Records.
        var records = 0
        let recordsData = read("data/records.jsonl")
        if let data = recordsData {
            var seen = Set<String>()
            var tombstones = 0
            for (number, line) in data.split(separator: 0x0A).enumerated() {
                let object = (try? JSONSerialization.jsonObject(with: Data(line))) as? [String: Any]
                let removal = object?["removed"] != nil
                if removal { tombstones += 1 } else { records += 1 }
                let found =
                    removal
                    ? RecordCheck.tombstoneProblems(object ?? [:]) : RecordCheck.problems(Data(line), objects: payload)
                for problem in found { problems.append("data/records.jsonl line \(number + 1): \(problem)") }
                if let id = object?["id"] as? String, !seen.insert(id).inserted {
                    problems.append("data/records.jsonl line \(number + 1): product \(id) appears twice")
                }
            }
            if let count = tags["Kho-Product-Count"], Int(count) != records {
                problems.append("bag-info.txt: Kho-Product-Count \(count), but data/records.jsonl holds \(records)")
            }
            if Int(tags["Kho-Tombstone-Count"] ?? "0") != tombstones {
                problems.append(
                    "bag-info.txt: Kho-Tombstone-Count \(tags["Kho-Tombstone-Count"] ?? "absent"), but data/records.jsonl holds \(tombstones)"
                )
            }
        } else {
            problems.append("data/records.jsonl: missing (the profile requires it)")
        }
        return Result(
            problems: problems, tags: tags, files: payload.count, records: records, recordsData: recordsData ?? Data())
    }

    /// `HASH  PATH` lines; paths are checked: relative, under data/ (for payload manifests), no
    /// `..`, backslash or NUL; %0A, %0D and %25 decoded as RFC 8493 says.
    static func parseManifest(
        _ data: Data, name: String, length: Int, problems: inout [String], payload: Bool = true
    ) -> [String: String] {
        var entries: [String: String] = [:]
        guard let text = String(validating: data, as: UTF8.self) else {
            problems.append("\(name): not UTF-8")
            return [:]
        }
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: true).enumerated() {
            let parts = line.split(maxSplits: 1, whereSeparator: { $0 == " " || $0 == "\t" })
            guard parts.count == 2 else {
                problems.append("\(name) line \(number + 1): not HASH PATH")
                continue
            }
            let hash = String(parts[0]).lowercased()
            let path = String(parts[1]).trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "%0A", with: "\n")
                .replacingOccurrences(of: "%0D", with: "\r").replacingOccurrences(of: "%25", with: "%")
            guard hash.count == length, hash.allSatisfy(\.isHexDigit) else {
                problems.append("\(name) line \(number + 1): '\(parts[0])' is not a digest of \(length) hex digits")
                continue
            }
            if let reason = unsafe(path, payload: payload) {
                problems.append("\(name) line \(number + 1): path '\(path)' \(reason)")
                continue
            }
            if entries[path] != nil { problems.append("\(name): \(path) is listed twice") }
            entries[path] = hash
        }
        return entries
    }

    /// Why a path from a manifest may not be used, or nil.
    public static func unsafe(_ path: String, payload: Bool) -> String? {
        if path.contains("\0") { return "contains NUL" }
        if path.contains("\\") { return "contains a backslash" }
        if path.hasPrefix("/") { return "is absolute" }
        if path.contains("\n") || path.contains("\r") { return "contains a line break" }
        if path.split(separator: "/").contains(where: { $0 == ".." || $0 == "." }) { return "contains '..' or '.'" }
        if payload && !path.hasPrefix("data/") { return "is outside data/" }
        return nil
    }
}
