import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import KhoApp
import KhoCore
import NIOCore

/// OAI-PMH 2.0 at `/oai`, for harvesters: the six verbs, `oai_dc` (mapped as
/// `catalogue-schema/OAI-PMH.md` says), selective harvesting by date and by set (`kind:CODE`,
/// `province:CODE` for a 2025 unit with the 2022 units merged into it, `language-role:ROLE`),
/// signed resumption tokens, and tombstones as deleted records (`deletedRecord` persistent).
struct OAIController: Sendable {
    let site: Site
    /// Signs resumption tokens: a harvester can only send back what kho gave it.
    var tokenKey: SymmetricKey { SymmetricKey(data: site.tokenKey) }

    func register(on router: Router<BasicRequestContext>) {
        router.get("/oai") { request, _ in try await answer(request, body: nil) }
        router.post("/oai") { request, _ in
            var request = request
            let buffer = try await request.collectBody(upTo: 16 * 1024)
            return try await answer(request, body: String(buffer: buffer))
        }
    }

    struct OAIError: Error {
        var code: String
        var message: String
    }

    /// Verbs and their arguments: required, optional, exclusive (resumptionToken).
    static let verbs: [String: (required: Set<String>, optional: Set<String>, exclusive: String?)] = [
        "Identify": ([], [], nil),
        "ListMetadataFormats": ([], ["identifier"], nil),
        "ListSets": ([], [], "resumptionToken"),
        "ListIdentifiers": (["metadataPrefix"], ["from", "until", "set"], "resumptionToken"),
        "ListRecords": (["metadataPrefix"], ["from", "until", "set"], "resumptionToken"),
        "GetRecord": (["identifier", "metadataPrefix"], [], nil),
    ]

