import Foundation
import Shared

/// Reads the timelines the admin pages show (`AdminTimeline`): the ledger here, the tool calls from the
/// resource-server as the signed-in admin.
struct AdminActivity: Sendable {
    let gate: AdminGate
    let resourceServer: ResourceServerAdmin

    func timeline(of person: User, for signedIn: SignedInSession, tenant: Tenant) async throws -> AdminTimeline {
        try await merged(
            ledger: try await gate.pages.ledger.entries(tenantID: tenant.id, person: person), calls: .subject(person.id), signedIn, tenant)
    }

    func timeline(ofGrant grantID: String, for signedIn: SignedInSession, tenant: Tenant) async throws -> AdminTimeline {
        try await merged(ledger: try await gate.pages.ledger.entries(tenantID: tenant.id, grantID: grantID), calls: .grant(grantID), signedIn, tenant)
    }

    private func merged(
        ledger: [LedgerEntry], calls: ResourceServerAdmin.AuditSelection, _ signedIn: SignedInSession, _ tenant: Tenant
    ) async throws -> AdminTimeline {
        var toolCalls: [ResourceServerAdmin.AuditEntry] = []
        var missing: String?
        do {
            toolCalls = try await resourceServer.audit(
                calls, limit: Ledger.timelineLimit, as: signedIn.user, authentication: gate.confirmation.authentication(of: signedIn), tenant: tenant,
                now: gate.pages.now())
        } catch is ResourceServerAdmin.Failure {
            missing = "The resource-server cannot be reached now, so its tool calls are not shown; what the sign-in server recorded is."
        }
        return AdminTimeline(rows: AdminTimeline.merge(ledger: ledger, toolCalls: toolCalls), toolCallsMissing: missing)
    }
}
