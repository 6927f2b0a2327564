/// One language of a product, with the role it plays there.
public struct ProductLanguage: Codable, Hashable, Sendable {
    /// The BCP 47 tag, as the vocabulary spells it.
    public var code: String
    public var role: LanguageRole
    /// True when the role was set for this product rather than taken from the vocabulary.
    public var roleOverride: Bool

    public init(code: String, role: LanguageRole, roleOverride: Bool) {
        self.code = code
        self.role = role
        self.roleOverride = roleOverride
    }

    /// `code`, or `code:role` when the role is overridden: the form the CLI and manifests take.
    public var spec: String { roleOverride ? "\(code):\(role.rawValue)" : code }
}
