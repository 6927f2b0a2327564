import KhoCore
import Foundation

/// One entry of an archive, as listed before any content is read.
struct ArchiveEntry {
    enum Kind: Equatable {
        case file, directory, symlink, hardlink
        case other(String)
    }

    /// The name, when it is valid UTF-8.
    var name: String?
    /// The name as it can be printed in a message, whatever its encoding.
    var printable: String
    var kind: Kind
    var size: Int64
    /// The stored size (compressed, in a ZIP); the size for a tar.
    var storedSize: Int64
    /// Where the content starts (tar), or the entry's position in the central directory (ZIP).
    var offset: Int64
}

/// POSIX tar (ustar, with pax extended headers for long names and large sizes), read and written
/// here: no tar library is in the package mirror, and the subset a bag needs is small. Reading
/// understands ustar, pax (`x`, `g`) and GNU long names (`L`), and octal or base-256 sizes.
enum Tar {
    static let block = 512

    // MARK: Writing

    /// Writes a tar stream: entries with deterministic headers (owner 0, mode 0644/0755, the given time).
    final class Writer {
        let file: RawFile
        let mtime: Int64
        private(set) var offset: Int64 = 0

        init(file: RawFile, mtime: Date) {
            self.file = file
            self.mtime = Int64(mtime.timeIntervalSince1970)
        }

        /// The header of a regular file or a directory (`isDirectory`), with a pax header first when
        /// the name does not fit ustar's fields or the size needs more than 11 octal digits.
        func header(_ name: String, size: Int64, isDirectory: Bool = false) throws {
            let bytes = Array(name.utf8)
            var split = Tar.ustarSplit(bytes)
            if split == nil || size >= 0o77777777777 {
                var records = ""
                if split == nil { records += Tar.paxRecord("path", name) }
                if size >= 0o77777777777 { records += Tar.paxRecord("size", String(size)) }
                let data = Array(records.utf8)
                let paxName = Array(("PaxHeaders/" + String(decoding: bytes.suffix(80), as: UTF8.self)).utf8.prefix(99))
                try emit(Tar.header(name: paxName, prefix: [], size: Int64(data.count), type: "x", mtime: mtime))
                try emit(data)
                try pad(Int64(data.count))
                if split == nil { split = ([], Array(bytes.suffix(99))) }
            }
            try emit(
                Tar.header(
                    name: split!.name, prefix: split!.prefix, size: isDirectory ? 0 : min(size, 0o77777777777),
                    type: isDirectory ? "5" : "0", mtime: mtime))
        }

        func emit(_ bytes: [UInt8]) throws {
            try file.append(bytes)
            offset += Int64(bytes.count)
        }

        func emit(_ bytes: UnsafeRawBufferPointer) throws {
            try file.append(bytes)
            offset += Int64(bytes.count)
        }

        /// Zeros up to the next block after content of `size` bytes.
        func pad(_ size: Int64) throws {
            let rest = Int(size % Int64(Tar.block))
            if rest != 0 { try emit([UInt8](repeating: 0, count: Tar.block - rest)) }
        }

        /// The end-of-archive marker: two zero blocks.
        func finish() throws { try emit([UInt8](repeating: 0, count: Tar.block * 2)) }
    }

    /// ustar's name and prefix fields for a path, or nil when it does not fit.
    static func ustarSplit(_ bytes: [UInt8]) -> (prefix: [UInt8], name: [UInt8])? {
        if bytes.count <= 100 { return ([], bytes) }
        for index in bytes.indices.reversed() where bytes[index] == UInt8(ascii: "/") {
            let prefix = Array(bytes[..<index])
            let name = Array(bytes[(index + 1)...])
            if prefix.count <= 155 && name.count <= 100 && !name.isEmpty { return (prefix, name) }
        }
        return nil
    }

    /// A pax record: "<length> <key>=<value>\n", the length counting itself.
    static func paxRecord(_ key: String, _ value: String) -> String {
        let body = " \(key)=\(value)\n"
        var length = body.utf8.count + 1
        while String(length).count + body.utf8.count != length { length += 1 }
        return "\(length)\(body)"
    }

    static func header(name: [UInt8], prefix: [UInt8], size: Int64, type: Character, mtime: Int64) -> [UInt8] {
        var block = [UInt8](repeating: 0, count: Tar.block)
        func put(_ bytes: [UInt8], at offset: Int) {
            for (index, byte) in bytes.enumerated() { block[offset + index] = byte }
        }
        func octal(_ value: Int64, width: Int) -> [UInt8] {
            let digits = String(value, radix: 8)
            return Array((String(repeating: "0", count: max(0, width - 1 - digits.count)) + digits).utf8)
        }
        put(name, at: 0)
        put(octal(type == "5" ? 0o755 : 0o644, width: 8), at: 100)
        put(octal(0, width: 8), at: 108)
        put(octal(0, width: 8), at: 116)
        put(octal(size, width: 12), at: 124)
        put(octal(mtime, width: 12), at: 136)
        block[156] = UInt8(ascii: type.unicodeScalars.first!)
        put(Array("ustar\0".utf8), at: 257)
        put(Array("00".utf8), at: 263)
        put(prefix, at: 345)
        put([UInt8](repeating: UInt8(ascii: " "), count: 8), at: 148)
        let sum = block.reduce(0) { $0 + Int64($1) }
        put(octal(sum, width: 7) + [0], at: 148)
        return block
    }

