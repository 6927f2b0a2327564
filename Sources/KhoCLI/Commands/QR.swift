import ArgumentParser
import Foundation
import KhoCore
import KhoQR
import KhoRepository

#if canImport(Glibc)
    import Glibc
#endif

extension ErrorCorrection: ExpressibleByArgument {}

enum QRFormat: String, ExpressibleByArgument, CaseIterable {
    case png, svg, pdf

    /// A code drawn in this format, its quiet zone `margin` modules wide: PNG at `modulePixels` a
    /// module; SVG `pixels` wide (default: a module at `modulePixels`) and, when given, sized in
    /// millimetres; PDF `millimetres` wide (default 25). `title` names the drawing (SVG, PDF).
    func render(_ code: QRCode, margin: Int, modulePixels: Int, pixels: Int? = nil, millimetres: Double?, title: String)
        throws -> Data
    {
        switch self {
        case .png: return try QRRenderer.png(code, modulePixels: modulePixels, margin: margin)
        case .svg:
            let width = pixels ?? (code.size + 2 * margin) * modulePixels
            return Data(QRRenderer.svg(code, margin: margin, pixels: width, millimetres: millimetres, title: title).utf8)
        case .pdf: return QRRenderer.pdf(code, margin: margin, millimetres: millimetres ?? 25, title: title)
        }
    }
}

