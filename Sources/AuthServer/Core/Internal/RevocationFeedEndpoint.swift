import Foundation
import Hummingbird
import Logging
import Shared

/// The revocation feed the resource-servers follow (docs/architecture.md § How the servers talk): the
/// tenant's ended grants after a position, oldest first. Only a resource-server may read it; each tenant's
/// log is numbered on its own, so the numbers say nothing about other tenants.
struct RevocationFeedEndpoint: Sendable {
    let storage: any GrantStore
    let resourceServers: ResourceServerAuthenticator
    let logger: Logger

    func handle(_ request: Request, tenant: Tenant, address: ClientAddress?, now: Date = Date()) async throws -> Response {
        do {
            _ = try await resourceServers.authenticate(request, tenant: tenant, address: address, now: now)
        } catch {
            logger.notice("revocation feed refused: no resource-server credentials", metadata: ["address": "\(address?.description ?? "unknown")"])
            return error.response
        }
        guard let after = Int64(request.uri.queryParameters["after"].map(String.init) ?? "0"), after >= 0 else {
            throw HTTPError(.badRequest, message: "after must be a non-negative integer")
        }
        // A position past the newest event was handed out by a log that has since been renumbered.
        let restart = after > (try await storage.latestRevocationSeq(tenantID: tenant.id))
        let start = restart ? 0 : after
        let events = try await storage.revocationEvents(tenantID: tenant.id, after: start, limit: RevocationFeedPage.pageSize)
        return try JSONResponse.make(RevocationFeedPage(events: events, next: events.last?.seq ?? start, restart: restart))
    }
}
