import Foundation

/// The public link of a product, `<base-url>/p/<id>`: what QR codes encode. It depends only on the
/// repository's base URL and the product's identifier, so it never changes when the product's
/// files or title do.
public enum PublicLink {
    /// Checks a base URL: http or https, with a host, no query or fragment; returns it without a
    /// trailing slash, or says what is wrong.
    public static func validate(_ text: String) -> Result<String, FieldProblem> {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let components = URLComponents(string: trimmed), let scheme = components.scheme?.lowercased(),
            scheme == "http" || scheme == "https"
        else {
            return .failure(
                FieldProblem(
                    field: "base-url",
                    message: "base-url: '\(text)' is not an http(s) URL; give one such as https://kho.example.gov.vn"))
        }
        guard let host = components.host, !host.isEmpty else {
            return .failure(FieldProblem(field: "base-url", message: "base-url: '\(text)' has no host name"))
        }
        guard components.query == nil, components.fragment == nil, !trimmed.contains(where: \.isWhitespace) else {
            return .failure(
                FieldProblem(
                    field: "base-url", message: "base-url: '\(text)' must not have a query, a fragment or spaces"))
        }
        var result = trimmed
        while result.hasSuffix("/") { result.removeLast() }
        return .success(result)
    }

    public static func link(base: String, id: ProductID) -> String { "\(base)/p/\(id.rawValue)" }

    /// The online page of an exhibition, `<base-url>/x/<id>`: what an exhibition's QR code encodes
    /// (`base` empty: the path alone).
    public static func link(base: String, exhibition id: ExhibitionID) -> String { "\(base)/x/\(id.rawValue)" }
}
