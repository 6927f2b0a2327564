import Foundation
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
#if canImport(Glibc)
    import Glibc
#endif

@Suite("kho serve end to end, public and private products, concurrent edits")
struct ServeTests {
    /// A port nobody listens on now.
    static func freePort() throws -> Int {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, length) }
        }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    static func get(_ url: String, headers: [String: String] = [:]) async throws -> (Int, Data, [String: String]) {
        var request = URLRequest(url: try #require(URL(string: url)))
        for (key, value) in headers { request.setValue(value, forHTTPHeaderField: key) }
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = try #require(response as? HTTPURLResponse)
        var fields: [String: String] = [:]
        for (key, value) in http.allHeaderFields {
            if let key = key as? String, let value = value as? String { fields[key.lowercased()] = value }
        }
        return (http.statusCode, data, fields)
    }

    @Test("a QR code made by kho qr, read by zbarimg, opens the product's page on a running kho serve; SIGTERM stops it")
    func qrToLandingPage() async throws {
        let ws = try SearchListEditTests.sampleWorkspace()
        let port = try Self.freePort()
        let base = "http://127.0.0.1:\(port)"
        try ws.ok("config", "set", "base-url", base)
        let products = try ws.products()
        let audio = try #require(products.first { $0["kind"] as? String == "radio-report" })
        let id = try #require(audio["id"] as? String)
        let png = ws.root.appendingPathComponent("qr.png").path
        try ws.ok("qr", id, "--out", png)
        let link = try QRTests.decode(png)
        #expect(link == "\(base)/p/\(id)")

        let server = ws.start(["serve", "--port", String(port)])
        defer { if server.process.isRunning { server.process.terminate() } }
        var ready = false
        for _ in 0..<100 where !ready {
            ready = (try? await Self.get("\(base)/healthz").0) == 200
            if !ready { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(ready, "kho serve did not answer on \(base)")
        let (status, page, _) = try await Self.get(link)
        #expect(status == 200)
        let html = String(decoding: page, as: UTF8.self)
        #expect(html.contains("Phóng sự: Quyền của đồng bào dân tộc thiểu số"))
        let files = try #require(audio["files"] as? [[String: Any]])
        let sha256 = try #require(files.first?["sha256"] as? String)
        let (rangeStatus, bytes, headers) = try await Self.get(
            "\(base)/p/\(id)/f/\(sha256)", headers: ["Range": "bytes=10-19"])
        #expect(rangeStatus == 206)
        #expect(bytes.count == 10)
        #expect(headers["content-range"]?.hasPrefix("bytes 10-19/") == true)
        let original = try Data(contentsOf: ws.root.appendingPathComponent("storage/objects/\(sha256.prefix(2))/\(sha256.dropFirst(2).prefix(2))/\(sha256)"))
        #expect(bytes == original[10..<20])

        server.process.terminate()  // SIGTERM
        server.process.waitUntilExit()
        let result = ws.finish(server)
        #expect(result.status == 0)
        #expect(result.stderr.contains("kho serve: listening on \(base)"))
        #expect(result.stderr.contains("kho serve: stopped"))
        #expect(result.stderr.contains("access"))  // the access log
    }

    @Test("--private keeps a product off the web; edit --public and --private change it, with an event")
    func visibility() throws {
        let ws = try Workspace()
        try ws.ok("init")
        let file = try ws.copySample("bai-viet-quyen-tre-em.txt")
        let ingested = try ws.ok("ingest", file, "--kind", "article", "--lang", "vi", "--private", "--json")
        let items = try #require((try ingested.json() as? [String: Any])?["items"] as? [[String: Any]])
        let id = try #require((items.first?["product"] as? [String: Any])?["id"] as? String)
        #expect(try ws.products().first?["public"] as? Bool == false)
        try ws.ok("edit", id, "--public")
        #expect(try ws.products().first?["public"] as? Bool == true)
        let log = try #require(try ws.ok("log", id, "--json").json() as? [[String: Any]])
        let change = try #require(log.last?["detail"] as? [String: String])
        #expect(change["changed"] == "public")
        #expect(change["public.before"] == "no")
        #expect(try ws.kho("edit", id, "--public", "--private").status != 0)
        // A manifest column says the same.
        try ws.write("m.csv", "path,title,kind,languages,public\nbai-viet-quyen-tre-em.txt,Bài viết,article,vi,no\n")
        try ws.write("other/bai-viet-quyen-tre-em.txt", "một bài viết khác\n")
        try ws.ok("ingest", ws.root.appendingPathComponent("other").path, "--manifest", "m.csv")
        #expect(try ws.products().filter { $0["public"] as? Bool == false }.count == 1)
        try ws.write("bad.csv", "path,title,kind,public\nbai-viet-quyen-tre-em.txt,Bài viết,article,maybe\n")
        let bad = try ws.kho("ingest", ws.root.appendingPathComponent("other").path, "--manifest", "bad.csv")
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("public"))
        #expect(bad.stderr.contains("maybe"))
    }

    @Test("two editors at once: the one that read an older record writes nothing and says why")
    func concurrentEdits() throws {
        let ws = try SearchListEditTests.sampleWorkspace()
        let id = try #require(try ws.products().first?["id"] as? String)
        let flag = ws.root.appendingPathComponent("go").path
        let slow = ws.start(["edit", id, "--title", "Tiêu đề thứ nhất"], environment: ["KHO_PAUSE_BEFORE_WRITE": flag])
        var waited = 0
        while !FileManager.default.fileExists(atPath: flag + ".waiting") && waited < 300 {
            usleep(20_000)
            waited += 1
        }
        try ws.ok("edit", id, "--title", "Tiêu đề thứ hai")
        FileManager.default.createFile(atPath: flag, contents: Data())
        slow.process.waitUntilExit()
        let result = ws.finish(slow)
        #expect(result.status != 0)
        #expect(result.stderr.contains("changed by another command"))
        #expect(result.stderr.contains("nothing was written"))
        let product = try #require(try ws.products().first { $0["id"] as? String == id })
        #expect(product["title"] as? String == "Tiêu đề thứ hai")
    }
}
