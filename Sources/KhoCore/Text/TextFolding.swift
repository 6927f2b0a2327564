import Foundation

/// Text rules for Vietnamese: NFC storage, and a folded form for search that ignores
/// case, diacritics and the NFC/NFD difference, and reads `đ` as `d`.
public enum TextFolding {
    /// The NFC form of `text`, with surrounding white space removed.
    public static func normalized(_ text: String) -> String {
        text.precomposedStringWithCanonicalMapping.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The NFC form of `text` with CR, LF and other control characters turned into spaces:
    /// for one-line fields such as titles and agencies.
    public static func singleLine(_ text: String) -> String {
        let scalars = normalized(text).unicodeScalars.map { scalar -> Unicode.Scalar in
            CharacterSet.controlCharacters.contains(scalar) ? " " : scalar
        }
        return String(String.UnicodeScalarView(scalars))
    }

    /// Lower case, no combining marks, `đ`/`Đ` as `d`: "Quyền Trẻ Em" and "quyen tre em" fold alike.
    public static func fold(_ text: String) -> String {
        var result = String.UnicodeScalarView()
        for scalar in text.decomposedStringWithCanonicalMapping.unicodeScalars {
            switch scalar.value {
            case 0x0300...0x036F, 0x1AB0...0x1AFF, 0x1DC0...0x1DFF, 0x20D0...0x20FF, 0xFE20...0xFE2F:
                continue  // combining marks: Vietnamese tones, breve, circumflex, horn
            case 0x0110, 0x0111:
                result.append("d")  // Đ đ
            default:
                for lower in String(scalar).lowercased().unicodeScalars { result.append(lower) }
            }
        }
        return String(result)
    }

    /// An ASCII slug: folded, with every run of other characters made one hyphen.
    public static func slug(_ text: String) -> String {
        var slug = ""
        var pendingHyphen = false
        for scalar in fold(text).unicodeScalars {
            if scalar.isASCII, ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) {
                if pendingHyphen, !slug.isEmpty { slug.append("-") }
                pendingHyphen = false
                slug.unicodeScalars.append(scalar)
            } else {
                pendingHyphen = true
            }
        }
        return slug
    }

    /// The words of a folded text, for a full-text query: letters and digits only.
    public static func searchTerms(_ text: String) -> [String] {
        fold(text).split { !($0.isLetter || $0.isNumber) }.map(String.init)
    }
}
