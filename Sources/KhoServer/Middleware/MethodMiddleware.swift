import HTTPTypes
import Hummingbird

/// The site only reads: GET and HEAD everywhere (and POST for OAI-PMH, which the protocol
/// allows). Any other method gets 405 with the methods allowed, before any route runs.
struct MethodMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        let oai = request.uri.path == "/oai"
        switch request.method {
        case .get, .head: return try await next(request, context)
        case .post where oai: return try await next(request, context)
        default:
            let allowed = oai ? "GET, HEAD, POST" : "GET, HEAD"
            var response = request.uri.path.hasPrefix("/api/")
                ? try Reply.json(
                    ErrorMiddleware.APIError(
                        status: 405, code: "method_not_allowed",
                        message: "\(request.method.rawValue) is not allowed here; this API only reads (\(allowed))"),
                    status: .methodNotAllowed)
                : Reply.html(
                    Layout.message(title: "Phương thức không được phép", text: "Trang này chỉ cho phép đọc (\(allowed))."),
                    status: .methodNotAllowed)
            response.headers[.allow] = allowed
            return response
        }
    }
}
