import Foundation

/// What happened to a product, named after the PREMIS event types where one fits.
public enum EventType: String, Codable, Sendable, CaseIterable {
    /// A product registered in the catalogue with no digital file yet.
    case accession
    /// A digital file taken into the store for a product (by `ingest` or `attach`).
    case ingestion
    /// Descriptive metadata changed (by `edit`).
    case metadataModification = "metadata modification"
    /// A stored file re-hashed and compared with its recorded SHA-256 (by `verify`).
    case fixityCheck = "fixity check"
    /// Technical metadata read from a stored file (by `characterise`; ingest records it in `ingestion`).
    case metadataExtraction = "metadata extraction"
    /// A corrupt stored file moved out of the store (by `quarantine`).
    case quarantine
    /// A missing or corrupt stored file replaced by a good copy (by `restore`).
    case recovery
    /// Something made for the product: a QR code (by `qr`), a derivative file.
    case creation
    /// The product handed out, e.g. in a label sheet.
    case dissemination
    case validation
    /// The product put into a national-database bundle.
    case informationPackageCreation = "information package creation"
    /// The product merged in from a bundle.
    case informationPackageMerging = "information package merging"
}

/// Whether the action an event records succeeded.
public enum EventOutcome: String, Codable, Sendable {
    case success
    case failure
}

/// An event about to be recorded.
public struct NewEvent: Sendable {
    public var type: EventType
    public var at: Date
    public var agent: String
    public var outcome: EventOutcome
    /// Facts about the event, stored as a JSON object with sorted keys.
    public var detail: [String: String]

    public init(
        type: EventType, at: Date, agent: String, outcome: EventOutcome = .success, detail: [String: String] = [:]
    ) {
        self.type = type
        self.at = at
        self.agent = agent
        self.outcome = outcome
        self.detail = detail
    }
}

/// A recorded event.
public struct ProductEvent: Codable, Sendable, Equatable {
    public var sequence: Int64
    public var productID: ProductID
    public var type: EventType
    public var at: Date
    public var agent: String
    public var outcome: EventOutcome
    public var detail: [String: String]

    public init(
        sequence: Int64, productID: ProductID, type: EventType, at: Date, agent: String, outcome: EventOutcome,
        detail: [String: String]
    ) {
        self.sequence = sequence
        self.productID = productID
        self.type = type
        self.at = at
        self.agent = agent
        self.outcome = outcome
        self.detail = detail
    }
}

extension EventType {
    /// The event type as the reader's language names it (`tiếp nhận`, `kiểm tra toàn vẹn`…); the
    /// code (`rawValue`, PREMIS) is what JSON carries and what `--type` takes.
    public func label(_ l: Localizer) -> String {
        l("event.type.\(rawValue.replacingOccurrences(of: " ", with: "_"))")
    }

    /// A type from its code or from its name in either language, ignoring case and diacritics:
    /// `fixity check`, `fixity-check`, `kiểm tra toàn vẹn`, `kiem tra toan ven`.
    public init?(named text: String) {
        let folded = TextFolding.fold(text).replacingOccurrences(of: "-", with: " ").replacingOccurrences(
            of: "_", with: " ")
        let match = EventType.allCases.first { type in
            [type.rawValue, type.label(.english), type.label(.vietnamese)].contains { TextFolding.fold($0) == folded }
        }
        guard let match else { return nil }
        self = match
    }
}

extension EventOutcome {
    public func label(_ l: Localizer) -> String { l("event.outcome.\(rawValue)") }
}
