import Foundation
import Logging
import Shared

/// Personal access tokens, for scripts (docs/tokens.md § Personal access tokens): what /account/tokens and
/// `auth-server admin pat` do, held to one set of rules. A token is a grant of its own under the built-in
/// `AuthPolicy.PersonalAccessTokens.clientID`, so it shows in connected apps and ends however a grant ends.
/// Its value is shown once and stored only as its SHA-256.
struct PersonalAccessTokens: Sendable {
    let storage: any UserStore & GrantStore & PersonalAccessTokenStore & LedgerStore
    let maxDays: Int
    let elevationWindowSeconds: Int
    let logger: Logger

    /// What a person asks for.
    struct Request: Sendable {
        var label: String
        var scopes: [String]
        var expiresAt: Date
        /// Staff only: act as this company's users would.
        var companyID: String?
    }

    /// A token made or regenerated: its value, for this once.
    struct Made: Sendable {
        let token: PersonalAccessTokenRecord
        let value: PersonalAccessToken
        /// Asked-for scopes the person's role cannot hold, left out.
        let dropped: [String]
    }

    struct Refusal: Error, Equatable {
        let message: String
    }

    /// The expiry the page's choices mean: `days` from now, or the start (UTC) of a `YYYY-MM-DD` date.
    func expiry(days: Int?, date: String?, now: Date) throws(Refusal) -> Date {
        if let days { return now.addingTimeInterval(TimeInterval(days) * 86_400) }
        guard let date, let day = Self.day(date) else { throw Refusal(message: "Choose when the token expires.") }
        return day
    }

    func create(for user: User, tenant: Tenant, _ request: Request, now: Date) async throws -> Made {
        let (scopes, companyID) = try check(request, for: user, now: now)
        let made = mint(for: user, tenant: tenant, label: request.label, scopes: scopes, companyID: companyID, expiresAt: request.expiresAt, now: now)
        try await storage.insertPersonalAccessToken(made.token, grant: made.grant, ledger: entry(.patCreated, made.token, by: user, now: now))
        logger.info("personal access token created", metadata: ["token": "\(made.token.id)", "user": "\(user.id)"])
        return Made(token: made.token, value: made.value, dropped: request.scopes.filter { !scopes.contains($0) })
    }

    /// A new value with the same label, scopes, restriction and length of life; the old value ends at once. Only the
    /// token's owner may: anyone else would learn a value that acts as them.
    func regenerate(id: String, by user: User, tenant: Tenant, now: Date) async throws -> Made? {
        guard let old = try await storage.personalAccessToken(tenantID: tenant.id, id: id), old.userID == user.id else { return nil }
        let life = old.expiresAt.timeIntervalSince(old.createdAt)
        let made = mint(for: user, tenant: tenant, label: old.label, scopes: old.scopes, companyID: old.companyID, expiresAt: now.addingTimeInterval(life), now: now)
        guard
            try await storage.replacePersonalAccessToken(
                old, with: made.token, grant: made.grant, at: now, ledger: entry(.patRegenerated, made.token, by: user, detail: "replaces \(old.id)", now: now))
        else { return nil }
        logger.info("personal access token regenerated", metadata: ["token": "\(made.token.id)", "replaces": "\(old.id)", "user": "\(user.id)"])
        return Made(token: made.token, value: made.value, dropped: [])
    }

    /// Ends the token if this person may see it (its owner, or an admin of the tenant); returns it, or nil.
    func revoke(id: String, by user: User, now: Date) async throws -> PersonalAccessTokenRecord? {
        guard let token = try await storage.personalAccessToken(tenantID: user.tenantID, id: id), user.role == .admin || token.userID == user.id,
            try await storage.revokeGrant(
                tenantID: user.tenantID, id: token.grantID, reason: "token revoked by \(user.id)", at: now, ledger: entry(.patRevoked, token, by: user, now: now))
        else { return nil }
        logger.info("personal access token revoked", metadata: ["token": "\(token.id)", "by": "\(user.id)"])
        return token
    }

    /// The ledger entry of a change to a token, stored with the change: by whom, whose, which grant; the label and
    /// scopes, never the value.
    private func entry(_ event: LedgerEvent, _ token: PersonalAccessTokenRecord, by user: User, detail: String? = nil, now: Date) -> LedgerEntry {
        Ledger.entry(
            event, tenantID: token.tenantID, actorID: user.id, actorEmail: user.email, subjectID: token.userID, grantID: token.grantID,
            clientID: AuthPolicy.PersonalAccessTokens.clientID,
            detail: "\(token.id) \"\(token.label)\": \(token.scopes.joined(separator: " "))" + (detail.map { "; \($0)" } ?? ""), at: now)
    }

    /// The person's tokens, or for an admin the tenant's.
    func list(for user: User) async throws -> [PersonalAccessTokenRecord] {
        try await storage.personalAccessTokens(tenantID: user.tenantID, userID: user.role == .admin ? nil : user.id)
    }

