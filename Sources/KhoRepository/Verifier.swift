import Dispatch
import Foundation
import KhoCore
import KhoFiles
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Which stored objects a verify run re-hashes.
public struct VerifySelection: Sendable {
    public enum Sample: Sendable {
        case count(Int)
        case fraction(Double)
    }

    public var product: ProductID?
    /// Only objects not checked within this many seconds (or never).
    public var olderThan: TimeInterval?
    public var sample: Sample?
    /// Record each check (a fixity check and events); false reads and reports only, for a
    /// repository the user cannot write.
    public var record = true

    public init(product: ProductID? = nil, olderThan: TimeInterval? = nil, sample: Sample? = nil) {
        self.product = product
        self.olderThan = olderThan
        self.sample = sample
    }

    /// Every object: only then is the store also searched for unexpected files.
    public var isEverything: Bool { product == nil && olderThan == nil && sample == nil }
}

/// Something wrong in the store.
public struct VerifyProblem: Sendable, Equatable {
    public enum Kind: String, Sendable {
        /// In the catalogue, not in the store.
        case missing
        /// In the store with other content than the catalogue records.
        case corrupted
        /// In the store, unknown to the catalogue.
        case unexpected
    }

    public var kind: Kind
    public var path: String
    public var expectedSHA256: String?
    public var foundSHA256: String?
    public var products: [ProductID]
    public var detail: String?
}

/// What a verify run found.
public struct VerifyReport: Sendable {
    public var selected: Int
    public var checked: Int
    public var passed: Int
    public var bytes: Int64
    public var problems: [VerifyProblem]
    /// Whether the store was also searched for unexpected files (only when everything is verified).
    public var searchedForUnexpected: Bool
    public var seconds: Double

    public var isClean: Bool { problems.isEmpty }
}

/// Re-hashes stored objects and compares them with the catalogue. It reads the store and never
/// changes it; it records each check (a `fixity_check` row and a `fixity check` event per product)
/// in batches as it goes, so an interrupted run keeps what it did and `--older-than` resumes it.
public final class Verifier {
    let repository: Repository
    let agent: String
    let software: String
    let now: @Sendable () -> Date

    public init(repository: Repository, agent: String, software: String, now: @escaping @Sendable () -> Date) {
        self.repository = repository
        self.agent = agent
        self.software = software
        self.now = now
    }

    public func run(_ selection: VerifySelection, threads: Int = 2, progress: (any IngestProgress)? = nil) throws
        -> VerifyReport
    {
        let started = Date()
        var objects = try repository.catalogue.objects(of: selection.product)
        if let product = selection.product, objects.isEmpty, try repository.catalogue.product(product) == nil {
            throw CatalogueError.unknownProduct(product)
        }
        if let age = selection.olderThan {
            let cutoff = now().addingTimeInterval(-age)
            objects = objects.filter { ($0.lastCheck?.at ?? .distantPast) < cutoff }
        }
        switch selection.sample {
        case .count(let count)?: objects = Array(objects.shuffled().prefix(max(0, count)))
        case .fraction(let fraction)?:
            objects = Array(objects.shuffled().prefix(Int((Double(objects.count) * fraction).rounded(.up))))
        case nil: break
        }
        progress?.begin(files: objects.count, bytes: objects.reduce(0) { $0 + $1.object.size })
        defer { progress?.end() }

        let store = repository.store
        let catalogue = repository.catalogue
        let (agent, software, now) = (agent, software, now)
        struct Shared {
            var next = 0
            var pending: [FixityCheck] = []
            var problems: [VerifyProblem] = []
            var passed = 0
            var bytes: Int64 = 0
            var failure: (any Error)?
        }
        let shared = Mutex(Shared())
        let list = objects
        // Writes a batch of checks; called with the lock released.
        let record = selection.record
        @Sendable func flush(_ batch: [FixityCheck]) {
            guard record else { return }
            do { try catalogue.record(batch, agent: agent, software: software) } catch {
                shared.withLock { $0.failure = $0.failure ?? error }
            }
        }
        DispatchQueue.concurrentPerform(iterations: max(1, threads)) { _ in
            while true {
                let index: Int? = shared.withLock { state in
                    guard state.next < list.count, state.failure == nil else { return nil }
                    defer { state.next += 1 }
                    return state.next
                }
                guard let index else { return }
                let status = list[index]
                let path = store.path(for: status.object.sha256)
                var check = FixityCheck(sha256: status.object.sha256, at: now(), outcome: .pass)
                var problem: VerifyProblem?
                do {
                    let (found, size) = try store.hash(path) { progress?.advance(bytes: $0) }
                    if found != status.object.sha256 {
                        check.outcome = .corrupted
                        check.foundSHA256 = found
                        problem = VerifyProblem(
                            kind: .corrupted, path: path, expectedSHA256: status.object.sha256, foundSHA256: found,
                            products: status.products,
                            detail: size == status.object.size
                                ? nil : "size \(size) bytes, recorded \(status.object.size)")
                    }
                } catch {
                    check.outcome = .missing
                    problem = VerifyProblem(
                        kind: .missing, path: path, expectedSHA256: status.object.sha256, foundSHA256: nil,
                        products: status.products, detail: "\(error)")
                }
                progress?.finishedItem()
                let batch: [FixityCheck]? = shared.withLock { state in
                    state.pending.append(check)
                    if let problem {
                        state.problems.append(problem)
                    } else {
                        state.passed += 1
                        state.bytes += status.object.size
                    }
                    guard state.pending.count >= 256 else { return nil }
                    defer { state.pending = [] }
                    return state.pending
                }
                if let batch { flush(batch) }
            }
        }
        let rest = shared.withLock { state in
            defer { state.pending = [] }
            return state.pending
        }
        flush(rest)
        var result = shared.withLock { $0 }
        if let failure = result.failure { throw failure }
        if selection.isEverything {
            // An object marked pending belongs to a command under way, or to one that was
            // interrupted and whose leftovers the next write removes: not unexpected.
            let pending = try repository.catalogue.pendingObjects().map(\.sha256)
            result.problems += try unexpectedObjects(known: Set(objects.map(\.object.sha256) + pending))
        }
        let order: [VerifyProblem.Kind: Int] = [.corrupted: 0, .missing: 1, .unexpected: 2]
        result.problems.sort { (order[$0.kind]!, $0.path) < (order[$1.kind]!, $1.path) }
        return VerifyReport(
            selected: objects.count, checked: objects.count, passed: result.passed, bytes: result.bytes,
            problems: result.problems, searchedForUnexpected: selection.isEverything,
            seconds: Date().timeIntervalSince(started))
    }

    /// Files under `objects/` that are not where a catalogued object would be.
    func unexpectedObjects(known: Set<String>) throws -> [VerifyProblem] {
        let l = Localizer.current
        let listing = repository.store.listing()
        func problem(_ path: String, _ detail: String) -> VerifyProblem {
            VerifyProblem(kind: .unexpected, path: path, expectedSHA256: nil, foundSHA256: nil, products: [], detail: detail)
        }
        let foreign = listing.foreign.map {
            problem($0.path, l($0.folder ? "verify.unexpected.folder" : "verify.unexpected.name"))
        }
        // A command writing beside this check may have stored and registered an object after the
        // catalogue was read.
        let candidates = listing.objects.filter { !known.contains($0.sha256) }.map(\.sha256)
        let unknown = try repository.stillUnknown(candidates).map { problem(repository.store.path(for: $0), l("verify.unexpected.unknown")) }
        return (foreign + unknown).sorted { $0.path < $1.path }
    }
}
