import CKhoZlib
import Foundation

/// Writes a ZIP archive of stored (uncompressed) entries, with ZIP64 records where sizes, offsets or
/// the number of entries need them, and UTF-8 names (flag bit 11). Written here rather than with
/// ZIPFoundation, which reads and rewrites the whole central directory for each entry it adds: a
/// bundle of 100,000 files would cost hours. ZIPFoundation reads the archives (see ZipSource).
final class ZipWriter {
    struct Central {
        var name: [UInt8]
        var crc: UInt32
        var size: Int64
        var offset: Int64
    }

    let file: RawFile
    let time: Int
    let date: Int
    private(set) var offset: Int64 = 0
    private var entries: [Central] = []
    private var current: (name: [UInt8], headerOffset: Int64, size: Int64, zip64: Bool, crc: UInt, written: Int64)?

    static let limit32: Int64 = 0xFFFF_FFFF

    init(file: RawFile, modified: Date) {
        self.file = file
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: modified)
        time = (parts.hour! << 11) | (parts.minute! << 5) | (parts.second! / 2)
        date = (max(0, parts.year! - 1980) << 9) | (parts.month! << 5) | parts.day!
    }

    /// Starts a file entry of `size` bytes; its content follows through `write`.
    func begin(_ name: String, size: Int64) throws {
        let bytes = Array(name.utf8)
        let zip64 = size >= Self.limit32
        var header: [UInt8] = []
        header.le32(0x0403_4B50)
        header.le16(zip64 ? 45 : 20)
        header.le16(1 << 11)
        header.le16(0)
        header.le16(time)
        header.le16(date)
        header.le32(0)
        header.le32(zip64 ? Self.limit32 : size)
        header.le32(zip64 ? Self.limit32 : size)
        header.le16(bytes.count)
        header.le16(zip64 ? 20 : 0)
        header += bytes
        if zip64 {
            header.le16(1)
            header.le16(16)
            header.le64(size)
            header.le64(size)
        }
        current = (bytes, offset, size, zip64, crc32(0, nil, 0), 0)
        try emit(header)
    }

    func write(_ chunk: UnsafeRawBufferPointer) throws {
        guard var entry = current else { return }
        entry.crc = crc32(entry.crc, chunk.baseAddress?.assumingMemoryBound(to: Bytef.self), uInt(chunk.count))
        entry.written += Int64(chunk.count)
        current = entry
        try file.append(chunk)
        offset += Int64(chunk.count)
    }

    /// Ends the entry: the CRC goes into its local header, which was written with a placeholder.
    func end() throws {
        guard let entry = current else { return }
        guard entry.written == entry.size else {
            throw BundleError(
                "\(file.path): entry \(String(decoding: entry.name, as: UTF8.self)) changed size while written")
        }
        var crc: [UInt8] = []
        crc.le32(Int64(entry.crc))
        try file.overwrite(crc, at: entry.headerOffset + 14)
        entries.append(Central(name: entry.name, crc: UInt32(entry.crc), size: entry.size, offset: entry.headerOffset))
        current = nil
    }

    /// Writes the central directory and its end records.
    func finish() throws {
        let start = offset
        for entry in entries {
            let bigSize = entry.size >= Self.limit32
            let bigOffset = entry.offset >= Self.limit32
            var extra: [UInt8] = []
            if bigSize || bigOffset {
                var fields: [UInt8] = []
                if bigSize {
                    fields.le64(entry.size)
                    fields.le64(entry.size)
                }
                if bigOffset { fields.le64(entry.offset) }
                extra.le16(1)
                extra.le16(fields.count)
                extra += fields
            }
            var record: [UInt8] = []
            record.le32(0x0201_4B50)
            record.le16(3 << 8 | 45)
            record.le16(extra.isEmpty ? 20 : 45)
            record.le16(1 << 11)
            record.le16(0)
            record.le16(time)
            record.le16(date)
            record.le32(Int64(entry.crc))
            record.le32(bigSize ? Self.limit32 : entry.size)
            record.le32(bigSize ? Self.limit32 : entry.size)
            record.le16(entry.name.count)
            record.le16(extra.count)
            record.le16(0)
            record.le16(0)
            record.le16(0)
            record.le32(Int64(0o100644) << 16)
            record.le32(bigOffset ? Self.limit32 : entry.offset)
            record += entry.name
            record += extra
            try emit(record)
        }
        let size = offset - start
        let needs64 = entries.count >= 0xFFFF || start >= Self.limit32 || size >= Self.limit32
        var end: [UInt8] = []
        if needs64 {
            let recordOffset = offset
            end.le32(0x0606_4B50)
            end.le64(44)
            end.le16(3 << 8 | 45)
            end.le16(45)
            end.le32(0)
            end.le32(0)
            end.le64(Int64(entries.count))
            end.le64(Int64(entries.count))
            end.le64(size)
            end.le64(start)
            end.le32(0x0706_4B50)
            end.le32(0)
            end.le64(recordOffset)
            end.le32(1)
        }
        end.le32(0x0605_4B50)
        end.le16(0)
        end.le16(0)
        end.le16(min(entries.count, 0xFFFF))
        end.le16(min(entries.count, 0xFFFF))
        end.le32(min(size, Self.limit32))
        end.le32(min(start, Self.limit32))
        end.le16(0)
        try emit(end)
    }

    private func emit(_ bytes: [UInt8]) throws {
        try file.append(bytes)
        offset += Int64(bytes.count)
    }
}
