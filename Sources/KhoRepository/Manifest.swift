import CSV
import Crypto
import Foundation
import KhoCore

/// One product of a manifest, as written: a row of a CSV file or an entry of a JSON file.
public struct ManifestRow: Sendable {
    /// The row as a spreadsheet numbers it (the header is row 1), or the JSON entry's 1-based index.
    public var number: Int
    public var path: String?
    public var input: MetadataInput
}

/// A manifest: a CSV (UTF-8, header row, `;` between list items) or JSON file describing
/// many products, with the fields of `MetadataInput.manifestFields`.
public struct Manifest: Sendable {
    public var file: String
    /// The SHA-256 of the manifest's bytes: with a row number, it makes re-runs idempotent.
    public var sha256: String
    public var rows: [ManifestRow]
    /// How messages name a row: `row` for CSV, `entry` for JSON.
    public var unit: String

    /// How messages name a row, in the reader's language: "row 3" of a CSV, "entry 3" of a JSON file.
    public func unitName(_ l: Localizer) -> String {
        unit == "row" ? l("manifest.unit.row") : l("manifest.unit.entry")
    }

    /// Reads and checks the manifest's shape; every problem found is reported at once.
    /// The largest manifest kho reads (it is read whole, then checked whole before anything is
    /// written), and the most products one manifest registers: split a bigger batch in several.
    public static let maximumBytes: Int64 = 64 << 20
    public static let maximumRows = 100_000

    public static func read(_ file: String) throws -> Manifest {
        let l = Localizer.current
        if let size = (try? FileManager.default.attributesOfItem(atPath: file))?[.size] as? Int64, size > maximumBytes {
            throw RepositoryError.invalidInput(
                summary: l("manifest.too_large", ["file": file, "size": l.bytes(size), "limit": l.bytes(maximumBytes)]),
                problems: [])
        }
        guard let data = FileManager.default.contents(atPath: file) else {
            throw RepositoryError.invalidInput(
                summary: l("manifest.unreadable", ["file": file]), problems: [])
        }
        let digest = Hex.string(SHA256.hash(data: data))
        guard var text = String(validating: data, as: UTF8.self) else {
            throw RepositoryError.invalidInput(
                summary: l("manifest.not_utf8", ["file": file]),
                problems: [])
        }
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let isJSON = file.lowercased().hasSuffix(".json") || trimmed.hasPrefix("[") || trimmed.hasPrefix("{")
        let rows = try isJSON ? readJSON(text, file: file) : readCSV(text, file: file)
        if rows.count > maximumRows {
            throw RepositoryError.invalidInput(
                summary: l(
                    "manifest.too_many_rows",
                    ["file": file, "count": l.integer(rows.count), "limit": l.integer(maximumRows)]),
                problems: [])
        }
        return Manifest(file: file, sha256: digest, rows: rows, unit: isJSON ? "entry" : "row")
    }

