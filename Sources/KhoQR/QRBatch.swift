import Dispatch
import Foundation
import Synchronization

/// Renders many codes on every core: libqrencode and libpng's simplified API keep no shared state
/// between calls, so each worker takes the next link until none is left.
public enum QRBatch {
    /// One drawn code.
    public struct Rendered: Sendable {
        public var data: Data
        public var version: Int
        /// Pixels (PNG) or modules (SVG, PDF) per side.
        public var extent: Int

        public init(data: Data, version: Int, extent: Int) {
            self.data = data
            self.version = version
            self.extent = extent
        }
    }

    struct State: Sendable {
        var next = 0
        var results: [Int: Rendered] = [:]
        var failure: String?
    }

    public static func render(
        _ links: [String], threads: Int = ProcessInfo.processInfo.activeProcessorCount,
        _ body: @Sendable (String) throws -> Rendered
    ) throws(QRError) -> [Rendered] {
        let state = Mutex(State())
        DispatchQueue.concurrentPerform(iterations: max(1, min(threads, links.count))) { _ in
            while true {
                let index: Int? = state.withLock { state in
                    guard state.next < links.count, state.failure == nil else { return nil }
                    defer { state.next += 1 }
                    return state.next
                }
                guard let index else { return }
                do {
                    let value = try body(links[index])
                    state.withLock { $0.results[index] = value }
                } catch {
                    state.withLock { $0.failure = $0.failure ?? "\(error)" }
                }
            }
        }
        let result = state.withLock { $0 }
        if let failure = result.failure { throw .renderFailed(failure) }
        return (0..<links.count).map { result.results[$0]! }
    }
}
