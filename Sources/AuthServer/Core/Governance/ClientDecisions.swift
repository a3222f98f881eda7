import Foundation

/// An admin's decisions on apps: `auth-server admin client approve|block|delete`.
public struct ClientDecisions: Sendable {
    let storage: any AuthStorage

    public init(storage: any AuthStorage) { self.storage = storage }

    /// false when there is no such client. Approving a blocked client lets it ask again; its ended grants stay ended.
    public func approve(tenantID: String, clientID: String) async throws -> Bool {
        try await storage.setClientApproval(tenantID: tenantID, id: clientID, state: .approved)
    }

    /// Refuses the client everywhere and ends its grants at once, each through the grant revocation, so the
    /// revocation stream tells the resource-servers. nil when there is no such client, else the grants ended.
    public func block(tenantID: String, clientID: String, at now: Date) async throws -> Int? {
        guard try await storage.setClientApproval(tenantID: tenantID, id: clientID, state: .blocked) else { return nil }
        var ended = 0
        for grant in try await storage.activeGrants(tenantID: tenantID, userID: nil) where grant.clientID == clientID {
            if try await storage.revokeGrant(tenantID: tenantID, id: grant.id, reason: "app blocked by an administrator", at: now) { ended += 1 }
        }
        return ended
    }

    /// Forgets the client and its grants (the revocation stream carries them); it may register again, and then
    /// starts over, pending under the `approved` policy. false when there is no such client.
    public func delete(tenantID: String, clientID: String) async throws -> Bool {
        guard try await storage.client(tenantID: tenantID, id: clientID) != nil else { return false }
        try await storage.deleteClient(tenantID: tenantID, id: clientID)
        return true
    }
}
