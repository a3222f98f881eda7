import Hummingbird
import Logging
import Shared

/// RFC 6749 error responses: §5.2 at the token endpoint (JSON, never HTML), §4.1.2.1 on redirects,
/// plus `invalid_target` (RFC 8707 §2), `invalid_client_metadata`/`invalid_redirect_uri` (RFC 7591 §3.2.2)
/// and `invalid_token` (RFC 6750 §3.1) where those endpoints need them.
public struct OAuthError: Error, Equatable, Sendable {
    public let code: String
    public let description: String
    /// Set on a rate-limit refusal: the answer is 429 with this Retry-After.
    public let retryAfter: Duration?

    public init(_ code: String, _ description: String, retryAfter: Duration? = nil) {
        self.code = code
        self.description = description
        self.retryAfter = retryAfter
    }

    public static func invalidRequest(_ description: String) -> Self { Self("invalid_request", description) }
    public static func invalidClient(_ description: String) -> Self { Self("invalid_client", description) }
    public static func invalidGrant(_ description: String) -> Self { Self("invalid_grant", description) }
    public static func unauthorizedClient(_ description: String) -> Self { Self("unauthorized_client", description) }
    public static func unsupportedGrantType(_ description: String) -> Self { Self("unsupported_grant_type", description) }
    public static func invalidScope(_ description: String) -> Self { Self("invalid_scope", description) }
    public static func invalidTarget(_ description: String) -> Self { Self("invalid_target", description) }
    public static func accessDenied(_ description: String) -> Self { Self("access_denied", description) }
    public static func unsupportedResponseType(_ description: String) -> Self { Self("unsupported_response_type", description) }
    public static func invalidClientMetadata(_ description: String) -> Self { Self("invalid_client_metadata", description) }
    public static func invalidRedirectURI(_ description: String) -> Self { Self("invalid_redirect_uri", description) }
    public static func slowDown(_ description: String) -> Self { Self("slow_down", description) }

    /// Over a rate limit: 429 (RFC 6585 §4) with Retry-After, and `slow_down`, the code RFC 8628 §3.5 gives a
    /// client that must come back later, so a polling client also lengthens its interval.
    public static func tooManyRequests(_ description: String, retryAfter: Duration) -> Self {
        Self("slow_down", description, retryAfter: retryAfter)
    }

    /// §5.2: 400, except `invalid_client`, which is 401 with a challenge when the client used HTTP Basic, and
    /// a rate-limit refusal, which is 429.
    public func response(basicChallenge: Bool = false, status: HTTPResponse.Status? = nil) -> Response {
        var headers: HTTPFields = [:]
        if code == "invalid_client", basicChallenge { headers[.wwwAuthenticate] = #"Basic realm="gatehouse""# }
        if let retryAfter { headers[.retryAfter] = String(retryAfter.components.seconds + (retryAfter.components.attoseconds > 0 ? 1 : 0)) }
        let status = status ?? (retryAfter != nil ? .tooManyRequests : code == "invalid_client" && basicChallenge ? .unauthorized : .badRequest)
        struct Body: Encodable {
            let error: String
            let error_description: String
        }
        return (try? JSONResponse.make(Body(error: code, error_description: description), status: status, headers: headers))
            ?? Response(status: status)
    }
}

extension OAuthError {
    /// Runs a client-facing OAuth endpoint and turns whatever it throws into its RFC 6749 §5.2 answer:
    /// the client-authentication failure (401 with a Basic challenge where due), an OAuth error (400),
    /// anything else a logged `server_error` that tells the client nothing more.
    static func answering(_ endpoint: String, logger: Logger, _ body: () async throws -> Response) async -> Response {
        do {
            return try await body()
        } catch let failure as ClientAuthenticator.Failure {
            logger.info("\(endpoint) request refused", metadata: ["error": "invalid_client", "reason": "\(failure.error.description)"])
            return failure.response
        } catch let error as OAuthError {
            logger.info("\(endpoint) request refused", metadata: ["error": "\(error.code)", "reason": "\(error.description)"])
            return error.response()
        } catch {
            logger.error("\(endpoint) request failed", metadata: ["error": "\(error)"])
            return OAuthError("server_error", "The request could not be completed").response(status: .internalServerError)
        }
    }
}
