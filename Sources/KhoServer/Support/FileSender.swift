import Foundation
import HTTPTypes
import Hummingbird
import KhoCore
import NIOCore

/// Sends a stored file: streamed from disk in chunks (never read whole), with its hash as a
/// strong entity tag, its date, its original name, single byte ranges and conditional requests.
enum FileSender {
    static let fileIO = FileIO()

    /// Types a browser would run as a page on kho's own origin: always sent as attachments, sandboxed.
    static let activeTypes: Set<String> = [
        "text/html", "application/xhtml+xml", "image/svg+xml", "text/xml", "application/xml", "text/javascript",
        "application/javascript", "application/x-javascript",
    ]

    static func send(
        path: String, file: StoredFile, request: Request, context: BasicRequestContext, head: Bool, download: Bool
    ) async throws -> Response {
        let size = file.object.size
        let etag = "\"\(file.object.sha256)\""
        let lastModified = file.addedAt
        let mime = file.object.mime.isEmpty ? "application/octet-stream" : file.object.mime
        let active = activeTypes.contains(mime.lowercased())
        var headers: HTTPFields = [
            .eTag: etag, .lastModified: HTTPDate.string(lastModified), .acceptRanges: "bytes",
            .cacheControl: "public, max-age=3600",
            .contentDisposition: ContentDisposition.value(file.originalName, inline: !download && !active),
            .contentType: mime.hasPrefix("text/") ? "\(mime); charset=utf-8" : mime,
        ]
        if mime != "application/pdf" {
            // Whatever the file holds, it runs nothing on kho's origin. (A PDF keeps the browser's
            // own viewer, which a sandbox would block.)
            headers[.contentSecurityPolicy] = "default-src 'none'; img-src 'self'; media-src 'self'; style-src 'unsafe-inline'; sandbox"
        }
        let answer = FileAnswer.decide(
            size: size, etag: etag, lastModified: lastModified, range: request.headers[.range],
            ifNoneMatch: request.headers[.ifNoneMatch], ifModifiedSince: request.headers[.ifModifiedSince],
            ifRange: request.headers[.ifRange])
        guard FileManager.default.isReadableFile(atPath: path) else {
            context.logger.error("stored object missing", metadata: ["sha256": .string(file.object.sha256)])
            throw PageError.unavailable("Tệp này tạm thời không đọc được trong kho lưu trữ; vui lòng thử lại sau.")
        }
        switch answer {
        case .notModified:
            var notModified = HTTPFields()
            for name in [HTTPField.Name.eTag, .lastModified, .cacheControl] { notModified[name] = headers[name] }
            return Response(status: .notModified, headers: notModified)
        case .unsatisfiable:
            return Response(
                status: .rangeNotSatisfiable,
                headers: [.contentRange: "bytes */\(size)", .contentLength: "0", .acceptRanges: "bytes"])
        case .whole:
            headers[.contentLength] = String(size)
            if head || size == 0 { return Response(status: .ok, headers: headers) }
            let body = try await fileIO.loadFile(path: path, range: 0...Int(size - 1), context: context)
            return Response(status: .ok, headers: headers, body: body)
        case .part(let range):
            headers[.contentLength] = String(range.count)
            headers[.contentRange] = "bytes \(range.lowerBound)-\(range.upperBound)/\(size)"
            if head { return Response(status: .partialContent, headers: headers) }
            let body = try await fileIO.loadFile(
                path: path, range: Int(range.lowerBound)...Int(range.upperBound), context: context)
            return Response(status: .partialContent, headers: headers, body: body)
        }
    }
}
