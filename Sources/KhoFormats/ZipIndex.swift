import CKhoZlib
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A ZIP archive read by kho itself: its central directory (ZIP64 too), every entry's local header
/// checked and its data placed inside the file, and entries streamed out of it with bounds.
///
/// Why not ZIPFoundation for reading: its inflate and stored-copy loops wait forever for bytes a
/// truncated or lying archive does not have (`scripts/fuzz epub` found it: a 1.6 KB EPUB hung kho
/// for good). Here an entry that ends early, inflates past its declared size or uses a method other
/// than stored and deflate is an error, never a hang. ZIPFoundation still writes kho's archives.
public final class ZipIndex {
    public struct Entry: Sendable {
        /// The name as stored (UTF-8 when it decodes as such, else ISO-8859-1).
        public let name: String
        /// Whether the name decoded as UTF-8.
        public let nameIsUTF8: Bool
        public let method: UInt16
        public let compressedSize: Int64
        public let uncompressedSize: Int64
        public let isDirectory: Bool
        public let isSymlink: Bool
        /// Where the entry's data starts in the file.
        let dataOffset: Int64
    }

    public enum Failure: Error, CustomStringConvertible, Sendable {
        /// No end-of-central-directory record in the last 64 KiB: truncated, or not a ZIP.
        case noEndRecord
        case notZip(String)
        case damaged(String)
        case unsupported(String)

        public var description: String {
            switch self {
            case .noEndRecord: "no ZIP end-of-central-directory record: truncated or damaged"
            case .notZip(let reason), .damaged(let reason), .unsupported(let reason): reason
            }
        }
    }

    public let path: String
    public let entries: [Entry]
    private let descriptor: Int32
    public let size: Int64
    private var byName: [String: Int] = [:]

