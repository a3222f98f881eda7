import ArgumentParser
import Foundation

/// `gatehouse`: sign in to a Gatehouse install from a terminal, call its tools, and bridge stdio-only MCP hosts
/// to it. Exit statuses: 0 ok, 1 a tool error, 2 usage, 3 not signed in or token refused, 4 server unreachable;
/// errors go to standard error, one line each, naming what to do.
public struct GatehouseCommand: AsyncParsableCommand {
    public static let version = "0.1.0"

    public static let configuration = CommandConfiguration(
        commandName: "gatehouse",
        abstract: "Use a Gatehouse MCP server from a terminal, a script, or a host that only speaks stdio.",
        discussion: """
            Sign in once with `gatehouse login <MCP URL>`; the tokens are kept in $XDG_CONFIG_HOME/gatehouse/ \
            (or ~/.config/gatehouse/) and renewed as needed. Scripts set GATEHOUSE_TOKEN (a personal access token) \
            and GATEHOUSE_URL instead. Exit status: 0 ok, 1 tool error, 2 usage, 3 not signed in or token refused, \
            4 server unreachable.
            """,
        version: version,
        subcommands: [Login.self, Tools.self, Call.self, WhoAmI.self, Logout.self, Elevate.self, Bridge.self]
    )

    public init() {}

    /// Runs the command line and returns its exit status. Usage errors are status 2 (ArgumentParser's own is 64).
    public static func run(_ arguments: [String]) async -> Int32 {
        do {
            var command = try parseAsRoot(arguments)
            if var asynchronous = command as? AsyncParsableCommand {
                try await asynchronous.run()
            } else {
                try command.run()
            }
            return 0
        } catch let failure as CLIFailure {
            Console.error(failure.message)
            return failure.status.rawValue
        } catch {
            let status = exitCode(for: error)
            if status == .success {
                Console.out(fullMessage(for: error))
                return 0
            }
            Console.error(message(for: error) + " (see gatehouse --help)")
            return CLIFailure.Status.usage.rawValue
        }
    }
}

/// `--url`, for the commands that work on one signed-in server.
struct ServerOption: ParsableArguments {
    @Option(help: "The MCP URL; by default GATEHOUSE_URL, else the only server you are signed in to.")
    var url: String?
}

/// Runs `body` with an HTTP client that is shut down afterwards, whatever happens.
func withHTTP<T>(_ body: (HTTPExchange) async throws(CLIFailure) -> T) async throws(CLIFailure) -> T {
    let http = HTTPExchange()
    do {
        let result = try await body(http)
        await http.shutdown()
        return result
    } catch {
        await http.shutdown()
        throw error
    }
}

/// Signing in and out is for stored logins: with GATEHOUSE_TOKEN set, every command would use it instead.
func refuseEnvironmentToken(_ doing: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws(CLIFailure) {
    if let token = environment[Credentials.environmentTokenName], !token.isEmpty {
        throw .usage("GATEHOUSE_TOKEN is set, and every command uses it instead of a login: unset it to \(doing)")
    }
}
