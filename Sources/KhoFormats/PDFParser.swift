import CKhoPlatform
import Foundation
import KhoCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// PDF: the version in the header, and, from one streaming pass over the file in 4 MiB chunks,
/// the page count (the page tree's `/Count`), encryption (`/Encrypt`), the PDF/A claim in the XMP
/// metadata, and the scan resolution estimated from the largest image against the page size.
/// Compressed object streams (PDF 1.5+, `/Type /ObjStm`), where modern software puts the catalog,
/// the page tree and the pages, are inflated (zlib, bounded) and read the same way.
enum PDFParser {
    static let chunk = 4 << 20
    static let margin = 2048
    /// The most an object stream may hold, compressed and inflated (a zip bomb stops there).
    static let maxObjectStream = 16 << 20
    static let maxInflated = 64 << 20

    /// What the scans found so far.
    struct Findings {
        var pagesCount: Int?
        var pageObjects = 0
        var encrypted = false
        var objectStreams = 0
        var objectStreamsRead = 0
        var largestImage: (width: Int, height: Int)?
        var largestBox: (width: Double, height: Double)?
        var catalogVersion: String?
        var pdfaPart: String?
        var pdfaLevel: String?
        var notes: [String] = []
    }

    static func parse(_ file: FileBytes) -> TechnicalMetadata {
        var result = TechnicalMetadata(format: "pdf")
        let head = file.read(at: 0, count: 1024)
        guard let headerAt = find(Array("%PDF-".utf8), in: head, from: 0) else {
            result.notes.append("no %PDF- header")
            return result
        }
        result.formatVersion = number(in: head, at: headerAt + 5)
        var found = Findings()
        var start: Int64 = 0
        while start < file.size {
            let from = max(0, start - Int64(margin))
            let bytes = file.read(at: from, count: chunk + 2 * margin)
            let begin = Int(start - from)
            let end = min(bytes.count, begin + chunk)
            let streams = scan(bytes, from: begin, to: end, into: &found)
            for position in streams {
                guard let inflated = objectStream(in: bytes, at: position, base: from, file: file, found: &found) else {
                    continue
                }
                found.objectStreamsRead += 1
                _ = scan(inflated, from: 0, to: inflated.count, into: &found)
            }
            start += Int64(chunk)
        }
        if let catalogVersion = found.catalogVersion,
            Double(catalogVersion) ?? 0 > Double(result.formatVersion ?? "0") ?? 0
        {
            result.formatVersion = catalogVersion
        }
        result.encrypted = found.encrypted
        if let pdfaPart = found.pdfaPart { result.pdfa = pdfaPart + (found.pdfaLevel ?? "") }
        if let pagesCount = found.pagesCount {
            result.pageCount = pagesCount
        } else if found.pageObjects > 0 {
            result.pageCount = found.pageObjects
        } else if found.objectStreams > found.objectStreamsRead {
            result.notes.append("page tree is in object streams kho could not read: page count not read")
        }
        result.notes += found.notes
        if let image = found.largestImage, let box = found.largestBox, box.width > 0, box.height > 0 {
            result.width = image.width
            result.height = image.height
            let ppi = min(Double(image.width) / (box.width / 72), Double(image.height) / (box.height / 72))
            result.resolutionPPI = ppi.rounded()
        }
        if found.encrypted { result.notes.append("encrypted: content cannot be read without the password") }
        return result
    }

