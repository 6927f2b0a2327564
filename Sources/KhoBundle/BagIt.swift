import Crypto
import Foundation
import KhoCore

/// RFC 8493 (BagIt 1.0, and 0.97, which it describes): the rules every bag follows, whatever tool
/// made it. Nothing here knows kho's profile; `BagVerifier` applies that on top.
public enum BagIt {
    /// The checksum algorithms kho can check, with the length of their hex digests.
    public static let algorithms: [String: Int] = ["md5": 32, "sha1": 40, "sha256": 64, "sha384": 96, "sha512": 128]
    /// Algorithms too weak to be a bag's only protection (bagit-python and the LoC validator warn).
    static let weak: Set<String> = ["md5", "sha1"]
    static let versions: Set<String> = ["0.97", "1.0"]

    /// The algorithms of the payload manifests a listing holds (`manifest-ALG.txt`), supported or not.
    static func manifestAlgorithms(_ files: some Collection<String>, tag: Bool = false) -> [String] {
        let prefix = tag ? "tagmanifest-" : "manifest-"
        return files.compactMap { name -> String? in
            guard name.hasPrefix(prefix), name.hasSuffix(".txt"), !name.contains("/") else { return nil }
            return String(name.dropFirst(prefix.count).dropLast(4)).lowercased()
        }.sorted()
    }

    /// The digest of bytes in memory (tag files), by algorithm name; nil for an unsupported one.
    static func digest(_ data: Data, _ algorithm: String) -> String? {
        switch algorithm {
        case "md5": Hex.string(Insecure.MD5.hash(data: data))
        case "sha1": Hex.string(Insecure.SHA1.hash(data: data))
        case "sha256": Hex.string(SHA256.hash(data: data))
        case "sha384": Hex.string(SHA384.hash(data: data))
        case "sha512": Hex.string(SHA512.hash(data: data))
        default: nil
        }
    }

    /// A tag file's text in its declared encoding, with CR LF and CR line endings read as LF.
    /// Nil when the bytes are not in that encoding, or the encoding is not one kho reads.
    static func text(_ data: Data, encoding: String) -> String? {
        var text: String?
        switch encoding.uppercased().replacingOccurrences(of: "_", with: "-") {
        case "UTF-8", "UTF8":
            let body = data.starts(with: [0xEF, 0xBB, 0xBF]) ? data.dropFirst(3) : data[...]
            text = String(validating: body, as: UTF8.self)
        case "ISO-8859-1", "ISO8859-1", "LATIN-1", "LATIN1":
            text = String(data: data, encoding: .isoLatin1)
        case "UTF-16":
            // With its byte-order mark; without one, big-endian (RFC 2781).
            if data.starts(with: [0xFF, 0xFE]) {
                text = String(data: data.dropFirst(2), encoding: .utf16LittleEndian)
            } else if data.starts(with: [0xFE, 0xFF]) {
                text = String(data: data.dropFirst(2), encoding: .utf16BigEndian)
            } else {
                text = String(data: data, encoding: .utf16BigEndian)
            }
        case "UTF-16LE": text = String(data: data, encoding: .utf16LittleEndian)
        case "UTF-16BE": text = String(data: data, encoding: .utf16BigEndian)
        default: return nil
        }
        return text.map(lines)
    }

    static func isSupportedEncoding(_ encoding: String) -> Bool { text(Data(), encoding: encoding) != nil }

    /// LF, CR LF and CR line endings, all read as LF.
    static func lines(_ text: String) -> String {
        text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
    }

    /// A file path from a manifest or fetch.txt as RFC 8493 writes it: `%0A`, `%0D` and `%25`
    /// decoded (any case), a leading `./` (written by some 0.97 tools) dropped.
    static func decodePath(_ written: String) -> String {
        var path = ""
        var rest = Substring(written)
        while let percent = rest.firstIndex(of: "%") {
            path += rest[..<percent]
            let code = rest[rest.index(after: percent)...].prefix(2).uppercased()
            switch code {
            case "0A": path += "\n"
            case "0D": path += "\r"
            case "25": path += "%"
            default:
                path += "%"
                rest = rest[rest.index(after: percent)...]
                continue
            }
            rest = rest[rest.index(percent, offsetBy: 3)...]
        }
        path += rest
        while path.hasPrefix("./") { path.removeFirst(2) }
        return path
    }

