import Foundation
import KhoBundle
import KhoCore
import KhoFormats
import KhoRepository
import KhoServer

#if canImport(Glibc)
    import Glibc
#endif

/// What `scripts/fuzz TARGET` feeds inputs to: every reader of input someone else made. The fuzz
/// binary (Fuzz/, built with libFuzzer and AddressSanitizer) calls `run` once per input; a crash,
/// a sanitizer report or a hang is a defect, whatever the input.
public enum FuzzTargets {
    /// A target: its file extension (for readers that take a path) and what it does with a file.
    struct Target: Sendable {
        var suffix: String
        var body: @Sendable (_ path: String, _ data: Data) -> Void
    }

    static let characteriser = Characteriser()
    static let vocabulary = try! Vocabulary.builtIn()

    static func format(_ mime: String, _ suffix: String) -> Target {
        Target(suffix: suffix) { path, _ in _ = characteriser.characterise(path: path, mime: mime) }
    }

    static let targets: [String: Target] = [
        "manifest-csv": Target(suffix: ".csv") { path, _ in _ = try? Manifest.read(path) },
        "manifest-json": Target(suffix: ".json") { path, _ in _ = try? Manifest.read(path) },
        "bag-info": Target(suffix: ".txt") { _, data in _ = BagFuzzing.tagFile(data) },
        "bag-manifest": Target(suffix: ".txt") { _, data in _ = BagFuzzing.manifest(data) },
        "bag-zip": Target(suffix: ".zip") { path, _ in _ = try? BagVerifier.verify(path) },
        "bag-tar": Target(suffix: ".tar") { path, _ in _ = try? BagVerifier.verify(path) },
        "pdf": format("application/pdf", ".pdf"),
        "jpeg": format("image/jpeg", ".jpg"),
        "png": format("image/png", ".png"),
        "tiff": format("image/tiff", ".tif"),
        "mp3": format("audio/mpeg", ".mp3"),
        "wav": format("audio/x-wav", ".wav"),
        "mp4": format("video/mp4", ".mp4"),
        "asf": format("video/x-ms-asf", ".wmv"),
        "avi": format("video/x-msvideo", ".avi"),
        "epub": format("application/epub+zip", ".epub"),
        "text": format("text/plain", ".txt"),
        "epub-stamp": Target(suffix: ".epub") { path, _ in
            try? EPUBStamper.stamp(
                input: path, output: path + ".stamped", qrPNG: Data([0x89, 0x50, 0x4E, 0x47]), title: "Sách",
                link: "https://kho.example.gov.vn/p/1M7ZTDBH9VBRKF2N")
            unlink(path + ".stamped")
        },
        "http-range": Target(suffix: "") { _, data in
            let header = String(decoding: data, as: UTF8.self)
            precondition(HTTPFuzzing.range(header, size: 1000), "a range outside the file: \(header)")
            _ = HTTPFuzzing.range(header, size: 0)
            _ = HTTPFuzzing.entityTag(header)
        },
        "http-query": Target(suffix: "") { _, data in
            _ = HTTPFuzzing.query(String(decoding: data, as: UTF8.self), vocabulary: vocabulary)
        },
        "product-id": Target(suffix: "") { _, data in
            let text = String(decoding: data, as: UTF8.self)
            if let id = ProductID(parsing: text) { precondition(ProductID(parsing: id.rawValue) == id) }
            _ = PartialDate(parsing: text)
            _ = ReportPeriod(parsing: text)
            _ = TextFolding.fold(text)
        },
    ]

    public static var names: [String] { targets.keys.sorted() }

    /// Whether `name` is one of the targets.
    public static func isKnown(_ name: String) -> Bool { targets[name] != nil }

    /// Runs one input through `name`, writing it first to a file in `scratch` when the reader
    /// takes a path.
    public static func run(_ name: String, _ data: Data, scratch: String) {
        guard let target = targets[name] else { return }
        let path = "\(scratch)/input\(target.suffix)"
        if !target.suffix.isEmpty {
            guard FileManager.default.createFile(atPath: path, contents: data) else { return }
        }
        target.body(path, data)
    }
}
