import Foundation
import KhoCore

/// Who does an operation, when, and with which software: given to each operation rather than
/// read from statics, so that tests fix the clock and the server names its own agent.
public struct OperationContext: Sendable {
    /// The agent recorded in events (a login name, or the server's name).
    public var agent: String
    /// The software recorded in events, e.g. `kho 0.2.0`.
    public var software: String
    /// The clock.
    public var now: @Sendable () -> Date
    /// The language of what people read (report group labels, messages).
    public var language: DisplayLanguage

    public init(
        agent: String, software: String, now: @escaping @Sendable () -> Date = { Date() },
        language: DisplayLanguage = .en
    ) {
        self.agent = agent
        self.software = software
        self.now = now
        self.language = language
    }

    public var localizer: Localizer { .builtIn(language) }
}
