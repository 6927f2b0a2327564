import CompressNIO
import HTTPTypes
import Hummingbird
import NIOCore

/// gzip for the text kho writes itself (pages, JSON, XML, CSS, SVG), when the client accepts it
/// (compress-nio, over zlib). Stored files are never touched: they keep their bytes, their
/// strong ETag and their byte ranges.
struct CompressionMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext

    /// Smaller answers gain nothing worth the work (a gzip header alone is 18 bytes).
    static let minimumSize = 1024
    /// Answers built in memory are far smaller; anything larger is left as it is.
    static let maximumSize = 8 << 20
    static let compressibleTypes = [
        "text/", "application/json", "application/xml", "application/xhtml+xml", "image/svg+xml",
        "application/javascript", "application/ld+json",
    ]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        var response = try await next(request, context)
        guard let type = response.headers[.contentType]?.lowercased(),
            Self.compressibleTypes.contains(where: { type.hasPrefix($0) }),
            response.headers[.acceptRanges] == nil, response.headers[.contentEncoding] == nil
        else { return response }
        // The answer depends on Accept-Encoding, whichever way it goes: tell caches.
        response.headers.append(HTTPField(name: .vary, value: "Accept-Encoding"))
        guard request.method == .get, Self.acceptsGzip(request.headers[values: .acceptEncoding]),
            ![.partialContent, .notModified, .noContent].contains(response.status),
            let length = response.headers[.contentLength].flatMap(Int.init),
            (Self.minimumSize...Self.maximumSize).contains(length)
        else { return response }

        let collector = Collector(capacity: length)
        try await response.body.write(collector)
        var plain = collector.buffer
        var compressed = try plain.compress(with: .gzip(configuration: .init(compressionLevel: 6)))
        guard compressed.readableBytes < collector.buffer.readableBytes else {
            response.body = .init(byteBuffer: collector.buffer)
            return response
        }
        response.headers[.contentEncoding] = "gzip"
        response.headers[.contentLength] = String(compressed.readableBytes)
        // Another representation: a strong validator of the identity bytes no longer applies.
        if let tag = response.headers[.eTag], !tag.hasPrefix("W/") { response.headers[.eTag] = "W/" + tag }
        compressed.discardReadBytes()
        response.body = .init(byteBuffer: compressed)
        return response
    }

    /// Whether `Accept-Encoding` allows gzip (or anything, with `*`), with a non-zero quality.
    static func acceptsGzip(_ values: [String]) -> Bool {
        var gzip: Double?
        var any: Double?
        for item in values.joined(separator: ",").split(separator: ",") {
            let parts = item.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard let coding = parts.first, !coding.isEmpty else { continue }
            var quality = 1.0
            for parameter in parts.dropFirst() where parameter.hasPrefix("q=") {
                quality = Double(parameter.dropFirst(2)) ?? 0
            }
            if coding == "gzip" || coding == "x-gzip" { gzip = quality } else if coding == "*" { any = quality }
        }
        return (gzip ?? any ?? 0) > 0
    }

    /// Gathers an in-memory answer's bytes.
    final class Collector: ResponseBodyWriter {
        var buffer: ByteBuffer
        init(capacity: Int) { buffer = ByteBufferAllocator().buffer(capacity: capacity) }
        func write(_ buffer: ByteBuffer) async throws {
            var copy = buffer
            self.buffer.writeBuffer(&copy)
        }
        func finish(_ trailingHeaders: HTTPFields?) async throws {}
    }
}
