import Foundation
import Shared

/// Adding, disabling and enabling tenants (docs/tenancy.md § Adding and disabling tenants): the rules that keep every tenant
/// reachable at its own host on both servers, so that a request's host names exactly one tenant.
public struct TenantDecisions: Sendable {
    let environment: AuthServerEnvironment

    public init(environment: AuthServerEnvironment) { self.environment = environment }

    public struct Refusal: Error, Equatable, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }

    /// A tenant id goes into every row, token (`tid`) and log line: short, lower-case, unambiguous.
    static func isValid(id: String) -> Bool {
        (1...40).contains(id.count) && id.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
            && id.first != "-" && id.last != "-"
    }

    /// A new tenant with its own signing key and built-in clients, answered for by both servers within seconds.
    /// Its issuer and resource must each have a host no other tenant's has (the servers pick the tenant by host),
    /// and its resource the path every tenant's MCP endpoint shares.
    public func add(id: String, issuer: String, resource: String, now: Date) async throws -> Tenant {
        guard Self.isValid(id: id) else {
            throw Refusal(message: "--id must be 1-40 lower-case letters, digits and inner hyphens, got '\(id)'")
        }
        if let problem = ServerURL.check(issuer, allowPath: false) { throw Refusal(message: "--issuer \(problem.message)") }
        if let problem = ServerURL.check(resource, allowPath: true) { throw Refusal(message: "--resource \(problem.message)") }
        let tenants = try await environment.storage.allTenants()
        if tenants.contains(where: { $0.id == id }) { throw Refusal(message: "a tenant '\(id)' already exists") }
        for other in tenants {
            if TenantDirectory.authority(of: other.issuer) == TenantDirectory.authority(of: issuer) {
                throw Refusal(message: "tenant '\(other.id)' already has the issuer host of \(issuer); each tenant needs its own host")
            }
            if TenantDirectory.authority(of: other.resource) == TenantDirectory.authority(of: resource) {
                throw Refusal(message: "tenant '\(other.id)' already has the resource host of \(resource); each tenant needs its own host")
            }
        }
        if let model = tenants.first(where: { $0.id == Tenant.defaultID }), Self.path(of: model.resource) != Self.path(of: resource) {
            throw Refusal(message: "--resource must have the path \(Self.path(of: model.resource)), where the resource-server serves MCP for every tenant")
        }
        let tenant = Tenant(id: id, issuer: issuer, resource: resource)
        try await environment.storage.saveTenant(tenant)
        try await environment.keyRing.ensureActiveKey(tenantID: id)
        try await BuiltInClients.ensure(in: [tenant], storage: environment.storage, dataDirectory: environment.settings.dataDirectory, now: now)
        return tenant
    }

    /// Neither server answers for a disabled tenant: its people cannot sign in, its apps cannot refresh, its tokens are
    /// refused within `TenantList.refreshSeconds`. Its data and grants stay, for `enable` to bring back.
    public func disable(_ tenant: Tenant, now: Date) async throws {
        let enabled = try await environment.storage.allTenants().filter { $0.disabledAt == nil }
        guard enabled.contains(where: { $0.id != tenant.id }) else {
            throw Refusal(message: "'\(tenant.id)' is the only tenant answered for; disabling it would leave nothing to sign in to")
        }
        guard try await environment.storage.setTenantDisabled(tenantID: tenant.id, at: now) else {
            throw Refusal(message: "tenant '\(tenant.id)' is already disabled")
        }
    }

    public func enable(_ tenant: Tenant) async throws {
        guard try await environment.storage.setTenantDisabled(tenantID: tenant.id, at: nil) else {
            throw Refusal(message: "tenant '\(tenant.id)' is not disabled")
        }
    }

    static func path(of url: String) -> String { URLComponents(string: url)?.path ?? "" }
}
