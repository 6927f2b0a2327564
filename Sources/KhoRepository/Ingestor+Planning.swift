import Foundation
import KhoCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension Ingestor {
    /// Plans an ingest of files and folders, each file a product described by `defaults`
    /// (a file's title defaults to its name without the extension).
    public func plan(paths: [String], defaults: MetadataInput, role: FileRole) throws -> IngestPlan {
        let l = Localizer.current
        var notes: [String] = []
        var files: [(path: String, shown: String, size: Int64)] = []
        var problems: [String] = []
        for path in paths {
            var info = stat()
            guard stat(path, &info) == 0 else {
                problems.append(l("ingest.no_such_path", ["path": path]))
                continue
            }
            if (info.st_mode & S_IFMT) == S_IFDIR {
                walk(folder: path, shownAs: path, into: &files, notes: &notes)
            } else if (info.st_mode & S_IFMT) == S_IFREG {
                files.append((Self.realPath(path) ?? path, path, Int64(info.st_size)))
            } else {
                problems.append(l("ingest.not_a_file", ["path": path]))
            }
        }
        guard problems.isEmpty else {
            throw RepositoryError.invalidInput(summary: l("ingest.nothing_ingested"), problems: problems)
        }
        if files.isEmpty {
            throw RepositoryError.invalidInput(
                summary: l("ingest.no_files", ["paths": paths.joined(separator: ", ")])
                    + (notes.isEmpty ? "" : l("ingest.passed_over", ["count": l.integer(notes.count)])),
                problems: [])
        }
        if defaults.title != nil, files.count > 1 {
            throw RepositoryError.invalidInput(
                summary: l("ingest.title_for_many", ["count": l.integer(files.count)]), problems: [])
        }
        // The shared metadata is checked once, so that a bad flag is reported once, not per file.
        var probe = defaults
        probe.title = probe.title ?? "-"
        if case .failure(let failure) = vocabulary.validate(probe, fieldName: Self.flagName) {
            throw RepositoryError.invalidInput(
                summary: l("ingest.fix_and_rerun"),
                problems: failure.problems.map(\.message))
        }
        var seen = Set<String>()
        let items = files.compactMap { file -> IngestItem? in
            guard seen.insert(file.path).inserted else { return nil }
            var input = defaults
            input.title = defaults.title ?? Self.titleFromName(file.shown)
            guard case .success(let metadata) = vocabulary.validate(input, fieldName: Self.flagName) else { return nil }
            return IngestItem(
                source: file.path, origin: file.shown, metadata: metadata, role: role, rowKey: nil, size: file.size)
        }
        try refuseEmpty(items)
        return IngestPlan(items: items, notes: notes)
    }

    /// An ingest stops before anything is written if a file is empty, unless `allowEmpty`.
    func refuseEmpty(_ items: [IngestItem]) throws {
        guard !allowEmpty else { return }
        let empty = items.filter { $0.source != nil && $0.size == 0 }
        guard !empty.isEmpty else { return }
        let l = Localizer.current
        throw RepositoryError.invalidInput(
            summary: l("ingest.empty_files", ["count": l.integer(empty.count)]),
            problems: empty.map(\.origin))
    }

    static func emptyFileProblem(_ path: String) -> String {
        Localizer.current("ingest.empty_file", ["path": path])
    }

    /// Plans an ingest from a manifest. Paths in it are relative to `folder` if given, else to the
    /// manifest's folder, and must stay inside it. Flags in `defaults` fill fields a row leaves empty.
    /// Every row is checked; any problem stops the ingest before anything is written.
    public func plan(manifest manifestPath: String, folder: String?, defaults: MetadataInput, role: FileRole) throws
        -> IngestPlan
    {
        let l = Localizer.current
        let manifest = try Manifest.read(manifestPath)
        let base = folder ?? manifestPath.parentPath
        guard let realBase = Self.realPath(base.isEmpty ? "." : base) else {
            throw RepositoryError.invalidInput(summary: l("ingest.no_such_folder", ["path": base]), problems: [])
        }
        let manifestName = manifestPath.fileName
        var problems: [String] = []
        var items: [IngestItem] = []
        var rowsByPath: [String: Int] = [:]
        for row in manifest.rows {
            let origin = "\(manifestName) \(manifest.unitName(l)) \(row.number)"
            var input = row.input
            Self.fill(&input, from: defaults)
            var source: String?
            var size: Int64 = 0
            if let path = row.path {
                switch Self.resolve(path, inside: realBase) {
                case .failure(let reason):
                    problems.append("\(origin), path '\(path)': \(reason.message(l))")
                case .success(let resolved):
                    if let earlier = rowsByPath[resolved.path] {
                        problems.append(
                            "\(origin), path '\(path)': "
                                + l("ingest.same_file", ["unit": manifest.unitName(l), "number": String(earlier)]))
                    }
                    rowsByPath[resolved.path] = row.number
                    source = resolved.path
                    size = resolved.size
                }
                if input.title == nil { input.title = Self.titleFromName(path) }
            }
            switch vocabulary.validate(input) {
            case .failure(let failure):
                problems += failure.problems.map { "\(origin): \($0.message)" }
            case .success(let metadata):
                items.append(
                    IngestItem(
                        source: source, origin: source == nil ? origin : "\(origin) (\(row.path ?? ""))",
                        metadata: metadata, role: role,
                        rowKey: source == nil ? "manifest:\(manifest.sha256):\(manifest.unit):\(row.number)" : nil,
                        size: size))
            }
        }
        guard problems.isEmpty else {
            throw RepositoryError.invalidInput(
                summary: l("ingest.manifest_problems", ["file": manifestPath, "count": l.integer(problems.count)]),
                problems: problems)
        }
        if manifest.rows.isEmpty {
            throw RepositoryError.invalidInput(summary: l("ingest.manifest_empty", ["file": manifestPath]), problems: [])
        }
        var notes: [String] = []
        if folder != nil {
            var present: [(path: String, shown: String, size: Int64)] = []
            walk(folder: realBase, shownAs: base, into: &present, notes: &notes)
            let manifestReal = Self.realPath(manifestPath)
            for file in present where rowsByPath[file.path] == nil && file.path != manifestReal {
                notes.append(l("ingest.not_in_manifest", ["path": file.shown]))
            }
        }
        try refuseEmpty(items)
        return IngestPlan(items: items, notes: notes)
    }

    /// How a manifest field is named on the command line.
    public static func flagName(_ field: String) -> String {
        switch field {
        case "languages": "--lang"
        case "platforms": "--platform"
        case "topics": "--topic"
        case "content_line": "--content-line"
        default: "--\(field)"
        }
    }

    static func fill(_ input: inout MetadataInput, from defaults: MetadataInput) {
        input.kind = input.kind ?? defaults.kind
        if input.languages.isEmpty { input.languages = defaults.languages }
        if input.platforms.isEmpty { input.platforms = defaults.platforms }
        if input.topics.isEmpty { input.topics = defaults.topics }
        input.contentLine = input.contentLine ?? defaults.contentLine
        input.agency = input.agency ?? defaults.agency
        input.province = input.province ?? defaults.province
        input.produced = input.produced ?? defaults.produced
        input.published = input.published ?? defaults.published
        input.funding = input.funding ?? defaults.funding
        input.rights = input.rights ?? defaults.rights
        input.isPublic = input.isPublic ?? defaults.isPublic
        input.description = input.description ?? defaults.description
    }

    /// A title from a file name: the name without its extension, NFC, `_` read as a space.
    static func titleFromName(_ path: String) -> String {
        let file = path.fileName
        let stem = TextFolding.normalized(
            file.removingPathExtension.replacingOccurrences(of: "_", with: " "))
        return stem.isEmpty ? TextFolding.normalized(file) : stem
    }

    /// Checks a path from a manifest: relative, no `..`, no NUL or backslash, and once links are
    /// resolved still inside `base`, naming a regular file.
    static func resolve(_ path: String, inside base: String) -> Result<(path: String, size: Int64), ResolveFailure> {
        if path.contains("\0") { return .failure(.nul) }
        if path.contains("\\") { return .failure(.backslash) }
        if path.hasPrefix("/") { return .failure(.absolute) }
        if path.split(separator: "/").contains("..") {
            return .failure(.dotDot)
        }
        let joined = base + "/" + path
        guard let real = realPath(joined) else { return .failure(.missing) }
        guard real.hasPrefix(base + "/") else {
            return .failure(.outside)
        }
        var info = stat()
        guard stat(real, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            return .failure(.notRegular)
        }
        guard access(real, R_OK) == 0 else { return .failure(.unreadable) }
        return .success((real, Int64(info.st_size)))
    }

    /// Why a manifest's path was refused.
    enum ResolveFailure: Error, CustomStringConvertible {
        case nul, backslash, absolute, dotDot, missing, outside, notRegular, unreadable

        var description: String { message(.english) }

        func message(_ l: Localizer) -> String {
            switch self {
            case .nul: l("ingest.path.nul")
            case .backslash: l("ingest.path.backslash")
            case .absolute: l("ingest.path.absolute")
            case .dotDot: l("ingest.path.dot_dot")
            case .missing: l("ingest.path.missing")
            case .outside: l("ingest.path.outside")
            case .notRegular: l("ingest.path.not_regular")
            case .unreadable: l("ingest.path.unreadable")
            }
        }
    }

    /// The repository's own folder, which a folder walk must never take in.
    var repositoryRealPath: String { Self.realPath(repository.path) ?? repository.path }

    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Every regular file under `folder`, sorted by path; hidden files and links are noted and passed over.
    func walk(
        folder: String, shownAs shown: String, into files: inout [(path: String, shown: String, size: Int64)],
        notes: inout [String]
    ) {
        let l = Localizer.current
        let real = Self.realPath(folder) ?? folder
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: real) else {
            notes.append(l("ingest.walk.unreadable", ["path": shown]))
            return
        }
        for name in names.sorted() {
            let path = real + "/" + name
            let shownPath = shown.appendingPath(name)
            if path == repositoryRealPath {
                notes.append(l("ingest.walk.repository", ["path": shownPath]))
                continue
            }
            if name.hasPrefix(".") {
                notes.append(l("ingest.walk.hidden", ["path": shownPath]))
                continue
            }
            var info = stat()
            guard lstat(path, &info) == 0 else { continue }
            switch info.st_mode & S_IFMT {
            case S_IFDIR: walk(folder: path, shownAs: shownPath, into: &files, notes: &notes)
            case S_IFREG: files.append((path, shownPath, Int64(info.st_size)))
            case S_IFLNK: notes.append(l("ingest.walk.link", ["path": shownPath]))
            default: notes.append(l("ingest.walk.special", ["path": shownPath]))
            }
        }
    }
}
