import ArgumentParser
import Foundation
import KhoCore
import KhoRepository

struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Re-hash stored files and compare them with the catalogue (fixity check).",
        discussion: """
            Reports missing files (in the catalogue, not in the store), corrupted ones (SHA-256 differs: \
            expected and found are shown) and, when everything is verified, unexpected ones (in the store, \
            unknown to the catalogue). Each check is recorded (not with --no-record, for a read-only repository), so `kho show` and `kho log` say when each \
            file was last verified. The store is never changed: `kho quarantine` and `kho restore` repair. \
            Exits 1 when anything is wrong. An interrupted run keeps what it checked; `--older-than` resumes.

            Examples:
              kho verify
              kho verify --sample 5%
              kho verify --older-than 90d --json
              kho verify --product 1M7ZTDBH9VBRKF2N
            """)

    @OptionGroup var repository: RepositoryOptions

    @Option(
        help: ArgumentHelp("Check a random sample: a number of objects, or a percentage such as 5%.", valueName: "n|p%")
    )
    var sample: String?

    @Option(
        help: ArgumentHelp(
            "Only objects not checked for this long (or never): 90d, 12h, 2w, 30m; or since a date, 2026-01-01.",
            valueName: "age"))
    var olderThan: String?

    @Option(help: ArgumentHelp("Only the files of this product.", valueName: "id"))
    var product: String?

    @Flag(help: "Print JSON.")
    var json = false

    @Flag(help: "Check without recording the checks: for a repository you cannot write (read-only media, an auditor's account).")
    var noRecord = false

    func run() throws {
        let repo = try repository.open()
        if repo.isReadOnly && !noRecord {
            throw CLIError(Output.l("verify.read_only", ["path": repo.path]))
        }
        var selection = VerifySelection()
        selection.record = !noRecord
        if let product { selection.product = try ProductIDArgument.parse(product) }
        if let sample { selection.sample = try Self.parseSample(sample) }
        if let olderThan { selection.olderThan = try Self.parseAge(olderThan, now: Environment.now()) }
        let verifier = Verifier(
            repository: repo, agent: Environment.agent, software: Environment.software, now: { Environment.now() })
        let progress: (any IngestProgress)? = Environment.stderrIsTerminal && !json ? TerminalProgress() : nil
        // Two threads suit the two-core machines this runs on; KHO_VERIFY_THREADS overrides.
        let threads = ProcessInfo.processInfo.environment["KHO_VERIFY_THREADS"].flatMap(Int.init) ?? 2
        let report = try verifier.run(selection, threads: max(1, threads), progress: progress)
        if json {
            try Output.json(VerifyJSON(report))
        } else {
            for problem in report.problems {
                var line = "\(problem.kind.rawValue.uppercased())  \(problem.path)"
                if let expected = problem.expectedSHA256, problem.kind == .corrupted {
                    line += "\n    expected sha256 \(expected)\n    found    sha256 \(problem.foundSHA256 ?? "?")"
                }
                if let detail = problem.detail, problem.kind != .missing || !detail.isEmpty {
                    line += "\n    \(detail)"
                }
                if !problem.products.isEmpty {
                    line += "\n    " + Output.l("verify.products", ["ids": problem.products.map(\.rawValue).joined(separator: ", ")])
                }
                Output.line(line)
            }
            let rate = report.seconds > 0 ? Double(report.bytes) / report.seconds : 0
            let l = Output.l
            var summary = l("verify.summary", ["checked": String(report.checked), "passed": String(report.passed)])
            for kind in [VerifyProblem.Kind.missing, .corrupted, .unexpected] {
                let count = report.problems.filter { $0.kind == kind }.count
                if count > 0 { summary += l("verify.count.\(kind.rawValue)", ["count": Output.l.integer(count)]) }
            }
            summary += l(
                "verify.rate",
                [
                    "size": Output.bytes(report.bytes), "seconds": l.decimal(report.seconds, digits: 1),
                    "rate": Output.bytes(Int64(rate)),
                ])
            if !report.searchedForUnexpected { summary += l("verify.partial") }
            Output.note(summary)
            if !report.isClean { Output.note(l("verify.repair")) }
        }
        if !report.isClean { throw ExitCode.failure }
    }

    static func parseSample(_ text: String) throws -> VerifySelection.Sample {
        if text.hasSuffix("%"), let percent = Double(text.dropLast()), percent > 0, percent <= 100 {
            return .fraction(percent / 100)
        }
        if let count = Int(text), count > 0 { return .count(count) }
        throw CLIError(Output.l("verify.bad_sample", ["value": text]))
    }

    static func parseAge(_ text: String, now: Date) throws -> TimeInterval {
        if let date = PartialDate(parsing: text), let start = Timestamp.date(date.firstDay + "T00:00:00Z") {
            return now.timeIntervalSince(start)
        }
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 604_800]
        if let unit = text.last, let seconds = units[unit], let value = Double(text.dropLast()), value >= 0 {
            return value * seconds
        }
        throw CLIError(
            "--older-than: '\(text)' is not valid; give an age such as 90d, 12h, 2w or 30m, or a date such as 2026-01-01"
        )
    }
}

struct VerifyJSON: Encodable {
    var report: VerifyReport
    init(_ report: VerifyReport) { self.report = report }

    enum CodingKeys: String, CodingKey {
        case selected, checked, passed, bytes, seconds, problems, ok
        case searchedForUnexpected = "searched_for_unexpected"
    }

    struct Problem: Encodable {
        var problem: VerifyProblem
        enum CodingKeys: String, CodingKey {
            case kind, path, products, detail
            case expected = "expected_sha256"
            case found = "found_sha256"
        }
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(problem.kind.rawValue, forKey: .kind)
            try container.encode(problem.path, forKey: .path)
            try container.encode(problem.expectedSHA256, forKey: .expected)
            try container.encode(problem.foundSHA256, forKey: .found)
            try container.encode(problem.products, forKey: .products)
            try container.encode(problem.detail, forKey: .detail)
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(report.selected, forKey: .selected)
        try container.encode(report.checked, forKey: .checked)
        try container.encode(report.passed, forKey: .passed)
        try container.encode(report.bytes, forKey: .bytes)
        try container.encode((report.seconds * 1000).rounded() / 1000, forKey: .seconds)
        try container.encode(report.searchedForUnexpected, forKey: .searchedForUnexpected)
        try container.encode(report.problems.map(Problem.init), forKey: .problems)
        try container.encode(report.isClean, forKey: .ok)
    }
}
