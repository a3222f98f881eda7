import ArgumentParser
import Foundation

/// `gatehouse tools`: the tools the token may call.
struct Tools: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the tools you may call.")

    @OptionGroup var server: ServerOption
    @Flag(help: "Print the tools as a JSON array, for scripts.") var json = false

    func run() async throws {
        try await withHTTP { http throws(CLIFailure) in
            let session = MCPSession(credentials: try Credentials.resolve(url: server.url, http: http))
            let tools = try await session.tools()
            if json {
                Console.out(JSONText.string(tools, pretty: true))
                return
            }
            let width = tools.compactMap { ($0["name"] as? String)?.count }.max() ?? 0
            for tool in tools {
                let name = tool["name"] as? String ?? "?"
                let firstLine = (tool["description"] as? String)?.split(whereSeparator: \.isNewline).first.map(String.init)
                let summary = tool["title"] as? String ?? firstLine ?? ""
                Console.out(name.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + summary)
            }
        }
    }
}

/// `gatehouse call <tool> [key=value …]`: calls one tool and prints its text (or, with --json, its result).
struct Call: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Call a tool and print its result.",
        discussion: """
            Arguments are key=value pairs, each value read as its type in the tool's input schema (a number, true \
            or false, a JSON array or object), or one JSON object with --input ('-' reads it from standard input). \
            A tool error is printed on standard error and exits with status 1.
            """)

    @OptionGroup var server: ServerOption
    @Argument(help: "The tool's name, as gatehouse tools lists it.") var tool: String
    @Argument(help: "Arguments as key=value.") var pairs: [String] = []
    @Option(help: "All arguments as one JSON object, or '-' to read it from standard input.") var input: String?
    @Flag(help: "Print the whole result object as JSON, for scripts.") var json = false

    func run() async throws {
        if input != nil, !pairs.isEmpty { throw CLIFailure.usage("give the arguments as key=value pairs or as --input, not both") }
        let given = try input.map(ToolArguments.object(fromJSON:))
        try await withHTTP { http throws(CLIFailure) in
            let session = MCPSession(credentials: try Credentials.resolve(url: server.url, http: http))
            var arguments = given ?? [:]
            if !pairs.isEmpty {
                // The schema says how to read each value.
                guard let listed = try await session.tools().first(where: { $0["name"] as? String == tool }) else {
                    throw .usage("no tool named \(tool) among those you may call: gatehouse tools lists them")
                }
                arguments = try ToolArguments.object(fromPairs: pairs, schema: listed["inputSchema"] as? [String: Any] ?? [:])
            }
            let result = try await session.request("tools/call", params: ["name": tool, "arguments": arguments])
            let failed = result["isError"] as? Bool == true
            if json {
                Console.out(JSONText.string(result, pretty: true))
                if failed { throw .toolError("\(tool) answered with an error (isError in the result above)") }
                return
            }
            let text = ToolResultText.render(result)
            if failed { throw .toolError("\(tool): \(text)") }
            Console.out(text)
        }
    }
}

/// `gatehouse whoami`: who the server takes the token for, and how this command line holds it.
struct WhoAmI: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "whoami", abstract: "Show who you are signed in as, and with which scopes.")

    @OptionGroup var server: ServerOption
    @Flag(help: "Print the server's answer as JSON, for scripts.") var json = false

    func run() async throws {
        try await withHTTP { http throws(CLIFailure) in
            let credentials = try Credentials.resolve(url: server.url, http: http)
            let result = try await MCPSession(credentials: credentials).request(
                "tools/call", params: ["name": "whoami", "arguments": [String: Any]()])
            let who = result["structuredContent"] as? [String: Any] ?? [:]
            if json {
                Console.out(JSONText.string(who, pretty: true))
                return
            }
            let login = try await credentials.storedLogin()
            var lines = [("Server", credentials.url)]
            if let email = login.flatMap({ TokenClaims($0.tokens.accessToken)?.email }) { lines.append(("Signed in as", email)) }
            lines.append(("Subject", who["subject"] as? String ?? "?"))
            if let role = who["role"] as? String { lines.append(("Role", role + ((who["company"] as? String).map { " of \($0)" } ?? ""))) }
            lines.append(("Tenant", who["tenant"] as? String ?? "?"))
            lines.append(("Client", who["client_id"] as? String ?? "?"))
            lines.append(("Scopes", (who["scopes"] as? [String] ?? []).joined(separator: " ")))
            if let login {
                lines.append(("Token", "stored login, renewed as needed"))
                if let elevation = login.elevated, elevation.until > Date() { lines.append(("Elevated", "until " + Elevate.clock(elevation.until))) }
            } else {
                lines.append(("Token", "GATEHOUSE_TOKEN"))
            }
            for (label, value) in lines { Console.out((label + ":").padding(toLength: 14, withPad: " ", startingAt: 0) + value) }
        }
    }
}
