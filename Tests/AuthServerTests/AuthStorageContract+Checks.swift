import Foundation
import Testing

@testable import AuthServerCore
import Shared

/// Every check of the storage contract, written once: each engine's suite runs them all on its own store
/// (`SQLiteAuthStorageTests`, `PostgresAuthStorageTests`), so a check added here runs on both.
struct AuthStorageCheck: Sendable, CustomTestStringConvertible {
    let name: String
    let run: @Sendable (any AuthStorage) async throws -> Void

    var testDescription: String { name }

    static let all: [AuthStorageCheck] = [
        AuthStorageCheck(name: "tenants", run: exerciseTenantStore),
        AuthStorageCheck(name: "two tenants cannot share one issuer", run: exerciseIssuerIsUnique),
        AuthStorageCheck(name: "users", run: exerciseUserStore),
        AuthStorageCheck(name: "a user of a tenant that does not exist is refused (foreign key), and not as a duplicate email", run: exerciseUserNeedsTenant),
        AuthStorageCheck(name: "clients", run: exerciseClientStore),
        AuthStorageCheck(name: "grants, codes, refresh tokens, consents, pending requests", run: exerciseGrantStore),
        AuthStorageCheck(name: "device authorizations", run: exerciseDeviceAuthorizationStore),
        AuthStorageCheck(name: "users by id and password change", run: exerciseUserUpdates),
        AuthStorageCheck(name: "who may connect which apps: tenant settings, a person's permission, client approval", run: exerciseGovernanceStore),
        AuthStorageCheck(name: "browser sessions", run: exerciseBrowserSessionStore),
        AuthStorageCheck(name: "half-done sign-ins", run: exercisePendingSignInStore),
        AuthStorageCheck(name: "second factors: enrolment, replay-proof steps, recovery codes, removal", run: exerciseSecondFactorStore),
        AuthStorageCheck(name: "personal access tokens: lookup, use, elevation, regeneration", run: exercisePersonalAccessTokenStore),
        AuthStorageCheck(name: "disabling a person ends their sessions and grants at once", run: exerciseUserDisabling),
        AuthStorageCheck(name: "service accounts: stored with client and grant, rotated, revoked", run: exerciseServiceAccountStore),
        AuthStorageCheck(name: "the audit ledger: filters, pages, pruning", run: exerciseLedgerStore),
        AuthStorageCheck(name: "signing keys", run: exerciseSigningKeyStore),
        AuthStorageCheck(name: "every change with a ledger entry of its own commits with it, or not at all", run: exerciseChangesCommitWithTheirEntries),
    ]
}
