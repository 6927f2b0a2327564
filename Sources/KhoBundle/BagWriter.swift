import CKhoPlatform
import Crypto
import Dispatch
import Foundation
import KhoCore
import KhoFiles
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A problem with a bundle, naming the entry and the rule.
public struct BundleError: Error, CustomStringConvertible, Sendable {
    public var problems: [String]
    public var summary: String

    public init(_ summary: String, problems: [String] = []) {
        self.summary = summary
        self.problems = problems
    }

    public var description: String { ([summary] + problems.map { "  - \($0)" }).joined(separator: "\n") }
}

/// What an export wrote.
public struct ExportSummary: Sendable {
    public var path: String
    public var identifier: String
    public var products: Int
    public var files: Int
    public var bytes: Int64
}

/// Writes a BagIt 1.0 bag (see catalogue-schema/BUNDLE.md) as a folder, a .zip or a .tar: into
/// `<out>.part`, renamed to `<out>` once complete, so a bag under its final name is always whole. Every object is re-hashed while it
/// is copied; a corrupt one stops the export and nothing is left behind.
public enum BagWriter {
    public struct Tags: Sendable {
        public var organization: String
        public var contactName: String?
        public var contactEmail: String?
        public var repositoryID: String
        public var scope: String
        public var date: Date
        /// External-Identifier.
        public var identifier: String
        /// Kho-Previous-Bundle, for an incremental export.
        public var previous: String?
        /// Bag-Group-Identifier and Bag-Count (`index of count`), for a split export.
        public var group: (identifier: String, index: Int, count: Int)?
        /// Kho-Since and Kho-Change-Mark: where the export started and where the catalogue's change
        /// log stood, so that a bag whose export was interrupted before it was recorded can be
        /// recorded as it was made (`kho export` run again).
        public var since: Date?
        public var mark: ChangeMark?

        public init(
            organization: String, contactName: String?, contactEmail: String?, repositoryID: String, scope: String,
            date: Date, identifier: String, previous: String? = nil,
            group: (identifier: String, index: Int, count: Int)? = nil
        ) {
            self.organization = organization
            self.contactName = contactName
            self.contactEmail = contactEmail
            self.repositoryID = repositoryID
            self.scope = scope
            self.date = date
            self.identifier = identifier
            self.previous = previous
            self.group = group
        }
    }

    /// A bundle's identifier: `kho-bundle-<repository id>-<UTC time>`.
    public static func identifier(repositoryID: String, date: Date) -> String {
        "kho-bundle-\(repositoryID)-\(Timestamp.string(date).replacingOccurrences(of: ":", with: ""))"
    }

