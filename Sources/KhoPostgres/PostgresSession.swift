import Foundation
import KhoCore
import Logging
import NIOCore
import NIOPosix
import PostgresNIO

/// A value bound to or read from a statement.
public enum SQLValue: Sendable, Hashable {
    case null
    case text(String)
    case int(Int64)
    case double(Double)
}

/// What can be bound to a `?` in kho's SQL.
protocol SQLBindable { var sqlValue: SQLValue { get } }
extension String: SQLBindable { var sqlValue: SQLValue { .text(self) } }
extension Int: SQLBindable { var sqlValue: SQLValue { .int(Int64(self)) } }
extension Int64: SQLBindable { var sqlValue: SQLValue { .int(self) } }
extension Double: SQLBindable { var sqlValue: SQLValue { .double(self) } }
extension Bool: SQLBindable { var sqlValue: SQLValue { .int(self ? 1 : 0) } }
extension SQLValue: SQLBindable { var sqlValue: SQLValue { self } }
extension Optional: SQLBindable where Wrapped: SQLBindable {
    var sqlValue: SQLValue { self?.sqlValue ?? .null }
}

/// One row of a result, by column name.
struct SQLRow {
    let values: [String: SQLValue]

    func text(_ name: String) -> String? {
        switch values[name] {
        case .text(let value): return value
        case .int(let value): return String(value)
        case .double(let value): return String(value)
        default: return nil
        }
    }
    func string(_ name: String) -> String { text(name) ?? "" }
    func int64(_ name: String) -> Int64? {
        switch values[name] {
        case .int(let value): return value
        case .double(let value): return Int64(value)
        case .text(let value): return Int64(value)
        default: return nil
        }
    }
    func int(_ name: String) -> Int { Int(int64(name) ?? 0) }
    func bool(_ name: String) -> Bool { (int64(name) ?? 0) != 0 }
}

/// SQL written with `?` placeholders, as the SQLite catalogue's, numbered `$1…` for PostgreSQL.
/// A `?` inside a quoted literal or identifier is left alone.
func numberedPlaceholders(_ sql: String) -> String {
    var result = ""
    result.reserveCapacity(sql.utf8.count + 16)
    var number = 0
    var quote: Character?
    for character in sql {
        if let open = quote {
            if character == open { quote = nil }
            result.append(character)
        } else if character == "'" || character == "\"" {
            quote = character
            result.append(character)
        } else if character == "?" {
            number += 1
            result += "$\(number)"
        } else {
            result.append(character)
        }
    }
    return result
}

/// One connection in use: statements run on it, one at a time, waited for on the caller's thread
/// (the event loop runs on its own threads, so a command's thread may block on it).
struct PostgresSession {
    let connection: PostgresConnection
    let logger: Logger
    let location: String
    /// What this transaction changed in the search ranking's totals, added to them before it commits.
    let totals = SearchTotalsDelta()
    /// The platform bits this write transaction read or assigned, so that each costs one query a
    /// transaction instead of one a product (emptied when a write transaction begins or fails).
    let platformBits = PlatformBitCache()
    /// The statement that ends this read (`COMMIT`), while it is still to be sent (`lastRows`, `end`).
    let ending = PendingStatement()

    @discardableResult
    func execute(_ sql: String, _ arguments: [any SQLBindable] = []) throws -> Int {
        let result = try run(sql, arguments)
        return result.metadata.rows ?? 0
    }

    func rows(_ sql: String, _ arguments: [any SQLBindable] = []) throws -> [SQLRow] {
        try run(sql, arguments).rows.map(Self.row)
    }

    /// Rows as the server sent them, for a hot path that decodes its columns by position.
    func rawRows(_ sql: String, _ arguments: [any SQLBindable] = []) throws -> [PostgresRow] {
        try run(sql, arguments).rows
    }

    func row(_ sql: String, _ arguments: [any SQLBindable] = []) throws -> SQLRow? {
        try rows(sql, arguments).first
    }

    /// The first column of the first row.
    func value(_ sql: String, _ arguments: [any SQLBindable] = []) throws -> SQLValue {
        guard let first = try run(sql, arguments).rows.first, let cell = first.first(where: { _ in true }) else {
            return .null
        }
        return Self.value(cell)
    }

