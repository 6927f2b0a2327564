import CSV
import Foundation
import KhoRepository
import KhoCore

/// Printing: JSON for scripts, CSV for spreadsheets, aligned text for people.
enum Output {
    /// Prints a value as pretty, key-sorted JSON: byte-stable for the same value.
    static func json(_ value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(value)
        FileHandle.standardOutput.write(data)
        FileHandle.standardOutput.write(Data("\n".utf8))
    }

    /// Prints rows as CSV with a header.
    static func csv(header: [String], rows: [[String]]) throws {
        let stream = OutputStream(toMemory: ())
        let writer = try CSVWriter(stream: stream)
        try writer.write(row: header)
        for row in rows { try writer.write(row: row) }
        writer.stream.close()
        if let data = stream.property(forKey: .dataWrittenToMemoryStreamKey) as? Data {
            FileHandle.standardOutput.write(data)
            FileHandle.standardOutput.write(Data("\n".utf8))
        }
    }

    /// The language of this command's messages: $KHO_LANG, else the repository's `language`
    /// setting once the repository is open, else Vietnamese (set when the command starts).
    static var l: Localizer { Localizer.current }

    /// Takes the repository's language, unless $KHO_LANG chose one for this command.
    static func useLanguage(of repository: Repository) {
        Localizer.current = .builtIn(Environment.language(repository))
    }

    static func line(_ text: String = "") {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    /// A message for the person at the terminal, on standard error (kept out of piped output).
    static func note(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// `1.2 MB`, `340 KB`, `12 B` (decimal units), in the reader's language.
    static func bytes(_ count: Int64) -> String { l.bytes(count) }

    /// Pads each column of `rows` to its widest cell (by characters), two spaces apart.
    static func table(_ rows: [[String]]) -> [String] { Markup.columns(rows) }
}