    /// Opens and checks the archive: nothing is inflated yet.
    public init(path: String) throws(Failure) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .notZip("cannot open: \(String(cString: strerror(errno)))") }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            close(descriptor)
            throw .notZip("cannot read")
        }
        self.path = path
        self.descriptor = descriptor
        size = Int64(info.st_size)
        do { entries = try Self.readDirectory(descriptor: descriptor, size: size) } catch {
            close(descriptor)
            throw error
        }
        for (index, entry) in entries.enumerated() where byName[entry.name] == nil { byName[entry.name] = index }
    }

    deinit { close(descriptor) }

    public subscript(name: String) -> Entry? { byName[name].map { entries[$0] } }

    /// The whole entry, or nil when it is larger than `limit` or cannot be read.
    public func data(_ entry: Entry, limit: Int) -> Data? {
        guard entry.uncompressedSize <= Int64(limit) else { return nil }
        var data = Data()
        do {
            try read(entry, chunkSize: 1 << 16) { chunk in
                data.append(chunk.bindMemory(to: UInt8.self))
                if data.count > limit { throw Failure.damaged("\(entry.name): larger than \(limit) bytes") }
            }
        } catch { return nil }
        return data
    }

    /// Streams an entry's uncompressed bytes to `sink`, in chunks of about `chunkSize`. Throws if
    /// the data ends early, is not valid deflate, or expands past the size the directory declares.
    public func read(_ entry: Entry, chunkSize: Int, into sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        let chunk = max(4096, chunkSize)
        switch entry.method {
        case 0:
            guard entry.compressedSize == entry.uncompressedSize else {
                throw Failure.damaged("\(entry.name): stored, but its two sizes differ")
            }
            var position: Int64 = 0
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunk, alignment: 16)
            defer { buffer.deallocate() }
            while position < entry.compressedSize {
                let wanted = Int(min(Int64(chunk), entry.compressedSize - position))
                let got = pread(descriptor, buffer.baseAddress!, wanted, off_t(entry.dataOffset + position))
                if got < 0 && errno == EINTR { continue }
                guard got > 0 else { throw Failure.damaged("\(entry.name): the archive ends inside it") }
                try sink(UnsafeRawBufferPointer(rebasing: buffer[0..<got]))
                position += Int64(got)
            }
        case 8:
            try inflateEntry(entry, chunk: chunk, into: sink)
        default:
            throw Failure.unsupported("\(entry.name): compression method \(entry.method) (kho reads stored and deflate)")
        }
    }

    private func inflateEntry(_ entry: Entry, chunk: Int, into sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        var stream = z_stream()
        guard inflateInit2_(&stream, -MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw Failure.damaged("\(entry.name): zlib could not start")
        }
        defer { inflateEnd(&stream) }
        let input = UnsafeMutableRawBufferPointer.allocate(byteCount: chunk, alignment: 16)
        let output = UnsafeMutableRawBufferPointer.allocate(byteCount: chunk, alignment: 16)
        defer {
            input.deallocate()
            output.deallocate()
        }
        var consumed: Int64 = 0
        var produced: Int64 = 0
        var finished = false
        while !finished {
            if stream.avail_in == 0 {
                guard consumed < entry.compressedSize else {
                    throw Failure.damaged("\(entry.name): its compressed data ends before the stream does")
                }
                let wanted = Int(min(Int64(chunk), entry.compressedSize - consumed))
                let got = pread(descriptor, input.baseAddress!, wanted, off_t(entry.dataOffset + consumed))
                if got < 0 && errno == EINTR { continue }
                guard got > 0 else { throw Failure.damaged("\(entry.name): the archive ends inside it") }
                consumed += Int64(got)
                stream.next_in = input.baseAddress!.assumingMemoryBound(to: Bytef.self)
                stream.avail_in = uInt(got)
            }
            stream.next_out = output.baseAddress!.assumingMemoryBound(to: Bytef.self)
            stream.avail_out = uInt(chunk)
            let status = inflate(&stream, Z_NO_FLUSH)
            let made = chunk - Int(stream.avail_out)
            produced += Int64(made)
            guard produced <= entry.uncompressedSize else {
                throw Failure.damaged("\(entry.name): inflates past the \(entry.uncompressedSize) bytes it declares")
            }
            if made > 0 { try sink(UnsafeRawBufferPointer(rebasing: output[0..<made])) }
            switch status {
            case Z_STREAM_END: finished = true
            case Z_OK: break
            case Z_BUF_ERROR where stream.avail_in == 0: break  // needs the next input chunk
            default: throw Failure.damaged("\(entry.name): not valid deflate data")
            }
        }
        guard produced == entry.uncompressedSize else {
            throw Failure.damaged("\(entry.name): inflates to \(produced) bytes, not the \(entry.uncompressedSize) it declares")
        }
    }

    // MARK: The central directory

    static func bytes(_ descriptor: Int32, at offset: Int64, count: Int) -> [UInt8]? {
        guard offset >= 0, count >= 0 else { return nil }
        var buffer = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let got = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress! + done, count - done, off_t(offset) + off_t(done)) }
            if got < 0 && errno == EINTR { continue }
            guard got > 0 else { return nil }
            done += got
        }
        return buffer
    }

    static func u16(_ b: [UInt8], _ at: Int) -> UInt16 { UInt16(b[at]) | UInt16(b[at + 1]) << 8 }
    static func u32(_ b: [UInt8], _ at: Int) -> UInt32 { UInt32(u16(b, at)) | UInt32(u16(b, at + 2)) << 16 }
    static func u64(_ b: [UInt8], _ at: Int) -> UInt64 { UInt64(u32(b, at)) | UInt64(u32(b, at + 4)) << 32 }

    static func readDirectory(descriptor: Int32, size: Int64) throws(Failure) -> [Entry] {
        // The end-of-central-directory record: within the last 64 KiB + 22 bytes.
        let tailLength = Int(min(size, 65_557))
        guard tailLength >= 22, let tail = bytes(descriptor, at: size - Int64(tailLength), count: tailLength) else {
            throw .noEndRecord  // too short to hold one
        }
        var eocd = -1
        var index = tailLength - 22
        while index >= 0 {
            if tail[index] == 0x50, tail[index + 1] == 0x4B, tail[index + 2] == 0x05, tail[index + 3] == 0x06 {
                eocd = index
                break
            }
            index -= 1
        }
        guard eocd >= 0 else { throw .noEndRecord }
        var count = Int64(u16(tail, eocd + 10))
        var directorySize = Int64(u32(tail, eocd + 12))
        var directoryOffset = Int64(u32(tail, eocd + 16))
        let eocdPosition = size - Int64(tailLength) + Int64(eocd)
        // ZIP64: its locator sits just before the record.
        if count == 0xFFFF || directorySize == 0xFFFF_FFFF || directoryOffset == 0xFFFF_FFFF, eocdPosition >= 20,
            let locator = bytes(descriptor, at: eocdPosition - 20, count: 20), u32(locator, 0) == 0x0706_4B50
        {
            let recordOffset = Int64(clamping: u64(locator, 8))
            guard let record = bytes(descriptor, at: recordOffset, count: 56), u32(record, 0) == 0x0606_4B50 else {
                throw .damaged("its ZIP64 end-of-central-directory record is missing")
            }
            count = Int64(clamping: u64(record, 32))
            directorySize = Int64(clamping: u64(record, 40))
            directoryOffset = Int64(clamping: u64(record, 48))
        }
        guard directoryOffset >= 0, directorySize >= 0, directoryOffset + directorySize <= size,
            count >= 0, count <= directorySize / 46 + 1
        else { throw .damaged("its central directory lies outside the file") }
        guard directorySize <= 256 << 20, let directory = bytes(descriptor, at: directoryOffset, count: Int(directorySize))
        else { throw .damaged("its central directory cannot be read") }
        var entries: [Entry] = []
        var at = 0
        for number in 0..<count {
            guard at + 46 <= directory.count, u32(directory, at) == 0x0201_4B50 else {
                throw .damaged("central directory entry \(number + 1) is damaged")
            }
            let flags = u16(directory, at + 8)
            let method = u16(directory, at + 10)
            var compressed = Int64(u32(directory, at + 20))
            var uncompressed = Int64(u32(directory, at + 24))
            let nameLength = Int(u16(directory, at + 28))
            let extraLength = Int(u16(directory, at + 30))
            let commentLength = Int(u16(directory, at + 32))
            let system = directory[at + 5]
            let external = u32(directory, at + 38)
            var localOffset = Int64(u32(directory, at + 42))
            let end = at + 46 + nameLength + extraLength + commentLength
            guard end <= directory.count else { throw .damaged("central directory entry \(number + 1) is cut short") }
            let nameBytes = Array(directory[(at + 46)..<(at + 46 + nameLength)])
            // ZIP64 extended information: the fields that were 0xFFFFFFFF, in order.
            var extra = at + 46 + nameLength
            let extraEnd = extra + extraLength
            while extra + 4 <= extraEnd {
                let id = u16(directory, extra)
                let length = Int(u16(directory, extra + 2))
                guard extra + 4 + length <= extraEnd else { break }
                if id == 0x0001 {
                    var field = extra + 4
                    if uncompressed == 0xFFFF_FFFF, field + 8 <= extra + 4 + length {
                        uncompressed = Int64(clamping: u64(directory, field))
                        field += 8
                    }
                    if compressed == 0xFFFF_FFFF, field + 8 <= extra + 4 + length {
                        compressed = Int64(clamping: u64(directory, field))
                        field += 8
                    }
                    if localOffset == 0xFFFF_FFFF, field + 8 <= extra + 4 + length {
                        localOffset = Int64(clamping: u64(directory, field))
                    }
                }
                extra += 4 + length
            }
            let utf8 = String(validating: nameBytes, as: UTF8.self)
            let name = utf8 ?? String(nameBytes.map { Character(Unicode.Scalar($0)) })
            if flags & 0x1 != 0 { throw .unsupported("\(name): encrypted (ZIP encryption)") }
            // The local header: its signature, and the data after it, inside the file.
            guard localOffset >= 0, localOffset + 30 <= size, let local = bytes(descriptor, at: localOffset, count: 30),
                u32(local, 0) == 0x0403_4B50
            else { throw .damaged("\(name): its local header is missing") }
            let dataOffset = localOffset + 30 + Int64(u16(local, 26)) + Int64(u16(local, 28))
            guard compressed >= 0, uncompressed >= 0, dataOffset + compressed <= size else {
                throw .damaged("\(name): its data lies past the end of the archive")
            }
            let unixMode = system == 3 ? (external >> 16) & 0o170000 : 0
            entries.append(
                Entry(
                    name: name, nameIsUTF8: utf8 != nil, method: method, compressedSize: compressed,
                    uncompressedSize: uncompressed, isDirectory: name.hasSuffix("/") || unixMode == 0o040000,
                    isSymlink: unixMode == 0o120000, dataOffset: dataOffset))
            at = end
        }
        return entries
    }
}
