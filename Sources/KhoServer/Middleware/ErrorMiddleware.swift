import Foundation
import HTTPTypes
import Hummingbird
import KhoCore
import Logging

/// Maps domain errors to statuses at the edge: an unknown (or private) product is 404, a removed
/// one 410 with its tombstone's reason, a bad cursor 400. Pages get a page; `/api` gets JSON in
/// one shape: `{"error": {"status": 404, "code": "not_found", "message": "…"}}`.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        do {
            return try await next(request, context)
        } catch {
            let api = request.uri.path.hasPrefix("/api/")
            let (status, code, message, page) = Self.describe(error)
            if status == .internalServerError {
                context.logger.error("request failed", metadata: ["error": "\(String(reflecting: error))"])
            }
            var response: Response
            if api {
                response = try Reply.json(APIError(status: Int(status.code), code: code, message: message), status: status)
            } else {
                response = Reply.html(page, status: status)
            }
            if request.method == .head { response = Reply.headOnly(response) }
            return response
        }
    }

    struct APIError: Encodable {
        struct Body: Encodable {
            var status: Int
            var code: String
            var message: String
        }
        var error: Body
        init(status: Int, code: String, message: String) {
            error = Body(status: status, code: code, message: message)
        }
    }

    static func describe(_ error: any Error) -> (HTTPResponse.Status, String, String, HTML) {
        switch error {
        case CatalogueError.unknownProduct, PageError.notFound:
            return (
                .notFound, "not_found", "No public product or page at this address.",
                Layout.message(
                    title: "Không tìm thấy",
                    text: "Không có sản phẩm hay trang nào ở địa chỉ này. Mã có thể đã bị gõ sai, hoặc sản phẩm không được công khai.")
            )
        case CatalogueError.removed(let tombstone):
            return (
                .gone, "removed",
                "Product \(tombstone.id) was removed on \(Timestamp.string(tombstone.removedAt)): \(tombstone.reason)",
                Layout.message(
                    title: "Sản phẩm đã được rút khỏi kho",
                    text: "Sản phẩm \(tombstone.id) (\(tombstone.title)) đã được rút khỏi kho ngày \(String(Timestamp.string(tombstone.removedAt).prefix(10))). Lý do: \(tombstone.reason)")
            )
        case let invalid as InvalidCursor:
            return (
                .badRequest, "invalid_cursor", invalid.description,
                Layout.message(title: "Trang không hợp lệ", text: "Liên kết phân trang này không hợp lệ; hãy bắt đầu lại từ trang đầu.")
            )
        case PageError.badRequest(let text):
            return (.badRequest, "bad_request", text, Layout.message(title: "Yêu cầu không hợp lệ", text: text))
        case PageError.unavailable(let text):
            return (.serviceUnavailable, "unavailable", text, Layout.message(title: "Tạm thời không phục vụ được", text: text))
        case let http as HTTPError:
            let status = http.status
            let text = http.body ?? status.reasonPhrase
            if status == .notFound {
                return describe(PageError.notFound)
            }
            return (status, "http_\(status.code)", text, Layout.message(title: "Lỗi \(status.code)", text: text))
        default:
            return (
                .internalServerError, "internal",
                "The server could not answer this request; the error is in its log.",
                Layout.message(title: "Lỗi máy chủ", text: "Máy chủ gặp lỗi khi trả lời yêu cầu này. Lỗi đã được ghi vào nhật ký.")
            )
        }
    }
}
