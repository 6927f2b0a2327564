import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// Where and how `kho serve` listens.
public struct ServerSettings: Sendable {
    public var host: String
    public var port: Int
    /// Close a connection that sends nothing for this long (slow or stalled clients).
    public var idleTimeout: TimeAmount

    public init(host: String = "127.0.0.1", port: Int = 8080, idleTimeout: TimeAmount = .seconds(30)) {
        self.host = host
        self.port = port
        self.idleTimeout = idleTimeout
    }
}

/// The router with every route of the site: the production routes that tests drive in process.
public func buildRouter(site: Site, accessLog: Logger? = nil) -> Router<BasicRequestContext> {
    let router = Router(context: BasicRequestContext.self)
    if let accessLog { router.add(middleware: AccessLogMiddleware(logger: accessLog)) }
    router.add(middleware: CompressionMiddleware())
    router.add(middleware: SecurityHeadersMiddleware())
    router.add(middleware: ErrorMiddleware())
    router.add(middleware: MethodMiddleware())
    router.get("/healthz") { _, _ in
        Reply.bytes(Array("ok\n".utf8), contentType: "text/plain; charset=utf-8", headers: [.cacheControl: "no-store"])
    }
    router.get("/static/kho.css") { _, _ in
        Reply.bytes(
            Array(Layout.stylesheet.utf8), contentType: "text/css; charset=utf-8",
            headers: [.cacheControl: "public, max-age=31536000, immutable"])
    }
    ProductController(site: site).register(on: router)
    CatalogueController(site: site).register(on: router)
    DashboardController(site: site).register(on: router)
    ExhibitionController(site: site).register(on: router)
    APIController(site: site).register(on: router)
    OAIController(site: site).register(on: router)
    return router
}

/// The application `kho serve` runs: the router, bound to the settings' address, with a read
/// timeout for idle clients. Run it with `runService()` for graceful shutdown on SIGTERM/SIGINT.
public func buildApplication(
    site: Site, settings: ServerSettings, logger: Logger, onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) -> some ApplicationProtocol {
    var accessLog = logger
    accessLog[metadataKey: "log"] = "access"
    return Application(
        router: buildRouter(site: site, accessLog: accessLog),
        server: .http1(configuration: .init(idleTimeout: settings.idleTimeout)),
        configuration: ApplicationConfiguration(
            address: .hostname(settings.host, port: settings.port), serverName: "kho"),
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? settings.port) },
        logger: logger)
}