    public static func write(
        records: [(id: String, json: Data)], tombstones: [(id: String, json: Data)] = [],
        exhibitions: [(id: String, json: Data)] = [], store: ContentStore, objects: [String], tags: Tags, to out: String
    ) throws -> ExportSummary {
        let sink = try makeSink(out, modified: tags.date)
        var finished = false
        defer { if !finished { sink.abandon() } }

        var sha256: [String: String] = [:]
        var sha512: [String: String] = [:]
        var octets: Int64 = 0
        // Records and tombstones: one line each, sorted by id.
        var lines = Data()
        for record in (records + tombstones).sorted(by: { $0.id < $1.id }) {
            lines.append(record.json)
            lines.append(0x0A)
        }
        try sink.add(lines, at: "data/records.jsonl")
        sha256["data/records.jsonl"] = Hex.string(SHA256.hash(data: lines))
        sha512["data/records.jsonl"] = Hex.string(SHA512.hash(data: lines))
        octets += Int64(lines.count)
        // Exhibitions (format 2): one document a line, sorted by id. A bag without any stays format 1,
        // which readers from before exhibitions still take.
        if !exhibitions.isEmpty {
            var documents = Data()
            for exhibition in exhibitions.sorted(by: { $0.id < $1.id }) {
                documents.append(exhibition.json)
                documents.append(0x0A)
            }
            try sink.add(documents, at: Self.exhibitionsPath)
            sha256[Self.exhibitionsPath] = Hex.string(SHA256.hash(data: documents))
            sha512[Self.exhibitionsPath] = Hex.string(SHA512.hash(data: documents))
            octets += Int64(documents.count)
        }
        // Objects: copied with both digests computed in the same read, the SHA-256 checked.
        let list = Set(objects).sorted()
        let copied = try sink.copy(list.map { (store.path(for: $0), objectPath($0)) })
        for object in list {
            guard let result = copied[objectPath(object)] else { continue }
            guard result.sha256 == object else {
                throw BundleError(
                    "object \(object) is corrupt in the store (its content hashes to \(result.sha256)); nothing was exported. "
                        + "`kho verify` and `kho restore` repair it")
            }
            sha256[objectPath(object)] = result.sha256
            sha512[objectPath(object)] = result.sha512
            octets += result.size
        }
        let identifier = tags.identifier
        func manifest(_ digests: [String: String]) -> Data {
            Data(
                digests.keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }.map {
                    "\(digests[$0]!)  \($0)\n"
                }.joined().utf8)
        }
        var info: [(String, String)] = [
            ("Source-Organization", tags.organization),
            ("Bagging-Date", String(Timestamp.string(tags.date).prefix(10))),
            ("External-Identifier", identifier), ("Payload-Oxum", "\(octets).\(sha256.count)"),
        ]
        if let name = tags.contactName { info.append(("Contact-Name", name)) }
        if let email = tags.contactEmail { info.append(("Contact-Email", email)) }
        if let group = tags.group {
            info += [("Bag-Group-Identifier", group.identifier), ("Bag-Count", "\(group.index) of \(group.count)")]
        }
        info += [
            ("Kho-Format-Version", exhibitions.isEmpty ? "1" : "2"), ("Kho-Repository-Id", tags.repositoryID),
            ("Kho-Export-Scope", tags.scope),
        ]
        if let previous = tags.previous { info.append(("Kho-Previous-Bundle", previous)) }
        info.append(("Kho-Created-At", Timestamp.string(tags.date)))
        if let since = tags.since { info.append(("Kho-Since", Timestamp.string(since))) }
        if let mark = tags.mark { info.append(("Kho-Change-Mark", "\(mark.event)/\(mark.tombstone)")) }
        info.append(("Kho-Product-Count", String(records.count)))
        if !tombstones.isEmpty { info.append(("Kho-Tombstone-Count", String(tombstones.count))) }
        if !exhibitions.isEmpty { info.append(("Kho-Exhibition-Count", String(exhibitions.count))) }
        let tagFiles: [(String, Data)] = [
            ("bagit.txt", Data("BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n".utf8)),
            ("bag-info.txt", Data(info.map { "\($0.0): \(singleLine($0.1))\n" }.joined().utf8)),
            ("manifest-sha256.txt", manifest(sha256)),
            ("manifest-sha512.txt", manifest(sha512)),
        ]
        var tagDigests: [String: String] = [:]
        for (name, data) in tagFiles {
            try sink.add(data, at: name)
            tagDigests[name] = Hex.string(SHA256.hash(data: data))
        }
        try sink.add(manifest(tagDigests), at: "tagmanifest-sha256.txt")
        try sink.finish()
        finished = true
        return ExportSummary(
            path: out, identifier: identifier, products: records.count,
            files: sha256.count - 1 - (exhibitions.isEmpty ? 0 : 1), bytes: octets)
    }

    /// The exhibitions of a format-2 bag, one JSON document a line.
    public static let exhibitionsPath = "data/exhibitions.jsonl"

    /// Where an object goes inside a bag: as in a repository's store.
    static func objectPath(_ sha256: String) -> String {
        "data/objects/\(sha256.prefix(2))/\(sha256.dropFirst(2).prefix(2))/\(sha256)"
    }

    public struct CopyResult: Sendable {
        public var sha256: String
        public var sha512: String
        public var size: Int64
        /// Other algorithms asked for (a foreign bag's md5, sha1 or sha384 manifests).
        public var others: [String: String] = [:]

        func digest(_ algorithm: String) -> String? {
            switch algorithm {
            case "sha256": sha256
            case "sha512": sha512
            default: others[algorithm]
            }
        }
    }

    /// Reads a file once, computing SHA-256 and SHA-512, and copies it to `destination`; returns
    /// both digests and the size.
    static func copy(_ source: String, to destination: String, buffer: ChunkBuffer) throws -> CopyResult {
        let input: RawFile
        do { input = try RawFile(reading: source) } catch { throw BundleError("\(error); run `kho verify`") }
        let output = try RawFile(creating: destination)
        var written: Int64 = 0
        return try stream(input, buffer: buffer) { chunk in
            try output.append(chunk)
            // Start writing to disk now, so that the sync that ends the export has little left to wait for.
            _ = kho_start_writeback(output.descriptor, written, Int64(chunk.count))
            written += Int64(chunk.count)
        }
    }

    /// Reads a file to its end in 4 MiB chunks, hashing each and handing it to `body`. With
    /// `split`, SHA-512 runs on a second core beside SHA-256 and `body` (for one sequential stream).
    static func stream(
        _ input: RawFile, buffer: ChunkBuffer, split: Bool = false, _ body: (UnsafeRawBufferPointer) throws -> Void
    ) throws
        -> CopyResult
    {
        var digests = Digests()
        let total = try input.chunks(buffer) { try digests.update($0, split: split, alongside: body) }
        return digests.result(size: total)
    }

    /// Tag values lose CR and LF (RFC 8493 tags are single lines).
    static func singleLine(_ text: String) -> String {
        text.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
    }
}

