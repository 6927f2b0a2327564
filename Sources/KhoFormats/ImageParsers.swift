import KhoCore

/// JPEG: frame size and components from the SOF marker, resolution from JFIF or Exif.
enum JPEGParser {
    static func parse(_ file: FileBytes) -> TechnicalMetadata {
        var result = TechnicalMetadata(format: "jpeg")
        guard file.read(at: 0, count: 2) == [0xFF, 0xD8] else {
            result.notes.append("no JPEG start-of-image marker")
            return result
        }
        var offset: Int64 = 2
        var segments = 0
        while offset + 4 <= file.size, segments < 4096 {
            segments += 1
            let header = file.read(at: offset, count: 4)
            guard header.count == 4, header[0] == 0xFF else {
                result.notes.append("damaged marker at byte \(offset)")
                break
            }
            let marker = header[1]
            if marker == 0xFF {  // fill byte
                offset += 1
                continue
            }
            if marker == 0xD8 || (0xD0...0xD7).contains(marker) || marker == 0x01 {
                offset += 2
                continue
            }
            guard let length = header.u16be(2), length >= 2 else {
                result.notes.append("damaged segment length at byte \(offset)")
                break
            }
            if marker == 0xDA || marker == 0xD9 { break }  // start of scan, end of image: headers are done
            let body = file.read(at: offset + 4, count: min(length - 2, 65_536))
            switch marker {
            case 0xC0...0xCF where marker != 0xC4 && marker != 0xC8 && marker != 0xCC:
                if let height = body.u16be(1), let width = body.u16be(3), body.count >= 6 {
                    result.height = height
                    result.width = width
                    result.bitsPerSample = Int(body[0])
                    result.colourMode =
                        [1: "grayscale", 3: "YCbCr", 4: "CMYK"][Int(body[5])] ?? "\(body[5]) components"
                    result.formatVersion = marker == 0xC2 ? "progressive" : "baseline"
                }
            case 0xE0 where body.starts(with: "JFIF\u{0}"):
                if body.count >= 12, let x = body.u16be(8), x > 0, result.resolutionPPI == nil {
                    switch body[7] {
                    case 1: result.resolutionPPI = Double(x)
                    case 2: result.resolutionPPI = Double(x) * 2.54
                    default: break
                    }
                }
            case 0xE1 where body.starts(with: "Exif\u{0}\u{0}"):
                let tiff = Array(body.dropFirst(6))
                let structure = TIFFStructure(read: { offset, count in
                    guard offset >= 0, offset < Int64(tiff.count) else { return [] }
                    return Array(tiff[Int(offset)..<min(tiff.count, Int(offset) + count)])
                })
                if let ppi = structure?.resolution() { result.resolutionPPI = ppi }
            default:
                break
            }
            offset += 2 + Int64(length)
        }
        if result.width == nil { result.notes.append("no frame header found: truncated or damaged") }
        return result
    }
}

/// PNG: the IHDR chunk, and pHYs for the resolution.
enum PNGParser {
    static func parse(_ file: FileBytes) -> TechnicalMetadata {
        var result = TechnicalMetadata(format: "png")
        guard file.read(at: 0, count: 8) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] else {
            result.notes.append("no PNG signature")
            return result
        }
        var offset: Int64 = 8
        var chunks = 0
        while offset + 8 <= file.size, chunks < 10_000 {
            chunks += 1
            let header = file.read(at: offset, count: 8)
            guard let length = header.u32be(0), let type = header.ascii(4, 4) else { break }
            let body = type == "IHDR" || type == "pHYs" ? file.read(at: offset + 8, count: min(length, 64)) : []
            if type == "IHDR", let width = body.u32be(0), let height = body.u32be(4), body.count >= 10 {
                result.width = width
                result.height = height
                result.bitsPerSample = Int(body[8])
                result.colourMode =
                    [0: "grayscale", 2: "RGB", 3: "indexed", 4: "grayscale with alpha", 6: "RGB with alpha"][
                        Int(body[9])]
            } else if type == "pHYs", let x = body.u32be(0), body.count >= 9, body[8] == 1 {
                result.resolutionPPI = (Double(x) * 0.0254 * 10).rounded() / 10
            } else if type == "IDAT" || type == "IEND" {
                break
            }
            offset += 12 + Int64(length)
        }
        if result.width == nil { result.notes.append("no IHDR chunk: truncated or damaged") }
        return result
    }
}

