import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KhoApp
import KhoCore
import KhoServer
import KhoTestFixtures
import NIOCore

/// The production router over a fixture repository, driven in process by Hummingbird's test client.
struct ServerHarness {
    let fixture: LibraryFixture
    let site: Site

    init(oaiPageSize: Int = 100) throws {
        fixture = try LibraryFixture()
        let repository = fixture.repository
        site = Site(
            operations: Operations(
                queries: repository.queries, vocabulary: repository.vocabulary,
                context: OperationContext(agent: "kho serve", software: "kho test", now: { LibraryFixture.now })),
            store: repository.store, baseURL: "https://kho.example.gov.vn", name: "kho test",
            repositoryID: repository.catalogue.repositoryID, software: "kho test", oaiPageSize: oaiPageSize)
    }

    /// Runs `body` with a client of the site's router.
    func client<T: Sendable>(_ body: @escaping @Sendable (any TestClientProtocol) async throws -> T) async throws -> T {
        let app = Application(router: buildRouter(site: site))
        return try await app.test(.router) { client in try await body(client) }
    }
}

/// A response read for a test: status, headers and the body as text and bytes.
struct Fetched: Sendable {
    var status: HTTPResponse.Status
    var headers: HTTPFields
    var bytes: [UInt8]
    var text: String { String(decoding: bytes, as: UTF8.self) }
    func json() throws -> Any { try JSONSerialization.jsonObject(with: Data(bytes)) }
    subscript(_ name: String) -> String? { HTTPField.Name(name).flatMap { headers[$0] } }
}

extension TestClientProtocol {
    func fetch(_ uri: String, method: HTTPRequest.Method = .get, headers: HTTPFields = [:], body: String? = nil)
        async throws -> Fetched
    {
        try await execute(
            uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) }
        ) { response in
            Fetched(
                status: response.status, headers: response.headers,
                bytes: Array(response.body.readableBytesView))
        }
    }
}
