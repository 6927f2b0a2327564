import CQREncode
import KhoCore
import Foundation

/// Error-correction level: how much of a code can be damaged and still scan (about 7, 15, 25, 30 %).
public enum ErrorCorrection: String, Sendable, CaseIterable {
    case L, M, Q, H

    var level: QRecLevel {
        switch self {
        case .L: QR_ECLEVEL_L
        case .M: QR_ECLEVEL_M
        case .Q: QR_ECLEVEL_Q
        case .H: QR_ECLEVEL_H
        }
    }
}

/// A problem making or drawing a QR code.
public enum QRError: Error, CustomStringConvertible, Sendable, LocalizedMessage {
    case tooLong(length: Int)
    case encodingFailed(String)
    case renderFailed(String)

    public var description: String { message(.english) }

    public func message(_ l: Localizer) -> String {
        switch self {
        case .tooLong(let length): l("qr.too_long", ["length": l.integer(length)])
        case .encodingFailed(let reason): l("qr.encoding_failed", ["reason": reason])
        case .renderFailed(let reason): l("qr.render_failed", ["reason": reason])
        }
    }
}

/// A QR code as a square of dark and light modules, made by libqrencode (8-bit byte mode, the
/// smallest version that holds the text at the chosen error correction).
public struct QRCode: Sendable, Equatable {
    /// Modules per side.
    public let size: Int
    public let version: Int
    /// Row-major, true for dark.
    public let modules: [Bool]

    public init(text: String, correction: ErrorCorrection) throws(QRError) {
        let bytes = Array(text.utf8)
        guard bytes.count <= 2953 else { throw .tooLong(length: bytes.count) }
        let code = text.withCString { QRcode_encodeString8bit($0, 0, correction.level) }
        guard let code else { throw .encodingFailed(String(cString: strerror(errno))) }
        defer { QRcode_free(code) }
        let width = Int(code.pointee.width)
        size = width
        version = Int(code.pointee.version)
        // Bit 0 of each byte is the module's colour; the other bits describe its role.
        modules = (0..<(width * width)).map { code.pointee.data[$0] & 1 == 1 }
    }

    public func isDark(_ x: Int, _ y: Int) -> Bool { modules[y * size + x] }
}