/// TIFF: the first image file directory.
enum TIFFParser {
    static func parse(_ file: FileBytes) -> TechnicalMetadata {
        var result = TechnicalMetadata(format: "tiff")
        guard let tiff = TIFFStructure(read: { file.read(at: $0, count: $1) }) else {
            result.notes.append("no TIFF header")
            return result
        }
        let ifd = tiff.firstDirectory()
        result.width = ifd[256].flatMap(tiff.integer)
        result.height = ifd[257].flatMap(tiff.integer)
        result.bitsPerSample = ifd[258].flatMap(tiff.integer)
        if let photometric = ifd[262].flatMap(tiff.integer) {
            result.colourMode =
                [0: "grayscale", 1: "grayscale", 2: "RGB", 3: "indexed", 5: "CMYK", 6: "YCbCr"][photometric]
        }
        result.resolutionPPI = tiff.resolution(in: ifd)
        if ifd.isEmpty { result.notes.append("no image file directory: truncated or damaged") }
        return result
    }
}

/// The TIFF structure, shared by TIFF files and Exif blocks: byte order, directories, values.
struct TIFFStructure {
    let read: (Int64, Int) -> [UInt8]
    let littleEndian: Bool
    let firstOffset: Int64

    /// One directory entry: the type, the count, and the raw 4-byte value or offset.
    struct Entry {
        var type: Int
        var count: Int
        var raw: [UInt8]
    }

    init?(read: @escaping (Int64, Int) -> [UInt8]) {
        let header = read(0, 8)
        guard header.count == 8 else { return nil }
        if header.starts(with: "II") {
            littleEndian = true
        } else if header.starts(with: "MM") {
            littleEndian = false
        } else {
            return nil
        }
        self.read = read
        let magic = littleEndian ? header.u16le(2) : header.u16be(2)
        guard magic == 42, let offset = littleEndian ? header.u32le(4) : header.u32be(4) else { return nil }
        firstOffset = Int64(offset)
    }

    func u16(_ bytes: [UInt8], _ at: Int) -> Int? { littleEndian ? bytes.u16le(at) : bytes.u16be(at) }
    func u32(_ bytes: [UInt8], _ at: Int) -> Int? { littleEndian ? bytes.u32le(at) : bytes.u32be(at) }

    /// The entries of the first directory, by tag (at most 512 entries are read).
    func firstDirectory() -> [Int: Entry] {
        guard let count = u16(read(firstOffset, 2), 0) else { return [:] }
        let bytes = read(firstOffset + 2, min(count, 512) * 12)
        var entries: [Int: Entry] = [:]
        for index in 0..<(bytes.count / 12) {
            let base = index * 12
            guard let tag = u16(bytes, base), let type = u16(bytes, base + 2), let count = u32(bytes, base + 4) else {
                continue
            }
            entries[tag] = Entry(type: type, count: count, raw: Array(bytes[(base + 8)..<(base + 12)]))
        }
        return entries
    }

    func integer(_ entry: Entry) -> Int? {
        switch entry.type {
        case 3: u16(entry.raw, 0)
        case 4: u32(entry.raw, 0)
        case 1: Int(entry.raw[0])
        default: nil
        }
    }

    func rational(_ entry: Entry) -> Double? {
        guard entry.type == 5, let offset = u32(entry.raw, 0) else { return nil }
        let bytes = read(Int64(offset), 8)
        guard let numerator = u32(bytes, 0), let denominator = u32(bytes, 4), denominator > 0 else { return nil }
        return Double(numerator) / Double(denominator)
    }

    /// XResolution in pixels per inch, by ResolutionUnit (2 inch, 3 centimetre; none: unknown).
    func resolution(in directory: [Int: Entry]? = nil) -> Double? {
        let ifd = directory ?? firstDirectory()
        guard let x = ifd[282].flatMap(rational), x > 0 else { return nil }
        switch ifd[296].flatMap(integer) ?? 2 {
        case 2: return x
        case 3: return x * 2.54
        default: return nil
        }
    }
}
