import Foundation

/// A code that is not in a vocabulary, or a vocabulary file that cannot be read.
public enum VocabularyError: Error, CustomStringConvertible, Equatable, Sendable {
    /// `field` (a flag or a manifest column) holds `value`, which `vocabulary` does not know.
    case unknownCode(vocabulary: String, field: String, value: String, suggestions: [String])
    /// A value that is not of the expected shape at all.
    case invalidValue(field: String, value: String, expected: String)
    /// A vocabulary file that does not parse or breaks a rule.
    case invalidFile(name: String, reason: String)

    public var description: String {
        switch self {
        case .unknownCode(let vocabulary, let field, let value, let suggestions):
            var text = "\(field): unknown \(Self.singular(vocabulary)) code '\(value)'"
            if !suggestions.isEmpty {
                text += "; did you mean " + suggestions.map { "'\($0)'" }.joined(separator: ", ") + "?"
            }
            text += " (see `kho vocab \(vocabulary)`"
            if Vocabulary.extensibleNames.contains(vocabulary) {
                text += ", or add the code to the repository's vocabulary/\(vocabulary).json"
            }
            return text + ")"
        case .invalidValue(let field, let value, let expected):
            return "\(field): '\(value)' is not valid; expected \(expected)"
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
