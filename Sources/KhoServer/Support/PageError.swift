import Foundation
import HTTPTypes

/// A request the site refuses, as data: the error middleware renders it as a page (or as JSON
/// under `/api`), with the status it names.
enum PageError: Error, Equatable {
    case notFound
    case badRequest(String)
    case unavailable(String)

    var status: HTTPResponse.Status {
        switch self {
        case .notFound: return .notFound
        case .badRequest: return .badRequest
        case .unavailable: return .serviceUnavailable
        }
    }
}
