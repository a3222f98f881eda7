import Foundation
import Logging
import ServiceLifecycle
import Shared
import Synchronization

/// Keeps the served tenants what the auth-server says they are (`TenantList`): asks every
/// `TenantList.refreshSeconds`, stores each tenant it learns (the service desk's rows hang from it), gives a new
/// tenant its gate and follows its revocation stream, and drops a tenant the auth-server no longer lists (disabled)
/// with its stream. Until the first answer it serves the tenants it stored before.
struct TenantListFollower: Service {
    let gates: TenantGates
    let storage: any ResourceStorage
    let client: TenantListClient
    /// The tenant of this server's own settings: asked on when every tenant known so far is gone.
    let configured: Tenant
    /// The path the MCP endpoint is served on; a tenant whose resource URL has another is not served (the
    /// auth-server's `admin tenant add` refuses such a tenant; this guards against one stored before).
    let mcpPath: String
    let logger: Logger

    func run() async throws {
        let streams = RevocationStreams()
        streams.follow(gates.all)
        defer { streams.stopAll() }
        await cancelWhenGracefulShutdown {
            var failing = false
            while !Task.isCancelled {
                do {
                    let listed = try await client.tenants(askingAt: gates.all.map(\.tenant) + [configured])
                    let tenants = listed.map(ownURLs).filter { tenant in
                        let served = URLComponents(string: tenant.resource)?.path == mcpPath
                        if !served { logger.warning("tenant not served: its resource URL's path is not \(mcpPath)", metadata: ["tenant": "\(tenant.id)"]) }
                        return served
                    }
                    for tenant in tenants { try await storage.saveTenant(tenant) }
                    let (added, removed) = gates.replace(with: tenants)
                    streams.stop(removed)
                    streams.follow(added)
                    if !added.isEmpty || !removed.isEmpty {
                        logger.info("tenants changed", metadata: ["added": "\(added.map(\.tenant.id))", "removed": "\(removed.map(\.tenant.id))"])
                    }
                    if failing { logger.info("tenant list read again") }
                    failing = false
                } catch {
                    if !failing { logger.warning("tenant list not read; serving the tenants known", metadata: ["error": "\(error)"]) }
                    failing = true
                }
                try? await Task.sleep(for: .seconds(TenantList.refreshSeconds))
            }
        }
    }
}

extension TenantListFollower {
    /// This server's own tenant keeps the URLs its settings give it, whatever the list says: a second resource-server
    /// at another URL (another MCP resource of the same issuer) must not take tokens meant for the first. Whether it is
    /// disabled is the list's to say.
    func ownURLs(_ listed: Tenant) -> Tenant {
        guard listed.id == configured.id else { return listed }
        return Tenant(id: configured.id, issuer: configured.issuer, resource: configured.resource, disabledAt: listed.disabledAt)
    }
}

/// The tenants' revocation streams being followed, one task each, started and stopped as tenants come and go.
private final class RevocationStreams: Sendable {
    private let tasks = Mutex<[ObjectIdentifier: Task<Void, Never>]>([:])

    func follow(_ gates: [TenantGate]) {
        for gate in gates {
            guard let follower = gate.follower else { continue }
            let task = Task { _ = try? await follower.run() }
            tasks.withLock { $0[ObjectIdentifier(gate)] = task }
        }
    }

    func stop(_ gates: [TenantGate]) {
        for gate in gates { tasks.withLock { $0.removeValue(forKey: ObjectIdentifier(gate)) }?.cancel() }
    }

    func stopAll() {
        for task in tasks.withLock({ $0.values }) { task.cancel() }
    }
}

/// Reads the auth-server's tenant list with the resource-server's credentials. The auth-server answers on any of its
/// tenants' hosts; each known one is tried in turn, so the list is still read when one of them was disabled.
struct TenantListClient: Sendable {
    let authURL: String
    let credentials: ResourceServerCredentials

    struct NoAnswer: Error, CustomStringConvertible {
        let errors: [String]
        var description: String { "no tenant's host answered: \(errors.joined(separator: "; "))" }
    }

    func tenants(askingAt hosts: [Tenant]) async throws -> [Tenant] {
        var errors: [String] = []
        var asked = Set<String>()
        for tenant in hosts where asked.insert(tenant.issuer).inserted {
            do {
                return try await AuthServerConnection(authURL: authURL, issuer: tenant.issuer)
                    .getJSON(TenantList.path, as: TenantList.self, limit: 1 << 20, credentials: credentials).tenants
            } catch {
                errors.append("\(tenant.id): \(error)")
            }
        }
        throw NoAnswer(errors: errors)
    }
}
