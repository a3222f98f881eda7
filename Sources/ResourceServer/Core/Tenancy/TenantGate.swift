import Foundation
import Logging
import Shared

/// One tenant's door on the resource-server: its tokens are checked against its own issuer's keys, audience and
/// `tid`, its revocations and verified tokens are kept apart from every other tenant's, and its refusals point at
/// its own metadata. A token of one tenant therefore fails at another's door on the signature alone, before the
/// claims are even compared.
public final class TenantGate: Sendable {
    public let tenant: Tenant
    let authenticator: BearerAuthenticator
    let challenge: BearerChallenge
    let origins: AllowedOrigins
    let keys: RemoteKeySet
    /// What keeps `authenticator`'s deny set and cache current; nil where nothing follows the stream (tests).
    let follower: RevocationStreamFollower?

    init(
        tenant: Tenant, authenticator: BearerAuthenticator, challenge: BearerChallenge, origins: AllowedOrigins, keys: RemoteKeySet,
        follower: RevocationStreamFollower?
    ) {
        self.tenant = tenant
        self.authenticator = authenticator
        self.challenge = challenge
        self.origins = origins
        self.keys = keys
        self.follower = follower
    }

    /// Makes a tenant's gate.
    public typealias Factory = @Sendable (Tenant) -> TenantGate

    /// The gates of a running server: keys fetched from the auth-server on the tenant's issuer host, personal
    /// access tokens introspected there, revocations followed there (with `credentials`).
    /// - Parameters:
    ///   - keyFetch: stands in for the JWKS request (tests).
    ///   - introspector: stands in for introspection at the auth-server, for every tenant (tests).
    static func factory(
        settings: ResourceServerSettings, defaultScopes: [String], logger: Logger, keyFetch: (@Sendable (Tenant) -> RemoteKeySet.Fetch)?,
        introspector: TokenIntrospector?
    ) -> Factory {
        { tenant in
            let connection = AuthServerConnection(authURL: settings.authURL, issuer: tenant.issuer)
            let keys = RemoteKeySet(logger: logger, fetch: keyFetch?(tenant) ?? RemoteKeySet.httpFetch(connection))
            let cache = VerifiedTokenCache()
            let denied = RevocationDenySet()
            let authenticator = BearerAuthenticator(
                verifier: AccessTokenVerifier(issuer: tenant.issuer, audience: tenant.resource, tenantID: tenant.id), keys: keys,
                introspector: introspector ?? settings.credentials.map { TokenIntrospector.http(connection, credentials: $0) } ?? .unavailable,
                cache: cache, denied: denied)
            let follower = settings.credentials.map { credentials in
                RevocationStreamFollower(
                    connect: RevocationStreamFollower.httpConnect(connection, credentials: credentials), denied: denied, cache: cache,
                    logger: logger.with(tenant: tenant.id))
            }
            return TenantGate(
                tenant: tenant, authenticator: authenticator,
                challenge: BearerChallenge(
                    resourceMetadataURL: ProtectedResourceMetadataLocation.url(forResource: tenant.resource), defaultScopes: defaultScopes),
                origins: AllowedOrigins(resource: tenant.resource, extra: settings.allowedOrigins), keys: keys, follower: follower)
        }
    }
}

extension Logger {
    func with(tenant: String) -> Logger {
        var logger = self
        logger[metadataKey: "tenant"] = "\(tenant)"
        return logger
    }
}
