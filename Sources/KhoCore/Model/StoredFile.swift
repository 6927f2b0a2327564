import Foundation

/// A stored object: content addressed by its SHA-256, identified by libmagic.
public struct ObjectInfo: Codable, Sendable, Equatable {
    /// Lower-case hexadecimal SHA-256 of the content.
    public var sha256: String
    public var size: Int64
    /// The MIME type libmagic reports, e.g. `application/pdf`.
    public var mime: String
    /// libmagic's description, e.g. `PDF document, version 1.4, 1 pages`.
    public var format: String

    public init(sha256: String, size: Int64, mime: String, format: String) {
        self.sha256 = sha256
        self.size = size
        self.mime = mime
        self.format = format
    }
}

/// A digital file of a product: a stored object in a role.
public struct StoredFile: Codable, Sendable, Equatable {
    public var object: ObjectInfo
    public var role: FileRole
    /// The file name it arrived with (NFC), for people; the store names it by hash.
    public var originalName: String
    public var addedAt: Date

    public init(object: ObjectInfo, role: FileRole, originalName: String, addedAt: Date) {
        self.object = object
        self.role = role
        self.originalName = originalName
        self.addedAt = addedAt
    }
}
