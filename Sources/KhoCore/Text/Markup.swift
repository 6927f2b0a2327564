/// Text for HTML, XML and SVG, and text laid out in columns.
public enum Markup {
    /// `text` with `&`, `<`, `>` and `"` escaped, for element content and attribute values.
    public static func escape(_ text: String) -> String {
        var text = text
        return text.withUTF8 { bytes in
            // Most text has nothing to escape: return it as it is, without copying.
            guard let first = bytes.firstIndex(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 }) else {
                return nil
            }
            var escaped: [UInt8] = []
            escaped.reserveCapacity(bytes.count + 16)
            escaped.append(contentsOf: bytes[..<first])
            for byte in bytes[first...] {
                switch byte {
                case 0x26: escaped.append(contentsOf: "&amp;".utf8)
                case 0x3C: escaped.append(contentsOf: "&lt;".utf8)
                case 0x3E: escaped.append(contentsOf: "&gt;".utf8)
                case 0x22: escaped.append(contentsOf: "&quot;".utf8)
                default: escaped.append(byte)
                }
            }
            return String(decoding: escaped, as: UTF8.self)
        } ?? text
    }

    /// Rows padded so that columns line up (by characters), two spaces apart, without trailing spaces.
    public static func columns(_ rows: [[String]]) -> [String] {
        guard let count = rows.map(\.count).max() else { return [] }
        var widths = [Int](repeating: 0, count: count)
        for row in rows { for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) } }
        return rows.map { row in
            var line = row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[index] - cell.count)
            }.joined(separator: "  ")
            while line.last == " " { line.removeLast() }
            return line
        }
    }
}
