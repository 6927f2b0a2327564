import ArgumentParser
import Foundation
import Hummingbird
import KhoApp
import KhoCore
import KhoRepository
import KhoImages
import KhoServer
import Logging

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the repository on the web: the pages QR codes open, downloads, catalogue, dashboard, API, OAI-PMH.",
        discussion: """
            Reads the repository while other kho commands write to it, and never blocks them. Only public \
            products are served (see `kho edit ID --private`). Stops cleanly on Ctrl-C or SIGTERM.

            Examples:
              kho serve
              kho serve --host 0.0.0.0 --port 8080 --base-url https://kho.example.gov.vn
            """)

    @OptionGroup var repository: RepositoryOptions

    @Option(help: "The address to listen on (0.0.0.0 for every interface).")
    var host = "127.0.0.1"

    @Option(help: "The port to listen on (0 picks a free one).")
    var port = 8080

    @Option(
        help: ArgumentHelp(
            "The public address of the site, for QR codes and harvesters (default: the repository's base-url, else http://HOST:PORT).",
            valueName: "url"))
    var baseURL: String?

    @Option(help: ArgumentHelp("Close connections idle for this many seconds.", valueName: "seconds"))
    var idleTimeout = 30

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port: \(port) is not a port (0 to 65535)") }
        guard idleTimeout > 0 else { throw ValidationError("--idle-timeout: give a number of seconds above 0") }
    }

    func run() async throws {
        let repo = try repository.open()
        var base = try baseURL ?? repo.catalogue.setting("base-url") ?? "http://\(host == "0.0.0.0" ? "localhost" : host):\(port)"
        switch PublicLink.validate(base) {
        case .success(let value): base = value
        case .failure(let problem): throw CLIError(Output.l("serve.bad_base_url", ["problem": problem.message]))
        }
        var logger = Logger(label: "kho.serve")
        logger.logLevel = ProcessInfo.processInfo.environment["KHO_LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0) } ?? .info
        // The site is Vietnamese (its pages are written in Vietnamese); report group labels follow.
        var context = Environment.context(language: .vi)
        context.agent = "kho serve"
        let site = Site(
            operations: Operations(queries: repo.queries, vocabulary: repo.vocabulary, context: context),
            store: repo.store, baseURL: base, name: "kho: \(URL(fileURLWithPath: repo.path).standardized.path)",
            repositoryID: repo.catalogue.repositoryID, software: Environment.software,
            derivatives: DerivativeCache(folder: repo.derivativesPath))
        let shownBase = base
        let app = buildApplication(
            site: site, settings: ServerSettings(host: host, port: port, idleTimeout: .seconds(Int64(idleTimeout))),
            logger: logger,
            onServerRunning: { boundPort in
                let local = "http://\(host.contains(":") ? "[\(host)]" : host):\(boundPort)"
                FileHandle.standardError.write(
                    Data((Output.l("serve.listening", ["local": local, "base": shownBase]) + "\n").utf8))
            })
        try await app.runService()
        FileHandle.standardError.write(Data((Output.l("serve.stopped") + "\n").utf8))
    }
}
