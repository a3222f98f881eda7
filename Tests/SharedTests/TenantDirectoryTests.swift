import Foundation
import Shared
import Testing

/// Picking the tenant of a request by its Host.
@Suite("TenantDirectory")
struct TenantDirectoryTests {
    static let acme = Tenant(id: "acme", issuer: "https://acme.example.com", resource: "https://acme.example.com/mcp")
    static let globex = Tenant(id: "globex", issuer: "https://auth.globex.example:8443", resource: "https://mcp.globex.example/mcp")
    static let initech = Tenant(id: "initech", issuer: "http://initech.local", resource: "http://initech.local/mcp")

    @Test("a single tenant answers on any host, and without one", arguments: [
        "acme.example.com", "localhost:9000", "127.0.0.1", "somewhere.else.example", "",
    ])
    func singleTenantMatchesAnyAuthority(authority: String) {
        let directory = TenantDirectory(tenants: [Self.acme], url: \.issuer)
        #expect(directory.tenant(forAuthority: authority) == Self.acme)
        #expect(directory.tenant(forAuthority: nil) == Self.acme)
    }

    @Test("with several tenants the host picks one, case-insensitively and with the default port normalised")
    func severalTenantsPickByHost() {
        let directory = TenantDirectory(tenants: [Self.acme, Self.globex, Self.initech], url: \.issuer)
        #expect(directory.tenant(forAuthority: "acme.example.com") == Self.acme)
        #expect(directory.tenant(forAuthority: "ACME.Example.COM") == Self.acme)
        #expect(directory.tenant(forAuthority: "acme.example.com:443") == Self.acme)
        #expect(directory.tenant(forAuthority: "auth.globex.example:8443") == Self.globex)
        #expect(directory.tenant(forAuthority: "Auth.Globex.Example:8443") == Self.globex)
        #expect(directory.tenant(forAuthority: "initech.local") == Self.initech)
        #expect(directory.tenant(forAuthority: "initech.local:80") == Self.initech)
    }

    @Test("with several tenants an unknown host, a wrong port or no host gives nil")
    func severalTenantsRefuseUnknownHost() {
        let directory = TenantDirectory(tenants: [Self.acme, Self.globex], url: \.issuer)
        #expect(directory.tenant(forAuthority: "evil.example.com") == nil)
        #expect(directory.tenant(forAuthority: "acme.example.com:8443") == nil)
        #expect(directory.tenant(forAuthority: "auth.globex.example") == nil)
        #expect(directory.tenant(forAuthority: "example.com") == nil)
        #expect(directory.tenant(forAuthority: nil) == nil)
    }

    @Test("the directory matches on whichever URL it is given (the resource-server uses the resource)")
    func directoryUsesTheGivenURL() {
        let directory = TenantDirectory(tenants: [Self.acme, Self.globex], url: \.resource)
        #expect(directory.tenant(forAuthority: "mcp.globex.example") == Self.globex)
        #expect(directory.tenant(forAuthority: "auth.globex.example:8443") == nil)
    }

    @Test("a disabled tenant is answered for on no host, and its host does not fall through to the one tenant left")
    func disabledTenants() {
        var disabled = Self.globex
        disabled.disabledAt = Date()
        let directory = TenantDirectory(tenants: [Self.acme, disabled], url: \.issuer)
        #expect(directory.tenants == [Self.acme])
        #expect(directory.tenant(forAuthority: "auth.globex.example:8443") == nil)
        #expect(directory.tenant(forAuthority: "acme.example.com") == Self.acme)
        #expect(directory.tenant(forAuthority: "elsewhere.example") == nil)
        #expect(TenantDirectory(tenants: [disabled], url: \.issuer).tenant(forAuthority: "auth.globex.example:8443") == nil)
    }

    @Test("no tenants: nothing matches")
    func emptyDirectory() {
        #expect(TenantDirectory(tenants: [], url: \.issuer).tenant(forAuthority: "acme.example.com") == nil)
    }
}