    func int(_ sql: String, _ arguments: [any SQLBindable] = []) throws -> Int64? {
        switch try value(sql, arguments) {
        case .int(let value): return value
        case .double(let value): return Int64(value)
        case .text(let value): return Int64(value)
        case .null: return nil
        }
    }

    func text(_ sql: String, _ arguments: [any SQLBindable] = []) throws -> String? {
        if case .text(let value) = try value(sql, arguments) { return value }
        return nil
    }

    /// The first column of every row, as text.
    func texts(_ sql: String, _ arguments: [any SQLBindable] = []) throws -> [String] {
        try run(sql, arguments).rows.compactMap { row in
            row.first(where: { _ in true }).flatMap { cell in
                if case .text(let value) = Self.value(cell) { return value }
                return nil
            }
        }
    }

    /// Statements separated by `;`, without arguments (a transaction's control, the schema), run
    /// one by one: postgres-nio speaks only the extended protocol, one statement a message.
    func script(_ sql: String) throws {
        for statement in Self.statements(sql) {
            try execute(statement)
        }
    }

    /// SQL split at each `;` outside quotes and `$$` bodies, with `--` comments left out.
    static func statements(_ sql: String) -> [String] {
        var statements: [String] = []
        var current = ""
        var quote: Character?
        var comment = false
        var body = false
        var previous: Character = " "
        for character in sql {
            if comment {
                if character == "\n" { comment = false }
                previous = character
                continue
            }
            if quote == nil && character == "$" && previous == "$" {
                body.toggle()
                current.append(character)
                previous = " "  // `$$$` is not two markers
                continue
            }
            if body {
                current.append(character)
                previous = character
                continue
            }
            if let open = quote {
                if character == open { quote = nil }
                current.append(character)
            } else if character == "-" && previous == "-" {
                current.removeLast()
                comment = true
            } else if character == "'" || character == "\"" {
                quote = character
                current.append(character)
            } else if character == ";" {
                statements.append(current)
                current = ""
            } else {
                current.append(character)
            }
            previous = character
        }
        statements.append(current)
        return statements.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
    }

    private func run(_ sql: String, _ arguments: [any SQLBindable]) throws -> PostgresQueryResult {
        do { return try connection.query(query(sql, arguments), logger: logger).wait() } catch {
            throw PostgresPool.translate(error, location: location)
        }
    }

    /// Queues a statement without waiting for its answer: the connection runs its statements in
    /// order, so the next one's answer comes after this one's, and one wait covers both (`settle`
    /// reports its failure).
    func send(_ sql: String) -> EventLoopFuture<PostgresQueryResult> {
        connection.query(query(sql, []), logger: logger)
    }

    /// Waits for a statement `send` sent (answered by then, when a later one was waited for).
    func settle(_ sent: EventLoopFuture<PostgresQueryResult>) throws {
        do { _ = try sent.wait() } catch { throw PostgresPool.translate(error, location: location) }
    }

    /// The rows of a read's last statement: sent with the statement that ends the read (its
    /// COMMIT), when one is pending, so that both cost one wait. Anything run after it runs outside
    /// the read's snapshot.
    func lastRows(_ sql: String, _ arguments: [any SQLBindable] = []) throws -> [PostgresRow] {
        guard let end = ending.statement else { return try rawRows(sql, arguments) }
        ending.statement = nil
        return try pipelinedRows([(sql, arguments), (end, [])])[0]
    }

    /// Runs the statement that ends the read, unless its last statement took it along.
    func end() throws {
        guard let end = ending.statement else { return }
        ending.statement = nil
        try execute(end)
    }

    /// Statements queued on the connection at once, run in order, and waited for once. postgres-nio
    /// writes each when the one before has been answered (no pipelining on the wire), so what this
    /// saves is the calling thread's wake-up and hand-back between them, not the server's round
    /// trip: a statement fewer saves more. Their rows as the server sent them (`rawRows`), in the
    /// same order; the first failure is thrown once all have answered.
    func pipelinedRows(_ statements: [(sql: String, arguments: [any SQLBindable])]) throws -> [[PostgresRow]] {
        let futures = statements.map { connection.query(query($0.sql, $0.arguments), logger: logger) }
        var results: [[PostgresRow]] = []
        var failure: (any Error)?
        for future in futures {
            do { results.append(try future.wait().rows) } catch {
                if failure == nil { failure = PostgresPool.translate(error, location: location) }
            }
        }
        if let failure { throw failure }
        return results
    }

