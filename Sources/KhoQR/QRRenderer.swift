import CPNG
import Foundation
import KhoCore

/// Draws a QR code as PNG (libpng's simplified API), SVG (vector paths) or PDF (vector, at an
/// exact physical size). The same code and options always give the same bytes: no timestamps.
public enum QRRenderer {
    /// A PNG with `modulePixels` pixels per module and a quiet zone of `margin` modules: colour-mapped
    /// with two entries, so libpng writes one bit a pixel, in one pass with its speed flag.
    public static func png(_ code: QRCode, modulePixels: Int, margin: Int) throws(QRError) -> Data {
        let side = (code.size + 2 * margin) * modulePixels
        var pixels = [UInt8](repeating: 1, count: side * side)  // index 1: white
        pixels.withUnsafeMutableBufferPointer { buffer in
            // Draw the first pixel row of each module row, then copy it down the module's height.
            for y in 0..<code.size {
                let top = (y + margin) * modulePixels
                let rowStart = top * side
                for x in 0..<code.size where code.modules[y * code.size + x] {
                    let left = rowStart + (x + margin) * modulePixels
                    for column in left..<(left + modulePixels) { buffer[column] = 0 }
                }
                for row in 1..<max(1, modulePixels) {
                    (buffer.baseAddress! + rowStart + row * side).update(
                        from: buffer.baseAddress! + rowStart, count: side)
                }
            }
        }
        var image = png_image()
        image.version = png_uint_32(PNG_IMAGE_VERSION)
        image.width = png_uint_32(side)
        image.height = png_uint_32(side)
        image.format = png_uint_32(PNG_FORMAT_GRAY) | png_uint_32(PNG_FORMAT_FLAG_COLORMAP)
        image.flags = png_uint_32(PNG_IMAGE_FLAG_FAST)
        image.colormap_entries = 2
        let colormap: [UInt8] = [0, 255]
        // Ample for a 1-bit image: the pixels themselves plus chunk overhead.
        var size = side * side + 4096
        var output = [UInt8](repeating: 0, count: size)
        let written = png_image_write_to_memory(&image, &output, &size, 0, pixels, Int32(side), colormap)
        defer { png_image_free(&image) }
        guard written != 0 else {
            let message = withUnsafeBytes(of: image.message) { bytes in
                String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
            }
            throw .renderFailed(message)
        }
        return Data(output.prefix(size))
    }

    /// The dark modules of each row merged into runs: fewer, longer shapes to draw.
    static func runs(_ code: QRCode) -> [(x: Int, y: Int, length: Int)] {
        var runs: [(x: Int, y: Int, length: Int)] = []
        for y in 0..<code.size {
            var x = 0
            while x < code.size {
                guard code.isDark(x, y) else {
                    x += 1
                    continue
                }
                var length = 1
                while x + length < code.size, code.isDark(x + length, y) { length += 1 }
                runs.append((x, y, length))
                x += length
            }
        }
        return runs
    }

    /// The dark modules as one SVG path, in module units.
    static func path(_ code: QRCode, margin: Int) -> String {
        runs(code).map { "M\($0.x + margin) \($0.y + margin)h\($0.length)v1h-\($0.length)z" }.joined()
    }

    /// An SVG of `pixels` per side (or, with `millimetres`, that physical size), quiet zone included.
    public static func svg(_ code: QRCode, margin: Int, pixels: Int?, millimetres: Double? = nil, title: String? = nil)
        -> String
    {
        let units = code.size + 2 * margin
        let dimension = millimetres.map { "\(format($0))mm" } ?? "\(pixels ?? units * 8)"
        let label = title.map { "<title>\(escape($0))</title>" } ?? ""
        return """
            <svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="\(dimension)" height="\(dimension)" \
            viewBox="0 0 \(units) \(units)" shape-rendering="crispEdges">\(label)<rect width="\(units)" height="\(units)" \
            fill="#fff"/><path fill="#000" d="\(path(code, margin: margin))"/></svg>

            """
    }

    /// A one-page PDF exactly `millimetres` square, the code drawn as vector rectangles.
    public static func pdf(_ code: QRCode, margin: Int, millimetres: Double, title: String) -> Data {
        let points = millimetres / 25.4 * 72
        let unit = points / Double(code.size + 2 * margin)
        var content = "1 1 1 rg 0 0 \(format(points)) \(format(points)) re f 0 0 0 rg\n"
        for run in runs(code) {
            let left = Double(run.x + margin) * unit
            let bottom = points - Double(run.y + margin + 1) * unit
            content += "\(format(left)) \(format(bottom)) \(format(Double(run.length) * unit)) \(format(unit)) re\n"
        }
        content += "f\n"
        let info = title.unicodeScalars.allSatisfy { $0.isASCII && $0.value >= 32 } ? title : "QR code"
        let objects = [
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 \(format(points)) \(format(points))] /Contents 4 0 R /Resources << >> >>",
            "<< /Length \(content.utf8.count) >>\nstream\n\(content)endstream",
            "<< /Title (\(info.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "(", with: "\\(").replacingOccurrences(of: ")", with: "\\)"))) /Producer (kho) >>",
        ]
        var pdf = "%PDF-1.4\n"
        var offsets: [Int] = []
        for (index, object) in objects.enumerated() {
            offsets.append(pdf.utf8.count)
            pdf += "\(index + 1) 0 obj\n\(object)\nendobj\n"
        }
        let xref = pdf.utf8.count
        pdf += "xref\n0 \(objects.count + 1)\n0000000000 65535 f \n"
        for offset in offsets { pdf += String(format: "%010d 00000 n \n", offset) }
        pdf += "trailer\n<< /Size \(objects.count + 1) /Root 1 0 R /Info 5 0 R >>\nstartxref\n\(xref)\n%%EOF\n"
        return Data(pdf.utf8)
    }

    static func format(_ value: Double) -> String {
        let text = String(format: "%.3f", value)
        var trimmed = text
        while trimmed.hasSuffix("0") { trimmed.removeLast() }
        if trimmed.hasSuffix(".") { trimmed.removeLast() }
        return trimmed
    }

    static func escape(_ text: String) -> String { Markup.escape(text) }
}
