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
    static let known = Set(required + ["events", "public"])

    static func problems(_ line: Data, objects: [String: Int64]) -> [String] {
        guard let record = (try? JSONSerialization.jsonObject(with: line)) as? [String: Any] else {
            return ["not a JSON object"]
        }
        var problems: [String] = []
        for key in required where record[key] == nil { problems.append("field \(key) is missing") }
        for key in record.keys.sorted() where !known.contains(key) {
            problems.append("field \(key) is not in the schema")
        }
        func matches(_ value: Any?, _ pattern: String) -> Bool {
            guard let text = value as? String else { return false }
            return text.range(of: pattern, options: .regularExpression) != nil
        }
        if !matches(record["id"], "^[0-9A-HJKMNP-TV-Z]{16}$") { problems.append("id is not a product id") }
        if (record["title"] as? String)?.isEmpty != false { problems.append("title is empty or not text") }
        if !matches(record["kind"], "^[a-z0-9]+(-[a-z0-9]+)*$") { problems.append("kind is not a code") }
        for key in ["produced", "published"] where !(record[key] is NSNull) && record[key] != nil {
            if !matches(record[key], "^[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?$") {
                problems.append("\(key) is not a date")
            }
        }
        for language in record["languages"] as? [[String: Any]] ?? [] {
            if !["national", "ethnic", "foreign"].contains(language["role"] as? String ?? "") {
                problems.append("a language has no valid role")
            }
        }
        if record["languages"] != nil && !(record["languages"] is [Any]) { problems.append("languages is not a list") }
        for file in record["files"] as? [[String: Any]] ?? [] {
            guard matches(file["sha256"], "^[0-9a-f]{64}$"), let sha = file["sha256"] as? String else {
                problems.append("a file has no valid sha256")
                continue
            }
            let path = BagWriter.objectPath(sha)
            if objects[path] == nil {
                problems.append("file \(sha) is not in the bag")
            } else if let size = file["size"] as? Int64 ?? (file["size"] as? Int).map(Int64.init),
                objects[path] != size
            {
                problems.append("file \(sha): size \(objects[path]!) in the bag, \(size) in the record")
            }
            if !["master", "access", "derivative"].contains(file["role"] as? String ?? "") {
                problems.append("file \(sha) has no valid role")
            }
        }
        return problems
    }

    static let tombstoneFields = ["id", "removed", "title", "origin_repository", "removed_at", "agent", "reason"]

    /// Checks a tombstone against catalogue-schema/tombstone.schema.json.
    static func tombstoneProblems(_ record: [String: Any]) -> [String] {
        var problems: [String] = []
        for key in tombstoneFields where record[key] == nil { problems.append("tombstone field \(key) is missing") }
        for key in record.keys.sorted() where !tombstoneFields.contains(key) {
            problems.append("tombstone field \(key) is not in the schema")
        }
        if record["removed"] as? Bool != true { problems.append("removed is not true") }
        if (record["id"] as? String).flatMap({ $0.range(of: "^[0-9A-HJKMNP-TV-Z]{16}$", options: .regularExpression) })
            == nil
        {
            problems.append("id is not a product id")
        }
        if (record["removed_at"] as? String).flatMap(Timestamp.date) == nil {
            problems.append("removed_at is not a UTC timestamp")
        }
        for key in ["title", "origin_repository", "agent", "reason"] where !(record[key] is String) {
            problems.append("\(key) is not text")
        }
        return problems
    }
}
