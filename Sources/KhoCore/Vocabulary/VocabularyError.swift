import Foundation

/// A code that is not in a vocabulary, or a vocabulary file that cannot be read.
public enum VocabularyError: Error, CustomStringConvertible, Equatable, Sendable, LocalizedMessage {
    /// `field` (a flag or a manifest column) holds `value`, which `vocabulary` does not know.
    case unknownCode(vocabulary: String, field: String, value: String, suggestions: [String])
    /// A value that is not of the expected shape at all.
    case invalidValue(field: String, value: String, expected: String)
    /// A vocabulary file that does not parse or breaks a rule.
    case invalidFile(name: String, reason: String)

    /// In the language of the process's messages (`Localizer.current`).
    public var description: String { message(.current) }

    public func message(_ l: Localizer) -> String {
        switch self {
        case .unknownCode(let vocabulary, let field, let value, let suggestions):
            let kind = l.has("vocabulary.kind.\(vocabulary)") ? l("vocabulary.kind.\(vocabulary)") : Self.singular(vocabulary)
            var text = l("vocabulary.unknown_code", ["field": field, "kind": kind, "value": value])
            if !suggestions.isEmpty {
                text += l("vocabulary.did_you_mean", ["codes": suggestions.map { "'\($0)'" }.joined(separator: ", ")])
            }
            text += l("vocabulary.see", ["vocabulary": vocabulary])
            if Vocabulary.extensibleNames.contains(vocabulary) {
                text += l("vocabulary.or_add", ["vocabulary": vocabulary])
            }
            return text + ")"
        case .invalidValue(let field, let value, let expected):
            return l("vocabulary.invalid_value", ["field": field, "value": value, "expected": expected])
        case .invalidFile(let name, let reason):
            return "\(name): \(reason)"
        }
    }

    private static func singular(_ vocabulary: String) -> String {
        switch vocabulary {
        case "kinds": "kind"
        case "platforms": "platform"
        case "languages": "language"
        case "topics": "topic"
        case "content-lines": "content-line"
        case "provinces": "province"
        default: vocabulary
        }
    }
}
