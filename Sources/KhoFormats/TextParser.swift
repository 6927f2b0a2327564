import KhoCore

/// Plain text: the encoding (by byte-order mark, else by validating UTF-8) and a word count, in
/// one streaming pass.
enum TextParser {
    static func parse(_ file: FileBytes) -> TechnicalMetadata {
        var result = TechnicalMetadata(format: "text")
        let head = file.read(at: 0, count: 4)
        if head.starts(with: "\u{FEFF}") {
            result.encoding = "UTF-8 (with BOM)"
        } else if head.count >= 2, head[0] == 0xFF, head[1] == 0xFE {
            result.encoding = "UTF-16LE"
        } else if head.count >= 2, head[0] == 0xFE, head[1] == 0xFF {
            result.encoding = "UTF-16BE"
        }
        var words = 0
        var inWord = false
        var ascii = true
        var validUTF8 = true
        var pending = 0  // continuation bytes still expected
        var offset: Int64 = 0
        while offset < file.size {
            let bytes = file.read(at: offset, count: 1 << 20)
            if bytes.isEmpty { break }
            for byte in bytes {
                let space = byte == 0x20 || (0x09...0x0D).contains(byte)
                if space {
                    inWord = false
                } else if !inWord {
                    inWord = true
                    words += 1
                }
                if byte >= 0x80 { ascii = false }
                guard validUTF8 else { continue }
                if pending > 0 {
                    if byte & 0xC0 == 0x80 { pending -= 1 } else { validUTF8 = false }
                } else if byte >= 0x80 {
                    switch byte {
                    case 0xC2...0xDF: pending = 1
                    case 0xE0...0xEF: pending = 2
                    case 0xF0...0xF4: pending = 3
                    default: validUTF8 = false
                    }
                }
            }
            offset += Int64(bytes.count)
        }
        if pending > 0 { validUTF8 = false }
        if result.encoding == nil {
            result.encoding = ascii ? "US-ASCII" : validUTF8 ? "UTF-8" : "unknown 8-bit (not UTF-8)"
        }
        if result.encoding?.hasPrefix("UTF-16") == true {
            result.notes.append("word count not made for UTF-16 text")
        } else {
            result.wordCount = words
        }
        return result
    }
}
