import Foundation
import KhoCore

/// Checks one record against the rules of catalogue-schema/product.schema.json that an importer
/// relies on: the required fields and their types, identifiers, hashes and dates, and that every
/// file it names is in the bag.
enum RecordCheck {
    static let required = [
        "id", "title", "description", "kind", "languages", "platforms", "topics", "content_line", "agency", "province",
        "produced", "published", "funding", "rights", "groups", "files", "origin_repository", "created_at",
        "updated_at",
    ]
    /// `reuse` and `retention` are derived by each repository from its own vocabularies: kho leaves
    /// them out of a bundle's records, and accepts them in records other tools write.
    static let known = Set(required + ["events", "public", "reuse", "retention"])

    static func problems(_ line: Data, objects: [String: Int64]) -> [String] {
        let l = Localizer.current
        guard let record = (try? JSONSerialization.jsonObject(with: line)) as? [String: Any] else {
            return [l("record.not_object")]
        }
        var problems: [String] = []
        for key in required where record[key] == nil { problems.append(l("record.field_missing", ["field": key])) }
        for key in record.keys.sorted() where !known.contains(key) {
            problems.append(l("record.field_unknown", ["field": key]))
        }
        func matches(_ value: Any?, _ pattern: String) -> Bool {
            guard let text = value as? String else { return false }
            return text.range(of: pattern, options: .regularExpression) != nil
        }
        if !matches(record["id"], "^[0-9A-HJKMNP-TV-Z]{16}$") { problems.append(l("record.bad_id")) }
        if (record["title"] as? String)?.isEmpty != false { problems.append(l("record.bad_title")) }
        if !matches(record["kind"], "^[a-z0-9]+(-[a-z0-9]+)*$") { problems.append(l("record.bad_kind")) }
        for key in ["produced", "published"] where !(record[key] is NSNull) && record[key] != nil {
            if !matches(record[key], "^[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?$") {
                problems.append(l("record.bad_date", ["field": key]))
            }
        }
        for language in record["languages"] as? [[String: Any]] ?? [] {
            if !["national", "ethnic", "foreign"].contains(language["role"] as? String ?? "") {
                problems.append(l("record.bad_language_role"))
            }
        }
        if record["languages"] != nil && !(record["languages"] is [Any]) { problems.append(l("record.languages_not_list")) }
        for file in record["files"] as? [[String: Any]] ?? [] {
            guard matches(file["sha256"], "^[0-9a-f]{64}$"), let sha = file["sha256"] as? String else {
                problems.append(l("record.bad_sha256"))
                continue
            }
            let path = BagWriter.objectPath(sha)
            if objects[path] == nil {
                problems.append(l("record.file_missing", ["sha256": sha]))
            } else if let size = file["size"] as? Int64 ?? (file["size"] as? Int).map(Int64.init),
                objects[path] != size
            {
                problems.append(
                    l("record.file_size", ["sha256": sha, "bag": String(objects[path] ?? 0), "record": String(size)]))
            }
            if !["master", "access", "derivative"].contains(file["role"] as? String ?? "") {
                problems.append(l("record.file_role", ["sha256": sha]))
            }
        }
        return problems
    }

    static let tombstoneFields = ["id", "removed", "title", "origin_repository", "removed_at", "agent", "reason"]

    /// Checks a tombstone against catalogue-schema/tombstone.schema.json.
    static func tombstoneProblems(_ record: [String: Any]) -> [String] {
        let l = Localizer.current
        var problems: [String] = []
        for key in tombstoneFields where record[key] == nil {
            problems.append(l("record.tombstone_field_missing", ["field": key]))
        }
        for key in record.keys.sorted() where !tombstoneFields.contains(key) {
            problems.append(l("record.tombstone_field_unknown", ["field": key]))
        }
        if record["removed"] as? Bool != true { problems.append(l("record.removed_not_true")) }
        if (record["id"] as? String).flatMap({ $0.range(of: "^[0-9A-HJKMNP-TV-Z]{16}$", options: .regularExpression) })
            == nil
        {
            problems.append(l("record.bad_id"))
        }
        if (record["removed_at"] as? String).flatMap(Timestamp.date) == nil {
            problems.append(l("record.bad_removed_at"))
        }
        for key in ["title", "origin_repository", "agent", "reason"] where !(record[key] is String) {
            problems.append(l("record.not_text", ["field": key]))
        }
        return problems
    }
}
