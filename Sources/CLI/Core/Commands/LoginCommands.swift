import ArgumentParser
import Foundation
import Shared

/// `gatehouse login <MCP URL>`: discovers the authorization server, signs in with the device flow as the command
/// line's built-in client (`CommandLineClient.id`, the same in every Gatehouse), and keeps the tokens.
struct Login: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Sign in to a Gatehouse MCP server, approving on your phone or computer.")

    @Argument(help: "The MCP URL, e.g. https://acme.example.com/mcp.") var url: String
    @Option(help: "The scopes to ask for, space-separated; by default everything your role allows.") var scope: String?

    func run() async throws {
        try refuseEnvironmentToken("sign in")
        try await withHTTP { http throws(CLIFailure) in
            let endpoints = try await ServerDiscovery.discover(mcpURL: url, http: http)
            let oauth = OAuthClient(http: http, endpoints: endpoints, clientID: CommandLineClient.id)
            let tokens = try await DeviceLogin(oauth: oauth).run(scope: scope, purpose: "sign in to \(endpoints.resource)")
            let store = try LoginStore.locate()
            let replaced = try await store.update { file throws(CLIFailure) in
                let previous = file.logins[endpoints.resource]
                file.logins[endpoints.resource] = StoredLogin(endpoints: endpoints, clientID: CommandLineClient.id, tokens: tokens)
                return previous
            }
            // A login as someone else leaves the old grant behind: end it. The same person's approval renewed
            // the same grant, which the new tokens belong to.
            if let replaced, let old = replaced.tokens.refreshToken,
                TokenClaims(replaced.tokens.accessToken)?.grant != TokenClaims(tokens.accessToken)?.grant
            {
                try? await OAuthClient(http: http, endpoints: replaced.endpoints, clientID: replaced.clientID).revoke(old)
            }
            let who = TokenClaims(tokens.accessToken)?.email.map { " as \($0)" } ?? ""
            Console.out("Signed in to \(endpoints.resource)\(who) (scopes: \(tokens.scope.isEmpty ? "none" : tokens.scope)).")
        }
    }
}

/// `gatehouse elevate`: a second device flow asking for `mfa` besides the login's scopes; the person enters a
/// second factor when approving, and the elevated token is used beside the normal one while the server's
/// elevation window lasts (`GATEHOUSE_ELEVATION_SECONDS`): an elevated token never outlives it, and a refresh
/// after it comes back without `mfa` (docs/tokens.md § MFA elevation).
struct Elevate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Approve a second factor for high-trust tools, for the server's elevation window (15 minutes unless the operator changed it).")

    @OptionGroup var server: ServerOption

    func run() async throws {
        try refuseEnvironmentToken("elevate a login")
        try await withHTTP { http throws(CLIFailure) in
            let credentials = try Credentials.resolve(url: server.url, http: http)
            guard let login = try await credentials.storedLogin() else { throw .notSignedIn("not signed in: run gatehouse login <MCP URL>") }
            let oauth = OAuthClient(http: http, endpoints: login.endpoints, clientID: login.clientID)
            let scopes = Set(login.tokens.scopes).union([Elevation.scope]).sorted().joined(separator: " ")
            let tokens = try await DeviceLogin(oauth: oauth).run(scope: scopes, purpose: "approve a second factor for \(login.endpoints.resource)")
            guard TokenClaims(tokens.accessToken)?.subject == TokenClaims(login.tokens.accessToken)?.subject else {
                try? await oauth.revoke(tokens.refreshToken ?? tokens.accessToken)
                throw .notSignedIn("the elevation was approved by another account than the one signed in: run gatehouse elevate again")
            }
            guard tokens.scopes.contains(Elevation.scope), let until = TokenClaims(tokens.accessToken)?.expiresAt else {
                throw .notSignedIn(
                    "\(login.endpoints.resource) approved the request without a second factor (no mfa scope): set one up in your account first")
            }
            let key = credentials.url
            try await LoginStore.locate().update { file throws(CLIFailure) in
                guard var stored = file.logins[key] else { throw .notSignedIn("signed out meanwhile: run gatehouse login \(key)") }
                stored.elevated = StoredLogin.Elevation(tokens: tokens, until: until)
                file.logins[key] = stored
            }
            Console.out("Elevated until \(Self.clock(until)): high-trust tools work until then.")
        }
    }

    static func clock(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "HH:mm"
        return formatter.string(from: date)
    }
}

/// `gatehouse logout`: revokes the login's refresh tokens (RFC 7009), which ends its grant on the server, and
/// forgets the login.
struct Logout: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Sign out: end the login on the server and forget its tokens.")

    @OptionGroup var server: ServerOption

    func run() async throws {
        try refuseEnvironmentToken("sign out")
        try await withHTTP { http throws(CLIFailure) in
            let credentials = try Credentials.resolve(url: server.url, http: http)
            let key = credentials.url
            try await LoginStore.locate().update { file throws(CLIFailure) in
                guard let login = file.logins[key] else { return }
                let oauth = OAuthClient(http: http, endpoints: login.endpoints, clientID: login.clientID)
                // Revoked before anything is forgotten: a server that cannot be reached leaves the login as it was.
                for token in [login.elevated?.tokens.refreshToken, login.tokens.refreshToken].compactMap({ $0 }) {
                    try await oauth.revoke(token)
                }
                file.logins[key] = nil
            }
            Console.out("Signed out of \(key).")
        }
    }
}