    /// Lets the owner's token use high-trust tools for the elevation window; the caller has checked a fresh code.
    func elevate(id: String, by user: User, now: Date) async throws -> PersonalAccessTokenRecord? {
        guard let token = try await storage.personalAccessToken(tenantID: user.tenantID, id: id), token.userID == user.id, !token.isExpired(at: now),
            try await storage.elevatePersonalAccessToken(
                tenantID: user.tenantID, id: id, at: now, until: now.addingTimeInterval(TimeInterval(elevationWindowSeconds)))
        else { return nil }
        logger.info("personal access token elevated", metadata: ["token": "\(token.id)", "user": "\(user.id)"])
        return try await storage.personalAccessToken(tenantID: user.tenantID, id: id)
    }

    /// What the token's holder acts with, for introspection: the owner's claims (as the restricted company's user
    /// when restricted), the grant's scopes, and `mfa` with the code's time while an elevation lasts. Nil when the
    /// token has expired or its owner is gone or disabled.
    func claims(of token: PersonalAccessTokenRecord, tenant: Tenant, now: Date) async throws -> AccessTokenClaims? {
        guard !token.isExpired(at: now), var owner = try await storage.user(tenantID: token.tenantID, id: token.userID), !owner.isDisabled else {
            return nil
        }
        if let company = token.companyID {
            owner.role = .company
            owner.companyID = company
        }
        let elevated = token.isElevated(at: now)
        return AccessTokenIssuer.claims(
            for: owner, tenant: tenant, clientID: AuthPolicy.PersonalAccessTokens.clientID,
            scope: elevated ? token.scopes + [Elevation.scope] : token.scopes,
            issuedAt: Int64(token.createdAt.timeIntervalSince1970), expiresAt: Int64(token.expiresAt.timeIntervalSince1970), tokenID: token.id,
            grantID: token.grantID,
            authentication: elevated
                ? Authentication(authTime: token.createdAt, methods: [], elevatedAt: token.elevatedAt, elevatedBy: AuthenticationMethod.oneTimePassword.rawValue)
                : Authentication(authTime: token.createdAt, methods: []),
            now: now)
    }

    /// The label, scopes (narrowed to the role, never `mfa`: elevation is entered, not held), expiry and restriction
    /// the rules allow, or why not.
    private func check(_ request: Request, for user: User, now: Date) throws(Refusal) -> (scopes: [String], companyID: String?) {
        let label = request.label
        guard !label.trimmingCharacters(in: .whitespaces).isEmpty else { throw Refusal(message: "Give the token a label, so you know it later.") }
        guard label.count <= AuthPolicy.PersonalAccessTokens.maxLabelLength, !label.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else { throw Refusal(message: "The label must be at most \(AuthPolicy.PersonalAccessTokens.maxLabelLength) characters on one line.") }
        guard request.expiresAt > now else { throw Refusal(message: "The expiry must lie in the future.") }
        guard request.expiresAt <= now.addingTimeInterval(TimeInterval(maxDays) * 86_400 + 60) else {
            throw Refusal(message: "A token may live at most \(maxDays) days here.")
        }
        let scopes = ScopeCatalog.narrow(request.scopes, to: user.role).filter { $0 != Elevation.scope }
        guard let company = request.companyID, !company.isEmpty else { return (scopes, nil) }
        guard user.role != .company else { throw Refusal(message: "Your tokens already see only your company.") }
        guard CompanyID.isPlausible(company) else { throw Refusal(message: "That is not a company id.") }
        // Acting as a company's user, the token may hold only what such a user may.
        return (ScopeCatalog.narrow(scopes, to: .company), company)
    }

    private func mint(
        for user: User, tenant: Tenant, label: String, scopes: [String], companyID: String?, expiresAt: Date, now: Date
    ) -> (token: PersonalAccessTokenRecord, grant: Grant, value: PersonalAccessToken) {
        let value = PersonalAccessToken.generate()
        let grant = Grant(
            tenantID: tenant.id, id: "grant_" + RandomIdentifier.make(), userID: user.id, clientID: AuthPolicy.PersonalAccessTokens.clientID,
            resource: tenant.resource, scopes: scopes, createdAt: now, lastAuthorisedAt: now)
        let token = PersonalAccessTokenRecord(
            tenantID: tenant.id, id: "pat_" + RandomIdentifier.make(bytes: 9), grantID: grant.id, userID: user.id, tokenHash: OpaqueToken.hash(value.value),
            label: label, scopes: scopes, companyID: companyID, createdAt: now, expiresAt: expiresAt)
        return (token, grant, value)
    }

    private static func day(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        guard text.count == 10, let date = formatter.date(from: text) else { return nil }
        return date
    }
}