    /// `bag-info.txt`'s lines: `Label: value`, a line starting with space or tab continuing the
    /// value before it. Labels may repeat.
    static func parseInfo(_ text: String, file: String, problems: inout [String]) -> [(label: String, value: String)] {
        let l = Localizer.current
        var tags: [(label: String, value: String)] = []
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if line.isEmpty { continue }
            if line.first == " " || line.first == "\t" {
                if tags.isEmpty {
                    problems.append(l("bagit.info_continuation", ["file": file, "line": String(number + 1)]))
                } else {
                    tags[tags.count - 1].value += " " + line.trimmingCharacters(in: .whitespaces)
                }
                continue
            }
            guard let colon = line.firstIndex(of: ":"), colon != line.startIndex else {
                problems.append(l("bagit.info_line", ["file": file, "line": String(number + 1)]))
                continue
            }
            tags.append(
                (
                    String(line[..<colon]).trimmingCharacters(in: .whitespaces),
                    String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
                ))
        }
        return tags
    }

    /// A manifest's `CHECKSUM PATH` lines, by decoded path. Paths must stay inside the bag; those of
    /// a payload manifest inside data/.
    static func parseManifest(_ text: String, name: String, length: Int, payload: Bool, problems: inout [String])
        -> [String: String]
    {
        let l = Localizer.current
        var entries: [String: String] = [:]
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if line.trimmingCharacters(in: .whitespaces).isEmpty { continue }
            let parts = line.split(maxSplits: 1, whereSeparator: { $0 == " " || $0 == "\t" })
            let where_ = ["file": name, "line": String(number + 1)]
            guard parts.count == 2 else {
                problems.append(l("bagit.manifest_line", where_))
                continue
            }
            let hash = String(parts[0]).lowercased()
            let path = decodePath(String(parts[1].drop { $0 == " " || $0 == "\t" }))
            guard hash.count == length, hash.allSatisfy(\.isHexDigit) else {
                problems.append(
                    l("bagit.manifest_digest", where_.merging(["value": String(parts[0]), "length": String(length)]) { $1 }))
                continue
            }
            if let reason = unsafe(path, payload: payload) {
                problems.append(l("bagit.manifest_path", where_.merging(["path": path, "reason": reason]) { $1 }))
                continue
            }
            if let earlier = entries[path], earlier != hash {
                problems.append(l("bagit.manifest_twice", ["file": name, "path": path]))
            }
            entries[path] = hash
        }
        return entries
    }

    /// Why a path from a manifest, fetch.txt or an archive may not be used, or nil.
    public static func unsafe(_ path: String, payload: Bool) -> String? {
        let l = Localizer.current
        if path.isEmpty { return l("bagit.path.empty") }
        if path.contains("\0") { return l("bagit.path.nul") }
        if path.contains("\\") { return l("bagit.path.backslash") }
        if path.hasPrefix("/") || path.hasPrefix("~") { return l("bagit.path.absolute") }
        if path.split(separator: "/", omittingEmptySubsequences: false).contains(where: { $0 == ".." || $0 == "." }) {
            return l("bagit.path.dots")
        }
        if payload && !path.hasPrefix("data/") { return l("bagit.path.outside_data") }
        return nil
    }

    /// Payload paths that differ only in case: one file on Windows and macOS, two elsewhere.
    /// (Names that differ only in Unicode normalisation are refused when the bag is listed.)
    static func caseOnlyDuplicates(_ paths: some Collection<String>) -> [[String]] {
        var byCase: [String: Set<String>] = [:]
        for path in paths { byCase[path.lowercased(), default: []].insert(path) }
        return byCase.values.filter { $0.count > 1 }.map { $0.sorted() }.sorted { $0[0] < $1[0] }
    }
}

/// RFC 8493's verdict on one bag, apart from any profile.
public struct BagItVerdict: Sendable {
    /// `BagIt-Version` as declared.
    public var version: String?
    /// `Tag-File-Character-Encoding` as declared.
    public var encoding: String?
    /// False when fetch.txt names payload files that are not here (a "holey" bag).
    public var complete = true
    public var problems: [String] = []
    public var warnings: [String] = []
    public var valid: Bool { problems.isEmpty }

