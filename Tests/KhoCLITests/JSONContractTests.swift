import Foundation
import Testing

/// The README's "JSON output" section promises keys for each `--json`; this test reads those
/// promises from the README itself and checks that every promised key is present in real output.
@Suite("JSON contract")
struct JSONContractTests {
    /// A promised shape: `{a, b{c}, d[{e}]}`. Keys in capitals (`STATUS`, `KIND`) stand for any key;
    /// `…` for anything; `RECORD` and `EVENT` for the shapes defined beside them.
    indirect enum Shape {
        case any
        case object([String: Shape], open: Bool)
        case array(Shape)
        case named(String)
    }

    struct Parser {
        var tokens: [String]
        var index = 0

        init(_ text: String) {
            var tokens: [String] = []
            var word = ""
            for character in text {
                if character.isLetter || character.isNumber || character == "_" {
                    word.append(character)
                    continue
                }
                if !word.isEmpty { tokens.append(word); word = "" }
                if "{}[],:…".contains(character) { tokens.append(String(character)) }
            }
            if !word.isEmpty { tokens.append(word) }
            self.tokens = tokens
        }

        var peek: String? { index < tokens.count ? tokens[index] : nil }
        mutating func next() -> String? {
            defer { index += 1 }
            return peek
        }

        mutating func shape() -> Shape {
            switch peek {
            case "{":
                _ = next()
                var members: [String: Shape] = [:]
                var open = false
                while let token = next(), token != "}" {
                    if token == "," || token == "(" { continue }
                    if token == "…" { open = true; continue }
                    if token.uppercased() == token {  // STATUS: N, KIND: {…}
                        open = true
                        if peek == ":" { _ = next(); _ = shape() }
                        continue
                    }
                    switch peek {
                    case "{", "[": members[token] = shape()
                    case ":":  // "key": VALUE
                        _ = next()
                        members[token] = shape()
                    default: members[token] = .any
                    }
                }
                return .object(members, open: open)
            case "[":
                _ = next()
                let element = peek == "]" ? Shape.any : shape()
                while let token = next(), token != "]" {}
                return .array(element)
            case "…":
                _ = next()
                return .any
            case let word?:
                _ = next()
                if peek == "…" { _ = next() }
                return word.uppercased() == word ? .named(word) : .any
            case nil:
                return .any
            }
        }
    }

