import KhoCore
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A file opened with its descriptor, for archives read and written at known offsets.
final class RawFile {
    let path: String
    let descriptor: Int32

    /// Opens for reading, refusing anything but a regular file.
    init(reading path: String) throws {
        self.path = path
        descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw BundleError(Localizer.current("bundlefile.cannot_open", ["path": path, "reason": String(cString: strerror(errno))]))
        }
    }

    /// Creates a new file; fails if it exists.
    init(creating path: String) throws {
        self.path = path
        descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw BundleError(Localizer.current("bundlefile.cannot_create", ["path": path, "reason": String(cString: strerror(errno))]))
        }
    }

    deinit { close(descriptor) }

    var size: Int64 {
        var info = stat()
        return fstat(descriptor, &info) == 0 ? Int64(info.st_size) : 0
    }

    /// Reads exactly `count` bytes at `offset` (fewer only at the end of the file).
    func read(into buffer: UnsafeMutableRawBufferPointer, count: Int, at offset: Int64) throws -> Int {
        var done = 0
        while done < count {
            let got = pread(descriptor, buffer.baseAddress! + done, count - done, off_t(offset) + off_t(done))
            if got < 0 {
                if errno == EINTR { continue }
                throw BundleError(Localizer.current("bundlefile.read_failed", ["path": path, "offset": String(offset), "reason": String(cString: strerror(errno))]))
            }
            if got == 0 { break }
            done += got
        }
        return done
    }

    func read(_ count: Int, at offset: Int64) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        let got = try bytes.withUnsafeMutableBytes { try read(into: $0, count: count, at: offset) }
        return Array(bytes[0..<got])
    }

    /// Reads the file from its start to its end in chunks the size of `buffer`; returns the size read.
    @discardableResult
    func chunks(_ buffer: ChunkBuffer, _ body: (UnsafeRawBufferPointer) throws -> Void) throws -> Int64 {
        let buffer = buffer.bytes
        var total: Int64 = 0
        while true {
            let count = try read(into: buffer, count: buffer.count, at: total)
            if count == 0 { return total }
            try body(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
            total += Int64(count)
        }
    }

    /// Appends bytes at the end of what was written so far.
    func append(_ bytes: UnsafeRawBufferPointer) throws {
        var done = 0
        while done < bytes.count {
            let wrote = write(descriptor, bytes.baseAddress! + done, bytes.count - done)
            if wrote < 0 {
                if errno == EINTR { continue }
                throw BundleError(Localizer.current("bundlefile.write_failed", ["path": path, "reason": String(cString: strerror(errno))]))
            }
            done += wrote
        }
    }

    func append(_ bytes: [UInt8]) throws { try bytes.withUnsafeBytes { try append($0) } }

    /// Overwrites bytes at an offset already written.
    func overwrite(_ bytes: [UInt8], at offset: Int64) throws {
        let wrote = bytes.withUnsafeBytes { pwrite(descriptor, $0.baseAddress!, $0.count, off_t(offset)) }
        guard wrote == bytes.count else { throw BundleError(Localizer.current("bundlefile.write_failed_at", ["path": path, "offset": String(offset)])) }
    }

    func sync() throws {
        guard fsync(descriptor) == 0 else { throw BundleError(Localizer.current("bundlefile.sync", ["path": path])) }
    }
}

/// Little-endian integers, as ZIP writes them.
extension Array where Element == UInt8 {
    mutating func le16(_ value: Int) { append(contentsOf: [UInt8(value & 0xFF), UInt8((value >> 8) & 0xFF)]) }
    mutating func le32(_ value: Int64) {
        for shift in stride(from: 0, to: 32, by: 8) { append(UInt8((value >> shift) & 0xFF)) }
    }
    mutating func le64(_ value: Int64) {
        for shift in stride(from: 0, to: 64, by: 8) { append(UInt8((value >> shift) & 0xFF)) }
    }
}

/// A 4 MiB read buffer, allocated once per thread and reused for every file it reads: a fresh
/// buffer per file costs a megabyte of page faults each time.
final class ChunkBuffer {
    let bytes = UnsafeMutableRawBufferPointer.allocate(byteCount: 4 << 20, alignment: 4096)
    deinit { bytes.deallocate() }
}
