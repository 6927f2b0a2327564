import ArgumentParser
import Crypto
import Foundation
import KhoApp
import KhoCore
import KhoImages
import KhoRepository
import KhoServer
import ZIPFoundation

extension ExhibitionCommand {
    /// The exhibition as a self-contained static site, for a USB stick or a kiosk with no server.
    struct ExhibitionExport: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export",
            abstract: "Write an exhibition as a static site (a folder or a .zip) that runs with no server.",
            discussion: """
                The site is the online exhibition's page in each of its languages (index.html in the main \
                language, index.LANG.html for the others), its web-sized images (WebP and JPEG at \
                480, 960 and 1600 pixels, never the masters), its videos and sound files, and \
                manifest-sha256.txt, the SHA-256 of every file, to check a copy with `sha256sum -c`. It opens \
                from the folder in any browser, with no network. Only public products are shown. With a base \
                URL (the repository's, or --base-url), the pages link to the products and the exhibition online.

                Examples:
                  kho exhibition export 1M8XHB0A3D5KQ7ZT --out trien-lam/
                  kho exhibition export 1M8XHB0A3D5KQ7ZT --out trien-lam.zip
                  kho exhibition export 1M8XHB0A3D5KQ7ZT --out nho-gon.zip --no-media
                """)
        @OptionGroup var repository: RepositoryOptions
        @Argument(help: "The exhibition's id.") var id: String
        @Option(help: ArgumentHelp("A folder (new or empty) or a file ending in .zip.", valueName: "path")) var out: String
        @Option(help: ArgumentHelp("Link to this site instead of the repository's base URL.", valueName: "url"))
        var baseURL: String?
        @Flag(help: "Replace the folder or file if it exists.") var force = false
        @Flag(help: "Leave videos and sound files out, for a small copy (their items say so).") var noMedia = false

        func run() async throws {
            let repo = try repository.open()
            let exhibitionID = try parseID(id)
            guard var view = try await repo.queries.exhibitionView(exhibitionID, audience: .staff) else {
                throw ExhibitionError.unknown(exhibitionID.rawValue)
            }
            let left = view.products.values.filter { !$0.metadata.isPublic }.map(\.id)
            for product in left { view.products[product] = nil }
            let shown = view.shownItems
            guard !shown.isEmpty else { throw CLIError(Output.l("exhibition.export_empty", ["id": exhibitionID.rawValue])) }
            let base = try baseURL.map { try QR.baseURL($0, repository: repo) } ?? (try repo.catalogue.setting("base-url"))
            let zip = out.lowercased().hasSuffix(".zip")
            let target = URL(fileURLWithPath: out)
            let manager = FileManager.default
            var isFolder: ObjCBool = false
            if manager.fileExists(atPath: target.path, isDirectory: &isFolder) {
                let empty = isFolder.boolValue && ((try? manager.contentsOfDirectory(atPath: target.path))?.isEmpty ?? false)
                if !empty && !force { throw CLIError(Output.l("exhibition.export_exists", ["path": out])) }
                if zip == isFolder.boolValue && !empty {
                    throw CLIError(Output.l("exhibition.export_kind", ["path": out]))
                }
            }
            // Built beside the target and moved into place at the end: an interrupted export leaves
            // no half site under the name.
            let parent = target.deletingLastPathComponent()
            try manager.createDirectory(at: parent, withIntermediateDirectories: true)
            let work = parent.appendingPathComponent(".\(target.lastPathComponent).part-\(getpid())")
            try? manager.removeItem(at: work)
            try manager.createDirectory(at: work, withIntermediateDirectories: true)
            defer { try? manager.removeItem(at: work) }
            var files: [String] = []
            let cache = DerivativeCache(folder: repo.derivativesPath)
            func copy(_ source: String, to name: String) throws {
                let destination = work.appendingPathComponent(name)
                try manager.createDirectory(at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
                try manager.copyItem(atPath: source, toPath: destination.path)
                files.append(name)
            }
            func write(_ text: String, to name: String) throws {
                try Data(text.utf8).write(to: work.appendingPathComponent(name))
                files.append(name)
            }
            var images = 0
            var media = 0
            for (_, product) in shown {
                switch ExhibitionVisual.of(product) {
                case .image(let file):
                    for (width, format, path) in try cache.all(
                        sha256: file.object.sha256, source: repo.store.path(for: file.object.sha256), mime: file.object.mime) {
                        try copy(path, to: "images/\(file.object.sha256)-\(width).\(format.fileExtension)")
                        images += 1
                    }
                case .video(let file), .audio(let file):
                    if noMedia { continue }
                    try copy(repo.store.path(for: file.object.sha256), to: Self.mediaName(file))
                    media += 1
                case .card: break
                }
            }
            let exhibition = view.exhibition
            let main = exhibition.languages.first ?? "vi"
            let pageName: @Sendable (String) -> String = { $0 == main ? "index.html" : "index.\($0).html" }
            let links = ExhibitionLinks(
                page: pageName,
                image: { sha, width, format in "images/\(sha)-\(width).\(format.fileExtension)" },
                media: { [noMedia] _, file in noMedia ? nil : Self.mediaName(file) },
                product: { id in base.map { PublicLink.link(base: $0, id: id) } },
                stylesheet: "exhibition.css", script: "exhibition.js",
                online: base.map { PublicLink.link(base: $0, exhibition: exhibition.id) }, siteHeader: false)
            for language in exhibition.languages {
                try write(
                    ExhibitionPage.render(view, language: language, vocabulary: repo.vocabulary, links: links).text,
                    to: pageName(language))
            }
            try write(ExhibitionPage.stylesheet, to: "exhibition.css")
            try write(ExhibitionPage.script, to: "exhibition.js")
            var manifest = ""
            for name in files.sorted() {
                manifest += "\(try Self.sha256(of: work.appendingPathComponent(name)))  \(name)\n"
            }
            try Data(manifest.utf8).write(to: work.appendingPathComponent("manifest-sha256.txt"))
            if zip {
                let archive = parent.appendingPathComponent(".\(target.lastPathComponent).zip-part-\(getpid())")
                try? manager.removeItem(at: archive)
                try manager.zipItem(at: work, to: archive, shouldKeepParent: false, compressionMethod: .deflate)
                if manager.fileExists(atPath: target.path) { try manager.removeItem(at: target) }
                try manager.moveItem(at: archive, to: target)
            } else {
                if manager.fileExists(atPath: target.path) { try manager.removeItem(at: target) }
                try manager.moveItem(at: work, to: target)
            }
            if !left.isEmpty {
                Output.note(Output.l("exhibition.export_private", ["count": Output.l.integer(left.count)]))
            }
            Output.line(
                Output.l(
                    "exhibition.exported",
                    [
                        "path": out, "items": Output.l.integer(shown.count), "images": Output.l.integer(images),
                        "media": Output.l.integer(media), "languages": exhibition.languages.joined(separator: ", "),
                    ]))
        }

        static func mediaName(_ file: StoredFile) -> String {
            let ext = URL(fileURLWithPath: file.originalName).pathExtension.lowercased()
            let safe = ext.allSatisfy { $0.isLetter || $0.isNumber } && !ext.isEmpty && ext.count <= 5 ? ext : "bin"
            return "media/\(file.object.sha256).\(safe)"
        }

        static func sha256(of url: URL) throws -> String {
            let handle = try FileHandle(forReadingFrom: url)
            defer { try? handle.close() }
            var hasher = SHA256()
            while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { hasher.update(data: chunk) }
            return hasher.finalize().map { String(format: "%02x", $0) }.joined()
        }
    }
}