/// SHA-256 and SHA-512 of one stream, computed together, and any of MD5, SHA-1 and SHA-384 that a
/// foreign bag's manifests ask for.
struct Digests {
    var sha256 = SHA256()
    var sha512 = SHA512()
    var md5: Insecure.MD5?
    var sha1: Insecure.SHA1?
    var sha384: SHA384?

    init(also algorithms: Set<String> = []) {
        if algorithms.contains("md5") { md5 = Insecure.MD5() }
        if algorithms.contains("sha1") { sha1 = Insecure.SHA1() }
        if algorithms.contains("sha384") { sha384 = SHA384() }
    }

    /// The second thread's share: SHA-512 and the others.
    mutating func updateOthers(_ chunk: UnsafeRawBufferPointer) {
        sha512.update(bufferPointer: chunk)
        md5?.update(bufferPointer: chunk)
        sha1?.update(bufferPointer: chunk)
        sha384?.update(bufferPointer: chunk)
    }

    /// Hashes a chunk and hands it to `body`; with `split` (and a chunk worth it), SHA-512 runs on
    /// a second thread while this one does SHA-256 and `body`.
    mutating func update(
        _ chunk: UnsafeRawBufferPointer, split: Bool, alongside body: (UnsafeRawBufferPointer) throws -> Void = { _ in }
    ) throws {
        guard split && chunk.count >= 1 << 20 else {
            sha256.update(bufferPointer: chunk)
            updateOthers(chunk)
            try body(chunk)
            return
        }
        var failure: (any Error)?
        try withoutActuallyEscaping(body) { body in
            try withUnsafeMutablePointer(to: &self) { digests in
                nonisolated(unsafe) let digests = digests
                nonisolated(unsafe) let body = body
                nonisolated(unsafe) let chunk = chunk
                nonisolated(unsafe) var caught: (any Error)?
                DispatchQueue.concurrentPerform(iterations: 2) { part in
                    if part == 0 {
                        digests.pointee.sha256.update(bufferPointer: chunk)
                        do { try body(chunk) } catch { caught = error }
                    } else {
                        digests.pointee.updateOthers(chunk)
                    }
                }
                failure = caught
                if let failure { throw failure }
            }
        }
        _ = failure
    }

    func result(size: Int64) -> BagWriter.CopyResult {
        var others: [String: String] = [:]
        if let md5 { others["md5"] = Hex.string(md5.finalize()) }
        if let sha1 { others["sha1"] = Hex.string(sha1.finalize()) }
        if let sha384 { others["sha384"] = Hex.string(sha384.finalize()) }
        return BagWriter.CopyResult(
            sha256: Hex.string(sha256.finalize()), sha512: Hex.string(sha512.finalize()), size: size, others: others)
    }
}
