import Foundation
import KhoCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What a command takes from its surroundings: who is acting, and what time it is.
enum Environment {
    /// The agent recorded in events: $KHO_AGENT, else the login name (read once: it does not change).
    static let agent: String = {
        let environment = ProcessInfo.processInfo.environment
        if let agent = environment["KHO_AGENT"], !agent.isEmpty { return TextFolding.singleLine(agent) }
        if let user = environment["USER"] ?? environment["LOGNAME"], !user.isEmpty { return user }
        if let entry = getpwuid(getuid()), let name = entry.pointee.pw_name { return String(cString: name) }
        return "uid \(getuid())"
    }()

    /// The clock: the real time, or $KHO_NOW (an ISO 8601 UTC timestamp) for reproducible runs.
    static func now() -> Date { fixedNow ?? Date() }

    /// $KHO_NOW, read once.
    private static let fixedNow: Date? = ProcessInfo.processInfo.environment["KHO_NOW"].flatMap(Timestamp.date)

    static var software: String { "kho \(Kho.version)" }

    /// True when standard error is a terminal, so progress can be drawn there.
    static var stderrIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }
}
