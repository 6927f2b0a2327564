extension Product {
    /// Whether the product counts in each target group, by the vocabulary's rules: ethnic or
    /// foreign if any language has that role; digital if any platform is digital or the kind is.
    public func groups(in vocabulary: Vocabulary) -> TargetGroups {
        let digitalPlatforms = Set(vocabulary.platforms.filter(\.digital).map(\.code))
        let digitalKind = vocabulary.kinds.first { $0.code == metadata.kind }?.digital ?? false
        return TargetGroups(
            ethnic: metadata.languages.contains { $0.role == .ethnic },
            foreign: metadata.languages.contains { $0.role == .foreign },
            digital: digitalKind || metadata.platforms.contains(where: digitalPlatforms.contains)
        )
    }
}

/// The programme's three target groups, which a product may belong to several of.
public struct TargetGroups: Codable, Sendable, Equatable {
    public var ethnic: Bool
    public var foreign: Bool
    public var digital: Bool

    public init(ethnic: Bool, foreign: Bool, digital: Bool) {
        self.ethnic = ethnic
        self.foreign = foreign
        self.digital = digital
    }

    /// In at least one group: counts once toward the 15-20 % target.
    public var any: Bool { ethnic || foreign || digital }
}
