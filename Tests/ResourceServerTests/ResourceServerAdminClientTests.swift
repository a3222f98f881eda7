import Synchronization
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Shared
import Testing

@testable import AuthServerCore
@testable import ResourceServerCore
@testable import ToolKit

/// The auth-server's admin client (`ResourceServerAdmin`) against this resource-server in process: it mints the
/// token with the auth-server's tenant key, which the resource-server verifies through its JWKS like any other.
@Suite("Resource-server admin client")
struct ResourceServerAdminClientTests {
    static let kek = KeyEncryptionKey.Source.value(Data((0..<32).map { UInt8($0) }).base64EncodedString())

    /// An auth-server's environment for this house's tenant, in `directory`.
    static func authServer(in directory: String) async throws -> AuthServerEnvironment {
        try await AuthServerEnvironment.open(
            AuthServerSettings(
                listen: .init(host: "127.0.0.1", port: 0), issuer: TestHouse.issuer, resource: TestHouse.resource, dataDirectory: directory,
                keyEncryptionKey: kek),
            reconcile: true)
    }

    @Test("An admin reads and, with a second factor in the window, changes switches and reads a person's tool calls; without one the change is refused")
    func againstResourceServer() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("as-admin-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let authServer = try await Self.authServer(in: directory)
        let tenant = try await authServer.tenant()
        let keys = try await authServer.keyRing.publishedKeys(tenantID: tenant.id).keys
        let house = try await TestHouse()
        // The auth-server's keys, and the house's own for the tool call whose audit the admin then reads.
        let houseKey = (house.keyID, house.signingKey.publicKey)
        let router = try await ResourceServerApplication.router(environment: house.environment, logger: Logger(label: "test")) { _ in
            { Dictionary(uniqueKeysWithValues: keys.compactMap { key in key.publicKey.map { (key.kid, $0) } } + [houseKey]) }
        }
        let admin = User(
            tenantID: tenant.id, id: "usr_admin", email: "admin@example.com", passwordHash: "x", role: .admin, companyID: nil, createdAt: Date())
        let technician = User(
            tenantID: tenant.id, id: "usr_tech", email: "tech@example.com", passwordHash: "x", role: .technician, companyID: nil, createdAt: Date())
        let now = Date()
        let signedIn = Authentication(authTime: now.addingTimeInterval(-3600), methods: ["pwd"])
        let elevated = signedIn.elevated(by: .oneTimePassword, at: now.addingTimeInterval(-60))
        let staleElevation = signedIn.elevated(by: .oneTimePassword, at: now.addingTimeInterval(-3000))

        try await Application(router: router).test(.router) { client in
            let urls = Mutex<[String]>([])
            let resourceServer = ResourceServerAdmin(keyRing: authServer.keyRing, elevationWindowSeconds: Elevation.defaultWindowSeconds) { method, url, headers, body in
                urls.withLock { $0.append(url) }
                let path = String(url.dropFirst("https://acme.example.com".count))
                var fields = HTTPFields()
                for (name, value) in headers { fields[HTTPField.Name(name)!] = value }
                let response = try await client.execute(
                    uri: path, method: HTTPRequest.Method(method)!, headers: fields, body: body.map { ByteBuffer(bytes: $0) })
                return (Int(response.status.code), Data(buffer: response.body))
            }
            let states = try await resourceServer.features(as: admin, authentication: signedIn, tenant: tenant)
            #expect(states == Dictionary(uniqueKeysWithValues: ToolModule.allCases.map { ($0, true) }))
            #expect(urls.withLock { $0 } == ["https://acme.example.com/internal/admin/features"])

            await #expect(throws: ResourceServerAdmin.Failure.self) {
                _ = try await resourceServer.setFeatures([.billing: false], as: admin, authentication: signedIn, tenant: tenant)
            }
            do {
                _ = try await resourceServer.setFeatures([.billing: false], as: admin, authentication: staleElevation, tenant: tenant)
                Issue.record("a change with a second factor older than the window went through")
            } catch let failure as ResourceServerAdmin.Failure {
                #expect(failure == .refused(status: 403, error: "insufficient_user_authentication",
                    description: "A change needs a second factor entered in the last 15 minutes"))
            }
            let changed = try await resourceServer.setFeatures([.billing: false], as: admin, authentication: elevated, tenant: tenant)
            #expect(changed[.billing] == false && changed[.tickets] == true)
            #expect(try await house.environment.storage.switchedOffModules(tenantID: tenant.id) == [.billing])

            await #expect(throws: ResourceServerAdmin.Failure.self, "a technician is refused") {
                _ = try await resourceServer.features(as: technician, authentication: elevated, tenant: tenant)
            }

            let call = try await client.mcp(
                #"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{"text":"hi"}}}"#,
                token: try house.token(grantID: "grant-x", subject: "usr_tech"))
            #expect(call.status == .ok)
            let entries = try await resourceServer.audit(.subject("usr_tech"), as: admin, authentication: signedIn, tenant: tenant)
            #expect(entries.map(\.tool) == ["echo"] && entries.first?.grantID == "grant-x" && entries.first?.outcome == "ok")
            #expect(try await resourceServer.audit(.grant("grant-x"), limit: 5, as: admin, authentication: signedIn, tenant: tenant).count == 1)
        }
    }

    @Test("The token lives 60 s, carries the admin scope, names no grant of a client, and mfa only within the window")
    func token() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("as-admin-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let authServer = try await Self.authServer(in: directory)
        let tenant = try await authServer.tenant()
        let admin = User(tenantID: tenant.id, id: "usr_admin", email: "admin@example.com", passwordHash: "x", role: .admin, companyID: nil, createdAt: Date())
        let client = ResourceServerAdmin(keyRing: authServer.keyRing, elevationWindowSeconds: 900) { _, _, _, _ in (500, Data()) }
        let now = Date()
        let key = try #require(try await authServer.keyRing.publishedKeys(tenantID: tenant.id).keys.first?.publicKey)
        let verifier = AccessTokenVerifier(issuer: tenant.issuer, audience: tenant.resource, tenantID: tenant.id)
        let plain = try verifier.verify(try AccessTokenVerifier.parse(
            try await client.token(for: admin, authentication: Authentication(authTime: now, methods: ["pwd"]), tenant: tenant, now: now)), key: key, now: now)
        #expect(plain.scopes == [ResourceAdminAPI.scope] && plain.expiresAt - plain.issuedAt == 60 && plain.role == "admin")
        #expect(plain.clientID == ResourceServerAdmin.clientID && plain.audience == tenant.resource)
        let elevated = try verifier.verify(try AccessTokenVerifier.parse(try await client.token(
            for: admin, authentication: Authentication(authTime: now, methods: ["pwd"]).elevated(by: .oneTimePassword, at: now), tenant: tenant, now: now)),
            key: key, now: now)
        #expect(elevated.scopes == [ResourceAdminAPI.scope, Elevation.scope])
        await #expect(throws: ResourceServerAdmin.Failure.self, "a failing resource-server is reported, not crashed on") {
            _ = try await client.features(as: admin, authentication: Authentication(authTime: now, methods: ["pwd"]), tenant: tenant)
        }
    }
}