    /// What was read, for the profile's checks: payload and tag manifests by algorithm, the
    /// bag-info.txt tags in order.
    var payloadManifests: [String: [String: String]] = [:]
    var tagManifests: [String: [String: String]] = [:]
    var info: [(label: String, value: String)] = []
    var hasInfo = false

    /// Checks a bag's tag files (`contents`, in memory), its listing (`files`, with sizes) and the
    /// digests of its payload files as they were read.
    static func check(contents: [String: Data], files: [String: Int64], digests: [String: BagWriter.CopyResult])
        -> BagItVerdict
    {
        let l = Localizer.current
        var verdict = BagItVerdict()
        var problems: [String] = []
        var warnings: [String] = []

        // The declaration: UTF-8 with no byte-order mark, two lines.
        var encoding = "UTF-8"
        if let declaration = contents["bagit.txt"] {
            if declaration.starts(with: [0xEF, 0xBB, 0xBF]) { problems.append(l("bagit.declaration_bom")) }
            let body = declaration.starts(with: [0xEF, 0xBB, 0xBF]) ? declaration.dropFirst(3) : declaration[...]
            if let text = String(validating: body, as: UTF8.self).map(BagIt.lines) {
                var problemsHere: [String] = []
                let fields = BagIt.parseInfo(text, file: "bagit.txt", problems: &problemsHere)
                problems += problemsHere
                let named = Dictionary(fields.map { ($0.label, $0.value) }, uniquingKeysWith: { first, _ in first })
                verdict.version = named["BagIt-Version"]
                verdict.encoding = named["Tag-File-Character-Encoding"]
                if let version = verdict.version {
                    if !BagIt.versions.contains(version) {
                        problems.append(l("bagit.version_unsupported", ["version": version]))
                    }
                } else {
                    problems.append(l("bagit.declaration_field", ["field": "BagIt-Version"]))
                }
                if let declared = verdict.encoding {
                    if BagIt.isSupportedEncoding(declared) {
                        encoding = declared
                    } else {
                        problems.append(l("bagit.encoding_unsupported", ["encoding": declared]))
                    }
                } else {
                    problems.append(l("bagit.declaration_field", ["field": "Tag-File-Character-Encoding"]))
                }
            } else {
                problems.append(l("bagit.declaration_utf8"))
            }
        } else {
            problems.append(l("bagit.no_declaration"))
        }
        func text(_ name: String) -> String? {
            guard let data = contents[name] else { return nil }
            guard let text = BagIt.text(data, encoding: encoding) else {
                problems.append(l("bagit.tag_encoding", ["file": name, "encoding": encoding]))
                return nil
            }
            return text
        }

        // bag-info.txt (optional).
        if let info = text("bag-info.txt") {
            verdict.hasInfo = true
            verdict.info = BagIt.parseInfo(info, file: "bag-info.txt", problems: &problems)
        }

        // The payload and its manifests.
        let payload = files.filter { $0.key.hasPrefix("data/") }
        let payloadAlgorithms = BagIt.manifestAlgorithms(files.keys)
        let supported = payloadAlgorithms.filter { BagIt.algorithms[$0] != nil }
        for algorithm in payloadAlgorithms where BagIt.algorithms[algorithm] == nil {
            warnings.append(l("bagit.algorithm_unsupported", ["file": "manifest-\(algorithm).txt"]))
        }
        if supported.isEmpty {
            problems.append(l("bagit.no_manifest"))
        } else if supported.allSatisfy(BagIt.weak.contains) {
            warnings.append(l("bagit.weak_only", ["algorithms": supported.joined(separator: ", ")]))
        }
        for algorithm in supported {
            let name = "manifest-\(algorithm).txt"
            guard let manifest = text(name) else { continue }
            verdict.payloadManifests[algorithm] = BagIt.parseManifest(
                manifest, name: name, length: BagIt.algorithms[algorithm] ?? 64, payload: true, problems: &problems)
        }

        // fetch.txt: files to be fetched; kho never fetches them.
        var toFetch = Set<String>()
        if let fetch = text("fetch.txt") {
            for (number, line) in fetch.split(separator: "\n").enumerated() where !line.isEmpty {
                let parts = line.split(maxSplits: 2, whereSeparator: { $0 == " " || $0 == "\t" })
                guard parts.count == 3, parts[1] == "-" || Int64(parts[1]) != nil else {
                    problems.append(l("bagit.fetch_line", ["line": String(number + 1)]))
                    continue
                }
                let path = BagIt.decodePath(String(parts[2]))
                if let reason = BagIt.unsafe(path, payload: true) {
                    problems.append(
                        l("bagit.manifest_path", ["file": "fetch.txt", "line": String(number + 1), "path": path, "reason": reason]))
                    continue
                }
                toFetch.insert(path)
            }
        }

        // Complete: every payload file in every manifest, every listed file present (or to fetch).
        let byNFC = Dictionary(
            payload.keys.map { ($0.precomposedStringWithCanonicalMapping, $0) }, uniquingKeysWith: { first, _ in first })
        func present(_ path: String) -> String? {
            payload[path] != nil ? path : byNFC[path.precomposedStringWithCanonicalMapping]
        }
        var missing = Set<String>()
        for (algorithm, entries) in verdict.payloadManifests.sorted(by: { $0.key < $1.key }) {
            let listed = Set(entries.keys.compactMap(present))
            for path in entries.keys.sorted() where present(path) == nil {
                if toFetch.contains(path) {
                    verdict.complete = false
                    missing.insert(path)
                } else {
                    problems.append(l("bagit.listed_missing", ["file": "manifest-\(algorithm).txt", "path": path]))
                }
            }
            for path in payload.keys.sorted() where !listed.contains(path) {
                problems.append(l("bagit.not_listed", ["path": path, "file": "manifest-\(algorithm).txt"]))
            }
        }
        if !missing.isEmpty {
            problems.append(
                l("bagit.incomplete", ["count": l.integer(missing.count), "first": missing.sorted().first ?? ""]))
        }
        // Valid: every checksum right.
        for (algorithm, entries) in verdict.payloadManifests.sorted(by: { $0.key < $1.key }) {
            for (listed, expected) in entries.sorted(by: { $0.key < $1.key }) {
                guard let path = present(listed), let found = digests[path]?.digest(algorithm) else { continue }
                if found != expected {
                    problems.append(
                        l(
                            "bagit.checksum",
                            [
                                "path": path, "algorithm": algorithm, "found": found, "expected": expected,
                                "file": "manifest-\(algorithm).txt",
                            ]))
                }
            }
        }
        for group in BagIt.caseOnlyDuplicates(payload.keys) {
            warnings.append(l("bagit.case_duplicates", ["paths": group.joined(separator: ", ")]))
        }

        // Payload-Oxum, when bag-info.txt gives it.
        if let oxum = verdict.info.first(where: { $0.label == "Payload-Oxum" })?.value {
            let parts = oxum.split(separator: ".")
            let octets = payload.values.reduce(0, +)
            if parts.count != 2 || Int64(parts[0]) != octets || Int(parts[1]) != payload.count, verdict.complete {
                problems.append(
                    l("bagit.oxum", ["oxum": oxum, "found": "\(octets).\(payload.count)"]))
            }
        }

        // Tag manifests (optional): every tag file they list present and right.
        for algorithm in BagIt.manifestAlgorithms(files.keys, tag: true) {
            let name = "tagmanifest-\(algorithm).txt"
            guard let length = BagIt.algorithms[algorithm] else {
                warnings.append(l("bagit.algorithm_unsupported", ["file": name]))
                continue
            }
            guard let manifest = text(name) else { continue }
            let entries = BagIt.parseManifest(manifest, name: name, length: length, payload: false, problems: &problems)
            verdict.tagManifests[algorithm] = entries
            for (path, expected) in entries.sorted(by: { $0.key < $1.key }) {
                guard let content = contents[path] else {
                    if files[path] == nil { problems.append(l("bagit.listed_missing", ["file": name, "path": path])) }
                    continue
                }
                if let found = BagIt.digest(content, algorithm), found != expected {
                    problems.append(
                        l(
                            "bagit.checksum",
                            ["path": path, "algorithm": algorithm, "found": found, "expected": expected, "file": name]))
                }
            }
        }
        verdict.problems = problems
        verdict.warnings = warnings
        return verdict
    }
}
