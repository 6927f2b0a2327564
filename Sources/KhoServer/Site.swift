import Crypto
import Foundation
import KhoApp
import KhoCore
import KhoFiles
import KhoImages

/// What the web side serves from: the application layer's operations, the content store the
/// files are read from, and the public address QR codes and harvesters are given.
public struct Site: Sendable {
    public let operations: Operations
    public let store: ContentStore
    /// Web-sized copies of exhibition images.
    public let derivatives: DerivativeCache
    /// The address the site is reached at (no trailing slash), e.g. `https://kho.example.gov.vn`.
    public let baseURL: String
    /// The name harvesters see (OAI-PMH `repositoryName`).
    public let name: String
    /// The repository's identifier, for OAI-PMH identifiers.
    public let repositoryID: String
    public let software: String
    /// Records per OAI-PMH list response before a resumption token.
    public let oaiPageSize: Int
    /// The key that signs OAI-PMH resumption tokens, new for each site (each start of the
    /// server): a harvest interrupted by a restart starts again.
    let tokenKey: Data
    /// The catalogue form's choices, in Vietnamese alphabetical order, made once.
    let formOptions: FormOptions

    public init(
        operations: Operations, store: ContentStore, baseURL: String, name: String, repositoryID: String,
        software: String, oaiPageSize: Int = 100, derivatives: DerivativeCache? = nil
    ) {
        self.derivatives =
            derivatives
            ?? DerivativeCache(folder: FileManager.default.temporaryDirectory.appendingPathComponent("kho-derivatives-\(repositoryID)").path)
        self.oaiPageSize = oaiPageSize
        tokenKey = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
        self.operations = operations
        self.store = store
        self.baseURL = baseURL
        self.name = name
        self.repositoryID = repositoryID
        self.software = software
        formOptions = FormOptions(operations.vocabulary)
    }

    var vocabulary: Vocabulary { operations.vocabulary }

    /// The public product an id in a path names (any case, hyphens, percent-encoded), or the
    /// error that becomes a 404 or 410.
    func publicProduct(_ text: String) async throws -> ProductDetails {
        try await operations.productDetails(try Self.productID(text), audience: .publicOnly)
    }

    /// The record and files of the public product an id in a path names, without its events and
    /// checks: what a landing page, a download or the reader needs.
    func publicRecord(_ text: String) async throws -> Product {
        try await operations.product(try Self.productID(text), audience: .publicOnly)
    }

    static func productID(_ text: String) throws -> ProductID {
        guard text.count <= 64, let id = ProductID(parsing: text.removingPercentEncoding ?? text) else {
            throw PageError.notFound
        }
        return id
    }

    /// The public link of a product: what its QR code encodes.
    func link(_ id: ProductID) -> String { PublicLink.link(base: baseURL, id: id) }

    /// The file a product's landing page offers first: its access copy, else its master, else
    /// any file; a derivative (a stamped e-book) stands in for its master when it is an EPUB.
    static func accessFile(of product: Product) -> StoredFile? {
        product.files.first { $0.role == .access } ?? product.files.first { $0.role == .master }
            ?? product.files.first
    }

    /// The EPUB to read online: a stamped derivative (it carries the QR page) if there is one,
    /// else the access copy or master.
    static func readableEPUB(of product: Product) -> StoredFile? {
        let epubs = product.files.filter { isEPUB($0) }
        return epubs.first { $0.role == .derivative } ?? epubs.first { $0.role == .access }
            ?? epubs.first { $0.role == .master }
    }

    static func isEPUB(_ file: StoredFile) -> Bool {
        file.object.mime == "application/epub+zip" || file.originalName.lowercased().hasSuffix(".epub")
    }

    static func isPDF(_ file: StoredFile) -> Bool { file.object.mime == "application/pdf" }
}

/// The choices of the catalogue form: codes and Vietnamese names, sorted once per site.
struct FormOptions: Sendable {
    let kinds: [(String, String)]
    /// Viet Nam's languages and the major ones (not all of ISO 639-3).
    let languages: [(String, String)]
    let platforms: [(String, String)]
    let topics: [(String, String)]
    let provinces: [(String, String)]

    init(_ vocabulary: Vocabulary) {
        func sorted(_ pairs: [(String, String)]) -> [(String, String)] { pairs.sortedVietnamese(by: \.1) }
        kinds = sorted(vocabulary.kinds.map { ($0.code, $0.labelVi) })
        languages = sorted(vocabulary.languages.filter(\.isCommon).map { ($0.code, $0.labelVi) })
        platforms = sorted(vocabulary.platforms.map { ($0.code, $0.labelVi) })
        topics = vocabulary.topics.map { ($0.code, $0.labelVi) }
        provinces = sorted(vocabulary.units2025.map { ($0.code, $0.name) })
    }
}
