import Foundation
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
#if canImport(Glibc)
    import Glibc
#endif

@Suite("several writers and the web server at once")
struct ConcurrencyTests {
    /// Files `first..<last` of a numbered series: the same index always has the same content.
    static func series(_ ws: Workspace, folder: String, _ range: Range<Int>, size: Int = 3 << 20) throws {
        for index in range {
            var data = Data(count: size)
            data[0] = UInt8(index)
            data[size / 2] = UInt8(index)
            data[size - 1] = 0x4B
            try ws.write("\(folder)/clip-\(index).bin", data)
        }
    }

    @Test("ingests and imports of overlapping files, with kho serve and reports reading: nothing lost, nothing twice, no lock error")
    func writersAndServer() async throws {
        let ws = try DoctorTests.corpus()
        // A province's bundle whose files are also in the folders the archivists ingest.
        let province = ws.root.appendingPathComponent("province").path
        try ws.ok("init", "--repo", province)
        try Self.series(ws, folder: "province-files", 0..<6)
        try ws.ok("ingest", "--repo", province, "province-files", "--kind", "video", "--province", "gia-lai")
        try ws.ok("export", "--repo", province, "--out", "bundle.zip")
        let bundleIDs = Set(
            try #require(try ws.ok("list", "--repo", province, "--json").json() as? [[String: Any]])
                .compactMap { $0["id"] as? String })
        try Self.series(ws, folder: "batch-a", 0..<10)
        try Self.series(ws, folder: "batch-b", 6..<16)

        let port = try ServeTests.freePort()
        let base = "http://127.0.0.1:\(port)"
        let server = ws.start(["serve", "--port", String(port)])
        defer { if server.process.isRunning { server.process.terminate() } }
        var ready = false
        for _ in 0..<100 where !ready {
            ready = (try? await ServeTests.get("\(base)/healthz").0) == 200
            if !ready { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(ready)

        // Five writers at once: the same folder twice, an overlapping one, the same bundle twice;
        // and a fixity check recording its results beside them.
        let writers = [
            ws.start(["ingest", "batch-a", "--kind", "video"]),
            ws.start(["ingest", "batch-b", "--kind", "video"]),
            ws.start(["import", "bundle.zip"]),
            ws.start(["ingest", "batch-a", "--kind", "video"]),
            ws.start(["import", "bundle.zip"]),
            ws.start(["verify"]),
        ]
        // Reports and the web side read while they write: each report is one snapshot.
        var totals: [Int] = []
        var pages = 0
        while writers.contains(where: { $0.process.isRunning }) {
            let report = try ws.kho("report", "summary", "--format", "json")
            #expect(report.status == 0, "\(report.stderr)")
            if let json = try? report.json() as? [String: Any],
                let catalogue = json["catalogue"] as? [String: Any], let products = catalogue["products"] as? Int,
                let counted = ((json["totals"] as? [String: Any])?["coverage"] as? [String: Any])?["products"] as? Int
            {
                #expect(counted == products, "a report mixed two states: \(counted) counted, \(products) in its state")
                totals.append(products)
            }
            let (status, _, _) = try await ServeTests.get("\(base)/api/v1/reports/summary?by=province")
            #expect(status == 200)
            let (listed, _, _) = try await ServeTests.get("\(base)/catalogue?q=clip")
            #expect(listed == 200)
            pages += 2
        }
        var messages = ""
        for writer in writers {
            writer.process.waitUntilExit()
            let result = ws.finish(writer)
            #expect(result.status == 0, "\(result.stderr)")
            messages += result.stderr
        }
        #expect(!messages.lowercased().contains("database is locked"))
        #expect(!messages.lowercased().contains("busy"))
        #expect(totals == totals.sorted(), "the product count went backwards while only additions ran: \(totals)")

        // Every content stored once, every bundle product here once, every path ingested once.
        let products = try ws.products()
        let ids = products.compactMap { $0["id"] as? String }
        #expect(Set(ids).count == ids.count)
        #expect(bundleIDs.isSubset(of: Set(ids)))
        let names = products.flatMap { ($0["files"] as? [[String: Any]]) ?? [] }
            .filter { ($0["original_name"] as? String)?.hasPrefix("clip-") == true }
        let shas = Set(names.compactMap { $0["sha256"] as? String })
        #expect(shas.count == 16, "16 distinct contents, each held")
        #expect(ws.storedObjects() == (try ws.referencedObjects()))
        let ingestedPaths = try ws.ok("log", "--type", "ingestion", "--json").stdout
        for index in 0..<10 {
            let count = ingestedPaths.components(separatedBy: "\"batch-a/clip-\(index).bin\"").count - 1
            #expect(count <= 1, "batch-a/clip-\(index).bin ingested \(count) times")
        }
        let doctor = try DoctorTests.report(ws)
        #expect(doctor.status == 0)
        #expect(DoctorTests.findings(doctor.json).isEmpty, "\(DoctorTests.findings(doctor.json))")
        #expect(try ws.kho("verify").status == 0)
        #expect(pages > 0)
    }
}
