import Foundation

/// A named, versioned digitisation profile (`catalogue-schema/profiles/`): which formats a digital
/// object may be in and the floors it must meet, per MIME type and optionally per product kind.
public struct ConformanceProfile: Codable, Sendable {
    public var profile: String
    public var version: String
    public var title: String
    public var source: String?
    public var description: String?
    public var rules: [Rule]

    public struct Rule: Codable, Sendable {
        public var id: String
        public var label: String
        /// The MIME types the rule applies to.
        public var mime: [String]
        /// If given, the rule applies only to products of these kinds.
        public var kinds: [String]?
        public var checks: [Check]?
        /// False: a file this rule applies to is in a format the profile does not accept.
        public var allowed: Bool?
        public var why: String?
        /// Recommendations that are reported but do not fail: `pdfa`.
        public var advice: [String]?
        /// Another file the product must have beside this one (a MOOC lesson's slides).
        public var companion: Companion?
    }

    /// A file of one of these MIME types must be among the product's other files.
    public struct Companion: Codable, Sendable {
        public var mime: [String]
        public var label: String
    }

    /// One floor or required value: `min` (a number, or a version string), or `equals`.
    public struct Check: Codable, Sendable {
        public var field: String
        public var min: Bound?
        /// A ceiling (a number): a MOOC lesson runs at most 5 minutes.
        public var max: Bound?
        public var equals: Bool?
        /// `present`: the check applies only when the field could be read (a PDF without page
        /// images has no scan resolution).
        public var when: String?
        public var why: String?
    }

    public enum Bound: Codable, Sendable, Equatable {
        case number(Double)
        case version(String)

        public init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let number = try? container.decode(Double.self) {
                self = .number(number)
            } else {
                self = .version(try container.decode(String.self))
            }
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .number(let number): try container.encode(number)
            case .version(let version): try container.encode(version)
            }
        }
    }

    /// The profiles built into this version of kho.
    public static func builtIn() -> [ConformanceProfile] {
        [try! JSONDecoder().decode(ConformanceProfile.self, from: Data(PackageResources.vn_archive_2019_json))]
    }

    public static let defaultName = "vn-archive-2019"
}

/// The verdict on one digital object.
public enum ConformanceStatus: String, Codable, Sendable, CaseIterable {
    case pass
    case fail
    /// A rule applies, but a fact it needs could not be read (see the reasons).
    case unknown
    /// No rule of the profile applies to this type of file.
    case notCovered = "not-covered"
}

public struct ConformanceResult: Codable, Sendable, Equatable {
    public var status: ConformanceStatus
    public var rule: String?
    public var reasons: [String]
    public var advice: [String]
}

