import ArgumentParser
import Foundation
import KhoApp
import KhoCore
import KhoQR
import KhoRepository

extension ExhibitionCommand {
    /// The code a poster at an in-person exhibition prints, leading to the online one.
    struct ExhibitionQR: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "qr",
            abstract: "Make the QR code that leads to an exhibition's online page (<base-url>/x/<id>).",
            discussion: """
                Print defaults as for products: error correction M, a quiet zone of 4 modules. An exhibition \
                not yet published gets a warning (its link answers 404 until `kho exhibition publish`).

                Examples:
                  kho exhibition qr 1M8XHB0A3D5KQ7ZT --format pdf --print-size 40mm \\
                      --out poster-qr.pdf
                """)
        @OptionGroup var repository: RepositoryOptions
        @Argument(help: "The exhibition's id.") var id: String
        @Option(help: "png, svg or pdf.") var format: QRFormat = .png
        @Option(help: ArgumentHelp("Pixels per module (PNG, SVG).", valueName: "px")) var module = 8
        @Option(help: "Error correction: L, M, Q or H.") var ecc: ErrorCorrection = .M
        @Option(help: ArgumentHelp("The printed size (PDF, SVG): 25mm, 2.5cm, 1in. PDF default: 25mm.", valueName: "size"))
        var printSize: String?
        @Option(help: ArgumentHelp("The file to write. Default: x-ID.FORMAT here.", valueName: "path")) var out: String?
        @Option(help: ArgumentHelp("Use this base URL instead of the repository's.", valueName: "url")) var baseURL: String?

        func validate() throws {
            if !(1...100).contains(module) { throw ValidationError("--module must be 1 to 100 pixels") }
        }

        func run() throws {
            let repo = try repository.open()
            let exhibition = try repo.existingExhibition(try parseID(id))
            let base = try QR.baseURL(baseURL, repository: repo)
            let link = PublicLink.link(base: base, exhibition: exhibition.id)
            let millimetres = try printSize.map(QR.millimetres) ?? (format == .pdf ? 25 : nil)
            let code = try QRCode(text: link, correction: ecc)
            let data = try format.render(code, margin: 4, modulePixels: module, millimetres: millimetres, title: link)
            let path = out ?? "x-\(exhibition.id.rawValue).\(format.rawValue)"
            try QR.writeDirectly(data, to: path)
            if !exhibition.isPublished { Output.note(Output.l("exhibition.qr_not_published", ["id": exhibition.id.rawValue])) }
            Output.line(Output.l("exhibition.qr_written", ["path": path, "link": link]))
        }
    }
}
