import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// One structured line per request: method, path, status, bytes, duration.
struct AccessLogMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        let start = ContinuousClock.now
        let response = try await next(request, context)
        let elapsed = start.duration(to: .now)
        let milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        logger.info(
            "access",
            metadata: [
                "method": .string(request.method.rawValue),
                "path": .string(String(request.uri.path.prefix(300))),
                "status": .stringConvertible(response.status.code),
                "bytes": .string(response.headers[.contentLength] ?? "-"),
                "ms": .string(String(format: "%.2f", milliseconds)),
                "request_id": .string(context.id),
            ])
        return response
    }
}
