import Foundation
import Testing

@Suite("QR codes for products, label sheets and the base URL")
struct QRTests {
    /// A workspace with the sample corpus and a base URL.
    static func workspace() throws -> (Workspace, [String: String]) {
        let ws = try SearchListEditTests.sampleWorkspace()
        try ws.ok("config", "set", "base-url", "https://kho.example.gov.vn/")
        var ids: [String: String] = [:]
        for product in try ws.products() { ids[product["kind"] as! String] = product["id"] as? String }
        return (ws, ids)
    }

    /// What zbarimg reads from an image.
    static func decode(_ path: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/zbarimg")
        process.arguments = ["--nodbus", "-q", "--raw", path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test("the base URL is checked and stored without a trailing slash")
    func baseURL() throws {
        let (ws, _) = try Self.workspace()
        #expect(try ws.ok("config", "get", "base-url").stdout == "https://kho.example.gov.vn\n")
        for bad in ["ftp://kho.example.gov.vn", "kho.example.gov.vn", "https://", "https://x.vn/?a=1"] {
            let result = try ws.kho("config", "set", "base-url", bad)
            #expect(result.status != 0, "\(bad) was accepted")
            #expect(result.stderr.contains("base-url"))
        }
        #expect(try ws.ok("config", "get", "base-url").stdout == "https://kho.example.gov.vn\n")
        #expect(try ws.kho("config", "set", "colour", "red").stderr.contains("unknown setting 'colour'"))
    }

    @Test("every PNG decodes to the product's link, at each error-correction level and size")
    func pngDecodes() throws {
        let (ws, ids) = try Self.workspace()
        let id = try #require(ids["ebook"])
        for (ecc, options) in [
            ("L", ["--module", "3"]), ("M", []), ("Q", ["--size", "300"]), ("H", ["--module", "10", "--margin", "6"]),
        ] {
            let out = ws.root.appendingPathComponent("qr-\(ecc).png").path
            let result = try ws.kho(["qr", id, "--ecc", ecc, "--out", out] + options)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(try Self.decode(out) == "https://kho.example.gov.vn/p/\(id)", "ECC \(ecc)")
        }
        // --size gives at most the width asked for.
        let sized = try Data(contentsOf: ws.root.appendingPathComponent("qr-Q.png"))
        let width = sized[16..<20].reduce(0) { $0 << 8 | Int($1) }
        #expect(width <= 300 && width > 250)
        let log = try #require(try ws.ok("log", id, "--type", "creation", "--json").json() as? [[String: Any]])
        #expect(log.count == 4 && (log.first?["detail"] as? [String: String])?["what"] == "qr code")
    }

    @Test("the same product and options give the same bytes; SVG and PDF are written too")
    func deterministicFormats() throws {
        let (ws, ids) = try Self.workspace()
        let id = try #require(ids["book"])
        try ws.ok("qr", id, "--out", "a.png")
        try ws.ok("qr", id, "--out", "b.png")
        #expect(
            try Data(contentsOf: ws.root.appendingPathComponent("a.png"))
                == Data(contentsOf: ws.root.appendingPathComponent("b.png")))
        try ws.ok("qr", id, "--format", "svg", "--print-size", "30mm", "--out", "a.svg")
        let svg = try String(contentsOfFile: ws.root.appendingPathComponent("a.svg").path, encoding: .utf8)
        #expect(svg.contains("width=\"30mm\"") && svg.contains("<path"))
        try ws.ok("qr", id, "--format", "pdf", "--print-size", "1in", "--out", "a.pdf")
        let pdf = try String(contentsOfFile: ws.root.appendingPathComponent("a.pdf").path, encoding: .isoLatin1)
        #expect(pdf.contains("/MediaBox [0 0 72 72]"))
        // Several products go to a folder, one file each.
        let second = try #require(ids["article"])
        try ws.ok("qr", id, second, "--out", "codes/")
        #expect(
            try Self.decode(ws.root.appendingPathComponent("codes/\(second).png").path)
                == "https://kho.example.gov.vn/p/\(second)")
    }

    @Test("bad input: unknown ids, no base URL, a product with no file")
    func badInput() throws {
        let (ws, ids) = try Self.workspace()
        let unknown = try ws.kho("qr", try #require(ids["book"]), "0000000000000000", "--out", "codes/")
        #expect(unknown.status != 0 && unknown.stderr.contains("product 0000000000000000: not in this catalogue"))
        #expect(!FileManager.default.fileExists(atPath: ws.root.appendingPathComponent("codes").path))
        try ws.ok("config", "unset", "base-url")
        let noBase = try ws.kho("qr", try #require(ids["book"]))
        #expect(noBase.status != 0 && noBase.stderr.contains("kho config set base-url"))
        let poster = try #require(ids["poster"])
        let warned = try ws.ok("qr", poster, "--base-url", "https://kho.example.gov.vn", "--out", "p.png")
        #expect(warned.stderr.contains("has no digital file yet"))
        let forced = try ws.ok("qr", poster, "--base-url", "https://kho.example.gov.vn", "--out", "p.png", "--force")
        #expect(!forced.stderr.contains("warning"))
        #expect(try ws.kho("qr", poster, "--base-url", "ftp://x").status != 0)
    }

    @Test("label sheets: every product with its title, id and link, 15 to an A4 page")
    func sheets() throws {
        let (ws, ids) = try Self.workspace()
        try ws.ok("qr", "sheet", "--out", "labels.html")
        let html = try String(contentsOfFile: ws.root.appendingPathComponent("labels.html").path, encoding: .utf8)
        let ebook = try #require(ids["ebook"])
        #expect(html.contains("Sổ tay quyền trẻ em") && html.contains(ebook))
        #expect(html.contains("kho.example.gov.vn/p/") && html.contains("size: A4"))
        try ws.ok("qr", "sheet", "--kind", "ebook", "--out", "one.svg")
        let svg = try String(contentsOfFile: ws.root.appendingPathComponent("one.svg").path, encoding: .utf8)
        #expect(svg.contains("width=\"210mm\" height=\"297mm\"") && svg.components(separatedBy: "<g>").count == 2)
        #expect(
            try ws.kho("qr", "sheet", "--kind", "leaflet", "--out", "none.svg").stderr.contains("no products to label"))
    }
}
