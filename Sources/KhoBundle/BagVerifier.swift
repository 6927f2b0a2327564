import Crypto
import Dispatch
import Foundation
import KhoCore
import KhoFiles
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Checks a bag completely (a folder, or a .zip or .tar holding one), and gives two verdicts: BagIt
/// by RFC 8493 alone (`BagItVerdict`: any tool's bag, versions 0.97 and 1.0), and kho's profile
/// (catalogue-schema/bagit-profile.json) with every record. It reports every problem it finds.
public enum BagVerifier {
    public static let requiredTags = [
        "Source-Organization", "Bagging-Date", "External-Identifier", "Payload-Oxum", "Kho-Format-Version",
        "Kho-Repository-Id", "Kho-Export-Scope", "Kho-Product-Count",
    ]

    public struct Result: Sendable {
        /// RFC 8493's verdict.
        public var bagit: BagItVerdict
        /// What breaks kho's profile (a valid BagIt bag from another tool usually does).
        public var profileProblems: [String]
        public var tags: [String: String]
        public var files: Int
        public var records: Int
        /// Valid BagIt and valid by kho's profile: what an import needs.
        public var isValid: Bool { bagit.valid && profileProblems.isEmpty }
        /// Every problem, BagIt's first.
        public var problems: [String] { bagit.problems + profileProblems }
        /// data/records.jsonl, as read.
        public var recordsData = Data()
        /// data/exhibitions.jsonl, as read (empty in a format-1 bag).
        public var exhibitionsData = Data()
        /// Objects staged into a store while the bag was read, by SHA-256 (see `verify(_:staging:)`);
        /// not yet synced: the caller syncs (`ContentStore.sync`) those it commits.
        public var staged: [String: StagedFile] = [:]
        /// What was computed for each file as it was read (with `keepDigests`).
        var digests: [String: BagWriter.CopyResult] = [:]
    }

    /// Checks a bag folder, .zip or .tar. With `staging`, every object the store lacks is copied into
    /// the store's temporary folder in the same read that checks it (an import reads the bag once);
    /// the caller commits or discards `Result.staged`. A listing that breaks the rules (unsafe names,
    /// links, duplicates, sizes) is refused before any content is read or written.
    public static func verify(
        _ path: String, limits: BundleLimits = BundleLimits(), staging: ContentStore? = nil, keepDigests: Bool = false
    ) throws -> Result {
        let source = try openBag(path, limits: limits)
        guard source.problems.isEmpty else {
            var bagit = BagItVerdict()
            bagit.problems = source.problems
            return Result(
                bagit: bagit, profileProblems: [Localizer.current("profile.not_checked")], tags: [:], files: 0,
                records: 0)
        }
        // The digests the manifests ask for, besides SHA-256 and SHA-512.
        let algorithms = Set(
            BagIt.manifestAlgorithms(source.files.keys).filter { BagIt.algorithms[$0] != nil && !["sha256", "sha512"].contains($0) })
        // Which objects to stage, and is there room for them.
        var toStage = Set<String>()
        if let staging {
            var needed: Int64 = 0
            for (path, size) in source.files {
                guard let sha256 = objectName(path), !staging.contains(sha256) else { continue }
                toStage.insert(path)
                needed += size
            }
            if let free = staging.freeBytes() {
                if needed > free {
                    throw BundleError(
                        Localizer.current(
                            "import.no_space", ["path": path, "needed": String(needed), "free": String(free)]))
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
                path: path, expected: expected, split: source.sequential, capture: capture, staging: writer,
                algorithms: algorithms)
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
                problems.append(
                    Localizer.current(
                        "bagit.size_read",
                        ["path": path, "read": String(digest.size), "declared": String(source.files[path] ?? 0)]))
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
                Localizer.current(
                    path == "data/records.jsonl" ? "bagit.records_too_large" : "bagit.tag_too_large",
                    ["path": path, "size": String(size), "limit": String(limit)]))
        }
        var result = check(contents: contents, files: source.files, digests: digests)
        result.bagit.problems = problems + result.bagit.problems
        result.staged = staged
        if keepDigests { result.digests = digests }
        return result
    }

