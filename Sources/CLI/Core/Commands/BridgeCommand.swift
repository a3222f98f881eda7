import ArgumentParser
import Foundation

/// `gatehouse bridge <MCP URL>`: runs as a host's local MCP server (`StdioBridge`).
struct Bridge: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve MCP on stdio for hosts that only run local commands, forwarding to the server with your login.",
        discussion: """
            Sign in first with gatehouse login (or set GATEHOUSE_TOKEN). Configure the host to run \
            `gatehouse bridge <MCP URL>`; standard output carries only MCP messages, and problems are also \
            written to standard error.
            """)

    @Argument(help: "The MCP URL; by default GATEHOUSE_URL, else the only server you are signed in to.") var url: String?

    func run() async throws {
        try await withHTTP { http throws(CLIFailure) in
            let bridge = StdioBridge(credentials: try Credentials.resolve(url: url, http: http))
            await bridge.run(StandardInputLines.stream())
        }
    }
}
