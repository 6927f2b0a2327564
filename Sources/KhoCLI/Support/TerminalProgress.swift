import Foundation
import KhoRepository
import Synchronization

/// Draws ingest progress on standard error: files, bytes, rate and time left, at most five times
/// a second. Only used when standard error is a terminal, so piped output stays quiet.
/// Bytes are counted on the thread that copies, files on the main thread: the state is behind a mutex.
final class TerminalProgress: IngestProgress {
    private struct State {
        var totalFiles = 0
        var totalBytes: Int64 = 0
        var doneFiles = 0
        var doneBytes: Int64 = 0
        var started = Date()
        var lastDrawn = Date.distantPast
        var drawn = false
    }

    private let state = Mutex(State())

    func begin(files: Int, bytes: Int64) {
        state.withLock {
            $0.totalFiles = files
            $0.totalBytes = bytes
            $0.started = Date()
        }
    }

    func advance(bytes: Int) {
        state.withLock {
            $0.doneBytes += Int64(bytes)
            Self.draw(&$0)
        }
    }

    func finishedItem() {
        state.withLock {
            $0.doneFiles += 1
            Self.draw(&$0)
        }
    }

    func end() {
        state.withLock { if $0.drawn { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) } }
    }

    private static func draw(_ state: inout State) {
        let now = Date()
        guard now.timeIntervalSince(state.lastDrawn) >= 0.2 else { return }
        state.lastDrawn = now
        state.drawn = true
        let elapsed = max(now.timeIntervalSince(state.started), 0.001)
        let rate = Double(state.doneBytes) / elapsed
        let l = Output.l
        var text =
            "\r\u{1B}[K"
            + l(
                "progress.ingest",
                [
                    "done": l.integer(state.doneFiles), "total": l.integer(state.totalFiles),
                    "done_bytes": Output.bytes(state.doneBytes), "total_bytes": Output.bytes(state.totalBytes),
                    "rate": Output.bytes(Int64(rate)),
                ])
        if rate > 0, state.totalBytes > state.doneBytes {
            let left = Int(Double(state.totalBytes - state.doneBytes) / rate)
            let seconds = left % 60
            text += l("progress.left", ["time": "\(left / 60):\(seconds < 10 ? "0" : "")\(seconds)"])
        }
        FileHandle.standardError.write(Data(text.utf8))
    }
}