    private func query(_ sql: String, _ arguments: [any SQLBindable]) -> PostgresQuery {
        var bindings = PostgresBindings(capacity: arguments.count)
        for argument in arguments {
            switch argument.sqlValue {
            case .null: bindings.appendNull()
            case .text(let value): bindings.append(value)
            case .int(let value): bindings.append(value)
            case .double(let value): bindings.append(value)
            }
        }
        return PostgresQuery(unsafeSQL: numberedPlaceholders(sql), binds: bindings)
    }

    static func row(_ row: PostgresRow) -> SQLRow {
        var values: [String: SQLValue] = [:]
        for cell in row { values[cell.columnName] = value(cell) }
        return SQLRow(values: values)
    }

    static func value(_ cell: PostgresCell) -> SQLValue {
        guard cell.bytes != nil else { return .null }
        switch cell.dataType {
        case .int2, .int4, .int8:
            return (try? cell.decode(Int64.self)).map(SQLValue.int) ?? .null
        case .float4, .float8:
            return (try? cell.decode(Double.self)).map(SQLValue.double) ?? .null
        case .bool:
            return (try? cell.decode(Bool.self)).map { .int($0 ? 1 : 0) } ?? .null
        default:
            return (try? cell.decode(String.self)).map(SQLValue.text) ?? .null
        }
    }
}

/// A failure the server reports for a transaction that may simply be run again: a serialisation
/// failure or a deadlock between concurrent writers.
struct RetryableConflict: Error, LocalizedMessage {
    let sqlState: String
    let location: String

    func message(_ l: Localizer) -> String {
        PostgresError.server(
            location: location, message: "a concurrent write conflicted; run the command again", sqlState: sqlState
        ).message(l)
    }
}

/// The server's own error, kept with its SQLSTATE for the catalogue to turn into its own words.
struct ServerError: Error, LocalizedMessage {
    let sqlState: String
    let message: String
    let constraint: String?
    let location: String

    func message(_ l: Localizer) -> String {
        PostgresError.server(location: location, message: message, sqlState: sqlState).message(l)
    }
}

/// A pool of connections to one database. A command uses one; `kho serve` uses several at once,
/// up to `limit`, and waits for one to come back beyond that.
final class PostgresPool: @unchecked Sendable {
    let location: PostgresLocation
    let logger: Logger
    private let lock = NSCondition()
    private var idle: [PostgresConnection] = []
    private var open = 0
    private var nextID = 0
    private let limit: Int

    init(location: PostgresLocation, limit: Int = 16) {
        self.location = location
        self.limit = limit
        var logger = Logger(label: "kho.postgres")
        logger.logLevel = .critical
        self.logger = logger
    }

    deinit {
        for connection in idle { try? connection.close().wait() }
    }

    /// Opens one connection now, to say at once whether the server, the database and the password
    /// are right.
    func check() throws {
        try withSession { _ in }
    }

    func withSession<T>(_ body: (PostgresSession) throws -> T) throws -> T {
        let connection = try checkOut()
        var healthy = true
        defer { checkIn(connection, healthy: healthy && !connection.isClosed) }
        do {
            return try body(PostgresSession(connection: connection, logger: logger, location: location.description))
        } catch {
            if connection.isClosed { healthy = false }
            throw error
        }
    }

    private func checkOut() throws -> PostgresConnection {
        lock.lock()
        while idle.isEmpty && open >= limit { lock.wait() }
        if let connection = idle.popLast() {
            lock.unlock()
            return connection
        }
        open += 1
        nextID += 1
        let id = nextID
        lock.unlock()
        do {
            return try connect(id: id)
        } catch {
            lock.lock()
            open -= 1
            lock.signal()
            lock.unlock()
            throw error
        }
    }

