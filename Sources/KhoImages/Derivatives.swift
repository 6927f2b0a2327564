import CVips
import Foundation
import KhoCore

#if canImport(Glibc)
    import Glibc
#endif

/// A web image format an exhibition serves.
public enum WebImageFormat: String, Sendable, CaseIterable {
    case webp, jpeg

    public var fileExtension: String { self == .jpeg ? "jpg" : "webp" }
    public var mime: String { self == .jpeg ? "image/jpeg" : "image/webp" }
    /// libvips' save options: a quality that keeps photographs clean at screen sizes, and no
    /// metadata (a camera's GPS position stays in the master).
    var saveOptions: String { self == .jpeg ? "[Q=82,strip,optimize_coding]" : "[Q=78,strip]" }

    public init?(fileExtension: String) {
        switch fileExtension {
        case "jpg", "jpeg": self = .jpeg
        case "webp": self = .webp
        default: return nil
        }
    }
}

/// Why a web-sized image could not be made.
public struct DerivativeError: Error, Sendable, CustomStringConvertible, LocalizedMessage {
    public var source: String
    public var reason: String
    public var description: String { message(.english) }
    public func message(_ l: Localizer) -> String { l("derivative.failed", ["source": source, "reason": reason]) }
}

/// Web-sized copies of stored images (and of a PDF's first page), made with libvips once and
/// kept in a cache folder beside the store: `<folder>/<aa>/<sha256>-<width>.<ext>`. A copy is
/// written under a temporary name and renamed into place, so a reader never sees half of one
/// and two requests that make it at once both end with the same file. The master never leaves
/// the store: only these copies are served.
public final class DerivativeCache: Sendable {
    /// The widths an exhibition offers, for phones to large screens.
    public static let widths = [480, 960, 1600]
    /// The tallest a copy is made, so that a tall poster fits a screen.
    static let maximumHeight = 2000

    public let folder: String

    public init(folder: String) {
        self.folder = folder
    }

    /// Whether libvips can make a web copy of a file of this type.
    public static func canDerive(mime: String) -> Bool {
        ["image/jpeg", "image/png", "image/tiff", "image/webp", "image/gif", "image/jp2", "application/pdf"].contains(mime)
    }

    /// The path of the copy, made now if it is not there yet. `source` is the stored object, of
    /// type `mime` (a PDF's page is rendered at the width asked rather than shrunk from 72 dpi).
    public func derivative(sha256: String, source: String, mime: String, width: Int, format: WebImageFormat) throws
        -> String
    {
        guard sha256.count == 64, sha256.allSatisfy(\.isHexDigit), Self.widths.contains(width) else {
            throw DerivativeError(source: sha256, reason: "not a stored object and an offered width")
        }
        let shard = "\(folder)/\(sha256.prefix(2))"
        let path = "\(shard)/\(sha256)-\(width).\(format.fileExtension)"
        if access(path, R_OK) == 0 { return path }
        try Self.start()
        do {
            try FileManager.default.createDirectory(atPath: shard, withIntermediateDirectories: true)
        } catch {
            throw DerivativeError(source: source, reason: "cannot create \(shard): \(error.localizedDescription)")
        }
        let partial = "\(shard)/.\(sha256)-\(width)-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).\(format.fileExtension)"
        var written: (Int32, Int32) = (0, 0)
        let result = kho_vips_thumbnail(
            source, partial + format.saveOptions, Int32(width), Int32(Self.maximumHeight),
            mime == "application/pdf" ? 1 : 0, &written.0, &written.1)
        guard result == 0 else {
            unlink(partial)
            throw DerivativeError(source: source, reason: Self.lastError())
        }
        guard rename(partial, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(partial)
            throw DerivativeError(source: source, reason: "cannot rename into \(path): \(reason)")
        }
        return path
    }

    /// Every copy of every offered width and format, made now (for a static export).
    public func all(sha256: String, source: String, mime: String) throws
        -> [(width: Int, format: WebImageFormat, path: String)]
    {
        try Self.widths.flatMap { width in
            try WebImageFormat.allCases.map { format in
                (width, format, try derivative(sha256: sha256, source: source, mime: mime, width: width, format: format))
            }
        }
    }

    private static let started: Int32 = kho_vips_start()

    static func start() throws {
        guard started == 0 else { throw DerivativeError(source: "libvips", reason: "libvips did not start: \(lastError())") }
    }

    static func lastError() -> String {
        var buffer = [CChar](repeating: 0, count: 1024)
        kho_vips_error(&buffer, buffer.count)
        let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        let text = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? "libvips could not read the file" : text
    }
}
