import KhoCore

/// HTML text that is safe by construction: every interpolated `String` (or number, or anything
/// else) is escaped; only another `HTML` value goes in as markup. A page cannot carry a title's
/// `<script>` unescaped, because there is no way to write one in.
public struct HTML: Sendable, ExpressibleByStringInterpolation, CustomStringConvertible {
    public private(set) var text: String

    public init(stringLiteral value: String) { text = value }
    public init(stringInterpolation: Interpolation) { text = stringInterpolation.text }
    private init(raw: String) { text = raw }
    /// `HTML("… \(value) …")`: an interpolated literal, every value escaped.
    public init(_ html: HTML) { self = html }

    public var description: String { text }

    public struct Interpolation: StringInterpolationProtocol {
        var text = ""
        public init(literalCapacity: Int, interpolationCount: Int) { text.reserveCapacity(literalCapacity * 2) }
        public mutating func appendLiteral(_ literal: String) { text += literal }
        /// Markup made elsewhere, already safe.
        public mutating func appendInterpolation(_ html: HTML) { text += html.text }
        /// Markup made elsewhere, or nothing.
        public mutating func appendInterpolation(_ html: HTML?) { text += html?.text ?? "" }
        /// Text: escaped for element content and quoted attribute values.
        public mutating func appendInterpolation(_ value: some CustomStringConvertible) {
            text += Markup.escape(value.description)
        }
        /// Several pieces of markup, one after another.
        public mutating func appendInterpolation(_ list: [HTML]) { text += list.map(\.text).joined() }
    }

    /// Markup joined from pieces.
    public static func join(_ parts: [HTML], separator: HTML = "") -> HTML {
        HTML(raw: parts.map(\.text).joined(separator: separator.text))
    }

    /// Markup from a trusted renderer of kho's own (an SVG chart or QR code kho drew).
    public static func trusted(_ markup: String) -> HTML { HTML(raw: markup) }
}