    private func checkIn(_ connection: PostgresConnection, healthy: Bool) {
        lock.lock()
        if healthy {
            idle.append(connection)
        } else {
            open -= 1
            try? connection.close().wait()
        }
        lock.signal()
        lock.unlock()
    }

    private func connect(id: Int) throws -> PostgresConnection {
        var configuration: PostgresConnection.Configuration
        let password = location.resolvedPassword()
        if location.host.hasPrefix("/") {
            let socket = "\(location.host)/.s.PGSQL.\(location.port)"
            configuration = .init(
                unixSocketPath: socket, username: location.user, password: password, database: location.database)
        } else {
            let tls: PostgresConnection.Configuration.TLS
            switch location.sslMode {
            case .disable: tls = .disable
            case .prefer, .require, .verifyFull:
                // As libpq: prefer and require encrypt, verify-full also checks who answers.
                var settings = TLSConfiguration.makeClientConfiguration()
                if location.sslMode != .verifyFull { settings.certificateVerification = .none }
                let context = try NIOSSLContext(configuration: settings)
                tls = location.sslMode == .prefer ? .prefer(context) : .require(context)
            }
            configuration = .init(
                host: location.host, port: location.port, username: location.user, password: password,
                database: location.database, tls: tls)
        }
        configuration.options.connectTimeout = .seconds(10)
        // No start-up parameters of kho's own: a pooler in front of the server (PgBouncer) refuses
        // the connection for any it does not know. The reports switch JIT off in their own
        // transaction instead.
        do {
            return try PostgresConnection.connect(
                on: MultiThreadedEventLoopGroup.singleton.next(), configuration: configuration, id: id, logger: logger
            ).wait()
        } catch {
            throw Self.translate(error, location: location.description, user: location.user, connecting: true)
        }
    }

    /// postgres-nio's error in kho's words: the usual ways a connection fails named as such.
    static func translate(_ error: any Error, location: String, user: String = "", connecting: Bool = false) -> any Error {
        guard let error = error as? PSQLError else {
            if connecting { return PostgresError.unreachable(location: location, reason: "\(error)") }
            return error
        }
        if let info = error.serverInfo, let state = info[.sqlState] {
            let message = info[.message] ?? "\(error)"
            switch state {
            case "40001", "40P01": return RetryableConflict(sqlState: state, location: location)
            case "3D000": return PostgresError.noDatabase(location: location)
            // PgBouncer passes the server's "does not exist" on as a protocol violation of its own.
            case "08P01" where message.hasPrefix("database ") && message.hasSuffix(" does not exist")
                || message.hasPrefix("no such database"):
                return PostgresError.noDatabase(location: location)
            case "28P01", "28000": return PostgresError.authentication(location: location, user: user, reason: message)
            default:
                return ServerError(
                    sqlState: state, message: message, constraint: info[.constraintName], location: location)
            }
        }
        if error.code == .sslUnsupported {
            return PostgresError.tls(location: location, reason: "the server does not offer TLS")
        }
        if let underlying = error.underlying, underlying is NIOSSLError || underlying is BoringSSLError {
            return PostgresError.tls(location: location, reason: "\(underlying)")
        }
        switch error.code {
        case .authMechanismRequiresPassword:
            return PostgresError.authentication(
                location: location, user: user, reason: "the server asks for a password and none was given")
        case .connectionError, .serverClosedConnection, .uncleanShutdown, .clientClosedConnection:
            let reason = error.underlying.map { "\($0)" } ?? "\(error.code)"
            return PostgresError.unreachable(location: location, reason: reason)
        default:
            if connecting {
                return PostgresError.unreachable(location: location, reason: error.underlying.map { "\($0)" } ?? "\(error.code)")
            }
            return PostgresError.server(location: location, message: "\(error.code)", sqlState: "")
        }
    }
}

/// Platform codes and their bits, as one write transaction has seen them.
final class PlatformBitCache: @unchecked Sendable {
    var bits: [String: Int] = [:]
}

/// A statement a session has still to send (a session is a value; this is shared by its copies).
final class PendingStatement: @unchecked Sendable {
    var statement: String?
}