    /// Reads what one stretch of bytes holds into `found`; returns the positions of the object
    /// streams (`/Type /ObjStm`) that start in it.
    static func scan(_ bytes: [UInt8], from begin: Int, to end: Int, into found: inout Findings) -> [Int] {
        var streams: [Int] = []
        for position in occurrences(of: "/Type", in: bytes, from: begin, to: end) {
            let value = name(in: bytes, at: position + 5)
            if value == "Pages" {
                if let count = integer(after: "/Count", in: bytes, around: position) {
                    found.pagesCount = max(found.pagesCount ?? 0, count)
                }
            } else if value == "Page" {
                found.pageObjects += 1
            } else if value == "ObjStm" {
                found.objectStreams += 1
                streams.append(position)
            } else if value == "Catalog", let version = nameValue(after: "/Version", in: bytes, around: position) {
                found.catalogVersion = version
            }
        }
        for position in occurrences(of: "/Subtype", in: bytes, from: begin, to: end)
        where name(in: bytes, at: position + 8) == "Image" {
            if let width = integer(after: "/Width", in: bytes, around: position),
                let height = integer(after: "/Height", in: bytes, around: position),
                width * height > (found.largestImage.map { $0.width * $0.height } ?? 0)
            {
                found.largestImage = (width, height)
            }
        }
        for position in occurrences(of: "/MediaBox", in: bytes, from: begin, to: end) {
            if let box = numbers(in: bytes, at: position + 9, count: 4) {
                let size = (abs(box[2] - box[0]), abs(box[3] - box[1]))
                if size.0 * size.1 > (found.largestBox.map { $0.width * $0.height } ?? 0) { found.largestBox = size }
            }
        }
        for position in occurrences(of: "/Encrypt", in: bytes, from: begin, to: end) {
            var cursor = position + 8
            while cursor < bytes.count, bytes[cursor] == 0x20 || bytes[cursor] == 0x0A || bytes[cursor] == 0x0D {
                cursor += 1
            }
            if cursor < bytes.count, bytes[cursor] == UInt8(ascii: "<") || (0x30...0x39).contains(bytes[cursor]) {
                found.encrypted = true
            }
        }
        // `<pdfaid:part>1</pdfaid:part>` or `pdfaid:part="1"`; closing tags are passed over.
        for position in occurrences(of: "pdfaid:part", in: bytes, from: begin, to: end)
        where position == 0 || bytes[position - 1] != UInt8(ascii: "/") {
            found.pdfaPart = firstDigits(in: bytes, from: position + 11, within: 8) ?? found.pdfaPart
        }
        for position in occurrences(of: "pdfaid:conformance", in: bytes, from: begin, to: end)
        where position == 0 || bytes[position - 1] != UInt8(ascii: "/") {
            found.pdfaLevel = firstLetter(in: bytes, from: position + 18, within: 8) ?? found.pdfaLevel
        }
        return streams
    }

    /// The inflated content of the object stream whose dictionary holds `position` (in `bytes`,
    /// which start at `base` in the file): its `/Length` bytes after `stream`, FlateDecode or
    /// unfiltered. Nil, with a note, for what kho cannot read (an indirect length, another filter).
    static func objectStream(in bytes: [UInt8], at position: Int, base: Int64, file: FileBytes, found: inout Findings)
        -> [UInt8]?
    {
        let range = dictionary(in: bytes, around: position)
        let dictionary = Array(bytes[range])
        let filter = nameValue(after: "/Filter", in: bytes, around: position)
        guard filter == nil || filter == "FlateDecode" else {
            found.notes.append("an object stream with the \(filter ?? "") filter was not read")
            return nil
        }
        // `/Length 123`, not `/Length 12 0 R` (an indirect length: skipped).
        guard let length = integer(after: "/Length", in: bytes, around: position), length > 0,
            length <= maxObjectStream,
            let lengthAt = find(Array("/Length".utf8), in: dictionary, from: 0),
            !isIndirect(dictionary, after: lengthAt + 7)
        else {
            found.notes.append("an object stream without a direct /Length was not read")
            return nil
        }
        // The data starts after `stream` and its end of line.
        var cursor = range.upperBound
        let keyword = Array("stream".utf8)
        guard let at = find(keyword, in: bytes, from: cursor), at - cursor < 64 else { return nil }
        cursor = at + keyword.count
        if cursor < bytes.count, bytes[cursor] == 0x0D { cursor += 1 }
        if cursor < bytes.count, bytes[cursor] == 0x0A { cursor += 1 }
        let data = file.read(at: base + Int64(cursor), count: length)
        guard data.count == length else { return nil }
        guard filter == "FlateDecode" else { return data }
        guard let inflated = Inflate.bytes(data, limit: maxInflated) else {
            found.notes.append("an object stream could not be inflated (damaged, or over 64 MiB)")
            return nil
        }
        return inflated
    }

    /// True when the number after `at` is followed by a generation and `R` (`12 0 R`).
    static func isIndirect(_ bytes: [UInt8], after at: Int) -> Bool {
        var cursor = at
        var words = 0
        while cursor < bytes.count, words < 3 {
            while cursor < bytes.count, isSpace(bytes[cursor]) { cursor += 1 }
            let start = cursor
            while cursor < bytes.count, !isSpace(bytes[cursor]), bytes[cursor] != 0x2F, bytes[cursor] != 0x3E {
                cursor += 1
            }
            if cursor == start { return false }
            words += 1
            if words == 3 { return bytes[start] == UInt8(ascii: "R") && cursor - start == 1 }
        }
        return false
    }

    /// Offsets of `text` in `bytes[from..<to]` (a match may run past `to`).
    static func occurrences(of text: String, in bytes: [UInt8], from: Int, to: Int) -> [Int] {
        let pattern = Array(text.utf8)
        var found: [Int] = []
        var cursor = from
        while cursor < to, let hit = find(pattern, in: bytes, from: cursor), hit < to {
            found.append(hit)
            cursor = hit + 1
        }
        return found
    }