    static func promises() throws -> (commands: [(String, Shape)], named: [String: Shape]) {
        let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("README.md")
        let text = try String(contentsOf: readme, encoding: .utf8)
        let start = try #require(text.range(of: "## JSON output\n"))
        let end = text[start.upperBound...].range(of: "\n## ")?.lowerBound ?? text.endIndex
        let section = text[start.upperBound..<end].split(whereSeparator: \.isWhitespace).joined(separator: " ")
        func matches(_ pattern: String) throws -> [[String]] {
            let regex = try NSRegularExpression(pattern: pattern)
            return regex.matches(in: section, range: NSRange(section.startIndex..., in: section)).map { match in
                (1..<match.numberOfRanges).map { Range(match.range(at: $0), in: section).map { String(section[$0]) } ?? "" }
            }
        }
        // "`list --json`, `search --json` print `[RECORD…]`": every command named since the last
        // promise shares this one.
        var commands: [(String, Shape)] = []
        let promise = try NSRegularExpression(pattern: #"prints? `([^`]+)`"#)
        let command = try NSRegularExpression(pattern: #"`([a-z ]+?)(?: …)? --(?:json|format json)`"#)
        var from = section.startIndex
        for match in promise.matches(in: section, range: NSRange(section.startIndex..., in: section)) {
            guard let whole = Range(match.range, in: section), let spec = Range(match.range(at: 1), in: section) else {
                continue
            }
            // Only the commands of this sentence: after the last "- ", "; " or ". ".
            var before = String(section[from..<whole.lowerBound])
            for separator in ["- ", "; ", ". "] {
                if let cut = before.range(of: separator, options: .backwards) { before = String(before[cut.upperBound...]) }
            }
            for named in command.matches(in: before, range: NSRange(before.startIndex..., in: before)) {
                guard let name = Range(named.range(at: 1), in: before) else { continue }
                var parser = Parser(String(section[spec]))
                commands.append((String(before[name]), parser.shape()))
            }
            from = whole.upperBound
        }
        var named: [String: Shape] = [:]
        for groups in try matches(#"A `RECORD` is valid against [^:]+: `([^`]+)`"#) {
            var parser = Parser("{" + groups[0] + "}")
            named["RECORD"] = parser.shape()
        }
        for groups in try matches(#"An `EVENT` is `([^`]+)`"#) {
            var parser = Parser(groups[0])
            named["EVENT"] = parser.shape()
        }
        return (commands, named)
    }

    /// Every key the shape promises that `value` lacks, as paths.
    static func missing(_ shape: Shape, in value: Any, at path: String, named: [String: Shape]) -> [String] {
        switch shape {
        case .any:
            return []
        case .named(let name):
            guard let defined = named[name] else {
                // RECORD and EVENT are defined; BOOL, TEXT, ID and the like are values, not shapes.
                return ["RECORD", "EVENT"].contains(name) ? ["\(path): \(name) is not defined in the README"] : []
            }
            return missing(defined, in: value, at: path, named: named)
        case .array(let element):
            guard let array = value as? [Any] else { return ["\(path): not an array"] }
            return array.enumerated().flatMap { missing(element, in: $1, at: "\(path)[\($0)]", named: named) }
        case .object(let members, _):
            guard let object = value as? [String: Any] else { return ["\(path): not an object"] }
            return members.sorted { $0.key < $1.key }.flatMap { key, shape -> [String] in
                guard let member = object[key] else { return ["\(path).\(key)"] }
                if member is NSNull { return [] }
                return missing(shape, in: member, at: "\(path).\(key)", named: named)
            }
        }
    }

    @Test("every key the README promises for --json is present, on the sample corpus")
    func promisedKeys() throws {
        let (commands, named) = try Self.promises()
        #expect(named["RECORD"] != nil && named["EVENT"] != nil)
        let promised = Set(commands.map(\.0))
        for command in ["show", "report", "list", "search", "ingest", "verify", "conformance", "characterise", "bundle verify", "import", "bundle list", "log"] {
            #expect(promised.contains(command), "the README promises nothing for \(command) --json")
        }

        let ws = try Workspace()
        try ws.ok("init")
        let corpus = Workspace.samples.path
        try ws.ok("ingest", corpus, "--manifest", corpus + "/manifest.csv")
        try ws.ok("verify")
        let photo = try #require(try ws.ok("list", "--kind", "exhibition-photo", "--ids").stdout.split(separator: "\n").first.map(String.init))
        let exhibition = try #require(
            (try ws.ok("exhibition", "create", "--title", "Triển lãm", "--province", "gia-lai", "--opens", "2025-12-01", "--json")
                .json() as? [String: Any])?["id"] as? String)
        try ws.ok("exhibition", "add", exhibition, photo)
        try ws.ok("export", "--out", "bundle")
        let ebook = try #require(try ws.ok("list", "--kind", "ebook", "--ids").stdout.split(separator: "\n").first.map(String.init))
        let other = try Workspace()
        try other.ok("init")
        try Workspace.shell("cp -a '\(ws.root.path)/bundle' '\(other.root.path)/'")

        let runs: [String: (Workspace, [String])] = [
            "list": (ws, ["list", "--json"]),
            "search": (ws, ["search", "quyền", "--json"]),
            "log": (ws, ["log", "--json"]),
            "verify": (ws, ["verify", "--json"]),
            "conformance": (ws, ["conformance", "--json"]),
            "characterise": (ws, ["characterise", "--all", "--json"]),
            "bundle verify": (ws, ["bundle", "verify", "bundle", "--json"]),
            "bundle list": (ws, ["bundle", "list", "--json"]),
            "import": (other, ["import", "bundle", "--json"]),
            "ingest": (ws, ["ingest", corpus, "--manifest", corpus + "/manifest.csv", "--dry-run", "--json"]),
            "show": (ws, ["show", ebook, "--json"]),
            "report": (ws, ["report", "summary", "--by", "province", "--json"]),
            "exhibition list": (ws, ["exhibition", "list", "--json"]),
            "report exhibitions": (ws, ["report", "exhibitions", "--json"]),
        ]
        for (command, shape) in commands {
            guard let (workspace, arguments) = runs[command] else {
                Issue.record("no run for `\(command) --json`; add one")
                continue
            }
            let result = try workspace.kho(arguments)
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
            let value = try result.json()
            if let array = value as? [Any] { #expect(!array.isEmpty, "\(command) --json printed an empty list") }
            let absent = Self.missing(shape, in: value, at: command, named: named)
            #expect(absent.isEmpty, "promised in the README but absent: \(absent)")
        }

        // show --json also carries technical and last_verified.
        let show = try #require(try ws.ok("show", ebook, "--json").json() as? [String: Any])
        #expect(Set(show.keys) == ["product", "events", "technical", "last_verified"])
    }
}
