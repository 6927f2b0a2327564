import CompressNIO
import Foundation
import HTTPTypes
import NIOCore
import KhoCore
import Testing

@testable import KhoServer

@Suite("kho serve: downloads, ranges and conditional requests")
struct DownloadTests {
    /// The audio file of the fixture: its URL, bytes and stored record.
    func audio(_ harness: ServerHarness) throws -> (url: String, bytes: [UInt8], file: StoredFile) {
        let product = try #require(try harness.fixture.repository.catalogue.product(harness.fixture.audio))
        let file = try #require(product.files.first)
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: harness.site.store.path(for: file.object.sha256))))
        return ("/p/\(product.id)/f/\(file.object.sha256)", bytes, file)
    }

    @Test("a whole file: type, length, strong ETag, date, original name, ranges offered")
    func whole() async throws {
        let harness = try ServerHarness()
        let (url, bytes, file) = try audio(harness)
        let response = try await harness.client { try await $0.fetch(url) }
        #expect(response.status == .ok)
        #expect(response.bytes == bytes)
        #expect(response["Content-Type"] == "audio/mpeg")
        #expect(response["Content-Length"] == String(bytes.count))
        #expect(response["ETag"] == "\"\(file.object.sha256)\"")
        #expect(response["Last-Modified"] == "Wed, 15 Jan 2025 10:00:00 GMT")
        #expect(response["Accept-Ranges"] == "bytes")
        #expect(
            response["Content-Disposition"]
                == "inline; filename=\"phong-su-quyen-dong-bao-jrai.mp3\"; filename*=UTF-8''phong-su-quyen-dong-bao-jrai.mp3")
    }

    @Test("single ranges give 206 with the right bytes; past the end gives 416")
    func ranges() async throws {
        let harness = try ServerHarness()
        let (url, bytes, _) = try audio(harness)
        let size = bytes.count
        let answers = try await harness.client { client in
            [
                try await client.fetch(url, headers: [.range: "bytes=0-99"]),
                try await client.fetch(url, headers: [.range: "bytes=100-"]),
                try await client.fetch(url, headers: [.range: "bytes=-50"]),
                try await client.fetch(url, headers: [.range: "bytes=\(size - 10)-\(size + 1000)"]),
                try await client.fetch(url, headers: [.range: "bytes=\(size)-"]),
                try await client.fetch(url, headers: [.range: "bytes=0-0,5-9"]),
                try await client.fetch(url, headers: [.range: "bytes=9-1"]),
                try await client.fetch(url, headers: [.range: "lines=1-2"]),
                try await client.fetch(url, headers: [.range: "bytes=0-" + String(repeating: "9", count: 400)]),
                try await client.fetch(url, headers: [.range: "bytes=99999999999999999999999-"]),
            ]
        }
        #expect(answers[0].status == .partialContent)
        #expect(answers[0].bytes == Array(bytes[0...99]))
        #expect(answers[0]["Content-Range"] == "bytes 0-99/\(size)")
        #expect(answers[1].bytes == Array(bytes[100...]))
        #expect(answers[2].bytes == Array(bytes[(size - 50)...]))
        #expect(answers[3].bytes == Array(bytes[(size - 10)...]))
        #expect(answers[4].status == .rangeNotSatisfiable)
        #expect(answers[4]["Content-Range"] == "bytes */\(size)")
        // Multi-range, reversed, other units, overlong and absurd: the whole file, as RFC 9110 allows.
        for answer in answers[5...] {
            #expect(answer.status == .ok)
            #expect(answer.bytes.count == size)
        }
    }

    @Test("conditional requests: 304 when the copy is current, the whole file when If-Range does not match")
    func conditional() async throws {
        let harness = try ServerHarness()
        let (url, bytes, file) = try audio(harness)
        let etag = "\"\(file.object.sha256)\""
        let answers = try await harness.client { client in
            [
                try await client.fetch(url, headers: [.ifNoneMatch: etag]),
                try await client.fetch(url, headers: [.ifNoneMatch: "\"other\", \(etag)"]),
                try await client.fetch(url, headers: [.ifNoneMatch: "\"other\""]),
                try await client.fetch(url, headers: [.ifModifiedSince: "Wed, 15 Jan 2025 10:00:00 GMT"]),
                try await client.fetch(url, headers: [.ifModifiedSince: "Tue, 14 Jan 2025 10:00:00 GMT"]),
                try await client.fetch(url, headers: [.range: "bytes=0-9", .ifRange: etag]),
                try await client.fetch(url, headers: [.range: "bytes=0-9", .ifRange: "\"stale\""]),
                try await client.fetch(url, headers: [.range: "bytes=0-9", .ifRange: "Wed, 15 Jan 2025 10:00:00 GMT"]),
                // If-None-Match wins over If-Modified-Since.
                try await client.fetch(
                    url, headers: [.ifNoneMatch: "\"other\"", .ifModifiedSince: "Wed, 15 Jan 2025 10:00:00 GMT"]),
            ]
        }
        #expect(answers[0].status == .notModified)
        #expect(answers[0].bytes.isEmpty)
        #expect(answers[0]["ETag"] == etag)
        #expect(answers[1].status == .notModified)
        #expect(answers[2].status == .ok)
        #expect(answers[3].status == .notModified)
        #expect(answers[4].status == .ok)
        #expect(answers[5].status == .partialContent)
        #expect(answers[6].status == .ok)
        #expect(answers[6].bytes.count == bytes.count)
        #expect(answers[7].status == .partialContent)
        #expect(answers[8].status == .ok)
    }

    @Test("HEAD answers the headers without the body")
    func head() async throws {
        let harness = try ServerHarness()
        let (url, bytes, _) = try audio(harness)
        let response = try await harness.client { try await $0.fetch(url, method: .head) }
        #expect(response.status == .ok)
        #expect(response["Content-Length"] == String(bytes.count))
        #expect(response.bytes.isEmpty)
    }

    @Test("UTF-8 names are sent per RFC 6266, with an ASCII fallback")
    func names() {
        let value = ContentDisposition.value("Sổ tay \"quyền\".epub", inline: false)
        #expect(value == "attachment; filename=\"S_ tay _quy_n_.epub\"; filename*=UTF-8''S%E1%BB%95%20tay%20%22quy%E1%BB%81n%22.epub")
    }

    @Test("no path reaches outside the store or outside the product's own files")
    func traversal() async throws {
        let harness = try ServerHarness()
        let fixture = harness.fixture
        let (_, _, audio) = try audio(harness)
        let other = "/p/\(fixture.pdf)/f/\(audio.object.sha256)"  // another product's file
        let hidden = try #require(try fixture.repository.catalogue.product(fixture.privateProduct))
        let paths = [
            other,
            "/p/\(fixture.audio)/f/..%2F..%2Fcatalogue.sqlite",
            "/p/\(fixture.audio)/f/%2e%2e%2f%2e%2e%2fcatalogue.sqlite",
            "/p/\(fixture.audio)/f/%252e%252e%252fcatalogue.sqlite",
            "/p/\(fixture.audio)/f/..%5C..%5Ccatalogue.sqlite",
            "/p/\(fixture.audio)/f/\(audio.object.sha256)%00.mp3/x",
            "/p/\(fixture.audio)/f/\(audio.object.sha256.uppercased())",
            "/p/\(fixture.audio)/f/../../../../etc/passwd",
            "/p/..%2F..%2Fetc%2Fpasswd",
            "/p/" + String(repeating: "A", count: 5000),
            "/p/%00%00",
            "/p/\(hidden.id)/f/" + String(repeating: "0", count: 64),
        ]
        let answers = try await harness.client { client in
            var statuses: [HTTPResponse.Status] = []
            for path in paths { statuses.append(try await client.fetch(path).status) }
            return statuses
        }
        for (path, status) in zip(paths, answers) { #expect(status == .notFound, "\(path)") }
    }

    @Test("text kho writes is gzipped for a client that accepts it; stored files never are")
    func compression() async throws {
        let harness = try ServerHarness()
        let (url, bytes, _) = try audio(harness)
        let gzip: HTTPFields = [.acceptEncoding: "br;q=1, gzip;q=0.8"]
        let (plain, page, refused, star, file) = try await harness.client { client in
            (
                try await client.fetch("/catalogue"), try await client.fetch("/catalogue", headers: gzip),
                try await client.fetch("/catalogue", headers: [.acceptEncoding: "gzip;q=0, identity"]),
                try await client.fetch("/api/v1/products?limit=5", headers: [.acceptEncoding: "*"]),
                try await client.fetch(url, headers: gzip)
            )
        }
        #expect(plain["Content-Encoding"] == nil)
        #expect(plain["Vary"]?.contains("Accept-Encoding") == true)
        #expect(page["Content-Encoding"] == "gzip")
        #expect(page["Vary"]?.contains("Accept-Encoding") == true)
        #expect(page["Content-Length"] == String(page.bytes.count))
        #expect(page.bytes.count < plain.bytes.count)
        var compressed = ByteBuffer(bytes: page.bytes)
        let unpacked = try compressed.decompress(with: .gzip())
        #expect(String(buffer: unpacked) == plain.text)
        #expect(refused["Content-Encoding"] == nil)
        #expect(star["Content-Encoding"] == "gzip")
        #expect(file["Content-Encoding"] == nil)
        #expect(file.bytes == bytes)
        #expect(CompressionMiddleware.acceptsGzip(["deflate", "GZIP"]))
        #expect(!CompressionMiddleware.acceptsGzip(["identity"]))
        #expect(!CompressionMiddleware.acceptsGzip(["*;q=0"]))
    }
}
