import Foundation
import Shared

/// The tenant's app policy applied where a client speaks for itself: the token endpoint and device
/// authorization. The browser side applies it in `AuthorizationFlow`, where a person can be told why.
struct ClientAdmission: Sendable {
    let storage: any GovernanceStore

    /// A blocked client, a client the `closed` policy leaves out, or (outside the device flow) one awaiting
    /// approval gets `unauthorized_client`, not `invalid_client`: RFC 6749 §5.2 keeps `invalid_client` for failed
    /// authentication, and this client did authenticate; it is not authorised. The device flow of a client
    /// awaiting approval goes on: the person at /device is told, and the device then gets `access_denied`.
    func requireAdmitted(_ client: Client, tenant: Tenant, deviceFlow: Bool = false) async throws {
        switch try await storage.tenantGovernance(tenantID: tenant.id).appPolicy.admission(of: client) {
        case .admitted: return
        case .awaitingApproval where deviceFlow: return
        case .blocked: throw OAuthError.unauthorizedClient("An administrator blocked this app")
        case .awaitingApproval: throw OAuthError.unauthorizedClient("This app waits for an administrator's approval")
        case .closed: throw OAuthError.unauthorizedClient("This organisation does not allow this app")
        }
    }
}