    // MARK: Reading

    /// Lists a tar archive's entries from their headers, skipping the content. Problems that make
    /// the archive unreadable (a damaged header, content past the end) are returned with the
    /// entries read so far.
    static func list(_ file: RawFile) -> (entries: [ArchiveEntry], problems: [String]) {
        var entries: [ArchiveEntry] = []
        var problems: [String] = []
        let length = file.size
        var offset: Int64 = 0
        var pax: [String: [UInt8]] = [:]
        var longName: [UInt8]?
        while offset + Int64(block) <= length {
            guard let header = try? file.read(block, at: offset), header.count == block else { break }
            if header.allSatisfy({ $0 == 0 }) { return (entries, problems) }
            let stored = octal(header[148..<156])
            var sum: Int64 = 0
            for (index, byte) in header.enumerated() { sum += (148..<156).contains(index) ? 32 : Int64(byte) }
            guard stored == sum else {
                problems.append(Localizer.current("archive.tar_header", ["offset": String(offset)]))
                return (entries, problems)
            }
            var size = number(header[124..<136])
            let type = header[156]
            var nameBytes = field(header[0..<100])
            if header[257..<262].elementsEqual("ustar".utf8) {
                let prefix = field(header[345..<500])
                if !prefix.isEmpty { nameBytes = prefix + [UInt8(ascii: "/")] + nameBytes }
            }
            if let override = pax["size"].flatMap({ Int64(String(decoding: $0, as: UTF8.self)) }) { size = override }
            let dataOffset = offset + Int64(block)
            guard size >= 0, dataOffset + size <= length else {
                problems.append(
                    "\(String(decoding: nameBytes, as: UTF8.self)): its content runs past the end of the archive (truncated?)"
                )
                return (entries, problems)
            }
            offset = dataOffset + (size + Int64(block) - 1) / Int64(block) * Int64(block)
            switch type {
            case UInt8(ascii: "x"), UInt8(ascii: "g"):
                let data = (try? file.read(Int(min(size, 1 << 20)), at: dataOffset)) ?? []
                if type == UInt8(ascii: "x") { pax = parsePax(data) }
                continue
            case UInt8(ascii: "L"):
                longName = field(ArraySlice((try? file.read(Int(min(size, 1 << 16)), at: dataOffset)) ?? []))
                continue
            case UInt8(ascii: "K"):
                continue
            default: break
            }
            if let path = pax["path"] { nameBytes = path } else if let longName { nameBytes = longName }
            pax = [:]
            longName = nil
            let kind: ArchiveEntry.Kind =
                switch type {
                case UInt8(ascii: "0"), 0, UInt8(ascii: "7"): .file
                case UInt8(ascii: "5"): .directory
                case UInt8(ascii: "1"): .hardlink
                case UInt8(ascii: "2"): .symlink
                case UInt8(ascii: "3"), UInt8(ascii: "4"): .other("a device file")
                case UInt8(ascii: "6"): .other("a FIFO")
                default: .other("an entry of unknown type '\(Character(Unicode.Scalar(type)))'")
                }
            entries.append(
                ArchiveEntry(
                    name: String(validating: nameBytes, as: UTF8.self),
                    printable: String(decoding: nameBytes, as: UTF8.self),
                    kind: kind, size: kind == .file ? size : 0, storedSize: size, offset: dataOffset))
        }
        problems.append(Localizer.current("archive.tar_end", [:]))
        return (entries, problems)
    }

    /// A NUL-terminated header field.
    static func field(_ bytes: ArraySlice<UInt8>) -> [UInt8] { Array(bytes.prefix { $0 != 0 }) }

    static func octal(_ bytes: ArraySlice<UInt8>) -> Int64 {
        var value: Int64 = 0
        for byte in bytes where (48...55).contains(byte) { value = value * 8 + Int64(byte - 48) }
        return value
    }

    /// A size: octal digits, or GNU's base-256 (first byte 0x80) for large values.
    static func number(_ bytes: ArraySlice<UInt8>) -> Int64 {
        guard let first = bytes.first, first & 0x80 != 0 else { return octal(bytes) }
        var value = Int64(first & 0x7F)
        for byte in bytes.dropFirst() {
            guard value < Int64.max >> 8 else { return -1 }
            value = value << 8 | Int64(byte)
        }
        return value
    }

    static func parsePax(_ data: [UInt8]) -> [String: [UInt8]] {
        var values: [String: [UInt8]] = [:]
        var index = 0
        while index < data.count {
            guard let space = data[index...].firstIndex(of: UInt8(ascii: " ")),
                let length = Int(String(decoding: data[index..<space], as: UTF8.self)), length > 0,
                index + length <= data.count,
                let equals = data[space..<(index + length)].firstIndex(of: UInt8(ascii: "="))
            else { break }
            let key = String(decoding: data[(space + 1)..<equals], as: UTF8.self)
            values[key] = Array(data[(equals + 1)..<(index + length - 1)])
            index += length
        }
        return values
    }
}
