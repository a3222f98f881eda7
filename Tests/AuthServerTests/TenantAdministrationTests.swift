import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Shared
import TestSupport
import Testing

@testable import AuthServerCore

/// Tenants added and disabled while the server runs (docs/tenancy.md § Adding and disabling tenants): the rules for adding one,
/// the roster that answers for it, and the list the resource-servers read.
@Suite("Tenant administration")
struct TenantAdministrationTests {
    static let acme = (issuer: "https://id.acme.example.com", resource: "https://mcp.acme.example.com/mcp")

    @Test("a new tenant gets its own signing key and the built-in clients, the resource-server's among them")
    func added() async throws {
        try await AuthServerHTTPTests.withApplication { environment, _ in
            let tenant = try await TenantDecisions(environment: environment).add(id: "acme", issuer: Self.acme.issuer, resource: Self.acme.resource, now: Date())
            #expect(try await environment.storage.allTenants().contains(tenant))
            let keys = try await environment.storage.signingKeys(tenantID: "acme")
            let defaultKeys = try await environment.storage.signingKeys(tenantID: Tenant.defaultID)
            #expect(keys.count == 1)
            #expect(Set(keys.map(\.keyID)).isDisjoint(with: defaultKeys.map(\.keyID)), "a tenant never signs with another's key")
            let credentials = try BuiltInClients.resourceServerCredentials(dataDirectory: environment.settings.dataDirectory)
            #expect(try await environment.storage.client(tenantID: "acme", id: credentials.clientID)?.kind == .resourceServer)
        }
    }

