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

/// Writes a BagIt 1.0 bag (see catalogue-schema/BUNDLE.md): into `<out>.part`, renamed to `<out>`
/// once complete, so a bag under its final name is always whole. Every object is re-hashed while it
/// is copied; a corrupt one stops the export and nothing is left behind.
public enum BagWriter {
    public struct Tags: Sendable {
        public var organization: String
        public var contactName: String?
        public var contactEmail: String?
        public var repositoryID: String
        public var scope: String
        public var date: Date

        public init(
            organization: String, contactName: String?, contactEmail: String?, repositoryID: String, scope: String,
            date: Date
        ) {
            self.organization = organization
            self.contactName = contactName
            self.contactEmail = contactEmail
            self.repositoryID = repositoryID
            self.scope = scope
            self.date = date
        }
    }

    public static func write(
        records: [(id: String, json: Data)], store: ContentStore, objects: [String], tags: Tags, to out: String
    )
        throws -> ExportSummary
    {
        let manager = FileManager.default
        guard !manager.fileExists(atPath: out) else {
            throw BundleError("\(out): already exists; choose a new name for the bundle (nothing was written)")
        }
        let staging = out + ".part"
        try? manager.removeItem(atPath: staging)
        var finished = false
        defer { if !finished { try? manager.removeItem(atPath: staging) } }
        try manager.createDirectory(atPath: staging + "/data/objects", withIntermediateDirectories: true)

        var sha256: [String: String] = [:]
        var sha512: [String: String] = [:]
        var octets: Int64 = 0
        // Records: one line each, sorted by id.
        var lines = Data()
        for record in records.sorted(by: { $0.id < $1.id }) {
            lines.append(record.json)
            lines.append(0x0A)
        }
        try lines.write(to: URL(fileURLWithPath: staging + "/data/records.jsonl"))
        sha256["data/records.jsonl"] = Hex.string(SHA256.hash(data: lines))
        sha512["data/records.jsonl"] = Hex.string(SHA512.hash(data: lines))
        octets += Int64(lines.count)
        // Objects: copied with both digests computed in the same read, the SHA-256 checked; on
        // both cores, since each object is independent.
        let list = Set(objects).sorted()
        @Sendable func relative(_ object: String) -> String {
            "data/objects/\(object.prefix(2))/\(object.dropFirst(2).prefix(2))/\(object)"
        }
        for object in list {
            try manager.createDirectory(
                atPath: ((staging + "/" + relative(object)) as NSString).deletingLastPathComponent,
                withIntermediateDirectories: true)
        }
        let copies = Mutex<(results: [String: CopyResult], failure: String?)>(([:], nil))
        DispatchQueue.concurrentPerform(iterations: min(2, max(1, list.count))) { worker in
            for index in stride(from: worker, to: list.count, by: 2) {
                let object = list[index]
                do {
                    let copied = try copy(store.path(for: object), to: staging + "/" + relative(object))
                    copies.withLock { $0.results[object] = copied }
                } catch {
                    copies.withLock { $0.failure = $0.failure ?? "\(error)" }
                }
            }
        }
        let copied = copies.withLock { $0 }
        if let failure = copied.failure { throw BundleError(failure) }
        for object in list {
            guard let result = copied.results[object] else { continue }
            guard result.sha256 == object else {
                throw BundleError(
                    "object \(object) is corrupt in the store (its content hashes to \(result.sha256)); nothing was exported. "
                        + "`kho verify` and `kho restore` repair it")
            }
            sha256[relative(object)] = result.sha256
            sha512[relative(object)] = result.sha512
            octets += result.size
        }
        let identifier =
            "kho-bundle-\(tags.repositoryID)-\(Timestamp.string(tags.date).replacingOccurrences(of: ":", with: ""))"
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
        info += [
            ("Kho-Format-Version", "1"), ("Kho-Repository-Id", tags.repositoryID), ("Kho-Export-Scope", tags.scope),
            ("Kho-Product-Count", String(records.count)),
        ]
        let tagFiles: [(String, Data)] = [
            ("bagit.txt", Data("BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n".utf8)),
            ("bag-info.txt", Data(info.map { "\($0.0): \(singleLine($0.1))\n" }.joined().utf8)),
            ("manifest-sha256.txt", manifest(sha256)),
            ("manifest-sha512.txt", manifest(sha512)),
        ]
        var tagDigests: [String: String] = [:]
        for (name, data) in tagFiles {
            try data.write(to: URL(fileURLWithPath: staging + "/" + name))
            tagDigests[name] = Hex.string(SHA256.hash(data: data))
        }
        try manifest(tagDigests).write(to: URL(fileURLWithPath: staging + "/tagmanifest-sha256.txt"))
        guard rename(staging, out) == 0 else { throw BundleError("\(out): cannot move the finished bag into place") }
        finished = true
        return ExportSummary(
            path: out, identifier: identifier, products: records.count, files: sha256.count - 1, bytes: octets)
    }

    struct CopyResult: Sendable {
        var sha256: String
        var sha512: String
        var size: Int64
    }

    /// Reads a file once, computing SHA-256 and SHA-512, and copies it to `destination` if one is
    /// given; returns both digests and the size.
    static func copy(_ source: String, to destination: String?) throws -> CopyResult {
        // When copying out of the store, an unreadable object is a store problem: verify and restore repair it.
        let hint = destination == nil ? "" : "; run `kho verify`"
        guard let input = InputStream(fileAtPath: source) else { throw BundleError("\(source): cannot be read\(hint)") }
        let output = destination.flatMap { OutputStream(toFileAtPath: $0, append: false) }
        if let destination, output == nil { throw BundleError("\(destination): cannot be written") }
        input.open()
        output?.open()
        defer {
            input.close()
            output?.close()
        }
        var hasher256 = SHA256()
        var hasher512 = SHA512()
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var total: Int64 = 0
        while true {
            let count = input.read(&buffer, maxLength: buffer.count)
            if count < 0 { throw BundleError("\(source): read failed\(hint)") }
            if count == 0 { break }
            buffer.withUnsafeBytes { bytes in
                let chunk = UnsafeRawBufferPointer(rebasing: bytes[0..<count])
                hasher256.update(bufferPointer: chunk)
                hasher512.update(bufferPointer: chunk)
            }
            var offset = 0
            while let output, offset < count {
                let written = buffer[offset..<count].withUnsafeBufferPointer {
                    output.write($0.baseAddress!, maxLength: count - offset)
                }
                if written <= 0 { throw BundleError("\(destination ?? source): write failed (disk full?)") }
                offset += written
            }
            total += Int64(count)
        }
        return CopyResult(
            sha256: Hex.string(hasher256.finalize()), sha512: Hex.string(hasher512.finalize()), size: total)
    }

    /// Tag values lose CR and LF (RFC 8493 tags are single lines).
    static func singleLine(_ text: String) -> String {
        text.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
    }
}
