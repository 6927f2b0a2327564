import ArgumentParser
import Foundation
import KhoCore
import KhoFormats
import KhoQR
import KhoRepository

struct Ebook: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ebook",
        abstract: "Work on e-books: add a QR page to an EPUB.",
        subcommands: [Stamp.self])

    struct Stamp: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "stamp",
            abstract: "Make a copy of a product's EPUB with a page holding its QR code, title and link.",
            discussion: """
                The page is registered in the package document (manifest and spine) and in the navigation \
                (EPUB 3 nav document or EPUB 2 NCX); `mimetype` stays first and uncompressed. The copy is \
                stored as a derivative file of the product; the master is never changed. Encrypted (DRM) and \
                damaged EPUBs are refused.

                Examples:
                  kho ebook stamp 1M7ZTDBH9VBRKF2N
                  kho ebook stamp 1M7ZTDBH9VBRKF2N --out so-tay-qr.epub
                """)

        @OptionGroup var repository: RepositoryOptions

        @Argument(help: "The e-book's product id.")
        var id: String

        @Option(help: ArgumentHelp("Also write the stamped EPUB to this file.", valueName: "file"))
        var out: String?

        @Option(help: ArgumentHelp("Use this base URL instead of the repository's.", valueName: "url"))
        var baseURL: String?

        @Option(help: "Error correction of the code: L, M, Q or H.")
        var ecc: ErrorCorrection = .Q

        func run() throws {
            let repo = try repository.open()
            let productID = try ProductIDArgument.parse(id)
            guard let product = try repo.catalogue.product(productID) else {
                throw CatalogueError.unknownProduct(productID)
            }
            guard
                let epub = product.files.first(where: { $0.object.mime == "application/epub+zip" && $0.role == .master }
                )
                    ?? product.files.first(where: { $0.object.mime == "application/epub+zip" && $0.role != .derivative }
                    )
            else {
                throw CLIError(
                    product.metadata.kind == "ebook"
                        ? Output.l("ebook.no_epub", ["id": productID.rawValue])
                        : Output.l("ebook.not_ebook", ["id": productID.rawValue, "kind": product.metadata.kind]))
            }
            let base = try QR.baseURL(baseURL, repository: repo)
            let link = PublicLink.link(base: base, id: productID)
            let png = try QRRenderer.png(try QRCode(text: link, correction: ecc), modulePixels: 8, margin: 4)
            // Held from the start, so that the stamped copy, made in a `.part` folder of the store's
            // temporary folder, is swept by the next writer's recovery if this process is killed.
            try repo.lockForWriting()
            // The copy is made once, then copied into the store: room for twice the book.
            let needed = 2 * epub.object.size + (1 << 20)
            if let free = repo.store.freeBytes(), needed > free {
                throw RepositoryError.noSpace(path: repo.path, needed: needed, free: free, files: 1)
            }
            let folder = "\(repo.store.temporaryDirectory)/stamp-\(UUID().uuidString).part"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: folder) }
            let stampedName = (epub.originalName.removingPathExtension) + "-qr.epub"
            let stampedPath = "\(folder)/\(stampedName)"
            try EPUBStamper.stamp(
                input: repo.store.path(for: epub.object.sha256), output: stampedPath, qrPNG: png,
                title: product.metadata.title,
                link: link, Output.l)
            let ingestor = try Ingestor(
                repository: repo, agent: Environment.agent, software: Environment.software, now: Environment.now)
            var sha256: String
            do {
                let (updated, _) = try ingestor.attach(stampedPath, to: productID, role: .derivative)
                sha256 = updated.files.last?.object.sha256 ?? ""
                try repo.catalogue.recordProductEvent(
                    productID,
                    event: NewEvent(
                        type: .creation, at: Environment.now(), agent: Environment.agent,
                        detail: [
                            "what": "epub with qr page", "from_sha256": epub.object.sha256, "sha256": sha256,
                            "link": link,
                            "software": Environment.software,
                        ]))
                Output.line(Output.l("ebook.stamped", ["id": productID.rawValue, "name": stampedName, "sha256": sha256]))
            } catch CatalogueError.alreadyAttached {
                sha256 = try repo.store.hash(stampedPath).sha256
                Output.line(Output.l("ebook.unchanged", ["id": productID.rawValue, "name": stampedName, "sha256": sha256]))
            }
            if let out {
                do {
                    try FileManager.default.contents(atPath: stampedPath)?.write(
                        to: URL(fileURLWithPath: out), options: .atomic)
                } catch { throw CLIError(Output.l("file.cannot_write", ["path": out, "reason": error.localizedDescription])) }
                Output.note(Output.l("report.wrote", ["path": out]))
            }
        }
    }
}
