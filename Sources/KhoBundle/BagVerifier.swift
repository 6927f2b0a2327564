import Crypto
import Dispatch
import Foundation
import KhoCore
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Checks a bag directory completely: BagIt 1.0 (RFC 8493: declaration, tags, manifests, every
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
    }

    public static func verify(_ root: String) -> Result {
        var problems: [String] = []
        var tags: [String: String] = [:]
        let manager = FileManager.default
        func read(_ name: String) -> Data? { manager.contents(atPath: "\(root)/\(name)") }

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
        // Payload files on disk.
        var payload: [String: Int64] = [:]
        if let walker = manager.enumerator(atPath: "\(root)/data") {
            for case let relative as String in walker {
                let path = "\(root)/data/\(relative)"
                var info = stat()
                guard lstat(path, &info) == 0 else { continue }
                switch info.st_mode & S_IFMT {
                case S_IFREG: payload["data/\(relative)"] = Int64(info.st_size)
                case S_IFDIR: continue
                default: problems.append("data/\(relative): a link or special file; bags hold regular files only")
                }
            }
        } else {
            problems.append("data/: missing")
        }
        // Manifests: safe paths, complete both ways, every digest right (both algorithms in one read).
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
        // Both digests of every payload file, on both cores.
        let paths = payload.keys.sorted()
        let computed = Mutex<[String: BagWriter.CopyResult]>([:])
        DispatchQueue.concurrentPerform(iterations: min(2, max(1, paths.count))) { worker in
            for index in stride(from: worker, to: paths.count, by: 2) {
                if let found = try? BagWriter.copy("\(root)/\(paths[index])", to: nil) {
                    computed.withLock { $0[paths[index]] = found }
                }
            }
        }
        let found = computed.withLock { $0 }
        for path in paths {
            guard let expected256 = manifests["sha256"]?[path] ?? nil else { continue }
            guard let digests = found[path] else {
                problems.append("\(path): cannot be read")
                continue
            }
            let (found256, found512) = (digests.sha256, digests.sha512)
            if found256 != expected256 {
                problems.append("\(path): SHA-256 is \(found256), manifest says \(expected256)")
            }
            if let expected512 = manifests["sha512"]?[path], found512 != expected512 {
                problems.append("\(path): SHA-512 does not match manifest-sha512.txt")
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
        if let data = read("data/records.jsonl") {
            var seen = Set<String>()
            for (number, line) in data.split(separator: 0x0A).enumerated() {
                records += 1
                for problem in RecordCheck.problems(Data(line), objects: payload) {
                    problems.append("data/records.jsonl line \(number + 1): \(problem)")
                }
                if let id = (try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any])?["id"] as? String,
                    !seen.insert(id).inserted
                {
                    problems.append("data/records.jsonl line \(number + 1): product \(id) appears twice")
                }
            }
            if let count = tags["Kho-Product-Count"], Int(count) != records {
                problems.append("bag-info.txt: Kho-Product-Count \(count), but data/records.jsonl holds \(records)")
            }
        } else {
            problems.append("data/records.jsonl: missing (the profile requires it)")
        }
        return Result(problems: problems, tags: tags, files: payload.count, records: records)
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
