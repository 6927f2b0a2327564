import Foundation

/// The role a language plays in a product, which decides the target groups it counts in.
public enum LanguageRole: String, Codable, Sendable, CaseIterable {
    case national
    case ethnic
    case foreign
}

/// A kind of communication product (`kinds.json`).
public struct Kind: Codable, Sendable, Hashable, Labelled {
    public var code: String
    public var label: String
    public var labelVi: String
    /// The kind is inherently digital (e-book, social-media post, MOOC lesson).
    public var digital: Bool
    /// The kind counts as a book title for the 1,000-title target.
    public var bookTitle: Bool
}

/// A platform or channel (`platforms.json`).
public struct Platform: Codable, Sendable, Hashable, Labelled {
    public var code: String
    public var label: String
    public var labelVi: String
    /// Whether a product on this platform counts as on a digital platform.
    public var digital: Bool
}

/// A language, as a BCP 47 tag with its default role (`languages.json`).
public struct Language: Codable, Sendable, Hashable, Labelled {
    public var code: String
    public var iso639_3: String?
    public var label: String
    public var labelVi: String
    public var role: LanguageRole
    /// The ethnic groups of Viet Nam that speak it (of the 54), if any.
    public var groups: [String]?

    /// Spoken in Viet Nam (Vietnamese or an ethnic group's language), or a major language with an
    /// ISO 639-1 code: the languages a form offers without being asked.
    public var isCommon: Bool { role != .foreign || groups != nil || code.count == 2 }
}

/// A topic, with the agency that leads content on it (`topics.json`).
public struct Topic: Codable, Sendable, Hashable, Labelled {
    public var code: String
    public var label: String
    public var labelVi: String
    public var leadAgency: String
    public var leadAgencyVi: String
}

/// A plain coded term: content lines and funding sources.
public struct Term: Codable, Sendable, Hashable, Labelled {
    public var code: String
    public var label: String
    public var labelVi: String
}

/// The two sets of provincial units: before and after the merger of 1 July 2025.
public enum ProvinceSet: String, Codable, Sendable, CaseIterable {
    case units2022 = "2022"
    case units2025 = "2025"
}

/// A provincial-level unit of 2022 or of 2025 (`provinces.json`).
public struct ProvinceUnit: Codable, Sendable, Hashable {
    public var code: String
    public var name: String
    /// For a 2022 unit: the 2025 unit it belongs to now.
    public var successor: String?
    /// For a 2025 unit: the 2022 units it was formed from.
    public var formerUnits: [String]?
    public var aliases: [String]?
}

/// A vocabulary entry named in English and Vietnamese.
public protocol Labelled {
    var label: String { get }
    var labelVi: String { get }
}

extension Labelled {
    /// The entry's name in `language`.
    public func label(in language: DisplayLanguage) -> String { language == .vi ? labelVi : label }
}

/// A licence a product's rights may name (`licences.json`): what a visitor may do with it.
public struct Licence: Codable, Sendable, Hashable, Labelled {
    public var code: String
    public var label: String
    public var labelVi: String
    /// The licence's deed, when it has one.
    public var url: String?
    /// Copy and redistribute.
    public var share: Bool
    /// Make adaptations.
    public var adapt: Bool
    /// Use commercially.
    public var commercial: Bool
    /// Credit the author when re-using.
    public var attribution: Bool
    /// Adaptations under the same licence.
    public var shareAlike: Bool
}

/// One rule of the retention schedule (`retention.json`).
public struct RetentionRule: Codable, Sendable, Hashable, Labelled {
    public var code: String
    public var label: String
    public var labelVi: String
    /// Funding sources it applies to (nil: any).
    public var funding: [String]?
    /// Kinds it applies to (nil: any).
    public var kinds: [String]?
    /// Years kept from publication; nil: permanently.
    public var years: Int?
    /// Why, in each language.
    public var basis: String
    public var basisVi: String

    public func matches(funding source: String?, kind: String) -> Bool {
        if let kinds, !kinds.contains(kind) { return false }
        if let funding { return source.map(funding.contains) ?? false }
        return true
    }
}
