import Foundation
import KhoCore
import KhoFiles

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The explicit repairs `verify` never makes itself: moving a corrupt object out of the store, and
/// putting back a good copy found elsewhere (another repository, a bundle, a backup folder).
public final class ObjectCare {
    let repository: Repository
    let agent: String
    let software: String
    let now: () -> Date

    public init(repository: Repository, agent: String, software: String, now: @escaping () -> Date) {
        self.repository = repository
        self.agent = agent
        self.software = software
        self.now = now
    }

    /// A stored object named by its SHA-256 or by a unique prefix of at least 8 hex digits (as
    /// `kho verify` and `kho show` print them), any case.
    public func resolveObject(_ text: String) throws -> String {
        let l = Localizer.current
        let wanted = text.lowercased()
        guard wanted.count >= 8, wanted.count <= 64, wanted.allSatisfy(\.isHexDigit) else {
            throw RepositoryError.invalidInput(summary: l("care.bad_sha256", ["value": text]), problems: [])
        }
        if wanted.count == 64 { return wanted }
        let found = try repository.catalogue.objects(withPrefix: wanted, limit: 6)
        guard let first = found.first else {
            throw RepositoryError.invalidInput(summary: l("care.unknown", ["sha256s": text]), problems: [])
        }
        guard found.count == 1 else {
            throw RepositoryError.invalidInput(
                summary: l("care.ambiguous", ["value": text]), problems: found.prefix(5).map { String($0) })
        }
        return first
    }

    var quarantineDirectory: String { repository.path + "/quarantine" }

    /// Moves the object out of the store into `quarantine/`, after checking that it is corrupt
    /// (an intact object is refused unless `force`). Returns where it went.
    public func quarantine(_ sha256: String, force: Bool) throws -> String {
        try repository.lockForWriting()
        let l = Localizer.current
        let store = repository.store
        let path = store.path(for: sha256)
        guard try !repository.catalogue.products(holding: sha256).isEmpty else {
            throw RepositoryError.invalidInput(
                summary: l("care.not_catalogued", ["sha256": sha256]), problems: [])
        }
        guard FileManager.default.fileExists(atPath: path) else {
            throw RepositoryError.invalidInput(
                summary: l("care.not_stored", ["sha256": sha256]), problems: [])
        }
        let (found, _) = try store.hash(path)
        if found == sha256 && !force {
            throw RepositoryError.invalidInput(
                summary: l("care.intact", ["sha256": sha256]), problems: [])
        }
        try FileManager.default.createDirectory(atPath: quarantineDirectory, withIntermediateDirectories: true)
        let destination =
            "\(quarantineDirectory)/\(sha256)-\(Timestamp.string(now()).replacingOccurrences(of: ":", with: ""))"
        guard rename(path, destination) == 0 else {
            throw FilesError.writeFailed(path: destination, errno: errno)
        }
        // Durable before the event says it moved: both folders' entries.
        store.syncFolder(quarantineDirectory)
        store.syncFolder(path.parentPath)
        try repository.catalogue.recordObjectEvent(
            sha256,
            event: NewEvent(
                type: .quarantine, at: now(), agent: agent,
                detail: ["sha256": sha256, "found_sha256": found, "moved_to": destination, "software": software]))
        return destination
    }

    public enum RestoreOutcome: Sendable {
        case restored(sha256: String, from: String)
        case notFound(sha256: String)
        case intact(sha256: String)
    }

    /// Puts back each object from a file with the same SHA-256 found under `folders`. A corrupt
    /// object still in place is moved to `quarantine/` first; an intact one is left alone.
    public func restore(_ sha256s: [String], from folders: [String]) throws -> [RestoreOutcome] {
        try repository.lockForWriting()
        let store = repository.store
        let wanted = try repository.catalogue.objects(of: nil).filter { sha256s.contains($0.object.sha256) }
        let unknown = Set(sha256s).subtracting(wanted.map(\.object.sha256))
        guard unknown.isEmpty else {
            throw RepositoryError.invalidInput(
                summary: Localizer.current("care.unknown", ["sha256s": unknown.sorted().joined(separator: ", ")]),
                problems: [])
        }
        // Candidates by size, so that only files that could match are hashed.
        let sizes = Set(wanted.map(\.object.size))
        var candidates: [Int64: [String]] = [:]
        for folder in folders {
            guard let enumerator = FileManager.default.enumerator(atPath: folder) else {
                throw RepositoryError.invalidInput(
                    summary: Localizer.current("ingest.no_such_folder", ["path": folder]), problems: [])
            }
            for case let relative as String in enumerator {
                let path = folder.appendingPath(relative)
                var info = stat()
                guard lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, sizes.contains(Int64(info.st_size))
                else { continue }
                candidates[Int64(info.st_size), default: []].append(path)
            }
        }
        var outcomes: [RestoreOutcome] = []
        for status in wanted {
            let sha256 = status.object.sha256
            let path = store.path(for: sha256)
            if FileManager.default.fileExists(atPath: path), (try? store.hash(path).sha256) == sha256 {
                outcomes.append(.intact(sha256: sha256))
                continue
            }
            var restored = false
            for candidate in candidates[status.object.size] ?? [] {
                guard let (found, _) = try? store.hash(candidate), found == sha256 else { continue }
                let staged = try store.stage(candidate)
                guard staged.sha256 == sha256 else {
                    store.discard(staged)
                    continue
                }
                if FileManager.default.fileExists(atPath: path) { _ = try quarantine(sha256, force: false) }
                try store.commit(staged)
                try repository.catalogue.recordObjectEvent(
                    sha256,
                    event: NewEvent(
                        type: .recovery, at: now(), agent: agent,
                        detail: ["sha256": sha256, "source": candidate, "software": software]))
                outcomes.append(.restored(sha256: sha256, from: candidate))
                restored = true
                break
            }
            if !restored { outcomes.append(.notFound(sha256: sha256)) }
        }
        return outcomes
    }
}
