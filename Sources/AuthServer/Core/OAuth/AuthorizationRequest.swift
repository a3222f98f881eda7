import Foundation
import Shared

/// An authorization request (RFC 6749 §4.1.1) checked in the order that decides where an error may go:
/// until the client and its redirect URI are known to belong together, errors are shown to the person
/// and never redirected (§4.1.2.1, OAuth 2.1 §4.1.2.1); after that they go back to the client with
/// `state` and `iss`.
public struct AuthorizationRequest: Sendable, Equatable {
    public var client: Client
    public var redirectURI: String
    public var state: String?
    public var codeChallenge: String
    public var resource: String
    /// The scopes asked for, parsed tolerantly (RFC 6749 §3.3; docs/clients.md § Claude); nil when the request named none.
    public var requestedScopes: [String]?
    /// OIDC `prompt` values; `consent` forces the consent page (the MCP Python SDK sends it), `login` a fresh sign-in, `none` neither.
    public var prompt: Set<String>
    /// RFC 9470 §3 `acr_values`, in the order asked; values we do not know are ignored (§3: a request is
    /// never refused for them, the token says what was done instead).
    public var acrValues: [String] = []
    /// RFC 9470 §3 `max_age`: a sign-in older than this many seconds must be done again.
    public var maxAge: Int?

    /// Whether a code must be entered for this request: it asks for `mfa`, or for the MFA class in `acr_values`.
    public func asksForSecondFactor(scopes: [String]) -> Bool {
        scopes.contains(Elevation.scope) || acrValues.contains(AuthenticationContext.multiFactor.rawValue)
    }

    public enum Failure: Error, Equatable {
        /// Shown as a 400 page: the redirect URI cannot be trusted with it.
        case untrusted(String)
        /// Shown as a 429 page: the client is a metadata document this address may not make us fetch yet.
        case tooManyFetches(String)
        /// For the client's redirect URI, if the flow may send it there (see `AuthorizationFlow`).
        case redirect(OAuthError, client: Client, redirectURI: String, state: String?)
    }

    /// - Parameter address: where the request came from, charged for any metadata-document fetch.
    public static func parse(query: String?, tenant: Tenant, clients: ClientDirectory, address: ClientAddress?, now: Date) async throws -> Result<Self, Failure> {
        let form: FormParameters
        do {
            form = try FormParameters(query: query)
        } catch {
            return .failure(.untrusted("The request's parameters are not validly encoded."))
        }
        let clientID: String
        let requestedRedirect: String?
        do {
            guard let id = try form.single("client_id") else { return .failure(.untrusted("The request names no client (client_id is missing).")) }
            clientID = id
            requestedRedirect = try form.single("redirect_uri")
        } catch {
            return .failure(.untrusted(error.description))
        }
        let client: Client
        do {
            client = try await clients.client(id: clientID, tenantID: tenant.id, address: address, now: now)
        } catch let error as ClientDirectory.LookupError {
            if case .tooManyFetches = error { return .failure(.tooManyFetches(error.description)) }
            return .failure(.untrusted(error.description))
        }
        guard let redirectURI = requestedRedirect ?? (client.redirectURIs.count == 1 ? client.redirectURIs[0] : nil) else {
            return .failure(.untrusted("The request names no redirect_uri, and the client registered more than one."))
        }
        guard RedirectURIPolicy.matches(requested: redirectURI, registered: client.redirectURIs, trustsConnectorPrefix: client.isPinned) else {
            return .failure(.untrusted("The redirect_uri \(redirectURI) is not one this client registered."))
        }

        var state: String?
        do {
            state = try form.single("state")
            switch try form.single("response_type") {
            case "code": break
            case nil: throw OAuthError.invalidRequest("response_type is required")
            case let other?: throw OAuthError.unsupportedResponseType("response_type \(other) is not supported; only code is")
            }
            guard let challenge = try form.single("code_challenge") else {
                throw OAuthError.invalidRequest("code_challenge is required: PKCE with S256")
            }
            guard try form.single("code_challenge_method") == "S256" else {
                throw OAuthError.invalidRequest("code_challenge_method must be S256")
            }
            guard PKCE.isValidChallenge(challenge) else { throw OAuthError.invalidRequest("code_challenge is not a valid S256 challenge") }
            let access = try RequestedAccess.parse(form, tenant: tenant)
            let prompt = Set((try form.single("prompt") ?? "").split(separator: " ").map(String.init))
            if prompt.contains("none"), prompt.count > 1 { throw OAuthError.invalidRequest("prompt=none cannot be combined with other values") }
            let acrValues = (try form.single("acr_values") ?? "").split(separator: " ").map(String.init)
            var maxAge: Int?
            if let text = try form.single("max_age") {
                // RFC 9470 §3 and OpenID Connect Core §3.1.2.1: a non-negative number of seconds.
                guard let value = Int(text), value >= 0, text.utf8.allSatisfy({ (48...57).contains($0) }) else {
                    throw OAuthError.invalidRequest("max_age must be a non-negative whole number of seconds")
                }
                maxAge = value
            }
            return .success(
                Self(
                    client: client, redirectURI: redirectURI, state: state, codeChallenge: challenge, resource: access.resource,
                    requestedScopes: access.scopes, prompt: prompt, acrValues: acrValues, maxAge: maxAge
                )
            )
        } catch let error as OAuthError {
            return .failure(.redirect(error, client: client, redirectURI: redirectURI, state: state))
        }
    }
}

extension AuthorizationRequest {
    /// Whether whoever receives the code can only be the client: a confidential client proves it at the
    /// token endpoint, and an https redirect is the host's own. A public client redirecting to a program on
    /// the person's device cannot be told apart from any other program there (RFC 8252 §8.6).
    var identityAssured: Bool { client.authMethod != .none || !RedirectURIPolicy.isNativeApp(redirectURI) }
}

/// Builds the redirect back to the client (RFC 6749 §4.1.2), always with `iss` (RFC 9207 §2).
public enum AuthorizationResponse {
    public static func redirect(to redirectURI: String, parameters: [(String, String?)], issuer: String) -> String {
        let pairs = (parameters + [("iss", issuer)]).compactMap { name, value in value.map { "\(name)=\(FormEncoding.encode($0))" } }
        let separator = redirectURI.contains("?") ? "&" : "?"
        return redirectURI + separator + pairs.joined(separator: "&")
    }

    public static func error(_ error: OAuthError, redirectURI: String, state: String?, issuer: String) -> String {
        redirect(to: redirectURI, parameters: [("error", error.code), ("error_description", error.description), ("state", state)], issuer: issuer)
    }
}