    static func readCSV(_ text: String, file: String) throws -> [ManifestRow] {
        let l = Localizer.current
        let reader: CSVReader
        do { reader = try CSVReader(string: text, hasHeaderRow: true, trimFields: true) } catch {
            throw RepositoryError.invalidInput(
                summary: l("manifest.no_header", ["file": file]), problems: [])
        }
        let header = (reader.headerRow ?? []).map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        var problems: [String] = []
        if header.count == 1, header[0].contains(";") {
            problems.append(l("manifest.semicolon_columns"))
        }
        let known = Set(MetadataInput.manifestFields)
        for (index, column) in header.enumerated() where !known.contains(column) {
            problems.append(
                l(
                    "manifest.unknown_column",
                    [
                        "index": String(index + 1), "column": column,
                        "columns": MetadataInput.manifestFields.joined(separator: ","),
                    ]))
        }
        var seen = Set<String>()
        for column in header where !seen.insert(column).inserted {
            problems.append(l("manifest.column_twice", ["column": column]))
        }
        guard problems.isEmpty else {
            throw RepositoryError.invalidInput(summary: l("manifest.header_invalid", ["file": file]), problems: problems)
        }
        var rows: [ManifestRow] = []
        var number = 1
        while let fields = reader.next() {
            number += 1
            if fields.allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) { continue }
            if fields.count > header.count {
                problems.append(
                    l(
                        "manifest.too_many_fields",
                        ["row": String(number), "fields": String(fields.count), "columns": String(header.count)]))
                continue
            }
            var values: [String: String] = [:]
            for (index, value) in fields.enumerated() where !value.isEmpty { values[header[index]] = value }
            rows.append(row(number: number, values))
        }
        if let error = reader.error {
            problems.append(l("manifest.csv_unreadable", ["row": String(number + 1), "error": "\(error)"]))
        }
        guard problems.isEmpty else {
            throw RepositoryError.invalidInput(summary: l("manifest.csv_invalid", ["file": file]), problems: problems)
        }
        return rows
    }

    static func readJSON(_ text: String, file: String) throws -> [ManifestRow] {
        let l = Localizer.current
        let fieldList = MetadataInput.manifestFields.joined(separator: ", ")
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: Data(text.utf8)) } catch {
            throw RepositoryError.invalidInput(
                summary: l("manifest.json_invalid", ["file": file, "error": error.localizedDescription]),
                problems: [])
        }
        let entries: [Any]
        if let array = object as? [Any] {
            entries = array
        } else if let products = (object as? [String: Any])?["products"] as? [Any] {
            entries = products
        } else {
            throw RepositoryError.invalidInput(
                summary: l("manifest.json_shape", ["file": file]), problems: [])
        }
        let known = Set(MetadataInput.manifestFields)
        let lists: Set<String> = ["languages", "platforms", "topics"]
        var problems: [String] = []
        var rows: [ManifestRow] = []
        for (index, entry) in entries.enumerated() {
            let number = index + 1
            guard let fields = entry as? [String: Any] else {
                problems.append(l("manifest.entry_not_object", ["entry": String(number), "fields": fieldList]))
                continue
            }
            var values: [String: String] = [:]
            var listValues: [String: [String]] = [:]
            for (key, value) in fields.sorted(by: { $0.key < $1.key }) {
                guard known.contains(key) else {
                    problems.append(
                        l("manifest.unknown_field", ["entry": String(number), "field": key, "fields": fieldList]))
                    continue
                }
                switch value {
                case is NSNull: continue
                case let text as String: values[key] = text
                case let array as [Any] where lists.contains(key):
                    guard let strings = array as? [String] else {
                        problems.append(l("manifest.expected_strings", ["entry": String(number), "field": key]))
                        continue
                    }
                    listValues[key] = strings
                default:
                    problems.append(
                        l(
                            lists.contains(key) ? "manifest.expected_list" : "manifest.expected_string",
                            ["entry": String(number), "field": key]))
                }
            }
            rows.append(row(number: number, values).merging(lists: listValues))
        }
        guard problems.isEmpty else {
            throw RepositoryError.invalidInput(summary: l("manifest.invalid", ["file": file]), problems: problems)
        }
        return rows
    }

    /// A row from its fields by column name; list fields are split at `;`.
    private static func row(number: Int, _ values: [String: String]) -> ManifestRow {
        func split(_ text: String) -> [String] { text.split(separator: ";").map(String.init) }
        var input = MetadataInput()
        input.title = values["title"]
        input.kind = values["kind"]
        input.languages = values["languages"].map(split) ?? []
        input.platforms = values["platforms"].map(split) ?? []
        input.topics = values["topics"].map(split) ?? []
        input.contentLine = values["content_line"]
        input.agency = values["agency"]
        input.province = values["province"]
        input.produced = values["produced"]
        input.published = values["published"]
        input.funding = values["funding"]
        input.description = values["description"]
        input.rights = values["rights"]
        input.isPublic = values["public"]
        let path = values["path"]?.trimmingCharacters(in: .whitespaces)
        return ManifestRow(number: number, path: path?.isEmpty == false ? path : nil, input: input)
    }
}

extension ManifestRow {
    fileprivate func merging(lists: [String: [String]]) -> ManifestRow {
        var copy = self
        if let languages = lists["languages"] { copy.input.languages = languages }
        if let platforms = lists["platforms"] { copy.input.platforms = platforms }
        if let topics = lists["topics"] { copy.input.topics = topics }
        return copy
    }
}
