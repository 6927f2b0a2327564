import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Positional, bounded reads from one file: parsers ask for the bytes they need and never hold
/// more than they asked for, so a 4 GiB file costs what its headers cost.
final class FileBytes {
    let path: String
    let size: Int64
    private let descriptor: Int32

    init?(path: String) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            close(descriptor)
            return nil
        }
        self.path = path
        self.descriptor = descriptor
        size = Int64(info.st_size)
    }

    deinit { close(descriptor) }

    /// Up to `count` bytes from `offset` (fewer at the end of the file, none past it).
    func read(at offset: Int64, count: Int) -> [UInt8] {
        guard offset >= 0, offset < size, count > 0 else { return [] }
        let wanted = Int(min(Int64(count), size - offset))
        var bytes = [UInt8](repeating: 0, count: wanted)
        var done = 0
        while done < wanted {
            let got = bytes.withUnsafeMutableBytes { buffer in
                pread(descriptor, buffer.baseAddress! + done, wanted - done, off_t(offset) + off_t(done))
            }
            if got < 0 && errno == EINTR { continue }
            if got <= 0 { break }
            done += got
        }
        return done == wanted ? bytes : Array(bytes[0..<done])
    }
}

extension Array where Element == UInt8 {
    func u16be(_ at: Int) -> Int? { at + 2 <= count ? Int(self[at]) << 8 | Int(self[at + 1]) : nil }
    func u16le(_ at: Int) -> Int? { at + 2 <= count ? Int(self[at + 1]) << 8 | Int(self[at]) : nil }
    func u32be(_ at: Int) -> Int? {
        at + 4 <= count
            ? Int(self[at]) << 24 | Int(self[at + 1]) << 16 | Int(self[at + 2]) << 8 | Int(self[at + 3]) : nil
    }
    func u32le(_ at: Int) -> Int? {
        at + 4 <= count
            ? Int(self[at + 3]) << 24 | Int(self[at + 2]) << 16 | Int(self[at + 1]) << 8 | Int(self[at]) : nil
    }
    func u64be(_ at: Int) -> Int64? {
        guard let high = u32be(at), let low = u32be(at + 4) else { return nil }
        return Int64(high) << 32 | Int64(low)
    }
    func u64le(_ at: Int) -> Int64? {
        guard let low = u32le(at), let high = u32le(at + 4) else { return nil }
        return Int64(high) << 32 | Int64(low)
    }
    func ascii(_ at: Int, _ length: Int) -> String? {
        at + length <= count ? String(decoding: self[at..<(at + length)], as: UTF8.self) : nil
    }
    func starts(with text: String, at offset: Int = 0) -> Bool {
        let pattern = Array(text.utf8)
        return offset + pattern.count <= count && Array(self[offset..<(offset + pattern.count)]) == pattern
    }
}
