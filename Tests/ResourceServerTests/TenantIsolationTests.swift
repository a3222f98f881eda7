import Crypto
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Shared
import TestSupport
import Testing

@testable import ResourceServerCore

/// Two tenants on one resource-server, each picked by its host (docs/tenancy.md § Adding and disabling tenants). A token of one
/// tenant is refused at the other's host in every combination of signing key, `iss`, `aud` and `tid`; only a token
/// wholly of the tenant whose host it is sent to gets in.
@Suite("Tenant isolation")
struct TenantIsolationTests {
    struct Side {
        let tenant: Tenant
        let key = P256.Signing.PrivateKey()
        var keyID: String { "key-\(tenant.id)" }
        var host: String { URLComponents(string: tenant.resource)!.host! }
    }

    static let home = Side(tenant: Tenant(id: Tenant.defaultID, issuer: TestHouse.issuer, resource: TestHouse.resource))
    static let other = Side(tenant: Tenant(id: "globex", issuer: "https://id.globex.example.com", resource: "https://mcp.globex.example.com/mcp"))

    static func token(key: Side, issuer: Side, audience: Side, tenant: Side) throws -> String {
        let now = Int64(Date().timeIntervalSince1970)
        let claims = AccessTokenClaims(
            issuer: issuer.tenant.issuer, subject: "usr_1", audience: audience.tenant.resource, clientID: "client-1", scope: "", issuedAt: now,
            expiresAt: now + 600, tokenID: UUID().uuidString, grantID: "grant-\(UUID().uuidString)", tenantID: tenant.tenant.id, role: "technician")
        return try AccessTokenSigner(keyID: key.keyID, privateKey: key.key).sign(claims)
    }

    /// Each tenant's JWKS holds only its own key, as each issuer publishes only its own.
    static func keys(_ tenant: Tenant) -> RemoteKeySet.Fetch {
        let side = tenant.id == home.tenant.id ? home : other
        return { [side.keyID: side.key.publicKey] }
    }

    static func withTwoTenants(_ body: @escaping @Sendable (_ port: Int, _ house: TestHouse) async throws -> Void) async throws {
        let house = try await TestHouse()
        try await house.environment.storage.saveTenant(other.tenant)
        let router = try await ResourceServerApplication.router(environment: house.environment, logger: Logger(label: "test"), keyFetch: keys)
        try await Application(router: router).test(.live) { client in try await body(try #require(client.port), house) }
    }

    static func ping(port: Int, host: String, token: String) async throws -> HostRequest.Answer {
        try await HostRequest.send(
            port: port, path: "/mcp", host: host, method: "POST",
            headers: [("Authorization", "Bearer \(token)"), ("Content-Type", "application/json"), ("Accept", "application/json, text/event-stream")],
            body: #"{"jsonrpc":"2.0","id":1,"method":"ping"}"#)
    }

    @Test("every combination of key, iss, aud and tid at either tenant's host: only a token wholly of that tenant is let in")
    func matrix() async throws {
        try await Self.withTwoTenants { port, _ in
            let sides = [Self.home, Self.other]
            var admitted: [String] = []
            for at in sides {
                for key in sides {
                    for issuer in sides {
                        for audience in sides {
                            for tenant in sides {
                                let token = try Self.token(key: key, issuer: issuer, audience: audience, tenant: tenant)
                                let answer = try await Self.ping(port: port, host: at.host, token: token)
                                let name = "at \(at.tenant.id): key \(key.tenant.id), iss \(issuer.tenant.id), aud \(audience.tenant.id), tid \(tenant.tenant.id)"
                                if answer.status == 200 { admitted.append(name) } else {
                                    #expect(answer.status == 401, "\(name): \(answer.status)")
                                    // The refusal points at the metadata of the tenant whose host was asked.
                                    #expect(answer.headers["www-authenticate"]?.contains(at.host) == true, "\(name)")
                                }
                            }
                        }
                    }
                }
            }
            #expect(admitted == ["at default: key default, iss default, aud default, tid default", "at globex: key globex, iss globex, aud globex, tid globex"])
        }
    }

    @Test("each tenant's host serves its own metadata; a host no tenant has gets 404, not another tenant's answer")
    func hosts() async throws {
        try await Self.withTwoTenants { port, _ in
            for side in [Self.home, Self.other] {
                let metadata = try await HostRequest.send(port: port, path: "/.well-known/oauth-protected-resource/mcp", host: side.host)
                #expect(metadata.status == 200)
                #expect(try metadata.json()["resource"] as? String == side.tenant.resource)
                #expect(try metadata.json()["authorization_servers"] as? [String] == [side.tenant.issuer])
            }
            let token = try Self.token(key: Self.home, issuer: Self.home, audience: Self.home, tenant: Self.home)
            #expect(try await Self.ping(port: port, host: "mcp.elsewhere.example", token: token).status == 404)
            #expect(try await HostRequest.send(port: port, path: "/.well-known/oauth-protected-resource/mcp", host: "mcp.elsewhere.example").status == 404)
        }
    }

    @Test("an Origin is judged by the tenant whose host is asked: the other tenant's origin is refused")
    func origins() async throws {
        try await Self.withTwoTenants { port, _ in
            let token = try Self.token(key: Self.home, issuer: Self.home, audience: Self.home, tenant: Self.home)
            func ping(origin: String) async throws -> Int {
                try await HostRequest.send(
                    port: port, path: "/mcp", host: Self.home.host, method: "POST",
                    headers: [
                        ("Authorization", "Bearer \(token)"), ("Content-Type", "application/json"), ("Accept", "application/json"), ("Origin", origin),
                    ],
                    body: #"{"jsonrpc":"2.0","id":1,"method":"ping"}"#
                ).status
            }
            #expect(try await ping(origin: "https://acme.example.com") == 200)
            #expect(try await ping(origin: "https://mcp.globex.example.com") == 403)
        }
    }

    @Test("the gates follow the auth-server's list: a tenant added is served, one disabled or gone is not")
    func gatesFollowTheList() async throws {
        let made = Counter()
        let settings = ResourceServerSettings(
            listen: .init(host: "127.0.0.1", port: 0), resource: TestHouse.resource, issuer: TestHouse.issuer, dataDirectory: "/nonexistent")
        let factory = TenantGate.factory(settings: settings, defaultScopes: [], logger: Logger(label: "test"), keyFetch: Self.keys, introspector: nil)
        let gates = TenantGates(tenants: [Self.home.tenant]) { tenant in
            made.increment()
            return factory(tenant)
        }
        #expect(gates.gate(forAuthority: "anything.example") === gates.all.first, "one tenant: any host")
        var (added, removed) = gates.replace(with: [Self.home.tenant, Self.other.tenant])
        #expect(added.map(\.tenant.id) == ["globex"] && removed.isEmpty)
        #expect(gates.gate(forAuthority: Self.other.host)?.tenant == Self.other.tenant)
        #expect(gates.gate(forAuthority: "anything.example") == nil)
        var disabled = Self.other.tenant
        disabled.disabledAt = Date()
        (added, removed) = gates.replace(with: [Self.home.tenant, disabled])
        #expect(added.isEmpty && removed.map(\.tenant.id) == ["globex"])
        #expect(gates.gate(forAuthority: Self.other.host) == nil)
        #expect(gates.gate(forAuthority: "anything.example") == nil, "a disabled tenant's host does not fall through to the one left")
        #expect(made.count == 2, "the home tenant's gate was kept, not remade")
    }
}
