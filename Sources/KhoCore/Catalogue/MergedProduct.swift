import Foundation

/// A product arriving from another repository's bundle: kept with its own id, origin, dates and
/// event history. `replace` updates a product already here; otherwise it is added.
public struct MergedProduct: Sendable {
    public var product: Product
    public var events: [ProductEvent]
    public var replace: Bool
    /// Recorded here too: the merge itself.
    public var mergeEvent: NewEvent

    public init(product: Product, events: [ProductEvent], replace: Bool, mergeEvent: NewEvent) {
        self.product = product
        self.events = events
        self.replace = replace
        self.mergeEvent = mergeEvent
    }
}