    /// For a file read into memory (tag files, data/records.jsonl), the most it may hold; nil for
    /// payload files, which are only streamed.
    static func memoryLimit(_ path: String, _ limits: BundleLimits) -> Int64? {
        if path == "data/records.jsonl" || path == BagWriter.exhibitionsPath { return limits.maxRecordsSize }
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

    /// The checks on what was read: RFC 8493 first (`BagItVerdict`), then kho's profile on top:
    /// BagIt 1.0 in UTF-8, SHA-256 and SHA-512 manifests and a SHA-256 tag manifest, the required
    /// tags, objects named by their content, and every record.
    static func check(contents: [String: Data], files: [String: Int64], digests: [String: BagWriter.CopyResult])
        -> Result
    {
        let l = Localizer.current
        let bagit = BagItVerdict.check(contents: contents, files: files, digests: digests)
        var problems: [String] = []
        var tags: [String: String] = [:]
        if let version = bagit.version, version != "1.0" {
            problems.append(l("profile.version", ["version": version]))
        }
        if let encoding = bagit.encoding, encoding.uppercased() != "UTF-8" {
            problems.append(l("profile.encoding", ["encoding": encoding]))
        }
        if bagit.hasInfo {
            var seen = Set<String>()
            for (label, value) in bagit.info {
                if !seen.insert(label).inserted, requiredTags.contains(label) || label.hasPrefix("Kho-") {
                    problems.append(l("profile.tag_twice", ["tag": label]))
                }
                if tags[label] == nil { tags[label] = value }
            }
            for tag in requiredTags where tags[tag] == nil {
                problems.append(l("profile.tag_missing", ["tag": tag]))
            }
            if let version = tags["Kho-Format-Version"], version != "1" && version != "2" {
                problems.append(l("profile.format_version", ["version": version]))
            }
        } else {
            problems.append(l("profile.no_info"))
        }
        let payload = files.filter { $0.key.hasPrefix("data/") }
        for algorithm in ["sha256", "sha512"] where files["manifest-\(algorithm).txt"] == nil {
            problems.append(l("profile.manifest_missing", ["file": "manifest-\(algorithm).txt"]))
        }
        if files["tagmanifest-sha256.txt"] == nil {
            problems.append(l("profile.manifest_missing", ["file": "tagmanifest-sha256.txt"]))
        }
        if files["fetch.txt"] != nil { problems.append(l("profile.fetch")) }
        for path in payload.keys.sorted() {
            guard let name = objectName(path), let found = digests[path]?.sha256, name != found else { continue }
            problems.append(l("profile.object_name", ["path": path, "found": found]))
        }
        for path in payload.keys.sorted()
        where path != "data/records.jsonl" && path != BagWriter.exhibitionsPath && objectName(path) == nil {
            problems.append(l("profile.stray_payload", ["path": path]))
        }
        // Records.
        var records = 0
        let recordsData = contents["data/records.jsonl"]
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
                    problems.append(l("profile.record_twice", ["line": String(number + 1), "id": id]))
                }
            }
            if let count = tags["Kho-Product-Count"], Int(count) != records {
                problems.append(l("profile.product_count", ["count": count, "records": String(records)]))
            }
            if Int(tags["Kho-Tombstone-Count"] ?? "0") != tombstones {
                problems.append(
                    l(
                        "profile.tombstone_count",
                        ["count": tags["Kho-Tombstone-Count"] ?? "-", "tombstones": String(tombstones)]))
            }
        } else {
            problems.append(l("profile.no_records"))
        }
        // Exhibitions (format 2): each line an exhibition document, each id once, as many as the tag says.
        let exhibitionsData = contents[BagWriter.exhibitionsPath]
        if let data = exhibitionsData {
            if tags["Kho-Format-Version"] == "1" { problems.append(l("profile.exhibitions_in_format_1")) }
            var seen = Set<String>()
            let lines = data.split(separator: 0x0A)
            for (number, line) in lines.enumerated() {
                do {
                    let exhibition = try Exhibition.decode(Data(line))
                    if !seen.insert(exhibition.id.rawValue).inserted {
                        problems.append(l("profile.exhibition_twice", ["line": String(number + 1), "id": exhibition.id.rawValue]))
                    }
                } catch {
                    problems.append("\(BagWriter.exhibitionsPath) line \(number + 1): \(error)")
                }
            }
            if Int(tags["Kho-Exhibition-Count"] ?? "-") != lines.count {
                problems.append(
                    l("profile.exhibition_count", ["count": tags["Kho-Exhibition-Count"] ?? "-", "found": String(lines.count)]))
            }
        } else if tags["Kho-Exhibition-Count"] != nil {
            problems.append(l("profile.exhibition_count", ["count": tags["Kho-Exhibition-Count"] ?? "-", "found": "0"]))
        }
        var result = Result(
            bagit: bagit, profileProblems: problems, tags: tags, files: payload.count, records: records,
            recordsData: recordsData ?? Data())
        result.exhibitionsData = exhibitionsData ?? Data()
        return result
    }
}
