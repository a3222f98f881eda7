import Foundation
import Hummingbird
import Shared

/// The tenants this auth-server answers for (`TenantList`), read by the resource-servers so that a tenant added
/// or disabled reaches them without a restart. The resource-server's credentials are one client registered in
/// every tenant, so it may ask on any tenant's host; the answer is the same list either way.
struct TenantListEndpoint: Sendable {
    let roster: TenantRoster
    let resourceServers: ResourceServerAuthenticator

    func handle(_ request: Request, tenant: Tenant, address: ClientAddress?, now: Date = Date()) async throws -> Response {
        do {
            _ = try await resourceServers.authenticate(request, tenant: tenant, address: address, now: now)
        } catch {
            return error.response
        }
        return try JSONResponse.make(TenantList(tenants: roster.tenants), cacheControl: "no-store")
    }
}
