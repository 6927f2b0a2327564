import Foundation

/// Vietnamese alphabetical order, for every list of names people read: `a ă â b c d đ e ê g h i
/// k l m n o ô ơ p q r s t u ư v x y`, with tones as secondary differences (ngang, huyền, hỏi,
/// ngã, sắc, nặng) and case after that. ICU's `vi` collation, through Foundation.
public enum VietnameseCollation {
    static let locale = Locale(identifier: "vi_VN")

    public static func compare(_ a: String, _ b: String) -> ComparisonResult {
        let result = a.compare(b, options: [], range: nil, locale: locale)
        // Equal for the collation but different strings: keep a total, stable order.
        if result == .orderedSame && a != b { return a.unicodeScalars.lexicographicallyPrecedes(b.unicodeScalars) ? .orderedAscending : .orderedDescending }
        return result
    }

    public static func precedes(_ a: String, _ b: String) -> Bool { compare(a, b) == .orderedAscending }
}

extension Sequence {
    /// The elements in Vietnamese alphabetical order of `name`.
    public func sortedVietnamese(by name: (Element) -> String) -> [Element] {
        map { (name($0), $0) }.sorted { VietnameseCollation.precedes($0.0, $1.0) }.map(\.1)
    }
}

extension Sequence<String> {
    /// The strings in Vietnamese alphabetical order.
    public func sortedVietnamese() -> [String] { sorted(by: VietnameseCollation.precedes) }
}
