/// The role of a digital file within a product.
public enum FileRole: String, Codable, Sendable, CaseIterable {
    /// The preservation master: the file as received.
    case master
    /// An access copy, for viewing or download.
    case access
    /// A file made from another file of the product (e.g. an e-book with a QR page).
    case derivative
}