extension ConformanceProfile {
    /// Judges one object: the first rule that applies to its MIME type (and the product's kind)
    /// decides. `others` are the MIME types of the product's other files, for a rule that needs a
    /// companion file.
    public func evaluate(mime given: String, kind: String, metadata: TechnicalMetadata?, others: [String] = [])
        -> ConformanceResult
    {
        // Objects stored before kho told WMA from WMV: their characterisation says which.
        var mime = given
        if given == "video/x-ms-asf" {
            switch metadata?.format {
            case "wma": mime = "audio/x-ms-wma"
            case "wmv": mime = "video/x-ms-wmv"
            default: break
            }
        }
        guard
            let rule = rules.first(where: { rule in
                rule.mime.contains(mime) && (rule.kinds.map { $0.contains(kind) } ?? true)
            })
        else {
            return ConformanceResult(
                status: .notCovered, rule: nil, reasons: ["no rule of \(profile) covers \(mime)"], advice: [])
        }
        if rule.allowed == false {
            return ConformanceResult(
                status: .fail, rule: rule.id, reasons: ["format \(mime) not accepted: \(rule.why ?? rule.label)"],
                advice: [])
        }
        var failures: [String] = []
        var unknowns: [String] = []
        for check in rule.checks ?? [] {
            let value = metadata.flatMap { Self.value(of: check.field, in: $0) }
            guard let value else {
                if check.when != "present" {
                    unknowns.append("\(Self.label(check.field)) could not be read" + Self.noteSuffix(metadata))
                }
                continue
            }
            if let equals = check.equals, case .bool(let actual) = value, actual != equals {
                failures.append(check.field == "encrypted" ? "encrypted" : "\(Self.label(check.field)) is \(actual)")
            }
            switch (check.min, value) {
            case (.number(let floor)?, .number(let actual)) where actual < floor:
                failures.append(
                    "\(Self.label(check.field)) \(Self.format(actual))\(Self.unit(check.field)) < \(Self.format(floor))\(Self.unit(check.field))"
                )
            case (.version(let floor)?, .text(let actual)) where Self.compareVersions(actual, floor) < 0:
                failures.append("\(Self.label(check.field)) \(actual) < \(floor)")
            default:
                break
            }
            if case .number(let ceiling)? = check.max, case .number(let actual) = value, actual > ceiling {
                failures.append(
                    "\(Self.label(check.field)) \(Self.format(actual))\(Self.unit(check.field)) > \(Self.format(ceiling))\(Self.unit(check.field))"
                )
            }
        }
        if let companion = rule.companion, !others.contains(where: companion.mime.contains) {
            failures.append("no \(companion.label) among the product's files")
        }
        var advice: [String] = []
        if rule.advice?.contains("pdfa") == true, metadata?.pdfa == nil {
            advice.append("not PDF/A: TCVN 14159-1:2024 adopts PDF/A-1 for long-term preservation")
        }
        let status: ConformanceStatus = !failures.isEmpty ? .fail : !unknowns.isEmpty ? .unknown : .pass
        return ConformanceResult(status: status, rule: rule.id, reasons: failures + unknowns, advice: advice)
    }

    enum Value {
        case number(Double)
        case text(String)
        case bool(Bool)
    }

    static func value(of field: String, in metadata: TechnicalMetadata) -> Value? {
        switch field {
        case "format_version": metadata.formatVersion.map(Value.text)
        case "resolution_ppi": metadata.resolutionPPI.map(Value.number)
        case "bitrate_kbps": metadata.bitrateKbps.map(Value.number)
        case "duration_seconds": metadata.durationSeconds.map(Value.number)
        case "page_count": metadata.pageCount.map { .number(Double($0)) }
        case "width": metadata.width.map { .number(Double($0)) }
        case "height": metadata.height.map { .number(Double($0)) }
        case "sample_rate": metadata.sampleRate.map { .number(Double($0)) }
        case "encrypted": metadata.encrypted.map(Value.bool)
        default: nil
        }
    }

    static func label(_ field: String) -> String {
        switch field {
        case "format_version": "version"
        case "resolution_ppi": "resolution"
        case "bitrate_kbps": "bitrate"
        case "duration_seconds": "duration"
        default: field.replacingOccurrences(of: "_", with: " ")
        }
    }

    static func unit(_ field: String) -> String {
        switch field {
        case "resolution_ppi": " ppi"
        case "bitrate_kbps": " kbps"
        case "duration_seconds": " s"
        default: ""
        }
    }

    static func format(_ number: Double) -> String {
        number == number.rounded() ? String(Int(number)) : String(format: "%.1f", number)
    }

    static func noteSuffix(_ metadata: TechnicalMetadata?) -> String {
        guard let metadata else { return " (not characterised yet: run `kho characterise`)" }
        return metadata.notes.isEmpty ? "" : " (\(metadata.notes.joined(separator: "; ")))"
    }

    /// Compares dotted version numbers numerically: "1.10" > "1.4".
    static func compareVersions(_ a: String, _ b: String) -> Int {
        let left = a.split(separator: ".").map { Int($0) ?? 0 }
        let right = b.split(separator: ".").map { Int($0) ?? 0 }
        for index in 0..<max(left.count, right.count) {
            let l = index < left.count ? left[index] : 0
            let r = index < right.count ? right[index] : 0
            if l != r { return l < r ? -1 : 1 }
        }
        return 0
    }
}