struct QR: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "qr",
        abstract: "QR codes that lead to products' public links, and label sheets to print.",
        subcommands: [Code.self, Sheet.self],
        defaultSubcommand: Code.self)

    /// The base URL: --base-url, else the repository's setting; a clear error when neither is there.
    static func baseURL(_ given: String?, repository: Repository) throws -> String {
        guard let text = try given ?? repository.catalogue.setting("base-url") else {
            throw CLIError(Output.l("qr.no_base_url"))
        }
        switch PublicLink.validate(text) {
        case .failure(let problem):
            throw CLIError(problem.message.replacingOccurrences(of: "base-url:", with: "--base-url:"))
        case .success(let url): return url
        }
    }

    /// Writes a file with plain POSIX calls: for many small files, Foundation's writer costs more than the work.
    static func writeDirectly(_ data: Data, to path: String) throws {
        // Written beside its name and renamed into place, so that a kill never leaves an empty or
        // partial code under the name (no sync: a code is remade identically by running again).
        let partial = path + ".part"
        let failure = { CLIError(Output.l("file.cannot_write", ["path": path, "reason": String(cString: strerror(errno))])) }
        let descriptor = open(partial, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw failure() }
        let written = data.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        close(descriptor)
        guard written == data.count, rename(partial, path) == 0 else {
            let error = failure()
            unlink(partial)
            throw error
        }
    }

    /// Millimetres from `25mm`, `2.5cm` or `1in`.
    static func millimetres(_ text: String) throws -> Double {
        let units: [(String, Double)] = [("mm", 1), ("cm", 10), ("in", 25.4)]
        for (suffix, factor) in units where text.hasSuffix(suffix) {
            if let value = Double(text.dropLast(suffix.count)), value > 0, value * factor <= 1000 {
                return value * factor
            }
        }
        throw CLIError(Output.l("qr.bad_size", ["value": text]))
    }

    struct Code: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "code",
            abstract: "Make QR codes for products: PNG, SVG or PDF.",
            discussion: """
                Each code holds the product's public link, `<base-url>/p/<id>`, which never changes when the \
                product's files or title do. Print defaults: error correction M, a quiet zone of 4 modules. \
                The same product and options always give the same bytes. A product with no digital file \
                gets a warning (its link leads nowhere yet) unless --force.

                Examples:
                  kho qr 1M7ZTDBH9VBRKF2N
                  kho qr 1M7ZTDBH9VBRKF2N --format svg --ecc Q --out cover-qr.svg
                  kho qr 1M7ZTDBH9VBRKF2N --format pdf --print-size 25mm
                  kho qr 1M7ZTDBH9VBRKF2N 1M7ZTDBJ0AXQ3D5K --out codes/
                """)

        @OptionGroup var repository: RepositoryOptions

        @Argument(help: "Product ids.")
        var ids: [String] = []

        @Option(
            help: ArgumentHelp("Read product ids from this file, one a line (- for standard input).", valueName: "file")
        )
        var idsFrom: String?

        @Option(help: "png, svg or pdf.")
        var format: QRFormat = .png

        @Option(help: ArgumentHelp("Pixels per module (PNG, SVG).", valueName: "px"))
        var module: Int?

        @Option(
            help: ArgumentHelp("The whole image's width in pixels, quiet zone included (PNG, SVG).", valueName: "px"))
        var size: Int?

        @Option(help: "Error correction: L, M, Q or H.")
        var ecc: ErrorCorrection = .M

        @Option(help: "The quiet zone, in modules.")
        var margin = 4

        @Option(
            help: ArgumentHelp("The printed size (PDF, SVG): 25mm, 2.5cm, 1in. PDF default: 25mm.", valueName: "size"))
        var printSize: String?

        @Option(
            help: ArgumentHelp(
                "The file (one product) or folder to write to. Default: ID.FORMAT here.", valueName: "path"))
        var out: String?

        @Option(help: ArgumentHelp("Use this base URL instead of the repository's.", valueName: "url"))
        var baseURL: String?

        @Flag(help: "No warning for products with no digital file.")
        var force = false

        func validate() throws {
            if ids.isEmpty && idsFrom == nil {
                throw ValidationError("give at least one product id, or --ids-from FILE")
            }
            if module != nil && size != nil { throw ValidationError("give --module or --size, not both") }
            if let module, !(1...100).contains(module) { throw ValidationError("--module must be 1 to 100 pixels") }
            if let size, !(21...10_000).contains(size) { throw ValidationError("--size must be 21 to 10000 pixels") }
            if !(0...20).contains(margin) {
                throw ValidationError("--margin must be 0 to 20 modules (4 is the standard)")
            }
        }

        func run() throws {
            let timing = Timing()
            let repo = try repository.open()
            let base = try QR.baseURL(baseURL, repository: repo)
            let millimetres = try printSize.map(QR.millimetres) ?? (format == .pdf ? 25 : nil)
            // Every id is checked before anything is written.
            var wanted: [ProductID] = []
            var problems: [String] = []
            var texts = ids
            if let idsFrom {
                let data =
                    idsFrom == "-"
                    ? FileHandle.standardInput.readDataToEndOfFile() : FileManager.default.contents(atPath: idsFrom)
                guard let data else { throw CLIError(Output.l("qr.cannot_read_ids", ["path": idsFrom])) }
                texts += String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline).map {
                    $0.trimmingCharacters(in: .whitespaces)
                }.filter { !$0.isEmpty }
            }
            for text in texts {
                if let id = ProductID(parsing: text) {
                    wanted.append(id)
                } else {
                    problems.append("'\(text)' is not a product id")
                }
            }
            let products = try repo.catalogue.products(wanted)
            let found = Set(products.map(\.id))
            problems += wanted.filter { !found.contains($0) }.map { "product \($0): not in this catalogue" }
            guard problems.isEmpty else {
                throw CLIError(
                    ([Output.l("qr.none_made")] + problems.map { "  - \($0)" }).joined(separator: "\n"))
            }
            let folder = products.count > 1 || out?.hasSuffix("/") == true ? (out ?? ".") : nil
            if let folder { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
            // A read-only repository (an auditor's copy) still makes codes; it cannot record them.
            if repo.isReadOnly {
                Output.note(Output.l("qr.read_only_codes", ["path": repo.path]))
            } else {
                try repo.lockForWriting()
            }
            var events: [(ProductID, NewEvent)] = []
            // The events are recorded together at the end, also when a write fails part-way.
            defer { if !repo.isReadOnly { try? repo.catalogue.recordProductEvents(events) } }
            timing.mark("products")
            // Encoding and drawing run on every core; files are written in order afterwards.
            let (format, ecc, margin, module, size) = (format, ecc, margin, module, size)
            let rendered = try QRBatch.render(products.map { PublicLink.link(base: base, id: $0.id) }) { link in
                let code = try QRCode(text: link, correction: ecc)
                let units = code.size + 2 * margin
                let modulePixels = module ?? size.map { max(1, $0 / units) } ?? 8
                let data = try format.render(
                    code, margin: margin, modulePixels: modulePixels, pixels: size, millimetres: millimetres,
                    title: link)
                return QRBatch.Rendered(
                    data: data, version: code.version, extent: units * (format == .png ? modulePixels : 1))
            }
            timing.mark("render")
            var lines: [String] = []
            defer {
                // One write for all the lines: thousands of codes print quickly.
                if !lines.isEmpty { Output.line(lines.joined(separator: "\n")) }
                timing.mark("write")
            }
            for (product, rendering) in zip(products, rendered) {
                let link = PublicLink.link(base: base, id: product.id)
                let (data, version, extent) = (rendering.data, rendering.version, rendering.extent)
                let path =
                    folder.map { "\($0)/\(product.id).\(format.rawValue)" } ?? out ?? "\(product.id).\(format.rawValue)"
                // A single file is written atomically; many codes into a folder are written directly
                // (a code is remade identically, so an interrupted run only needs running again).
                if folder == nil {
                    do { try data.write(to: URL(fileURLWithPath: path), options: .atomic) } catch {
                        throw CLIError(Output.l("file.cannot_write", ["path": path, "reason": error.localizedDescription]))
                    }
                } else {
                    try QR.writeDirectly(data, to: path)
                }
                events.append(
                    (
                        product.id,
                        NewEvent(
                            type: .creation, at: Environment.now(), agent: Environment.agent,
                            detail: [
                                "what": "qr code", "link": link, "format": format.rawValue, "ecc": ecc.rawValue,
                                "version": String(version), "software": Environment.software,
                            ])
                    ))
                lines.append(
                    Output.l(
                        "qr.line",
                        [
                            "path": path, "link": link, "version": String(version), "ecc": ecc.rawValue,
                            "extent": String(extent), "unit": Output.l(format == .png ? "qr.unit.px" : "qr.unit.modules"),
                        ]))
                if product.files.isEmpty && !force {
                    Output.note(Output.l("qr.no_file", ["id": product.id.rawValue]))
                }
            }
        }
    }
}

