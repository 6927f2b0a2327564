import Foundation
import KhoCore

/// A change to a product's metadata as a person asks for it: values to set, list entries to add
/// or remove, fields to empty, and whether the product is public. Fields are named as in
/// manifests (`content_line`, `languages`…).
public struct MetadataEdit: Sendable, Equatable {
    public var title: String?
    public var description: String?
    public var kind: String?
    public var contentLine: String?
    public var agency: String?
    public var province: String?
    public var produced: String?
    public var published: String?
    public var funding: String?
    public var rights: String?
    public var addLanguages: [String] = []
    public var removeLanguages: [String] = []
    public var addPlatforms: [String] = []
    public var removePlatforms: [String] = []
    public var addTopics: [String] = []
    public var removeTopics: [String] = []
    /// Fields to empty.
    public var clear: Set<String> = []
    /// Make the product public (true) or private (false); nil leaves it.
    public var isPublic: Bool?

    public init() {}

    /// The fields `clear` may name.
    public static let clearable: Set<String> = [
        "description", "content_line", "agency", "province", "produced", "published", "funding", "rights",
        "languages", "platforms", "topics",
    ]

    /// One field's value before and after.
    public struct Change: Sendable, Equatable {
        public var field: String
        public var before: String
        public var after: String
    }

    /// The metadata input this edit makes of `old`, and every problem with the edit itself.
    func input(from old: ProductMetadata, flagName: (String) -> String) -> (MetadataInput, [String]) {
        var problems: [String] = []
        let l = Localizer.current
        let cleared = Set(clear.map { $0.replacingOccurrences(of: "-", with: "_") })
        for unknown in cleared.subtracting(Self.clearable).sorted() {
            problems.append(
                l(
                    "edit.not_clearable",
                    [
                        "field": flagName("clear"), "value": unknown,
                        "fields": Self.clearable.sorted().joined(separator: ", "),
                    ]))
        }
        func edited(
            _ current: [String], add: [String], remove: [String], key: (String) -> String, field: String
        ) -> [String] {
            var list = current
            for value in remove {
                let wanted = key(value)
                if list.contains(where: { key($0) == wanted }) {
                    list.removeAll { key($0) == wanted }
                } else {
                    problems.append(
                        l(
                            "edit.not_present",
                            [
                                "field": field, "value": value,
                                "current": current.isEmpty ? l("edit.none") : current.joined(separator: ", "),
                            ]))
                }
            }
            for value in add {
                let wanted = key(value)
                list.removeAll { key($0) == wanted }
                list.append(value)
            }
            return list
        }
        var input = MetadataInput()
        input.title = title ?? old.title
        input.kind = kind ?? old.kind
        input.description = cleared.contains("description") ? nil : description ?? old.description
        input.contentLine = cleared.contains("content_line") ? nil : contentLine ?? old.contentLine
        input.agency = cleared.contains("agency") ? nil : agency ?? old.agency
        input.province = cleared.contains("province") ? nil : province ?? old.province?.qualified
        input.produced = cleared.contains("produced") ? nil : produced ?? old.produced?.description
        input.published = cleared.contains("published") ? nil : published ?? old.published?.description
        input.funding = cleared.contains("funding") ? nil : funding ?? old.funding
        input.rights = cleared.contains("rights") ? nil : rights ?? old.rights
        input.rightsUnchecked = rights == nil
        input.isPublic = (isPublic ?? old.isPublic) ? "yes" : "no"
        input.languages = edited(
            cleared.contains("languages") ? [] : old.languages.map(\.spec), add: addLanguages,
            remove: removeLanguages, key: { $0.split(separator: ":").first.map { String($0).lowercased() } ?? $0 },
            field: flagName("remove-lang"))
        input.platforms = edited(
            cleared.contains("platforms") ? [] : old.platforms, add: addPlatforms, remove: removePlatforms,
            key: { $0.lowercased() }, field: flagName("remove-platform"))
        input.topics = edited(
            cleared.contains("topics") ? [] : old.topics, add: addTopics, remove: removeTopics,
            key: { $0.lowercased() }, field: flagName("remove-topic"))
        return (input, problems)
    }

    /// The fields that differ between two versions of a product's metadata.
    public static func changes(from old: ProductMetadata, to new: ProductMetadata) -> [Change] {
        let before = values(of: old)
        let after = values(of: new)
        return fieldOrder.filter { before[$0] != after[$0] }.map {
            Change(field: $0, before: before[$0] ?? "", after: after[$0] ?? "")
        }
    }

    /// The fields as events record them, in this order.
    static let fieldOrder = [
        "title", "description", "kind", "languages", "platforms", "topics", "content_line", "agency", "province",
        "produced", "published", "funding", "rights", "public",
    ]

    /// Each field's value as an event records it (lists joined by `;`, nothing as an empty string).
    public static func values(of metadata: ProductMetadata) -> [String: String] {
        func text(_ value: (any CustomStringConvertible)?) -> String { value.map(\.description) ?? "" }
        let old = metadata
        let pairs: [(String, String)] = [
            ("title", old.title),
            ("description", text(old.description)),
            ("kind", old.kind),
            ("languages", old.languages.map(\.spec).joined(separator: ";")),
            ("platforms", old.platforms.joined(separator: ";")),
            ("topics", old.topics.joined(separator: ";")),
            ("content_line", text(old.contentLine)),
            ("agency", text(old.agency)),
            ("province", text(old.province)),
            ("produced", text(old.produced)),
            ("published", text(old.published)),
            ("funding", text(old.funding)),
            ("rights", text(old.rights)),
            ("public", old.isPublic ? "yes" : "no"),
        ]
        return Dictionary(uniqueKeysWithValues: pairs)
    }
}