    static func find(_ pattern: [UInt8], in bytes: [UInt8], from: Int) -> Int? {
        guard from < bytes.count else { return nil }
        return bytes.withUnsafeBytes { buffer in
            pattern.withUnsafeBytes { needle in
                guard
                    let hit = kho_memmem(
                        buffer.baseAddress! + from, bytes.count - from, needle.baseAddress!, pattern.count)
                else { return nil }
                return hit - UnsafeRawPointer(buffer.baseAddress!)
            }
        }
    }

    static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 || byte == 0x0C
    }

    /// The PDF name (without the slash) that follows `at`, after white space.
    static func name(in bytes: [UInt8], at: Int) -> String? {
        var cursor = at
        while cursor < bytes.count, isSpace(bytes[cursor]) { cursor += 1 }
        guard cursor < bytes.count, bytes[cursor] == UInt8(ascii: "/") else { return nil }
        cursor += 1
        let start = cursor
        while cursor < bytes.count, cursor - start < 32, !isSpace(bytes[cursor]),
            !"/<>[]()".utf8.contains(bytes[cursor])
        {
            cursor += 1
        }
        return String(decoding: bytes[start..<cursor], as: UTF8.self)
    }

    /// The version-like number at `at`: `1.4`.
    static func number(in bytes: [UInt8], at: Int) -> String? {
        var cursor = at
        while cursor < bytes.count, cursor - at < 8, (0x30...0x39).contains(bytes[cursor]) || bytes[cursor] == 0x2E {
            cursor += 1
        }
        return cursor > at ? String(decoding: bytes[at..<cursor], as: UTF8.self) : nil
    }

    /// The dictionary around `position`: from the nearest `<<` before to the matching `>>`, at most `margin` away.
    static func dictionary(in bytes: [UInt8], around position: Int) -> Range<Int> {
        var start = position
        while start > max(0, position - margin),
            !(start + 1 < bytes.count && bytes[start] == 0x3C && bytes[start + 1] == 0x3C)
        {
            start -= 1
        }
        var depth = 0
        var cursor = start
        let limit = min(bytes.count - 1, position + margin)
        while cursor < limit {
            if bytes[cursor] == 0x3C && bytes[cursor + 1] == 0x3C {
                depth += 1
                cursor += 2
                continue
            }
            if bytes[cursor] == 0x3E && bytes[cursor + 1] == 0x3E {
                depth -= 1
                cursor += 2
                if depth <= 0 { break }
                continue
            }
            cursor += 1
        }
        return start..<cursor
    }

    static func integer(after key: String, in bytes: [UInt8], around position: Int) -> Int? {
        let range = dictionary(in: bytes, around: position)
        guard let hit = find(Array(key.utf8), in: Array(bytes[range]), from: 0) else { return nil }
        let slice = Array(bytes[range])
        var cursor = hit + key.utf8.count
        while cursor < slice.count, isSpace(slice[cursor]) { cursor += 1 }
        let start = cursor
        while cursor < slice.count, (0x30...0x39).contains(slice[cursor]) { cursor += 1 }
        return cursor > start ? Int(String(decoding: slice[start..<cursor], as: UTF8.self)) : nil
    }

    static func nameValue(after key: String, in bytes: [UInt8], around position: Int) -> String? {
        let slice = Array(bytes[dictionary(in: bytes, around: position)])
        guard let hit = find(Array(key.utf8), in: slice, from: 0) else { return nil }
        return name(in: slice, at: hit + key.utf8.count)
    }

    /// `count` numbers inside `[ … ]` after white space.
    static func numbers(in bytes: [UInt8], at: Int, count: Int) -> [Double]? {
        var cursor = at
        while cursor < bytes.count, isSpace(bytes[cursor]) { cursor += 1 }
        guard cursor < bytes.count, bytes[cursor] == UInt8(ascii: "[") else { return nil }
        guard let close = bytes[cursor..<min(bytes.count, cursor + 128)].firstIndex(of: UInt8(ascii: "]")) else {
            return nil
        }
        let values = String(decoding: bytes[(cursor + 1)..<close], as: UTF8.self).split(whereSeparator: {
            $0 == " " || $0 == "\n" || $0 == "\r" || $0 == "\t"
        })
        .compactMap { Double($0) }
        return values.count == count ? values : nil
    }

    static func firstDigits(in bytes: [UInt8], from: Int, within: Int) -> String? {
        for cursor in from..<min(bytes.count, from + within) where (0x30...0x39).contains(bytes[cursor]) {
            return String(UnicodeScalar(bytes[cursor]))
        }
        return nil
    }

    static func firstLetter(in bytes: [UInt8], from: Int, within: Int) -> String? {
        for cursor in from..<min(bytes.count, from + within)
        where (0x41...0x5A).contains(bytes[cursor]) || (0x61...0x7A).contains(bytes[cursor]) {
            return String(UnicodeScalar(bytes[cursor])).uppercased()
        }
        return nil
    }
}
