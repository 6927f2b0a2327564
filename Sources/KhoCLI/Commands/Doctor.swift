import ArgumentParser
import Foundation
import KhoCore
import KhoRepository

struct Doctor: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check the repository's consistency, and say how to repair what is wrong.",
        discussion: """
            Checks the catalogue (SQLite's integrity check and foreign keys, the schema), the columns \
            reports and searches read against the rows they derive from, every catalogued object against \
            the store (present, of its size, read-only) and the store against the catalogue, what an \
            interrupted command left (temporary files, pending marks, objects stored for a product never \
            registered), the write lock, the settings and the vocabulary files. It reads sizes, not \
            content: `kho verify` re-hashes every file.

            Each finding is a problem, a leftover (harmless: the next command that writes removes it) or \
            a warning, and says what to do. Exits 1 when there is a problem. --repair makes the safe \
            repairs only, each recorded in the repair log (--history): it derives the report columns \
            again, clears what interrupted commands left, makes stored objects read-only, and moves \
            files the catalogue does not know to quarantine/unknown/ (never deleting them). A missing or \
            damaged object, or a damaged catalogue, needs a person: the advice says how.

            Examples:
              kho doctor
              kho doctor --repair
              kho doctor --json
              kho doctor --history
            """)

    @OptionGroup var repository: RepositoryOptions

    @Flag(help: "Make the safe repairs, record each, and check again.")
    var repair = false

    @Flag(help: "Print the repairs made so far.")
    var history = false

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        let repo = try Repository(path: repository.resolvedPath, toleratingVocabularyErrors: true)
        Output.useLanguage(of: repo)
        repo.onLockWait = { Output.note($0) }
        let l = Output.l
        if history {
            let repairs = try repo.catalogue.repairs()
            if json { return try Output.json(repairs.map(RepairJSON.init)) }
            if repairs.isEmpty { Output.note(l("doctor.history.none")) }
            for repair in repairs {
                Output.line(
                    "\(Timestamp.string(repair.at))  \(repair.action)  \(repair.target)"
                        + (repair.detail.isEmpty
                            ? "" : "  " + repair.detail.sorted { $0.key < $1.key }.map { "\($0)=\($1)" }.joined(separator: " ")))
            }
            return
        }
        let doctor = KhoRepository.Doctor(repository: repo, agent: Environment.agent, now: { Environment.now() })
        let report = try doctor.run(repair: repair)
        if json {
            try Output.json(DoctorJSON(report: report))
        } else {
            for repair in report.repairs {
                Output.line(l("doctor.repaired", ["action": repair.action, "target": repair.target]))
            }
            for finding in report.findings {
                Output.line("\(l("doctor.severity.\(finding.severity.rawValue)"))  \(finding.subject)")
                Output.line("    \(finding.message)")
                Output.line("    → \(finding.advice)")
            }
            let count = { (severity: DoctorFinding.Severity) in report.findings.filter { $0.severity == severity }.count }
            Output.note(
                l(
                    "doctor.summary",
                    [
                        "products": l.integer(report.products), "objects": l.integer(report.objects),
                        "files": l.integer(report.storeFiles), "problems": l.integer(count(.problem)),
                        "leftovers": l.integer(count(.leftover)), "warnings": l.integer(count(.warning)),
                    ]))
            if !repair && report.findings.contains(where: { $0.repair != nil }) {
                Output.note(l("doctor.can_repair"))
            }
        }
        if !report.isClean { throw ExitCode.failure }
    }
}

struct RepairJSON: Encodable {
    var at: String
    var agent: String
    var action: String
    var target: String
    var detail: [String: String]

    init(_ record: RepairRecord) {
        at = Timestamp.string(record.at)
        agent = record.agent
        action = record.action
        target = record.target
        detail = record.detail
    }
}

struct DoctorJSON: Encodable {
    var report: DoctorReport

    struct Finding: Encodable {
        var finding: DoctorFinding
        init(_ finding: DoctorFinding) { self.finding = finding }

        enum CodingKeys: String, CodingKey { case check, severity, subject, message, advice, repair, facts }
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(finding.check, forKey: .check)
            try container.encode(finding.severity.rawValue, forKey: .severity)
            try container.encode(finding.subject, forKey: .subject)
            try container.encode(finding.message, forKey: .message)
            try container.encode(finding.advice, forKey: .advice)
            try container.encode(finding.repair?.code, forKey: .repair)
            try container.encode(finding.facts, forKey: .facts)
        }
    }

    enum CodingKeys: String, CodingKey {
        case ok, products, objects, findings, repairs
        case storeFiles = "store_files"
        case lockHolder = "lock_holder"
        case foundBeforeRepair = "found_before_repair"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(report.isClean, forKey: .ok)
        try container.encode(report.products, forKey: .products)
        try container.encode(report.objects, forKey: .objects)
        try container.encode(report.storeFiles, forKey: .storeFiles)
        try container.encode(report.lockHolder, forKey: .lockHolder)
        try container.encode(report.findings.map(Finding.init), forKey: .findings)
        try container.encode(report.foundBeforeRepair.map(Finding.init), forKey: .foundBeforeRepair)
        try container.encode(report.repairs.map(RepairJSON.init), forKey: .repairs)
    }
}
