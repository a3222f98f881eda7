import Foundation

/// An admin's decisions on apps: `auth-server admin client approve|block|delete` and the admin pages. Each is
/// recorded in the ledger with who decided (`actor`; nil for the command line).
public struct ClientDecisions: Sendable {
    let storage: any ClientStore & GovernanceStore & GrantStore & LedgerStore

    public init(storage: any ClientStore & GovernanceStore & GrantStore & LedgerStore) { self.storage = storage }

    /// false when there is no such client. Approving a blocked client lets it ask again; its ended grants stay ended.
    public func approve(tenantID: String, clientID: String, by actor: User? = nil, at now: Date = Date()) async throws -> Bool {
        guard try await storage.setClientApproval(tenantID: tenantID, id: clientID, state: .approved) else { return false }
        await record(.clientApproved, tenantID: tenantID, clientID: clientID, by: actor, at: now)
        return true
    }

    /// Refuses the client everywhere and ends its grants at once, each through the grant revocation, so the
    /// revocation stream tells the resource-servers. nil when there is no such client, else the grants ended.
    public func block(tenantID: String, clientID: String, by actor: User? = nil, at now: Date) async throws -> Int? {
        guard try await storage.setClientApproval(tenantID: tenantID, id: clientID, state: .blocked) else { return nil }
        var ended = 0
        for grant in try await storage.activeGrants(tenantID: tenantID, userID: nil) where grant.clientID == clientID {
            if try await storage.revokeGrant(tenantID: tenantID, id: grant.id, reason: "app blocked by an administrator", at: now) { ended += 1 }
        }
        await record(.clientBlocked, tenantID: tenantID, clientID: clientID, by: actor, detail: "\(ended) grant(s) ended", at: now)
        return ended
    }

    /// Forgets the client and its grants (the revocation stream carries them); it may register again, and then
    /// starts over, pending under the `approved` policy. false when there is no such client.
    public func delete(tenantID: String, clientID: String, by actor: User? = nil, at now: Date = Date()) async throws -> Bool {
        guard try await storage.client(tenantID: tenantID, id: clientID) != nil else { return false }
        try await storage.deleteClient(tenantID: tenantID, id: clientID)
        await record(.clientDeleted, tenantID: tenantID, clientID: clientID, by: actor, at: now)
        return true
    }

    private func record(_ event: LedgerEvent, tenantID: String, clientID: String, by actor: User?, detail: String? = nil, at now: Date) async {
        await Ledger(store: storage).record(
            event, tenantID: tenantID, actorID: actor?.id, actorEmail: actor?.email, subjectID: clientID, clientID: clientID,
            detail: detail ?? (actor == nil ? "by an administrator (command line)" : nil), at: now)
    }
}
