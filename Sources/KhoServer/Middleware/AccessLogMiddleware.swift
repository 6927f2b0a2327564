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
        // Microseconds, written as milliseconds with two decimals without a formatter.
        let micro = elapsed.components.seconds * 1_000_000 + elapsed.components.attoseconds / 1_000_000_000_000
        let hundredths = (micro + 5) / 10
        let fraction = hundredths % 100
        let milliseconds = "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
        logger.info(
            "access",
            metadata: [
                "method": .string(request.method.rawValue),
                "path": .string(String(request.uri.path.prefix(300))),
                "status": .stringConvertible(response.status.code),
                "bytes": .string(response.headers[.contentLength] ?? "-"),
                "ms": .string(milliseconds),
                "request_id": .string(context.id),
            ])
        return response
    }
}
