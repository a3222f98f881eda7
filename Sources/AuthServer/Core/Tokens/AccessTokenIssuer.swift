import Foundation
import Shared

/// Mints RFC 9068 access tokens for a person, bound to the tenant's resource (RFC 8707).
public struct AccessTokenIssuer: Sendable {
    let keyRing: SigningKeyRing

    public init(keyRing: SigningKeyRing) { self.keyRing = keyRing }

    public struct Issued: Sendable {
        public let token: String
        public let claims: AccessTokenClaims
    }

    /// - Parameter authentication: how the person proved themselves, for `auth_time`, `acr` and `amr`; nil for a
    ///   token an operator mints by hand, whose `auth_time` is then its minting.
    public func issue(
        for user: User, tenant: Tenant, clientID: String, scope: [String], lifetime: Int64, grantID: String,
        authentication: Authentication? = nil, now: Date = Date()
    ) async throws -> Issued {
        precondition((1...AuthPolicy.accessTokenMaxLifetime).contains(lifetime), "lifetime is checked by the caller")
        let issuedAt = Int64(now.timeIntervalSince1970)
        let claims = Self.claims(
            for: user, tenant: tenant, clientID: clientID, scope: scope, issuedAt: issuedAt, expiresAt: issuedAt + lifetime,
            tokenID: RandomIdentifier.make(), grantID: grantID, authentication: authentication, now: now)
        return try await sign(claims, tenant: tenant, now: now)
    }

    /// A service account's token (RFC 6749 §4.4.3): its id as `sub`, marked `subject_type: service_account`, with the
    /// role and company its rules give it (docs/tokens.md § Service accounts); no `auth_time`, as nobody signed in.
    func issue(for account: ServiceAccount, tenant: Tenant, scope: [String], lifetime: Int64, now: Date) async throws -> Issued {
        precondition((1...AuthPolicy.accessTokenMaxLifetime).contains(lifetime), "lifetime is checked by the caller")
        let issuedAt = Int64(now.timeIntervalSince1970)
        let claims = AccessTokenClaims(
            issuer: tenant.issuer, subject: account.id, audience: tenant.resource, clientID: account.id, scope: scope.joined(separator: " "),
            issuedAt: issuedAt, expiresAt: issuedAt + lifetime, tokenID: RandomIdentifier.make(), grantID: account.grantID, tenantID: tenant.id,
            role: account.role.rawValue, company: account.companyID, subjectType: ServiceAccount.subjectType, name: account.name)
        return try await sign(claims, tenant: tenant, now: now)
    }

    private func sign(_ claims: AccessTokenClaims, tenant: Tenant, now: Date) async throws -> Issued {
        let signer = try await keyRing.activeSigner(tenantID: tenant.id, now: now)
        return Issued(token: try signer.sign(claims), claims: claims)
    }

    /// The claims a token of this person carries, signed (an access token) or told (introspection of a personal
    /// access token): one place decides what the resource-server learns about the person.
    static func claims(
        for user: User, tenant: Tenant, clientID: String, scope: [String], issuedAt: Int64, expiresAt: Int64, tokenID: String, grantID: String,
        authentication: Authentication?, now: Date
    ) -> AccessTokenClaims {
        AccessTokenClaims(
            issuer: tenant.issuer, subject: user.id, audience: tenant.resource, clientID: clientID, scope: scope.joined(separator: " "),
            issuedAt: issuedAt, expiresAt: expiresAt, tokenID: tokenID, grantID: grantID, tenantID: tenant.id,
            authTime: Int64((authentication?.latest ?? now).timeIntervalSince1970), acr: authentication?.context.rawValue,
            amr: authentication.map(\.tokenMethods).flatMap { $0.isEmpty ? nil : $0 },
            role: user.role.rawValue, company: user.companyID, email: user.email
        )
    }
}

/// RFC 6749 §3.3 scope syntax: space-delimited tokens of printable ASCII except space, `"` and `\`.
/// Parsing is tolerant of extra whitespace, which Claude has sent (docs/clients.md § Claude).
public enum ScopeList {
    public static func parse(_ text: String) -> [String]? {
        let scopes = text.split(whereSeparator: \.isWhitespace).map(String.init)
        let isScopeToken = { (scope: String) in scope.utf8.allSatisfy { $0 == 0x21 || (0x23...0x5B).contains($0) || (0x5D...0x7E).contains($0) } }
        guard scopes.allSatisfy(isScopeToken) else { return nil }
        var seen = Set<String>()
        return scopes.filter { seen.insert($0).inserted }
    }
}
