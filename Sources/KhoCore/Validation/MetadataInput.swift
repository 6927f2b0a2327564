/// Product metadata as a person gives it, on the command line or in a manifest row: strings,
/// not yet checked. `Vocabulary.validate(_:fieldName:)` turns it into `ProductMetadata`.
public struct MetadataInput: Sendable, Equatable {
    public var title: String?
    public var description: String?
    public var kind: String?
    public var languages: [String] = []
    public var platforms: [String] = []
    public var topics: [String] = []
    public var contentLine: String?
    public var agency: String?
    public var province: String?
    public var produced: String?
    public var published: String?
    public var funding: String?
    /// A licence code of `licences.json` (`cc-by-4.0`, `all-rights-reserved`…), or its name.
    public var rights: String?
    /// Rights kept as they are without checking against the licences: a record's free-text
    /// statement from before the licence vocabulary, carried through an edit that does not touch it.
    public var rightsUnchecked = false
    /// `yes`/`no` (also true/false, 1/0, public/private); nil keeps the default (public).
    public var isPublic: String?

    public init() {}

    /// The manifest's column names, in order; the CLI's flags are named after them.
    public static let manifestFields = [
        "path", "title", "kind", "languages", "platforms", "topics", "content_line", "agency", "province",
        "produced", "published", "funding", "description", "rights", "public",
    ]
}

/// One thing wrong with one field: what it holds and why that will not do.
public struct FieldProblem: Error, Sendable, Equatable, CustomStringConvertible {
    public var field: String
    public var message: String

    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }

    public var description: String { message }
}

/// Every problem found in one product's metadata.
public struct FieldProblems: Error, Sendable, Equatable, CustomStringConvertible {
    public var problems: [FieldProblem]

    public init(_ problems: [FieldProblem]) { self.problems = problems }

    public var description: String { problems.map(\.message).joined(separator: "\n") }
}
