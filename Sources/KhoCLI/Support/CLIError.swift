import KhoCore

/// A command-line error whose message is already written for a person.
struct CLIError: Error, CustomStringConvertible, LocalizedMessage {
    var description: String
    init(_ description: String) { self.description = description }
    /// Written at the throw site, in the words given there.
    func message(_ l: Localizer) -> String { description }
}
