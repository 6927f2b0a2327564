import Foundation

/// A product's identifier: 16 characters of Crockford base32 (80 bits), e.g. `06F3Z8K2QX4M7R1B`.
///
/// The first 9 characters (45 bits) are the creation time in milliseconds since the Unix epoch,
/// so identifiers sort by creation; the last 7 (35 bits) are random. Any repository can mint
/// identifiers without coordination: two collide only if made in the same millisecond with the
/// same 35 random bits. Crockford's alphabet has no I, L, O or U, reads back case-insensitively,
/// and keeps the code short enough for a small QR code. See `catalogue-schema/IDENTIFIERS.md`.
public struct ProductID: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String

    static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".unicodeScalars)
    public static let length = 16

    /// Mints a new identifier for `date`.
    public static func generate(at date: Date, using generator: inout some RandomNumberGenerator) -> ProductID {
        let millis = UInt64(max(0, date.timeIntervalSince1970 * 1000)) & ((1 << 45) - 1)
        let random = generator.next() & ((1 << 35) - 1)
        var scalars: [Unicode.Scalar] = []
        for shift in stride(from: 40, through: 0, by: -5) {
            scalars.append(alphabet[Int((millis >> UInt64(shift)) & 31)])
        }
        for shift in stride(from: 30, through: 0, by: -5) {
            scalars.append(alphabet[Int((random >> UInt64(shift)) & 31)])
        }
        return ProductID(uncheckedRawValue: String(String.UnicodeScalarView(scalars)))
    }

    init(uncheckedRawValue: String) { rawValue = uncheckedRawValue }

    /// Reads an identifier as a person may type it: any case, with hyphens or spaces, and
    /// `I`/`L` for `1`, `O` for `0`. Nil when it cannot be one.
    public init?(parsing text: String) {
        var scalars: [Unicode.Scalar] = []
        for scalar in text.uppercased().unicodeScalars {
            switch scalar {
            case "-", " ": continue
            case "I", "L": scalars.append("1")
            case "O": scalars.append("0")
            default:
                guard Self.alphabet.contains(scalar) else { return nil }
                scalars.append(scalar)
            }
        }
        guard scalars.count == Self.length else { return nil }
        rawValue = String(String.UnicodeScalarView(scalars))
    }

    public var description: String { rawValue }

    public static func < (lhs: ProductID, rhs: ProductID) -> Bool { lhs.rawValue < rhs.rawValue }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let id = ProductID(parsing: text) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "'\(text)' is not a product id"))
        }
        self = id
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
