import Foundation
import Logging
import ServiceLifecycle
import Shared

/// Re-reads the tenants from the store every few seconds, so a tenant that `admin tenant add` or `disable` changed
/// (another process, perhaps on another machine) is answered for, or no longer, without a restart.
struct TenantRosterRefresh: Service {
    let roster: TenantRoster
    let storage: any TenantStore
    let keyRing: SigningKeyRing
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(AuthPolicy.tenantRosterRefreshSeconds))
                await refresh()
            }
        }
    }

    func refresh() async {
        do {
            let tenants = try await storage.allTenants()
            // A new tenant's key is made by the command that added it; this only makes sure of it before answering.
            for tenant in tenants where tenant.disabledAt == nil { try await keyRing.ensureActiveKey(tenantID: tenant.id) }
            if roster.replace(with: tenants) {
                logger.info("tenants changed", metadata: ["tenants": "\(roster.tenants.map(\.id).joined(separator: ","))"])
            }
        } catch {
            logger.warning("tenants not re-read; answering for the ones known", metadata: ["error": "\(error)"])
        }
    }
}
