/// How `gatehouse` ends when something is wrong: one line on standard error naming what to do, and an exit
/// status scripts can tell apart (README § From a terminal).
public struct CLIFailure: Error, Equatable, CustomStringConvertible {
    public enum Status: Int32, Sendable {
        /// The tool answered with an error (`isError`), or the server refused the call itself.
        case toolError = 1
        /// The command line was wrong: an unknown option, a malformed argument, a URL that is no MCP server.
        case usage = 2
        /// Not signed in, or the server refused the token: sign in again, elevate, or fix GATEHOUSE_TOKEN.
        case notSignedIn = 3
        /// The server could not be reached or could not answer.
        case unreachable = 4
    }

    public let status: Status
    public let message: String

    public init(_ status: Status, _ message: String) {
        self.status = status
        self.message = message
    }

    public var description: String { message }

    static func usage(_ message: String) -> Self { Self(.usage, message) }
    static func notSignedIn(_ message: String) -> Self { Self(.notSignedIn, message) }
    static func unreachable(_ message: String) -> Self { Self(.unreachable, message) }
    static func toolError(_ message: String) -> Self { Self(.toolError, message) }
}
