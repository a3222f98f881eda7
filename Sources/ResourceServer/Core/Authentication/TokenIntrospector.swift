import Foundation
import Shared

/// Asks the auth-server what a personal access token stands for (RFC 7662), as the resource-server's own
/// confidential client. Only active answers are cached (by `BearerAuthenticator`, for at most
/// `IntrospectionAnswer.cacheSeconds`): an unknown token costs a request each time, which the auth-server's
/// limits and the token's checksum (checked before any request) keep cheap.
public struct TokenIntrospector: Sendable {
    public typealias Introspect = @Sendable (_ token: Substring, _ callerAddress: String?) async throws -> IntrospectionAnswer

    let introspect: Introspect

    public init(_ introspect: @escaping Introspect) { self.introspect = introspect }

    public static func http(_ connection: AuthServerConnection, credentials: ResourceServerCredentials) -> TokenIntrospector {
        TokenIntrospector { token, callerAddress in
            var fields = [("token", String(token)), ("token_type_hint", "access_token")]
            if let callerAddress { fields.append((IntrospectionAnswer.callerAddressParameter, callerAddress)) }
            return try await connection.postForm(IntrospectionAnswer.path, fields, as: IntrospectionAnswer.self, limit: 64 * 1024, credentials: credentials)
        }
    }

    /// Without an auth-server to ask, every personal access token is unavailable, never refused.
    public static let unavailable = TokenIntrospector { _, _ in throw AuthServerConnection.StatusError(status: 503) }
}
