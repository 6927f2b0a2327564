import Foundation
import HTTPTypes
import Hummingbird
import KhoCore
import NIOCore

/// Entry points for `scripts/fuzz`: the web side's parsers of what a client sends.
public enum HTTPFuzzing {
    /// A `Range` header against a file of `size` bytes: a range inside the file, unsatisfiable, or
    /// the whole file; never a range outside it.
    public static func range(_ header: String, size: Int64) -> Bool {
        switch FileAnswer.parse(header, size: size) {
        case .none, .some(.none): return true
        case .some(.some(let range)): return range.lowerBound >= 0 && range.upperBound < size
        }
    }

    /// A catalogue query string (`q=…&kind=…&province=…&period=…`), read and checked against the
    /// vocabularies as `/catalogue`, `/dashboard` and the API read it.
    public static func query(_ query: String, vocabulary: Vocabulary) -> Bool {
        var head = HTTPRequest(method: .get, scheme: "http", authority: "kho", path: "/catalogue")
        head.path = "/catalogue?" + query
        let request = Request(head: head, body: RequestBody(buffer: ByteBuffer()))
        guard let input = try? QueryInput(request) else { return false }
        return (try? input.resolve(vocabulary)) != nil
    }

    /// An `If-None-Match` header against an entity tag.
    public static func entityTag(_ header: String) -> Bool {
        FileAnswer.matches(header, etag: "\"0123456789abcdef\"")
    }
}
