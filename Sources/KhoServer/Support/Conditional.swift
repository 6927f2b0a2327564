import Foundation

/// What to answer to a request for a file of `size` bytes with this entity tag and date, given
/// its `Range`, `If-None-Match`, `If-Modified-Since` and `If-Range` headers (RFC 9110 §13, §14).
enum FileAnswer: Equatable {
    /// 304: the client's copy is current.
    case notModified
    /// 200 with the whole file.
    case whole
    /// 206 with these bytes (inclusive).
    case part(ClosedRange<Int64>)
    /// 416: no byte of the range is in the file.
    case unsatisfiable

    /// The longest `Range` header kho reads; a longer one is ignored (the whole file is sent).
    static let rangeHeaderLimit = 200

    static func decide(
        size: Int64, etag: String, lastModified: Date, range: String?, ifNoneMatch: String?,
        ifModifiedSince: String?, ifRange: String?
    ) -> FileAnswer {
        // If-None-Match wins over If-Modified-Since (§13.2.2).
        if let ifNoneMatch {
            if matches(ifNoneMatch, etag: etag) { return .notModified }
        } else if let text = ifModifiedSince, let since = HTTPDate.date(text),
            lastModified.timeIntervalSince1970.rounded(.down) <= since.timeIntervalSince1970
        {
            return .notModified
        }
        guard let range, !range.isEmpty else { return .whole }
        // If-Range: the range applies only to the copy the client has (a strong tag, or the exact date).
        if let ifRange {
            let trimmed = ifRange.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("\"") || trimmed.hasPrefix("W/") {
                if trimmed != etag { return .whole }
            } else if HTTPDate.date(trimmed).map({ $0.timeIntervalSince1970 }) != lastModified.timeIntervalSince1970
                .rounded(.down)
            {
                return .whole
            }
        }
        guard range.count <= rangeHeaderLimit else { return .whole }
        switch parse(range, size: size) {
        case .none: return .whole
        case .some(.none): return .unsatisfiable
        case .some(.some(let bytes)): return .part(bytes)
        }
    }

    /// A single byte range: nil when the header is not one kho honours (then the whole file is
    /// sent, as RFC 9110 allows: malformed or multi-range), `.some(nil)` when unsatisfiable.
    static func parse(_ header: String, size: Int64) -> ClosedRange<Int64>?? {
        let text = header.trimmingCharacters(in: .whitespaces)
        guard text.lowercased().hasPrefix("bytes=") else { return nil }
        let spec = text.dropFirst(6).trimmingCharacters(in: .whitespaces)
        guard !spec.contains(","), let dash = spec.firstIndex(of: "-") else { return nil }
        let first = spec[..<dash].trimmingCharacters(in: .whitespaces)
        let last = spec[spec.index(after: dash)...].trimmingCharacters(in: .whitespaces)
        func number(_ text: String) -> Int64? {
            guard !text.isEmpty, text.count <= 19, text.allSatisfy(\.isASCII), text.allSatisfy(\.isNumber) else {
                return nil
            }
            return Int64(text)
        }
        if first.isEmpty {
            // bytes=-N: the last N bytes.
            guard let suffix = number(last) else { return nil }
            guard suffix > 0, size > 0 else { return .some(nil) }
            return .some(max(0, size - suffix)...(size - 1))
        }
        guard let start = number(first) else { return nil }
        var end = size - 1
        if !last.isEmpty {
            guard let value = number(last), value >= start else { return nil }
            end = min(value, size - 1)
        }
        guard start < size else { return .some(nil) }
        return .some(start...end)
    }

    /// Whether an `If-None-Match` list holds this tag (weak comparison, §13.1.2) or `*`.
    static func matches(_ header: String, etag: String) -> Bool {
        let bare = etag.hasPrefix("W/") ? String(etag.dropFirst(2)) : etag
        for part in header.split(separator: ",") {
            var tag = part.trimmingCharacters(in: .whitespaces)
            if tag == "*" { return true }
            if tag.hasPrefix("W/") { tag.removeFirst(2) }
            if tag == bare { return true }
        }
        return false
    }
}

/// `Content-Disposition` with the original name (RFC 6266, RFC 8187): an ASCII fallback in
/// `filename`, the UTF-8 name in `filename*`.
enum ContentDisposition {
    static func value(_ name: String, inline: Bool) -> String {
        let clean = name.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }
        let ascii = String(
            String.UnicodeScalarView(
                clean.map { scalar -> Unicode.Scalar in
                    scalar.isASCII && scalar != "\"" && scalar != "\\" ? scalar : "_"
                }))
        var encoded = ""
        for byte in String(String.UnicodeScalarView(clean)).utf8 {
            let char = Character(Unicode.Scalar(byte))
            if byte < 0x80, char.isLetter || char.isNumber || "!#$&+-.^_`|~".contains(char) {
                encoded.append(char)
            } else {
                encoded += String(format: "%%%02X", byte)
            }
        }
        return "\(inline ? "inline" : "attachment"); filename=\"\(ascii)\"; filename*=UTF-8''\(encoded)"
    }
}
