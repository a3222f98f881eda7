import Foundation
import Shared

/// The command line's side of the auth-server: the device authorization endpoint (RFC 8628 §3.1), the token
/// endpoint's device code and refresh grants (RFC 8628 §3.4, RFC 6749 §6), and revocation (RFC 7009). It is a
/// public client, so every request names it by `client_id` only.
struct OAuthClient: Sendable {
    let http: HTTPExchange
    let endpoints: ServerEndpoints
    let clientID: String

    /// RFC 8628 §3.2.
    struct DeviceStart: Sendable {
        var deviceCode: String
        var userCode: String
        var verificationURI: String
        var verificationURIComplete: String?
        var expiresIn: Int
        var interval: Int
    }

    /// What one poll of the token endpoint says (RFC 8628 §3.5).
    enum Poll: Sendable {
        case tokens(TokenSet)
        case pending
        /// Wait this many more seconds between polls from now on.
        case slowDown(extra: Int)
        case denied
        case expired
    }

    func startDeviceAuthorization(scope: String?) async throws(CLIFailure) -> DeviceStart {
        guard let endpoint = endpoints.deviceAuthorizationEndpoint else {
            throw .usage("\(endpoints.issuer) offers no device sign-in (RFC 8628): it is not a Gatehouse the command line can sign in to")
        }
        var fields = [("client_id", clientID), ("resource", endpoints.resource)]
        if let scope { fields.append(("scope", scope)) }
        let reply = try await http.postForm(endpoint, fields)
        guard reply.status == 200, let answer = reply.json, let deviceCode = answer["device_code"] as? String,
            let userCode = answer["user_code"] as? String, let verificationURI = answer["verification_uri"] as? String
        else { throw Self.failure(reply, doing: "start signing in") }
        return DeviceStart(
            deviceCode: deviceCode, userCode: userCode, verificationURI: verificationURI,
            verificationURIComplete: answer["verification_uri_complete"] as? String, expiresIn: answer["expires_in"] as? Int ?? 600,
            interval: answer["interval"] as? Int ?? 5)
    }

    func poll(deviceCode: String, now: Date = Date()) async throws(CLIFailure) -> Poll {
        let reply = try await http.postForm(
            endpoints.tokenEndpoint,
            [("grant_type", DeviceCodeGrantType.urn), ("device_code", deviceCode), ("client_id", clientID), ("resource", endpoints.resource)])
        if reply.status == 200, let tokens = Self.tokenSet(reply.json, now: now) { return .tokens(tokens) }
        switch reply.json?["error"] as? String {
        case "authorization_pending": return .pending
        // A 429 from the endpoint's rate limit says slow_down too, with how long to wait.
        case "slow_down": return .slowDown(extra: reply.status == 429 ? max(5, Int(reply.header("Retry-After") ?? "") ?? 5) : 5)
        case "access_denied": return .denied
        case "expired_token": return .expired
        default: throw Self.failure(reply, doing: "finish signing in")
        }
    }

    /// A new pair for `tokens` (rotated, RFC 6749 §6); a refused refresh token means the sign-in has ended.
    func refresh(_ tokens: TokenSet, now: Date = Date()) async throws(CLIFailure) -> TokenSet {
        guard let refreshToken = tokens.refreshToken else {
            throw .notSignedIn("the sign-in to \(endpoints.resource) has expired and cannot be renewed: run gatehouse login \(endpoints.resource)")
        }
        let reply = try await http.postForm(
            endpoints.tokenEndpoint,
            [("grant_type", "refresh_token"), ("refresh_token", refreshToken), ("client_id", clientID), ("resource", endpoints.resource)])
        if reply.status == 200, let renewed = Self.tokenSet(reply.json, now: now) { return renewed }
        if reply.status == 400 || reply.status == 401 {
            let reason = reply.json?["error_description"] as? String ?? "refused"
            throw .notSignedIn("the sign-in to \(endpoints.resource) has ended (\(reason)): run gatehouse login \(endpoints.resource)")
        }
        throw Self.failure(reply, doing: "renew the sign-in")
    }

    /// RFC 7009 §2: ends the grant behind the token; the server answers 200 whether or not it knew the token.
    func revoke(_ token: String) async throws(CLIFailure) {
        guard let endpoint = endpoints.revocationEndpoint else { return }
        let reply = try await http.postForm(endpoint, [("token", token), ("token_type_hint", "refresh_token"), ("client_id", clientID)])
        guard reply.status == 200 else { throw Self.failure(reply, doing: "sign out") }
    }

    /// RFC 6749 §5.1.
    static func tokenSet(_ json: [String: Any]?, now: Date) -> TokenSet? {
        guard let json, let accessToken = json["access_token"] as? String, (json["token_type"] as? String)?.lowercased() == "bearer" else { return nil }
        let lifetime = json["expires_in"] as? Int ?? 3600
        return TokenSet(
            accessToken: accessToken, refreshToken: json["refresh_token"] as? String, expiresAt: now.addingTimeInterval(TimeInterval(lifetime)),
            lifetime: lifetime, scope: json["scope"] as? String ?? "")
    }

    /// An answer the command line cannot use, in words: the OAuth error (RFC 6749 §5.2), or the HTTP status.
    static func failure(_ reply: HTTPExchange.Reply, doing what: String) -> CLIFailure {
        if reply.status >= 500 || reply.status == 429 {
            return .unreachable("the authorization server could not \(what) (HTTP \(reply.status)): try again later")
        }
        guard let error = reply.json?["error"] as? String else {
            return .unreachable("the authorization server answered HTTP \(reply.status) when asked to \(what): check the URL")
        }
        let description = reply.json?["error_description"] as? String
        return .notSignedIn("could not \(what): \(error)\(description.map { " (\($0))" } ?? "")")
    }
}

/// The claims of an access token, read without verifying it: the command line only shows them and times the
/// elevation window; the resource-server is what checks tokens.
struct TokenClaims: Sendable {
    var email: String?
    var subject: String?
    var expiresAt: Date?
    var authTime: Date?
    var scope: String?
    /// `sid`: the grant the token belongs to.
    var grant: String?

    init?(_ token: String) {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let bytes = Base64URL.decode(String(parts[1])), let claims = JSONText.object(Data(bytes)) else { return nil }
        email = claims["email"] as? String
        subject = claims["sub"] as? String
        expiresAt = (claims["exp"] as? NSNumber).map { Date(timeIntervalSince1970: $0.doubleValue) }
        authTime = (claims["auth_time"] as? NSNumber).map { Date(timeIntervalSince1970: $0.doubleValue) }
        scope = claims["scope"] as? String
        grant = claims["sid"] as? String
    }
}
