import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A small tmpfs the test mounts (it runs as root in CI), holding a repository or an export.
final class SmallDisk {
    let path: String

    init(_ ws: Workspace, megabytes: Int) throws {
        path = ws.root.appendingPathComponent("disk").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        #expect(try Workspace.shell("mount -t tmpfs -o size=\(megabytes)m kho-test '\(path)'") == 0)
    }

    func remount(readOnly: Bool) throws {
        #expect(try Workspace.shell("mount -o remount,\(readOnly ? "ro" : "rw") '\(path)'") == 0)
    }

    var free: Int64 {
        var disk = statvfs()
        return statvfs(path, &disk) == 0 ? Int64(disk.f_bavail) * Int64(disk.f_frsize) : 0
    }

    deinit { _ = try? Workspace.shell("umount -l '\(path)'") }

    /// Whether this process may mount a tmpfs (root, and a kernel that lets it).
    static let available: Bool = {
        guard getuid() == 0 else { return false }
        let probe = FileManager.default.temporaryDirectory.appendingPathComponent("kho-mount-probe-\(getpid())").path
        try? FileManager.default.createDirectory(atPath: probe, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: probe) }
        guard (try? Workspace.shell("mount -t tmpfs -o size=1m kho-probe '\(probe)' 2>/dev/null")) == 0 else {
            return false
        }
        _ = try? Workspace.shell("umount '\(probe)'")
        return true
    }()
}

@Suite("full and read-only disks", .enabled(if: SmallDisk.available, "needs root and tmpfs mounts"))
struct FullDiskTests {
    static func random(_ ws: Workspace, _ name: String, bytes: Int) throws -> String {
        let path = ws.root.appendingPathComponent(name).path
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        #expect(try Workspace.shell("head -c \(bytes) /dev/urandom > '\(path)'") == 0)
        return path
    }

