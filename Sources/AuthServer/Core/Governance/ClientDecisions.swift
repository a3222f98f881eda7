import Foundation
import Shared

/// An admin's decisions on apps: `auth-server admin client approve|block|delete` and the admin pages. Each is
/// recorded in the ledger with who decided (`actor`; nil for the command line), in the decision's own transaction.
public struct ClientDecisions: Sendable {
    let storage: any ClientStore & GovernanceStore

    public init(storage: any ClientStore & GovernanceStore) { self.storage = storage }

    /// false when there is no such client. Approving a blocked client lets it ask again; its ended grants stay ended.
    public func approve(tenantID: String, clientID: String, by actor: User? = nil, at now: Date = Date()) async throws -> Bool {
        try await storage.approveClient(tenantID: tenantID, id: clientID, ledger: entry(.clientApproved, tenantID: tenantID, clientID: clientID, by: actor, at: now))
    }

    /// Refuses the client everywhere and ends its grants in the same transaction, each as a revocation, so the
    /// revocation stream tells the resource-servers. nil when there is no such client, else the grants ended.
    public func block(tenantID: String, clientID: String, by actor: User? = nil, at now: Date) async throws -> Int? {
        try await storage.blockClient(tenantID: tenantID, id: clientID, reason: "app blocked by an administrator", at: now) { ended in
            entry(.clientBlocked, tenantID: tenantID, clientID: clientID, by: actor, detail: "\(ended) grant(s) ended", at: now)
        }
    }

    /// Forgets the client and its grants (the revocation stream carries them); it may register again, and then
    /// starts over, pending under the `approved` policy. false when there is no such client.
    public func delete(tenantID: String, clientID: String, by actor: User? = nil, at now: Date = Date()) async throws -> Bool {
        try await storage.deleteClient(tenantID: tenantID, id: clientID, ledger: entry(.clientDeleted, tenantID: tenantID, clientID: clientID, by: actor, at: now))
    }

    /// The decision's ledger entry, stored in the same transaction as the decision.
    private func entry(_ event: LedgerEvent, tenantID: String, clientID: String, by actor: User?, detail: String? = nil, at now: Date) -> LedgerEntry {
        Ledger.decision(event, tenantID: tenantID, by: actor, subjectID: clientID, clientID: clientID, detail: detail, at: now)
    }
}
