import Foundation

/// The JSON form of an event.
public struct EventRecord: Encodable, Sendable {
    public var event: ProductEvent

    public init(_ event: ProductEvent) { self.event = event }

    enum CodingKeys: String, CodingKey {
        case sequence, type, at, agent, outcome, detail
        case productID = "product_id"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(event.sequence, forKey: .sequence)
        try container.encode(event.productID, forKey: .productID)
        try container.encode(event.type, forKey: .type)
        try container.encode(Timestamp.string(event.at), forKey: .at)
        try container.encode(event.agent, forKey: .agent)
        try container.encode(event.outcome, forKey: .outcome)
        try container.encode(event.detail, forKey: .detail)
    }
}
