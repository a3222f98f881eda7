import Foundation
import Hummingbird
import Shared
import Synchronization

/// The tenants this resource-server serves, each with its gate, picked by the request's host as the auth-server
/// picks them (`TenantDirectory`). Replaced whole when the auth-server's list changes (`TenantListFollower`).
public final class TenantGates: Sendable {
    private struct State {
        var directory: TenantDirectory
        var gates: [String: TenantGate]
    }

    private let state: Mutex<State>
    private let make: TenantGate.Factory

    init(tenants: [Tenant], make: @escaping TenantGate.Factory) {
        self.make = make
        let directory = TenantDirectory(tenants: tenants, url: \.resource)
        state = Mutex(State(directory: directory, gates: Dictionary(uniqueKeysWithValues: directory.tenants.map { ($0.id, make($0)) })))
    }

    func gate(forAuthority authority: String?) -> TenantGate? {
        state.withLock { state in state.directory.tenant(forAuthority: authority).flatMap { state.gates[$0.id] } }
    }

    var all: [TenantGate] { state.withLock { Array($0.gates.values) } }

    /// Serves the enabled ones of `tenants` from now on: a tenant whose URLs changed gets a new gate. Returns the gates that
    /// came and went, for their revocation streams to be followed or dropped.
    func replace(with tenants: [Tenant]) -> (added: [TenantGate], removed: [TenantGate]) {
        let directory = TenantDirectory(tenants: tenants, url: \.resource)
        return state.withLock { state in
            var gates: [String: TenantGate] = [:]
            var added: [TenantGate] = []
            for tenant in directory.tenants {
                if let kept = state.gates[tenant.id], kept.tenant.issuer == tenant.issuer, kept.tenant.resource == tenant.resource {
                    gates[tenant.id] = kept
                } else {
                    let gate = make(tenant)
                    gates[tenant.id] = gate
                    added.append(gate)
                }
            }
            let removed = state.gates.values.filter { gates[$0.tenant.id] !== $0 }
            state = State(directory: directory, gates: gates)
            return (added, removed)
        }
    }
}

/// Puts the tenant the host names, and its gate, into the request's context; a host no tenant is served at gets
/// no tenant, and the routes that need one answer 404.
struct TenantGateMiddleware: RouterMiddleware {
    let gates: TenantGates

    func handle(
        _ request: Request, context: ResourceRequestContext, next: (Request, ResourceRequestContext) async throws -> Response
    ) async throws -> Response {
        var context = context
        context.gate = gates.gate(forAuthority: request.head.authority)
        context.tenant = context.gate?.tenant
        return try await next(request, context)
    }
}
