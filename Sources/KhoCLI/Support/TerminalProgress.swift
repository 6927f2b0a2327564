import Foundation
import KhoRepository

/// Draws ingest progress on standard error: files, bytes, rate and time left, at most five times
/// a second. Only used when standard error is a terminal, so piped output stays quiet.
final class TerminalProgress: IngestProgress {
    private var totalFiles = 0
    private var totalBytes: Int64 = 0
    private var doneFiles = 0
    private var doneBytes: Int64 = 0
    private var started = Date()
    private var lastDrawn = Date.distantPast
    private var drawn = false

    func begin(files: Int, bytes: Int64) {
        totalFiles = files
        totalBytes = bytes
        started = Date()
    }

    func advance(bytes: Int) {
        doneBytes += Int64(bytes)
        draw()
    }

    func finishedItem() {
        doneFiles += 1
        draw()
    }

    func end() {
        if drawn { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }

    private func draw() {
        let now = Date()
        guard now.timeIntervalSince(lastDrawn) >= 0.2 else { return }
        lastDrawn = now
        drawn = true
        let elapsed = max(now.timeIntervalSince(started), 0.001)
        let rate = Double(doneBytes) / elapsed
        var text = "\r\u{1B}[K\(doneFiles)/\(totalFiles) files, \(Output.bytes(doneBytes)) of \(Output.bytes(totalBytes))"
        text += ", \(Output.bytes(Int64(rate)))/s"
        if rate > 0, totalBytes > doneBytes {
            let left = Int(Double(totalBytes - doneBytes) / rate)
            text += String(format: ", %d:%02d left", left / 60, left % 60)
        }
        FileHandle.standardError.write(Data(text.utf8))
    }
}
