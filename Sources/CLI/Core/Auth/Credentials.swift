import Foundation
import Shared

/// The bearer token every command sends to one MCP URL: `GATEHOUSE_TOKEN` when it is set (a personal access
/// token, for scripts), else the stored login, refreshed when it is about to expire and elevated while an
/// elevation lasts. An actor, so the bridge's parallel requests refresh once; across processes the login
/// store's lock does the same.
actor Credentials {
    enum Source: Sendable {
        /// GATEHOUSE_TOKEN: used as it is, never refreshed.
        case environment(String)
        case stored(LoginStore)
    }

    /// The MCP URL to call: the stored login's key, or the URL given for GATEHOUSE_TOKEN.
    nonisolated let url: String
    let source: Source
    private let http: HTTPExchange

    init(url: String, source: Source, http: HTTPExchange) {
        self.url = url
        self.source = source
        self.http = http
    }

    static let environmentTokenName = "GATEHOUSE_TOKEN"
    static let environmentURLName = "GATEHOUSE_URL"

    /// Which MCP URL a command means and how it authenticates there. `given` is the URL on the command line;
    /// without it, GATEHOUSE_URL, else the only stored login.
    static func resolve(
        url given: String?, http: HTTPExchange, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(CLIFailure) -> Credentials {
        let chosen = given ?? environment[environmentURLName].flatMap { $0.isEmpty ? nil : $0 }
        if let token = environment[environmentTokenName], !token.isEmpty {
            var url = chosen
            if url == nil, let store = try? LoginStore.locate(environment: environment) { url = try onlyLogin(in: store) }
            guard let url else {
                throw .usage("GATEHOUSE_TOKEN is set but no MCP URL is: pass --url or set GATEHOUSE_URL")
            }
            return Credentials(url: try MCPAddress.check(url), source: .environment(token), http: http)
        }
        let store = try LoginStore.locate(environment: environment)
        let logins = try store.read()
        if let chosen {
            let url = try MCPAddress.check(chosen)
            guard let key = logins.key(for: url) else { throw .notSignedIn("not signed in to \(url): run gatehouse login \(url)") }
            return Credentials(url: key, source: .stored(store), http: http)
        }
        guard let url = try onlyLogin(in: store) else { throw .notSignedIn("not signed in: run gatehouse login <MCP URL>") }
        return Credentials(url: url, source: .stored(store), http: http)
    }

    /// The stored login when there is exactly one; nil when there is none; a usage error when it is ambiguous.
    private static func onlyLogin(in store: LoginStore) throws(CLIFailure) -> String? {
        let keys = try store.read().logins.keys.sorted()
        guard keys.count <= 1 else {
            throw .usage("signed in to several servers (\(keys.joined(separator: ", "))): pass --url to say which")
        }
        return keys.first
    }

    var isEnvironmentToken: Bool {
        if case .environment = source { return true }
        return false
    }

    /// A token to send now.
    func bearer() async throws(CLIFailure) -> String { try await bearer(replacing: nil) }

    /// A token to send after the server refused `refused` with 401: a refreshed one, or nil when there is no
    /// other to try (GATEHOUSE_TOKEN, or a login refreshed to no avail).
    func bearer(afterRefusing refused: String) async throws(CLIFailure) -> String? {
        guard case .stored = source else { return nil }
        let next = try await bearer(replacing: refused)
        return next == refused ? nil : next
    }

    /// POSTs a JSON-RPC message to the MCP URL with the bearer token; a 401 is retried once with a renewed token.
    func post(_ body: Data, headers: [(String, String)]) async throws(CLIFailure) -> HTTPExchange.Reply {
        let token = try await bearer()
        let reply = try await http.send(.POST, url, headers: headers + [("Authorization", "Bearer " + token)], body: body)
        guard reply.status == 401, let renewed = try await bearer(afterRefusing: token) else { return reply }
        return try await http.send(.POST, url, headers: headers + [("Authorization", "Bearer " + renewed)], body: body)
    }

    /// The stored login (for whoami): its tokens, elevation and endpoints.
    func storedLogin() throws(CLIFailure) -> StoredLogin? {
        guard case .stored(let store) = source else { return nil }
        return try store.read().logins[url]
    }

    private func bearer(replacing refused: String?) async throws(CLIFailure) -> String {
        switch source {
        case .environment(let token): return token
        case .stored(let store):
            let url = self.url
            let http = self.http
            return try await store.update { file throws(CLIFailure) in
                guard var login = file.logins[url] else { throw .notSignedIn("not signed in to \(url): run gatehouse login \(url)") }
                let now = Date()
                let oauth = OAuthClient(http: http, endpoints: login.endpoints, clientID: login.clientID)
                if let elevation = login.elevated {
                    if elevation.tokens.isFresh(at: now), elevation.tokens.accessToken != refused { return elevation.tokens.accessToken }
                    // Refreshed within the server's window the token keeps `mfa`; the first one back without it ends the elevation.
                    if let renewed = try? await oauth.refresh(elevation.tokens, now: now), renewed.scopes.contains(Elevation.scope) {
                        login.elevated = StoredLogin.Elevation(tokens: renewed, until: TokenClaims(renewed.accessToken)?.expiresAt ?? now)
                        file.logins[url] = login
                        return renewed.accessToken
                    }
                    // The elevation is over (or cannot be renewed): back to the ordinary login.
                    login.elevated = nil
                    file.logins[url] = login
                }
                // Another process may have refreshed already: a token other than the refused one is news.
                if login.tokens.isFresh(at: now), login.tokens.accessToken != refused { return login.tokens.accessToken }
                login.tokens = try await oauth.refresh(login.tokens, now: now)
                file.logins[url] = login
                return login.tokens.accessToken
            }
        }
    }
}
