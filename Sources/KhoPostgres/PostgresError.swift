import KhoCore

/// Why a PostgreSQL catalogue cannot be reached or used, with what to do about it.
public enum PostgresError: Error, CustomStringConvertible, Sendable, LocalizedMessage {
    case invalidURL(url: String, reason: String)
    /// No server answers at the address (it is down, or the host or port is wrong).
    case unreachable(location: String, reason: String)
    /// The encrypted connection could not be made: the server's certificate was not trusted, or
    /// the server does not speak TLS where sslmode requires it.
    case tls(location: String, reason: String)
    /// The server has no such database.
    case noDatabase(location: String)
    /// The server refused the user: a wrong or missing password, or no such role.
    case authentication(location: String, user: String, reason: String)
    /// The catalogue was written by a newer kho.
    case schemaNewer(location: String, found: Int, known: Int)
    /// The database holds tables, but not a kho catalogue.
    case notACatalogue(location: String)
    /// Anything else the server said.
    case server(location: String, message: String, sqlState: String)
    /// An answer not in the form kho asked for.
    case unexpectedAnswer(location: String)

    public var description: String { message(.english) }

    public func message(_ l: Localizer) -> String {
        switch self {
        case .invalidURL(let url, let reason): return l("postgres.invalid_url", ["url": url, "reason": reason])
        case .unreachable(let location, let reason):
            return l("postgres.unreachable", ["location": location, "reason": reason])
        case .noDatabase(let location): return l("postgres.no_database", ["location": location])
        case .tls(let location, let reason): return l("postgres.tls", ["location": location, "reason": reason])
        case .authentication(let location, let user, let reason):
            return l("postgres.authentication", ["location": location, "user": user, "reason": reason])
        case .schemaNewer(let location, let found, let known):
            return l("postgres.schema_newer", ["location": location, "found": String(found), "known": String(known)])
        case .notACatalogue(let location): return l("postgres.not_a_catalogue", ["location": location])
        case .server(let location, let message, let sqlState):
            return l("postgres.server", ["location": location, "message": message, "state": sqlState])
        case .unexpectedAnswer(let location): return l("postgres.unexpected_answer", ["location": location])
        }
    }
}
