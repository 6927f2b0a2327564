import Foundation
import KhoCore

/// Where a PostgreSQL catalogue lives: `postgresql://USER@HOST:PORT/DB`, as libpq users write it.
///
/// The password is never kept: it comes, as libpq's users expect, from the URL given on the
/// command line (used for that command only), `$PGPASSWORD`, or the password file
/// (`$PGPASSFILE`, else `~/.pgpass`). A host that starts with `/` (or `?host=/run/postgresql`)
/// is a Unix socket folder, for peer authentication. `?sslmode=disable|prefer|require|verify-full`
/// as libpq: `prefer` and `require` encrypt without checking the server's certificate,
/// `verify-full` checks it against the system's trusted authorities and the host name.
public struct PostgresLocation: Sendable, Equatable, CustomStringConvertible {
    public var user: String
    public var host: String
    public var port: Int
    public var database: String
    public var sslMode: SSLMode
    /// A password given in the URL itself, for this process only.
    var password: String?

    public enum SSLMode: String, Sendable {
        case disable, prefer, require
        case verifyFull = "verify-full"
    }

    /// Whether `text` names a PostgreSQL catalogue rather than a file.
    public static func isURL(_ text: String) -> Bool {
        text.hasPrefix("postgresql://") || text.hasPrefix("postgres://")
    }

    public init(parsing text: String) throws {
        guard Self.isURL(text), let components = URLComponents(string: text) else {
            throw PostgresError.invalidURL(url: Self.redact(text), reason: "postgresql://USER@HOST:PORT/DATABASE")
        }
        let environment = ProcessInfo.processInfo.environment
        let query = Dictionary(
            (components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { $1 })
        for name in query.keys where !["host", "port", "sslmode", "user", "dbname"].contains(name) {
            throw PostgresError.invalidURL(
                url: Self.redact(text), reason: "unknown parameter `\(name)`; kho takes host, port, user, dbname, sslmode")
        }
        user =
            query["user"] ?? components.percentEncodedUser?.removingPercentEncoding ?? environment["PGUSER"]
            ?? environment["USER"] ?? "postgres"
        host = query["host"] ?? components.host?.removingPercentEncoding ?? environment["PGHOST"] ?? "127.0.0.1"
        if host.isEmpty { host = "127.0.0.1" }
        if let value = query["port"] ?? components.port.map(String.init) ?? environment["PGPORT"] {
            guard let number = Int(value), (1...65535).contains(number) else {
                throw PostgresError.invalidURL(url: Self.redact(text), reason: "port `\(value)` is not a port number")
            }
            port = number
        } else {
            port = 5432
        }
        let path = components.percentEncodedPath.removingPercentEncoding ?? ""
        database = query["dbname"] ?? String(path.drop(while: { $0 == "/" }))
        guard !database.isEmpty, !database.contains("/") else {
            throw PostgresError.invalidURL(
                url: Self.redact(text), reason: "no database named; write postgresql://USER@HOST:PORT/DATABASE")
        }
        let mode = query["sslmode"] ?? environment["PGSSLMODE"] ?? (host.hasPrefix("/") ? "disable" : "prefer")
        guard let sslMode = SSLMode(rawValue: mode) else {
            throw PostgresError.invalidURL(
                url: Self.redact(text), reason: "sslmode `\(mode)`; kho takes disable, prefer, require or verify-full")
        }
        self.sslMode = sslMode
        password = components.percentEncodedPassword?.removingPercentEncoding
    }

    /// The same server, another database (the maintenance database, to create a catalogue's).
    func with(database: String) -> PostgresLocation {
        var copy = self
        copy.database = database
        return copy
    }

    /// The URL without its password: what the repository folder remembers and messages show.
    public var description: String {
        var components = URLComponents()
        components.scheme = "postgresql"
        components.user = user
        if host.hasPrefix("/") {
            components.host = ""
            components.queryItems = [URLQueryItem(name: "host", value: host)]
        } else {
            components.host = host.contains(":") ? "[\(host)]" : host
        }
        components.port = port
        components.path = "/" + database
        var items = components.queryItems ?? []
        if sslMode != (host.hasPrefix("/") ? .disable : .prefer) {
            items.append(URLQueryItem(name: "sslmode", value: sslMode.rawValue))
        }
        components.queryItems = items.isEmpty ? nil : items
        return components.string ?? "postgresql://\(user)@\(host):\(port)/\(database)"
    }

    /// A URL as it may be shown: any password replaced by `***`.
    public static func redact(_ text: String) -> String {
        guard var components = URLComponents(string: text), components.password != nil else { return text }
        components.password = "***"
        return components.string ?? text
    }

    /// The password to give, as libpq finds it: the URL's, `$PGPASSWORD`, then the password file.
    func resolvedPassword() -> String? {
        if let password { return password }
        let environment = ProcessInfo.processInfo.environment
        if let value = environment["PGPASSWORD"], !value.isEmpty { return value }
        let file =
            environment["PGPASSFILE"]
            ?? (environment["HOME"] ?? NSHomeDirectory()) + "/.pgpass"
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { return nil }
        for line in text.split(whereSeparator: \.isNewline) where !line.hasPrefix("#") {
            let fields = Self.passFileFields(String(line))
            guard fields.count == 5 else { continue }
            let hostField = host.hasPrefix("/") ? "localhost" : host
            func matches(_ pattern: String, _ value: String) -> Bool { pattern == "*" || pattern == value }
            if matches(fields[0], hostField) && matches(fields[1], String(port)) && matches(fields[2], database)
                && matches(fields[3], user)
            {
                return fields[4]
            }
        }
        return nil
    }

    /// A `.pgpass` line's five fields: `:` separates, `\` escapes.
    static func passFileFields(_ line: String) -> [String] {
        var fields: [String] = []
        var current = ""
        var escaped = false
        for character in line {
            if escaped {
                current.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == ":" && fields.count < 4 {
                fields.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        fields.append(current)
        return fields
    }
}
