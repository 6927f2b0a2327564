/// The targets and definitions every report states, versioned so that a report can be re-checked
/// against the rules it was made with.
public enum ReportDefinitions {
    public static let version = "kho-report-definitions 2 (Decision 1079/QĐ-TTg)"
    /// The 15-20 % band for the target share and the book-title share, in percent.
    public static let band: ClosedRange<Double> = 15...20
    /// Book titles published or re-published 2023-2028, nationally.
    public static let bookTitleTarget = 1000
    /// Digitisation coverage target, in percent.
    public static let coverageTarget = 100.0

    public static let texts: [String: String] = [
        "ethnic": "a product is ethnic-language if any of its languages has the role ethnic",
        "foreign": "a product is foreign-language if any of its languages has the role foreign",
        "digital":
            "a product is digital if any of its platforms is digital in the platforms vocabulary, or its kind is inherently digital (kinds vocabulary)",
        "target_share":
            "products in at least one of the three groups (each counted once) / all products in scope; the band is 15 % to 20 %",
        "book_titles":
            "products of a kind that counts as a book title (book, ebook); editions and re-publications count as titles; the national target is 1,000 titles",
        "book_share":
            "book titles that are foreign-language, ethnic-language or e-books (each counted once) / all book titles; the band is 15 % to 20 %",
        "digitised":
            "products with at least one stored file with content (not empty) whose last fixity check, if any, passed / all products; the target is 100 %",
        "shared": "products included in at least one national-database bundle (`kho export`) / all products",
        "online":
            "public products that are digitised, which `kho serve` publishes at their link <base-url>/p/<id> / all products; needs a base URL (`kho config set base-url`); private products are never online",
        "period":
            "a product is in a period if its publication date (or its first day, for a partial date) falls within it; products with no publication date are in scope only when no period is given",
    ]
}
