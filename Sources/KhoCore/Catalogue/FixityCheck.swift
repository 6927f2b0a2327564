import Foundation

/// The outcome of re-hashing one stored object.
public enum FixityOutcome: String, Codable, Sendable {
    case pass
    /// The object's file is not in the store.
    case missing
    /// The file's SHA-256 is not the one recorded.
    case corrupted
}

/// One fixity check, as `verify` records it.
public struct FixityCheck: Codable, Sendable, Equatable {
    public var sha256: String
    public var at: Date
    public var outcome: FixityOutcome
    /// The SHA-256 found, when it differs from the one recorded.
    public var foundSHA256: String?

    public init(sha256: String, at: Date, outcome: FixityOutcome, foundSHA256: String? = nil) {
        self.sha256 = sha256
        self.at = at
        self.outcome = outcome
        self.foundSHA256 = foundSHA256
    }
}

/// A stored object with what the catalogue knows of it: the products that hold it and its last check.
public struct ObjectStatus: Sendable, Equatable {
    public var object: ObjectInfo
    public var products: [ProductID]
    public var lastCheck: FixityCheck?

    public init(object: ObjectInfo, products: [ProductID], lastCheck: FixityCheck?) {
        self.object = object
        self.products = products
        self.lastCheck = lastCheck
    }
}

extension FixityOutcome {
    /// The outcome as the reader's language says it; the code is what JSON carries.
    public func label(_ l: Localizer) -> String { l("fixity.outcome.\(rawValue)") }
}
