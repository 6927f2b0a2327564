import Foundation
import KhoApp
import KhoCore
import KhoRepository

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

    /// The agent, clock, software and reader's language for an operation of the application layer.
    static var context: OperationContext { context(language: Localizer.current.language) }

    static func context(language: DisplayLanguage) -> OperationContext {
        OperationContext(agent: agent, software: software, now: { Environment.now() }, language: language)
    }

    /// The language people read: $KHO_LANG for this command, else the repository's `language`
    /// setting, else Vietnamese.
    static func language(_ repository: Repository?) -> DisplayLanguage {
        DisplayLanguage.resolve(
            environment: ProcessInfo.processInfo.environment["KHO_LANG"],
            setting: repository.flatMap { try? $0.catalogue.setting("language") })
    }

    /// With $KHO_PAUSE_BEFORE_WRITE=PATH, a command that has read what it will change writes
    /// PATH.waiting and waits (up to a minute) for PATH to exist before it writes: tests use it to
    /// put another writer between a read and a write.
    static func pauseForTests() {
        guard let path = ProcessInfo.processInfo.environment["KHO_PAUSE_BEFORE_WRITE"], !path.isEmpty else { return }
        _ = FileManager.default.createFile(atPath: path + ".waiting", contents: Data())
        let deadline = Date().addingTimeInterval(60)
        while !FileManager.default.fileExists(atPath: path) && Date() < deadline { usleep(20_000) }
    }

    /// True when standard error is a terminal, so progress can be drawn there.
    static var stderrIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }
}
