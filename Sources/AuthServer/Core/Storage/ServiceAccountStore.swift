import Foundation
import Shared

/// Service accounts: each stored with its client (its credentials) and its grant (its scopes and its end).
public protocol ServiceAccountStore: Sendable {
    /// Stores the account, its client, its grant and the ledger entry at once.
    func insertServiceAccount(_ account: ServiceAccount, client: Client, grant: Grant, ledger: LedgerEntry) async throws
    /// The tenant's accounts, revoked ones included, newest first.
    func serviceAccounts(tenantID: String) async throws -> [ServiceAccount]
    func serviceAccount(tenantID: String, id: String) async throws -> ServiceAccount?
    /// Replaces the active account's secret hashes with the ledger entry, at once; false, with nothing recorded, when
    /// there is no active account.
    func replaceServiceAccountCredentials(tenantID: String, id: String, secretHashes: [String], at: Date, ledger: LedgerEntry) async throws -> Bool
    /// Marks the account revoked, forgets its secrets and ends its grant as `revokeGrant` does (revocation log,
    /// ledger), with `ledger`, at once; false, with nothing recorded, when it was not active.
    func revokeServiceAccount(tenantID: String, id: String, reason: String, at: Date, ledger: LedgerEntry) async throws -> Bool
}
