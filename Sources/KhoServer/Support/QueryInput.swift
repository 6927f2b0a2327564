import Foundation
import Hummingbird
import KhoApp
import KhoCore

/// The filter parameters shared by the catalogue, the dashboard and the API:
/// `q`, `kind`, `lang`, `platform`, `topic`, `content_line`, `province`, `agency`, `from`, `to`,
/// `period`, `digitised` (yes/no), `group` (ethnic/foreign/digital/any/books). Lists repeat a
/// parameter or separate values with commas.
struct QueryInput {
    static let maximumQueryLength = 4096
    /// The longest search a person types.
    static let maximumSearchLength = 200
    static let names = [
        "q", "kind", "lang", "platform", "topic", "content_line", "province", "agency", "from", "to", "period",
        "digitised", "group",
    ]

    var query: String?
    var filter: FilterInput

    init(_ request: Request) throws {
        guard (request.uri.query ?? "").utf8.count <= Self.maximumQueryLength else {
            throw PageError.badRequest(
                "The query string is longer than \(Self.maximumQueryLength) bytes; ask for fewer values at once.")
        }
        let parameters = request.uri.queryParameters
        func list(_ name: String) -> [String] {
            parameters.getAll(name).flatMap { $0.split(separator: ",") }.map {
                String($0).trimmingCharacters(in: .whitespaces)
            }.filter { !$0.isEmpty }
        }
        func value(_ name: String) -> String? {
            parameters.get(name).map { String($0).trimmingCharacters(in: .whitespaces) }.flatMap {
                $0.isEmpty ? nil : $0
            }
        }
        query = value("q")
        if let query, query.count > Self.maximumSearchLength {
            throw PageError.badRequest(
                "q: the search is \(query.count) characters long; give at most \(Self.maximumSearchLength)")
        }
        filter = FilterInput()
        filter.kinds = list("kind")
        filter.languages = list("lang")
        filter.platforms = list("platform")
        filter.topics = list("topic")
        filter.contentLines = list("content_line")
        filter.provinces = list("province")
        filter.agency = value("agency")
        filter.from = value("from")
        filter.to = value("to")
        filter.period = value("period")
        filter.group = value("group")
        switch value("digitised")?.lowercased() {
        case nil: break
        case "yes": filter.digitised = true
        case "no": filter.digitised = false
        case let other?:
            throw PageError.badRequest("digitised: '\(other)' is not valid; expected yes or no")
        }
        filter.fieldName = { name in name == "content-line" ? "content_line" : name }
    }

    /// The checked filter, or a 400 naming every bad value.
    func resolve(_ vocabulary: Vocabulary) throws -> (ProductFilter, ReportPeriod?) {
        do { return try filter.resolve(vocabulary) } catch {
            throw PageError.badRequest(error.problems.joined(separator: "; "))
        }
    }

    /// The parameters again, for links that keep them (pagination, "see the products").
    func items(replacing: [String: String?] = [:]) -> [(String, String)] {
        var result: [(String, String)] = []
        var fields: [String: [String]] = [
            "q": query.map { [$0] } ?? [], "kind": filter.kinds, "lang": filter.languages,
            "platform": filter.platforms, "topic": filter.topics, "content_line": filter.contentLines,
            "province": filter.provinces, "agency": filter.agency.map { [$0] } ?? [],
            "from": filter.from.map { [$0] } ?? [], "to": filter.to.map { [$0] } ?? [],
            "period": filter.period.map { [$0] } ?? [], "group": filter.group.map { [$0] } ?? [],
            "digitised": filter.digitised.map { [$0 ? "yes" : "no"] } ?? [],
        ]
        for (key, value) in replacing { fields[key] = value.map { [$0] } ?? [] }
        for name in Self.names + fields.keys.filter({ !Self.names.contains($0) }).sorted() {
            for value in fields[name] ?? [] { result.append((name, value)) }
        }
        return result
    }

    static func encode(_ items: [(String, String)]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return items.map { key, value in
            "\(key)=\(value.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")"
        }.joined(separator: "&")
    }
}
