import Foundation
import Synchronization

/// The language people read kho in. Vietnamese is the default: every user of the programme is
/// Vietnamese. Machine output (JSON keys, `--csv` for scripts, exit codes, ids) never changes with it.
public enum DisplayLanguage: String, Sendable, CaseIterable, Codable {
    case vi
    case en

    /// `KHO_LANG` (for one command) over the repository's `language` setting over Vietnamese.
    /// Accepts `vi`, `en` and locale forms such as `vi_VN.UTF-8` or `en-GB`.
    public static func resolve(environment: String?, setting: String?) -> DisplayLanguage {
        for value in [environment, setting] {
            if let value, let language = DisplayLanguage(code: value) { return language }
        }
        return .vi
    }

    /// `vi`, `en`, `vi_VN`, `en-US.UTF-8`…; nil for anything else.
    public init?(code: String) {
        let prefix = code.lowercased().prefix { $0.isLetter }
        guard let language = DisplayLanguage(rawValue: String(prefix)) else { return nil }
        self = language
    }
}

/// The messages of one language, from `catalogue-schema/i18n/<language>.json`, and the
/// language's way of writing numbers: `1.000` and `30,0 %` in Vietnamese, `1,000` and `30.0 %`
/// in English.
public struct Localizer: Sendable {
    public let language: DisplayLanguage
    let messages: [String: String]

    /// The language of the messages this process builds for the person at its terminal: the CLI
    /// sets it from $KHO_LANG and the repository's setting; English until then (tests, libraries).
    public static var current: Localizer {
        get { .builtIn(currentLanguage.withLock { $0 }) }
        set { currentLanguage.withLock { $0 = newValue.language } }
    }
    private static let currentLanguage = Mutex(DisplayLanguage.en)

    public static let vietnamese = Localizer(builtIn: .vi)
    public static let english = Localizer(builtIn: .en)

    public static func builtIn(_ language: DisplayLanguage) -> Localizer {
        switch language {
        case .vi: return vietnamese
        case .en: return english
        }
    }

    /// The message table of a language as kho ships it.
    public static func messageTable(_ language: DisplayLanguage) -> [String: String] {
        struct File: Decodable { var language: String; var messages: [String: String] }
        let bytes: [UInt8]
        switch language {
        case .vi: bytes = PackageResources.vi_json
        case .en: bytes = PackageResources.en_json
        }
        // The tables are part of the build and checked by the tests; a broken one is a build defect.
        return (try? JSONDecoder().decode(File.self, from: Data(bytes)).messages) ?? [:]
    }

    private init(builtIn language: DisplayLanguage) {
        self.language = language
        messages = Self.messageTable(language)
    }

    /// The message `key` with `{name}` placeholders filled. A key missing from the table (which
    /// the tests forbid) shows as the key itself rather than as nothing.
    public func callAsFunction(_ key: String, _ values: [String: String] = [:]) -> String {
        guard var text = messages[key] else { return key }
        for (name, value) in values { text = text.replacingOccurrences(of: "{\(name)}", with: value) }
        return text
    }

    public func has(_ key: String) -> Bool { messages[key] != nil }

    private var groupSeparator: Character { language == .vi ? "." : "," }
    private var decimalSeparator: Character { language == .vi ? "," : "." }

    /// `1.234.567` (vi) or `1,234,567` (en).
    /// `1.2 MB`, `340 KB`, `12 B` (decimal units): 1,6 MB in Vietnamese, 1.6 MB in English.
    public func bytes(_ count: Int64) -> String {
        let units = ["B", "KB", "MB", "GB", "TB"]
        var value = Double(count)
        var unit = 0
        while value >= 1000, unit < units.count - 1 {
            value /= 1000
            unit += 1
        }
        return unit == 0 ? "\(count) B" : "\(decimal(value, digits: value < 10 ? 1 : 0)) \(units[unit])"
    }

    public func integer(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var grouped = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { grouped.append(groupSeparator) }
            grouped.append(digit)
        }
        return (value < 0 ? "-" : "") + grouped
    }

    /// A decimal with a fixed number of digits after the separator: `15,25` (vi), `15.25` (en).
    public func decimal(_ value: Double, digits: Int) -> String {
        guard value.isFinite else { return self("number.not_available") }
        let scale = pow(10, Double(digits))
        let rounded = (abs(value) * scale).rounded()
        let whole = Int(rounded / scale)
        var text = (value < 0 && rounded > 0 ? "-" : "") + integer(whole)
        if digits > 0 {
            let fraction = Int(rounded - Double(whole) * scale)
            let padded = String(fraction)
            text.append(decimalSeparator)
            text += String(repeating: "0", count: max(0, digits - padded.count)) + padded
        }
        return text
    }

    /// `30,0 %` (vi) or `30.0 %` (en).
    public func percent(_ value: Double, digits: Int = 1) -> String { decimal(value, digits: digits) + " %" }

    /// A date as the language writes it: `02/03/2024`, `03/2024` or `2024` in Vietnamese (day
    /// first); ISO 8601 (`2024-03-02`) in English.
    public func date(_ date: PartialDate) -> String {
        guard language == .vi else { return date.description }
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : String(value) }
        switch (date.month, date.day) {
        case (let month?, let day?): return "\(two(day))/\(two(month))/\(date.year)"
        case (let month?, nil): return "\(two(month))/\(date.year)"
        default: return String(date.year)
        }
    }

    /// A change with its sign: `+12`, `-3`, `+1,25`.
    public func signed(_ value: Double, digits: Int) -> String {
        (value > 0 ? "+" : "") + (digits == 0 ? integer(Int(value.rounded())) : decimal(value, digits: digits))
    }
}

/// An error or message that can be said in the reader's language. The front doors (the CLI's
/// error printer) use it where it exists, and `description` (English) elsewhere.
public protocol LocalizedMessage {
    func message(_ l: Localizer) -> String
}
