import Foundation
import KhoCore

/// Reads a file's technical metadata from its own structures, by the MIME type libmagic gave it.
/// It reads only what each format needs (headers, boxes, tag blocks; a PDF is scanned in chunks),
/// never the whole file into memory. A damaged or unsupported file gets what could be read and a
/// note; it never stops the caller.
public struct Characteriser: Sendable {
    /// Bumped when what the parsers extract changes, so that old results can be found and redone.
    public static let version = "kho-characterise 1"

    public init() {}

    public func characterise(path: String, mime: String) -> TechnicalMetadata {
        guard let file = FileBytes(path: path) else {
            return TechnicalMetadata(format: "unknown", notes: ["cannot be opened"])
        }
        if file.size == 0 { return TechnicalMetadata(format: Self.family(mime) ?? "unknown", notes: ["empty file"]) }
        switch Self.family(mime) {
        case "pdf": return PDFParser.parse(file)
        case "jpeg": return JPEGParser.parse(file)
        case "png": return PNGParser.parse(file)
        case "tiff": return TIFFParser.parse(file)
        case "mp3": return MP3Parser.parse(file)
        case "wav": return WAVParser.parse(file)
        case "mp4": return MP4Parser.parse(file)
        case "asf": return ASFParser.parse(file)
        case "avi": return AVIParser.parse(file)
        case "epub": return EPUBParser.parse(file)
        case "text": return TextParser.parse(file)
        default: return TechnicalMetadata(format: "unknown", notes: ["kho does not characterise \(mime) files"])
        }
    }

    /// The MIME type libmagic gave, made precise where the container says more: an ASF file is
    /// WMV video (`video/x-ms-wmv`) when it holds a video stream, WMA audio (`audio/x-ms-wma`)
    /// when it holds audio alone; libmagic says `video/x-ms-asf` for both.
    public static func refine(mime: String, path: String) -> String {
        guard mime == "video/x-ms-asf" || mime == "application/vnd.ms-asf", let file = FileBytes(path: path) else {
            return mime
        }
        return ASFParser.mime(file) ?? mime
    }

    static func family(_ mime: String) -> String? {
        switch mime {
        case "application/pdf": "pdf"
        case "image/jpeg": "jpeg"
        case "image/png": "png"
        case "image/tiff": "tiff"
        case "audio/mpeg": "mp3"
        case "audio/x-wav", "audio/wav", "audio/vnd.wave": "wav"
        case "video/mp4", "video/quicktime", "audio/mp4", "audio/x-m4a", "video/3gpp": "mp4"
        case "application/epub+zip": "epub"
        case "video/x-ms-asf", "application/vnd.ms-asf", "video/x-ms-wmv", "audio/x-ms-wma": "asf"
        case "video/x-msvideo", "video/avi", "video/msvideo": "avi"
        default: mime.hasPrefix("text/") ? "text" : nil
        }
    }
}