extension QR {
    struct Sheet: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sheet",
            abstract: "Lay out many QR codes on A4 labels, with title, id and short link, ready to print.",
            discussion: """
                Fifteen labels a page (3 × 5). Choose products by id or with the filters of `kho list`. An \
                .html file holds every page; an .svg file holds one page, and further pages go to NAME-2.svg, \
                NAME-3.svg, …

                Examples:
                  kho qr sheet --kind ebook --out labels.html
                  kho qr sheet 1M7ZTDBH9VBRKF2N 1M7ZTDBJ0AXQ3D5K --out labels.svg
                """)

        @OptionGroup var repository: RepositoryOptions

        @Argument(help: "Product ids (default: the products the filters choose).")
        var ids: [String] = []

        @OptionGroup(title: "Filters") var filters: FilterOptions

        @Option(help: ArgumentHelp("The sheet to write: a .html or .svg file.", valueName: "file"))
        var out: String

        @Option(help: "Error correction: L, M, Q or H.")
        var ecc: ErrorCorrection = .M

        @Option(help: ArgumentHelp("Use this base URL instead of the repository's.", valueName: "url"))
        var baseURL: String?

        func validate() throws {
            let lower = out.lowercased()
            if !lower.hasSuffix(".html") && !lower.hasSuffix(".svg") {
                throw ValidationError("--out must name a .html or .svg file")
            }
        }

        func run() throws {
            let repo = try repository.open()
            let base = try QR.baseURL(baseURL, repository: repo)
            var products: [Product] = []
            if ids.isEmpty {
                products = try repo.catalogue.products(matching: try filters.filter(repo.vocabulary), limit: nil)
            } else {
                for text in ids {
                    let id = try ProductIDArgument.parse(text)
                    guard let product = try repo.catalogue.product(id) else {
                        throw CatalogueError.unknownProduct(id)
                    }
                    products.append(product)
                }
            }
            guard !products.isEmpty else { throw CLIError(Output.l("qr.no_products")) }
            let labels = try products.map { product in
                let link = PublicLink.link(base: base, id: product.id)
                return LabelSheet.Label(
                    code: try QRCode(text: link, correction: ecc), title: product.metadata.title,
                    id: product.id.rawValue,
                    link: link)
            }
            var written: [String] = []
            if out.lowercased().hasSuffix(".html") {
                try write(LabelSheet.html(labels, title: "kho labels"), to: out)
                written.append(out)
            } else {
                let stem = out.removingPathExtension
                for (index, page) in LabelSheet.pages(labels).enumerated() {
                    let path = index == 0 ? out : "\(stem)-\(index + 1).svg"
                    try write(page, to: path)
                    written.append(path)
                }
            }
            if repo.isReadOnly {
                Output.note(Output.l("qr.read_only_sheet", ["path": repo.path]))
            } else {
                try repo.lockForWriting()
                try recordSheet(repo, products, base: base)
            }
            Output.note(
                Output.l(
                    "qr.sheet",
                    [
                        "labels": String(labels.count), "pages": String(LabelSheet.pages(labels).count),
                        "files": written.joined(separator: ", "),
                    ]))
        }

        func recordSheet(_ repo: Repository, _ products: [Product], base: String) throws {
            try repo.catalogue.recordProductEvents(
                products.map { product in
                    (
                        product.id,
                        NewEvent(
                            type: .creation, at: Environment.now(), agent: Environment.agent,
                            detail: [
                                "what": "qr label", "link": PublicLink.link(base: base, id: product.id), "sheet": out,
                                "software": Environment.software,
                            ])
                    )
                })
        }

        func write(_ text: String, to path: String) throws {
            do { try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic) } catch {
                throw CLIError(Output.l("file.cannot_write", ["path": path, "reason": error.localizedDescription]))
            }
        }
    }
}