    func answer(_ request: Request, body: String?) async throws -> Response {
        var pairs: [(String, String)] = []
        let query = body ?? request.uri.query ?? ""
        guard query.utf8.count <= 4096 else {
            return xml(verb: nil, arguments: [:], content: error("badArgument", "the request is longer than 4096 bytes"))
        }
        for part in query.split(separator: "&") where !part.isEmpty {
            let pieces = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ text: Substring) -> String {
                (String(text).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? "")
            }
            pairs.append((decode(pieces[0]), pieces.count > 1 ? decode(pieces[1]) : ""))
        }
        var arguments: [String: String] = [:]
        var repeated: Set<String> = []
        for (key, value) in pairs {
            if arguments[key] != nil { repeated.insert(key) }
            arguments[key] = value
        }
        guard let verb = arguments["verb"], let rules = Self.verbs[verb], !repeated.contains("verb") else {
            let message =
                repeated.contains("verb")
                ? "the verb is given more than once"
                : arguments["verb"] == nil ? "no verb was given" : "'\(arguments["verb"] ?? "")' is not an OAI-PMH verb"
            return xml(verb: nil, arguments: [:], content: error("badVerb", message))
        }
        arguments["verb"] = nil
        if !repeated.isEmpty {
            return xml(
                verb: nil, arguments: [:],
                content: error("badArgument", "repeated: \(repeated.sorted().joined(separator: ", "))"))
        }
        let given = Set(arguments.keys)
        if let exclusive = rules.exclusive, given.contains(exclusive) {
            if given.count > 1 {
                return xml(verb: nil, arguments: [:], content: error("badArgument", "\(exclusive) must be the only argument"))
            }
        } else {
            let unknown = given.subtracting(rules.required).subtracting(rules.optional)
            let missing = rules.required.subtracting(given)
            if !unknown.isEmpty || !missing.isEmpty {
                var problems: [String] = []
                if !unknown.isEmpty { problems.append("not allowed: \(unknown.sorted().joined(separator: ", "))") }
                if !missing.isEmpty { problems.append("missing: \(missing.sorted().joined(separator: ", "))") }
                return xml(verb: nil, arguments: [:], content: error("badArgument", problems.joined(separator: "; ")))
            }
        }
        do {
            let content: String
            switch verb {
            case "Identify": content = try await identify()
            case "ListMetadataFormats": content = try await listMetadataFormats(arguments["identifier"])
            case "ListSets": content = try listSets(arguments["resumptionToken"])
            case "GetRecord": content = try await getRecord(arguments)
            default: content = try await list(verb: verb, arguments)
            }
            return xml(verb: verb, arguments: arguments.merging(["verb": verb]) { a, _ in a }, content: content)
        } catch let problem as OAIError {
            return xml(
                verb: verb, arguments: arguments.merging(["verb": verb]) { a, _ in a },
                content: error(problem.code, problem.message))
        }
    }

    func error(_ code: String, _ message: String) -> String {
        "<error code=\"\(code)\">\(Markup.escape(message))</error>"
    }

    func xml(verb: String?, arguments: [String: String], content: String) -> Response {
        let attributes = arguments.sorted { $0.key < $1.key }.map { " \($0.key)=\"\(Markup.escape($0.value))\"" }
            .joined()
        let text = """
            <?xml version="1.0" encoding="UTF-8"?>
            <OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://www.openarchives.org/OAI/2.0/ http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd">
            <responseDate>\(Timestamp.string(site.operations.context.now()))</responseDate>
            <request\(attributes)>\(Markup.escape(site.baseURL))/oai</request>
            \(content)
            </OAI-PMH>

            """
        return Reply.bytes(Array(text.utf8), contentType: "text/xml; charset=utf-8")
    }

    // MARK: Verbs

    var namespace: String {
        URLComponents(string: site.baseURL)?.host ?? "kho"
    }

    func identifier(_ id: ProductID) -> String { "oai:\(namespace):\(id.rawValue)" }

    func productID(_ identifier: String) throws -> ProductID {
        let prefix = "oai:\(namespace):"
        guard identifier.hasPrefix(prefix), let id = ProductID(parsing: String(identifier.dropFirst(prefix.count))),
            id.rawValue == identifier.dropFirst(prefix.count)
        else { throw OAIError(code: "idDoesNotExist", message: "'\(identifier)' is not an identifier of this repository") }
        return id
    }

    func identify() async throws -> String {
        let first = try await site.operations.queries.changes(
            ChangeRequest(from: nil, until: nil, filter: ProductFilter(), includeRemoved: true, cursor: nil, limit: 1))
        let earliest = first.changes.first.map { Timestamp.string($0.at) } ?? "2022-09-14T00:00:00Z"
        return """
            <Identify>
            <repositoryName>\(Markup.escape(site.name))</repositoryName>
            <baseURL>\(Markup.escape(site.baseURL))/oai</baseURL>
            <protocolVersion>2.0</protocolVersion>
            <adminEmail>\(Markup.escape(adminEmail))</adminEmail>
            <earliestDatestamp>\(earliest)</earliestDatestamp>
            <deletedRecord>persistent</deletedRecord>
            <granularity>YYYY-MM-DDThh:mm:ssZ</granularity>
            <description><oai-identifier xmlns="http://www.openarchives.org/OAI/2.0/oai-identifier" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://www.openarchives.org/OAI/2.0/oai-identifier http://www.openarchives.org/OAI/2.0/oai-identifier.xsd"><scheme>oai</scheme><repositoryIdentifier>\(Markup.escape(namespace))</repositoryIdentifier><delimiter>:</delimiter><sampleIdentifier>oai:\(Markup.escape(namespace)):06F3Z8K2QX4M7R1B</sampleIdentifier></oai-identifier></description>
            </Identify>
            """
    }

    var adminEmail: String { "admin@\(namespace)" }

    static let dcFormat = """
        <metadataFormat><metadataPrefix>oai_dc</metadataPrefix><schema>http://www.openarchives.org/OAI/2.0/oai_dc.xsd</schema><metadataNamespace>http://www.openarchives.org/OAI/2.0/oai_dc/</metadataNamespace></metadataFormat>
        """

    func listMetadataFormats(_ identifier: String?) async throws -> String {
        if let identifier {
            let id = try productID(identifier)
            do { _ = try await site.operations.productDetails(id, audience: .publicOnly) } catch CatalogueError.removed {
            } catch CatalogueError.unknownProduct {
                throw OAIError(code: "idDoesNotExist", message: "no public record '\(identifier)'")
            }
        }
        return "<ListMetadataFormats>\(Self.dcFormat)</ListMetadataFormats>"
    }

    /// Every set: kinds, current provinces, language roles.
    var sets: [(spec: String, name: String)] {
        let vocabulary = site.vocabulary
        return vocabulary.kinds.map { ("kind:\($0.code)", "\($0.labelVi) (\($0.label))") }
            + vocabulary.units2025.map { ("province:\($0.code)", $0.name) }
            + [
                ("language-role:ethnic", "Tiếng dân tộc thiểu số (ethnic-minority languages)"),
                ("language-role:foreign", "Tiếng nước ngoài (foreign languages)"),
                ("language-role:national", "Tiếng Việt (the national language)"),
            ]
    }

    func listSets(_ token: String?) throws -> String {
        if let token { throw OAIError(code: "badResumptionToken", message: "'\(token)' is not a token this repository gave") }
        let items = sets.map {
            "<set><setSpec>\(Markup.escape($0.spec))</setSpec><setName>\(Markup.escape($0.name))</setName></set>"
        }.joined(separator: "\n")
        return "<ListSets>\n\(items)\n</ListSets>"
    }

    func filter(forSet spec: String?) throws -> ProductFilter {
        var filter = ProductFilter()
        guard let spec else { return filter }
        let parts = spec.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2, sets.contains(where: { $0.spec == spec }) else {
            throw OAIError(code: "badArgument", message: "'\(spec)' is not a set of this repository; ListSets lists them")
        }
        switch parts[0] {
        case "kind": filter.kinds = [parts[1]]
        case "province": filter.provinces = [.current(parts[1])]
        default: filter.targetGroup = TargetGroupFilter(name: parts[1], rules: ReportRules(site.vocabulary))
        }
        return filter
    }

    /// A datestamp argument: day or second granularity; `until` on a day covers the whole day.
    static func date(_ text: String, end: Bool) -> (Date, Bool)? {
        if text.count == 10, let date = Timestamp.date(text + "T00:00:00Z"), Timestamp.string(date).hasPrefix(text) {
            return (end ? date.addingTimeInterval(86_399) : date, true)
        }
        if text.count == 20, text.hasSuffix("Z"), let date = Timestamp.date(text), Timestamp.string(date) == text {
            return (date, false)
        }
        return nil
    }

    /// What a resumption token carries: the harvest's arguments and where it stopped.
    struct Token: Codable {
        var verb: String
        var from: Date?
        var until: Date?
        var set: String?
        var cursor: ChangeCursor
        var done: Int
    }

    func sign(_ token: Token) throws -> String {
        let data = try JSONEncoder().encode(token)
        let mac = Data(HMAC<SHA256>.authenticationCode(for: data, using: tokenKey))
        return Self.base64url(data) + "." + Self.base64url(mac)
    }

    func open(_ text: String, verb: String) throws -> Token {
        let bad = OAIError(
            code: "badResumptionToken",
            message: "the resumption token is not one this server gave out (or the server restarted); start the harvest again")
        let parts = text.split(separator: ".")
        guard text.count <= 2048, parts.count == 2, let data = Self.unbase64url(String(parts[0])),
            let mac = Self.unbase64url(String(parts[1])),
            HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: data, using: tokenKey),
            let token = try? JSONDecoder().decode(Token.self, from: data), token.verb == verb
        else { throw bad }
        return token
    }

    static func base64url(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func unbase64url(_ text: String) -> Data? {
        var base = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base.count % 4 != 0 { base += "=" }
        return Data(base64Encoded: base)
    }

    func list(verb: String, _ arguments: [String: String]) async throws -> String {
        var token: Token
        if let text = arguments["resumptionToken"] {
            token = try open(text, verb: verb)
        } else {
            guard arguments["metadataPrefix"] == "oai_dc" else {
                throw OAIError(
                    code: "cannotDisseminateFormat",
                    message: "'\(arguments["metadataPrefix"] ?? "")' is not offered; this repository offers oai_dc")
            }
            var from: (Date, Bool)?
            var until: (Date, Bool)?
            if let text = arguments["from"] {
                guard let value = Self.date(text, end: false) else {
                    throw OAIError(code: "badArgument", message: "from: '\(text)' is not YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ")
                }
                from = value
            }
            if let text = arguments["until"] {
                guard let value = Self.date(text, end: true) else {
                    throw OAIError(code: "badArgument", message: "until: '\(text)' is not YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ")
                }
                until = value
            }
            if let from, let until {
                if from.1 != until.1 {
                    throw OAIError(code: "badArgument", message: "from and until must have the same granularity")
                }
                if from.0 > until.0 { throw OAIError(code: "badArgument", message: "from is later than until") }
            }
            token = Token(
                verb: verb, from: from?.0, until: until?.0, set: arguments["set"],
                cursor: ChangeCursor(at: Date(timeIntervalSince1970: 0), id: ""), done: 0)
        }
        let filter = try filter(forSet: token.set)
        let page = try await site.operations.queries.changes(
            ChangeRequest(
                from: token.from, until: token.until, filter: filter, includeRemoved: token.set == nil,
                cursor: token.done == 0 ? nil : token.cursor, limit: site.oaiPageSize))
        guard !page.changes.isEmpty else {
            throw OAIError(code: "noRecordsMatch", message: "no record matches these arguments")
        }
        let records = page.changes.map { change in
            verb == "ListIdentifiers" ? header(change) : record(change)
        }.joined(separator: "\n")
        var resumption = ""
        if let next = page.next {
            var following = token
            following.cursor = next
            following.done = token.done + page.changes.count
            resumption =
                "<resumptionToken completeListSize=\"\(page.total)\" cursor=\"\(token.done)\">\(try sign(following))</resumptionToken>"
        } else if token.done > 0 {
            resumption = "<resumptionToken completeListSize=\"\(page.total)\" cursor=\"\(token.done)\"/>"
        }
        return "<\(verb)>\n\(records)\n\(resumption)</\(verb)>"
    }

    func getRecord(_ arguments: [String: String]) async throws -> String {
        let identifier = arguments["identifier"] ?? ""
        let id = try productID(identifier)
        guard arguments["metadataPrefix"] == "oai_dc" else {
            throw OAIError(
                code: "cannotDisseminateFormat",
                message: "'\(arguments["metadataPrefix"] ?? "")' is not offered; this repository offers oai_dc")
        }
        do {
            let details = try await site.operations.productDetails(id, audience: .publicOnly)
            return "<GetRecord>\(record(.product(details.product)))</GetRecord>"
        } catch CatalogueError.removed(let tombstone) {
            return "<GetRecord>\(record(.removed(tombstone)))</GetRecord>"
        } catch CatalogueError.unknownProduct {
            throw OAIError(code: "idDoesNotExist", message: "no public record '\(identifier)'")
        }
    }

    func header(_ change: Change) -> String {
        switch change {
        case .removed(let tombstone):
            return """
                <header status="deleted"><identifier>\(identifier(tombstone.id))</identifier><datestamp>\(Timestamp.string(tombstone.removedAt))</datestamp></header>
                """
        case .product(let product):
            let vocabulary = site.vocabulary
            var specs = ["kind:\(product.metadata.kind)"]
            if let ref = product.metadata.province, let unit = vocabulary.currentUnit(of: ref) {
                specs.append("province:\(unit.code)")
            }
            for role in Set(product.metadata.languages.map(\.role)).sorted(by: { $0.rawValue < $1.rawValue }) {
                specs.append("language-role:\(role.rawValue)")
            }
            return "<header><identifier>\(identifier(product.id))</identifier><datestamp>\(Timestamp.string(product.updatedAt))</datestamp>"
                + specs.map { "<setSpec>\(Markup.escape($0))</setSpec>" }.joined() + "</header>"
        }
    }

    func record(_ change: Change) -> String {
        guard case .product(let product) = change else { return "<record>\(header(change))</record>" }
        return "<record>\(header(change))<metadata>\(DublinCore.record(product, site: site))</metadata></record>"
    }
}