    /// The repository on the small disk is whole and usable: doctor and verify clean, nothing left.
    static func expectUsable(_ ws: Workspace, _ repo: String, products: Int) throws {
        let doctor = try ws.kho("doctor", "--repo", repo, "--json")
        let report = try #require(try doctor.json() as? [String: Any])
        #expect(report["ok"] as? Bool == true, "\(doctor.stdout)")
        let verify = try ws.kho("verify", "--repo", repo, "--no-record")
        #expect(verify.status == 0, "\(verify.stderr)")
        let list = try #require(try ws.kho("list", "--repo", repo, "--json").json() as? [[String: Any]])
        #expect(list.count == products)
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: "\(repo)/tmp")) ?? []).isEmpty)
    }

    @Test("an ingest that cannot fit is refused before it copies anything, naming the path and the space")
    func ingestRefusedUpFront() throws {
        let ws = try Workspace()
        let disk = try SmallDisk(ws, megabytes: 16)
        let repo = disk.path + "/repo"
        try ws.ok("init", "--repo", repo)
        _ = try Self.random(ws, "big/a.bin", bytes: 10 << 20)
        _ = try Self.random(ws, "big/b.bin", bytes: 10 << 20)
        let result = try ws.kho("ingest", "--repo", repo, "big", "--kind", "video")
        #expect(result.status != 0)
        #expect(result.stderr.contains(repo), "\(result.stderr)")
        #expect(result.stderr.contains("2 file(s) need"), "\(result.stderr)")
        #expect(result.stderr.contains("nothing was copied"))
        try Self.expectUsable(ws, repo, products: 0)
    }

    @Test("running out of space in the middle: a clear error, what was stored kept, nothing half-written, a re-run finishes")
    func ingestRunsOut() throws {
        let ws = try Workspace()
        let disk = try SmallDisk(ws, megabytes: 24)
        let repo = disk.path + "/repo"
        try ws.ok("init", "--repo", repo)
        // Files of one size: the first is stored, and the others, the same size as a stored object,
        // might be that object, so the estimate lets the ingest start; the disk then runs out.
        let first = try Self.random(ws, "first/one.bin", bytes: 6 << 20)
        try ws.ok("ingest", "--repo", repo, first, "--kind", "video")
        for index in 0..<4 { _ = try Self.random(ws, "more/clip-\(index).bin", bytes: 6 << 20) }
        let result = try ws.kho("ingest", "--repo", repo, "more", "--kind", "video")
        #expect(result.status != 0)
        // The disk runs out under the object being copied, or under the catalogue's write after it.
        #expect(
            result.stderr.contains("No space left on device") || result.stderr.contains("không còn chỗ")
                || result.stderr.contains("the disk that holds the catalogue is full"), "\(result.stderr)")
        #expect(result.stderr.contains(repo), "\(result.stderr)")
        let stored = try #require(try ws.kho("list", "--repo", repo, "--json").json() as? [[String: Any]]).count
        #expect(stored >= 1 && stored < 5)
        try Self.expectUsable(ws, repo, products: stored)
        // Space made: the same command finishes the job, with nothing twice.
        #expect(try Workspace.shell("mount -o remount,size=64m '\(disk.path)'") == 0)
        try ws.ok("ingest", "--repo", repo, "more", "--kind", "video")
        try Self.expectUsable(ws, repo, products: 5)
    }

    @Test("import, attach, e-book stamping and export onto a full disk: refused or stopped cleanly, the repository whole")
    func otherWriters() throws {
        let ws = try Workspace()
        let disk = try SmallDisk(ws, megabytes: 12)
        let repo = disk.path + "/repo"
        try ws.ok("init", "--repo", repo)
        let samples = Workspace.samples.path
        try ws.ok("ingest", "--repo", repo, samples, "--manifest", "\(samples)/manifest.csv")
        try ws.ok("config", "set", "--repo", repo, "base-url", "https://kho.example.gov.vn")
        // A bundle from elsewhere, bigger than the space left.
        let province = ws.root.appendingPathComponent("province").path
        try ws.ok("init", "--repo", province)
        let big = try Self.random(ws, "province-files/video.bin", bytes: 14 << 20)
        try ws.ok("ingest", "--repo", province, big, "--kind", "video")
        try ws.ok("export", "--repo", province, "--out", "bundle.tar")
        let imported = try ws.kho("import", "--repo", repo, "bundle.tar")
        #expect(imported.status != 0)
        #expect(imported.stderr.contains("nothing was imported"), "\(imported.stderr)")
        try Self.expectUsable(ws, repo, products: 6)

        // Fill the disk, leaving a little room.
        let filler = disk.path + "/filler"
        #expect(try Workspace.shell("head -c \(max(0, disk.free - (300 << 10))) /dev/zero > '\(filler)'") == 0)
        let scan = try Self.random(ws, "scan.bin", bytes: 2 << 20)
        let id = try #require(try ws.kho("list", "--repo", repo, "--ids").stdout.split(separator: "\n").first)
        let attached = try ws.kho("attach", "--repo", repo, String(id), scan)
        #expect(attached.status != 0)
        #expect(attached.stderr.contains("not enough space on the file system of \(repo)"), "\(attached.stderr)")
        #expect(attached.stderr.contains("1 file(s) need 3.1 MB"), "\(attached.stderr)")
        try Self.expectUsable(ws, repo, products: 6)

        let ebook = try #require(
            (try ws.kho("list", "--repo", repo, "--kind", "ebook", "--ids")).stdout.split(separator: "\n").first)
        #expect(try Workspace.shell("cat /dev/zero >> '\(filler)' 2>/dev/null; true") == 0)  // not a byte left
        let stamped = try ws.kho("ebook", "stamp", "--repo", repo, String(ebook))
        #expect(stamped.status != 0, "\(stamped.stdout)")
        if ws.onPostgres(repo: repo) {
            // The catalogue is on the server, not on this disk: the store's own check refuses.
            #expect(stamped.stderr.contains("not enough space on the file system of \(repo)"), "\(stamped.stderr)")
        } else {
            // With no byte left SQLite cannot even open a WAL catalogue (its shared-memory file must
            // grow): the error says the disk is full, and the catalogue is whole once space is freed.
            #expect(stamped.stderr.contains("the disk that holds the catalogue is full"), "\(stamped.stderr)")
            let reading = try ws.kho("list", "--repo", repo)
            #expect(reading.stderr.contains("is full"), "\(reading.stderr)")
        }
        #expect(try Workspace.shell("truncate -s 1M '\(filler)'") == 0)
        try Self.expectUsable(ws, repo, products: 6)
        let product = try #require(try ws.kho("show", "--repo", repo, String(ebook), "--json").json() as? [String: Any])
        #expect(((product["product"] as? [String: Any])?["files"] as? [Any])?.count == 1, "no stamped copy half-added")

        // An export onto a full disk elsewhere: no partial bag is left, and the repository is unchanged.
        try FileManager.default.removeItem(atPath: filler)
        let out = disk.path + "/export"
        #expect(try Workspace.shell("head -c \(max(0, disk.free - (64 << 10))) /dev/zero > '\(filler)'") == 0)
        let exported = try ws.kho("export", "--repo", repo, "--out", out)
        #expect(exported.status != 0)
        #expect(exported.stderr.contains("\(out): the bundle needs about"), "\(exported.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
        #expect(!FileManager.default.fileExists(atPath: out + ".part"))
        try FileManager.default.removeItem(atPath: filler)
        try Self.expectUsable(ws, repo, products: 6)
        #expect(try ws.kho("bundle", "list", "--repo", repo).stdout.isEmpty)
    }

    @Test("a repository on a read-only file system: reads work, doctor checks, writes are refused with the path")
    func readOnlyMount() throws {
        let ws = try Workspace()
        let disk = try SmallDisk(ws, megabytes: 8)
        let repo = disk.path + "/repo"
        try ws.ok("init", "--repo", repo)
        let samples = Workspace.samples.path
        try ws.ok("ingest", "--repo", repo, samples, "--manifest", "\(samples)/manifest.csv")
        try disk.remount(readOnly: true)
        defer { try? disk.remount(readOnly: false) }
        #expect(try ws.kho("list", "--repo", repo).status == 0)
        let doctor = try ws.kho("doctor", "--repo", repo)
        #expect(doctor.status == 0, "\(doctor.stderr)")
        let note = try Self.random(ws, "note.bin", bytes: 1000)
        let refused = try ws.kho("ingest", "--repo", repo, note, "--kind", "article")
        #expect(refused.status != 0)
        #expect(refused.stderr.contains(repo), "\(refused.stderr)")
        let repair = try ws.kho("doctor", "--repo", repo, "--repair")
        #expect(repair.status != 0)
        #expect(repair.stderr.contains(repo))
    }
}
