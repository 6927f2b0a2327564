import Foundation
import Testing

@testable import KhoQR

@Suite("QR codes: encoding and drawing")
struct QRCodeTests {
    let link = "https://kho.example.gov.vn/p/1M7ZTDBH9VBRKF2N"

    @Test("a product link fits a small code; more correction needs more modules")
    func versions() throws {
        let low = try QRCode(text: link, correction: .L)
        let high = try QRCode(text: link, correction: .H)
        #expect(low.size == 17 + 4 * low.version)
        #expect(low.version <= 3 && high.version > low.version)
        #expect(low.modules.count == low.size * low.size)
    }

    @Test("drawing is deterministic: the same code and options give the same bytes")
    func deterministic() throws {
        let code = try QRCode(text: link, correction: .M)
        #expect(
            try QRRenderer.png(code, modulePixels: 4, margin: 4) == QRRenderer.png(code, modulePixels: 4, margin: 4))
        #expect(
            QRRenderer.pdf(code, margin: 4, millimetres: 25, title: link)
                == QRRenderer.pdf(code, margin: 4, millimetres: 25, title: link))
        let png = try QRRenderer.png(code, modulePixels: 4, margin: 4)
        #expect(png.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
    }

    @Test("the PDF page is exactly the printed size asked for")
    func pdfSize() throws {
        let code = try QRCode(text: link, correction: .M)
        let pdf = String(decoding: QRRenderer.pdf(code, margin: 4, millimetres: 25.4, title: link), as: UTF8.self)
        #expect(pdf.contains("/MediaBox [0 0 72 72]"))
        #expect(pdf.hasPrefix("%PDF-1.4"))
    }

    @Test("label titles wrap to two lines and end with an ellipsis when cut")
    func wrapping() {
        #expect(LabelSheet.wrap("Sổ tay quyền trẻ em", width: 30, maxLines: 2) == ["Sổ tay quyền trẻ em"])
        let lines = LabelSheet.wrap(
            "Phóng sự: Quyền của đồng bào dân tộc thiểu số vùng cao trong giai đoạn 2023 - 2028 và hơn nữa", width: 30,
            maxLines: 2)
        #expect(lines.count == 2 && lines.allSatisfy { $0.count <= 31 } && lines[1].hasSuffix("…"))
    }
}
