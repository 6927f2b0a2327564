import Foundation

/// The on-disk form of one vocabulary file in `catalogue-schema/vocabularies/`.
struct VocabularyFile<Entry: Codable & Sendable>: Codable, Sendable {
    var vocabulary: String
    var version: String
    var description: String?
    var entries: [Entry]
}

/// The on-disk form of `provinces.json`.
struct ProvinceFile: Codable, Sendable {
    var vocabulary: String
    var version: String
    var description: String?
    var mergerDate: String
    var units2022: [ProvinceUnit]
    var units2025: [ProvinceUnit]
}
