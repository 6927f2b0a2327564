/// The OpenAPI 3.1 document of the JSON API, `catalogue-schema/api/openapi.json`, embedded at build time.
enum APIDocument {
    static let bytes: [UInt8] = PackageResources.openapi_json
}