    @Test("refused: a bad id, a URL the settings rules refuse, an id or a host already taken, another MCP path", arguments: [
        ("Acme", "https://id.acme.example.com", "https://mcp.acme.example.com/mcp", "--id"),
        ("-acme", "https://id.acme.example.com", "https://mcp.acme.example.com/mcp", "--id"),
        (String(repeating: "a", count: 41), "https://id.acme.example.com", "https://mcp.acme.example.com/mcp", "--id"),
        ("acme'; DROP TABLE tenant; --", "https://id.acme.example.com", "https://mcp.acme.example.com/mcp", "--id"),
        ("acme", "http://id.acme.example.com", "https://mcp.acme.example.com/mcp", "--issuer must use https"),
        ("acme", "https://id.acme.example.com/tenant", "https://mcp.acme.example.com/mcp", "--issuer must be an origin"),
        ("acme", "https://id.acme.example.com", "https://user:pw@mcp.acme.example.com/mcp", "--resource must not carry user info"),
        ("default", "https://id.acme.example.com", "https://mcp.acme.example.com/mcp", "already exists"),
        ("acme", AuthServerHTTPTests.issuer, "https://mcp.acme.example.com/mcp", "issuer host"),
        ("acme", "https://id.acme.example.com", "https://ACME.example.com:443/mcp", "resource host"),
        ("acme", "https://id.acme.example.com", "https://mcp.acme.example.com/other", "path /mcp"),
    ])
    func refusals(id: String, issuer: String, resource: String, reason: String) async throws {
        try await AuthServerHTTPTests.withApplication { environment, _ in
            let before = try await environment.storage.allTenants()
            await #expect {
                _ = try await TenantDecisions(environment: environment).add(id: id, issuer: issuer, resource: resource, now: Date())
            } throws: { error in
                (error as? TenantDecisions.Refusal)?.message.contains(reason) == true
            }
            #expect(try await environment.storage.allTenants() == before, "nothing stored")
        }
    }

    @Test("the running server answers for a tenant added by another process, and no longer for one disabled, at the roster's next read")
    func rosterFollowsTheStore() async throws {
        try await AuthServerHTTPTests.withApplication { environment, _ in
            let roster = try await AuthServerApplication.storedRoster(environment)
            let router = try await AuthServerApplication.router(
                environment: environment, resourceTools: AuthServerHTTPTests.publishedTools, roster: roster)
            let refresh = TenantRosterRefresh(roster: roster, storage: environment.storage, keyRing: environment.keyRing, logger: Logger(label: "test"))
            try await Application(router: router).test(.live) { client in
                let port = try #require(client.port)
                func issuer(at host: String) async throws -> String? {
                    let answer = try await HostRequest.send(port: port, path: "/.well-known/oauth-authorization-server", host: host)
                    guard answer.status == 200 else { return nil }
                    return try answer.json()["issuer"] as? String
                }
                #expect(try await issuer(at: "id.acme.example.com") == AuthServerHTTPTests.issuer, "one tenant answers on any host")

                let decisions = TenantDecisions(environment: environment)
                let acme = try await decisions.add(id: "acme", issuer: Self.acme.issuer, resource: Self.acme.resource, now: Date())
                await refresh.refresh()
                #expect(try await issuer(at: "id.acme.example.com") == Self.acme.issuer)
                #expect(try await issuer(at: "acme.example.com") == AuthServerHTTPTests.issuer)
                #expect(try await issuer(at: "unknown.example.com") == nil, "with two tenants, a host names one or none")

                try await decisions.disable(acme, now: Date())
                await refresh.refresh()
                #expect(try await issuer(at: "id.acme.example.com") == nil, "a disabled tenant's host reaches no tenant, not even the only one left")
                #expect(try await issuer(at: "acme.example.com") == AuthServerHTTPTests.issuer)

                try await decisions.enable(acme)
                await refresh.refresh()
                #expect(try await issuer(at: "id.acme.example.com") == Self.acme.issuer)
            }
        }
    }

    @Test("disabling: never the last tenant answered for, never twice; enabling only a disabled one")
    func disableRules() async throws {
        try await AuthServerHTTPTests.withApplication { environment, _ in
            let decisions = TenantDecisions(environment: environment)
            let home = try await environment.tenant()
            await #expect(throws: TenantDecisions.Refusal.self) { try await decisions.disable(home, now: Date()) }
            let acme = try await decisions.add(id: "acme", issuer: Self.acme.issuer, resource: Self.acme.resource, now: Date())
            await #expect(throws: TenantDecisions.Refusal.self) { try await decisions.enable(acme) }
            try await decisions.disable(acme, now: Date())
            await #expect(throws: TenantDecisions.Refusal.self) { try await decisions.disable(acme, now: Date()) }
            await #expect(throws: TenantDecisions.Refusal.self) { try await decisions.disable(home, now: Date()) }
        }
    }

    @Test("the tenant list: every tenant with its state, to a resource-server only")
    func tenantList() async throws {
        try await AuthServerHTTPTests.withApplication { environment, _ in
            let decisions = TenantDecisions(environment: environment)
            let acme = try await decisions.add(id: "acme", issuer: Self.acme.issuer, resource: Self.acme.resource, now: Date())
            let globex = try await decisions.add(
                id: "globex", issuer: "https://id.globex.example.com", resource: "https://mcp.globex.example.com/mcp", now: Date())
            try await decisions.disable(globex, now: Date())
            let roster = try await AuthServerApplication.storedRoster(environment)
            let router = try await AuthServerApplication.router(environment: environment, resourceTools: AuthServerHTTPTests.publishedTools, roster: roster)
            let credentials = try BuiltInClients.resourceServerCredentials(dataDirectory: environment.settings.dataDirectory)
            try await Application(router: router).test(.live) { client in
                let port = try #require(client.port)
                let listed = try await HostRequest.send(
                    port: port, path: TenantList.path, host: "acme.example.com", headers: [("Authorization", credentials.authorization)])
                #expect(listed.status == 200)
                #expect(listed.headers["cache-control"] == "no-store")
                let list = try JSONDecoder().decode(TenantList.self, from: listed.body)
                #expect(list.tenants.map(\.id) == [Tenant.defaultID, acme.id, globex.id])
                #expect(list.tenants.map { $0.disabledAt != nil } == [false, false, true], "the disabled tenant is listed as such")

                // The same credentials work on any tenant's host: one resource-server serves them all.
                let atAcme = try await HostRequest.send(
                    port: port, path: TenantList.path, host: "id.acme.example.com", headers: [("Authorization", credentials.authorization)])
                #expect(atAcme.status == 200)

                for authorization in [nil, "Basic " + Data("\(credentials.clientID):wrong".utf8).base64EncodedString(), "Bearer x"] {
                    let refused = try await HostRequest.send(
                        port: port, path: TenantList.path, host: "acme.example.com", headers: authorization.map { [("Authorization", $0)] } ?? [])
                    #expect(refused.status == 401)
                    #expect(!refused.text.contains("acme"))
                }
            }
        }
    }
}
