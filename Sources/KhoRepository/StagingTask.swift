import Dispatch
import KhoFiles

/// A file being copied into the store's temporary folder on another thread, so that the next
/// file is copied and hashed while the current one is identified and registered. The copy is not
/// yet synced: the ingest syncs it before committing it, off the copying thread.
final class StagingTask: @unchecked Sendable {
    // Safe to share: `result` is written once, on the staging queue, before `done` is signalled,
    // and read only after waiting on `done`, which orders the write before the read.
    private var result: Result<StagedFile, FilesError>?
    private let done = DispatchSemaphore(value: 0)

    init(_ source: String, into store: ContentStore, on queue: DispatchQueue, progress: (any IngestProgress)?) {
        queue.async {
            self.result = Result { () throws(FilesError) -> StagedFile in
                try store.stage(source, sync: false) { progress?.advance(bytes: $0) }
            }
            self.done.signal()
        }
    }

    /// True when the copy has finished (successfully or not), without waiting.
    var isFinished: Bool {
        guard done.wait(timeout: .now()) == .success else { return false }
        done.signal()
        return true
    }

    /// Waits for the copy to finish.
    func wait() -> Result<StagedFile, FilesError> {
        done.wait()
        done.signal()
        return result!
    }
}
