import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Shared
import Testing

@testable import ResourceServerCore
@testable import ToolKit

/// The internal admin API: feature switches read and changed, the tool-call audit by grant or person, and who
/// may: an admin's short-lived access token with the admin scope, `mfa` within the window to change anything.
@Suite("Internal admin API")
struct InternalAdminAPITests {
    static let adminScope = ResourceAdminAPI.scope

    func request(
        _ client: any TestClientProtocol, _ method: HTTPRequest.Method, _ path: String, token: String?, body: String? = nil
    ) async throws -> TestResponse {
        var headers: HTTPFields = [.accept: "application/json"]
        if let token { headers[.authorization] = "Bearer \(token)" }
        if body != nil { headers[.contentType] = "application/json" }
        return try await client.execute(uri: path, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
    }

    func adminToken(_ house: TestHouse, scope: String = adminScope, role: String = "admin", expiresIn: Int64 = 60, secondFactorAge: Int64? = nil,
                    tenant: String = Tenant.defaultID, audience: String = TestHouse.resource) throws -> String {
        let now = Int64(Date().timeIntervalSince1970)
        return try house.token(
            scope: secondFactorAge == nil ? scope : scope + " mfa", audience: audience, tenant: tenant, expiresIn: expiresIn, issuedAt: now,
            authTime: secondFactorAge.map { now - $0 }, role: role)
    }

    @Test("An admin reads every module's switch and, with a fresh second factor, changes some; the answer is every module's state")
    func features() async throws {
        let house = try await TestHouse()
        try await house.test { client in
            let read = try await request(client, .get, ResourceAdminAPI.featuresPath, token: try adminToken(house))
            #expect(read.status == .ok)
            let states = try JSONDecoder().decode([String: Bool].self, from: Data(buffer: read.body))
            #expect(states == Dictionary(uniqueKeysWithValues: ToolModule.allCases.map { ($0.rawValue, true) }))

            let changed = try await request(
                client, .put, ResourceAdminAPI.featuresPath, token: try adminToken(house, secondFactorAge: 30), body: #"{"billing": false, "rules": false}"#)
            #expect(changed.status == .ok, "\(changed.text)")
            let after = try JSONDecoder().decode([String: Bool].self, from: Data(buffer: changed.body))
            #expect(after["billing"] == false && after["rules"] == false && after["tickets"] == true)
            #expect(try await house.environment.storage.switchedOffModules(tenantID: Tenant.defaultID) == [.billing, .rules])

            for (body, problem) in [
                (#"{"payroll": false}"#, "Unknown module 'payroll'; the modules are: \(ToolModule.names)"), (#"{"billing": "off"}"#, "billing must be true or false"),
                ("{}", "must be a JSON object"), ("[true]", "must be a JSON object"), ("not json", "must be a JSON object"),
                (#"{"billing": false, "x": ""# + String(repeating: "a", count: 5000) + #""}"#, "larger than"),
            ] {
                let refused = try await request(client, .put, ResourceAdminAPI.featuresPath, token: try adminToken(house, secondFactorAge: 30), body: body)
                #expect(refused.status == .badRequest && refused.json?["error"] == "invalid_request", "\(body.prefix(40))")
                #expect(refused.json?["error_description"]?.stringValue?.contains(problem) == true, "\(refused.text.prefix(200))")
            }
            #expect(try await house.environment.storage.switchedOffModules(tenantID: Tenant.defaultID) == [.billing, .rules], "a refused body changes nothing")
        }
    }

    @Test("Refused: no token, wrong scope, a non-admin, an expired token, one living over 60 s, another tenant's or resource's, and a change without mfa")
    func refusals() async throws {
        let house = try await TestHouse()
        try await house.test { client in
            let path = ResourceAdminAPI.featuresPath
            let none = try await request(client, .get, path, token: nil)
            #expect(none.status == .unauthorized)
            let wrongScope = try await request(client, .get, path, token: try adminToken(house, scope: "things:read"))
            #expect(wrongScope.status == .forbidden && wrongScope.json?["error"] == "insufficient_scope")
            #expect(wrongScope.json?["error_description"]?.stringValue?.contains(ResourceAdminAPI.scope) == true)
            let technician = try await request(client, .get, path, token: try adminToken(house, role: "technician"))
            #expect(technician.status == .forbidden && technician.json?["error_description"]?.stringValue?.contains("admin accounts") == true)
            let company = try await request(client, .get, path, token: try adminToken(house, role: "company"))
            #expect(company.status == .forbidden)
            let expired = try await request(client, .get, path, token: try house.token(
                scope: Self.adminScope, expiresIn: 30, issuedAt: Int64(Date().timeIntervalSince1970) - 600, role: "admin"))
            #expect(expired.status == .unauthorized)
            let long = try await request(client, .get, path, token: try adminToken(house, expiresIn: 600))
            #expect(long.status == .unauthorized && long.json?["error_description"]?.stringValue?.contains("at most 60 seconds") == true)
            let otherTenant = try await request(client, .get, path, token: try adminToken(house, tenant: "other"))
            #expect(otherTenant.status == .unauthorized)
            let otherResource = try await request(client, .get, path, token: try adminToken(house, audience: "https://elsewhere.example/mcp"))
            #expect(otherResource.status == .unauthorized)
            let noSecondFactor = try await request(client, .put, path, token: try adminToken(house), body: #"{"billing": false}"#)
            #expect(noSecondFactor.status == .forbidden && noSecondFactor.json?["error"] == "insufficient_user_authentication")
            let staleSecondFactor = try await request(client, .put, path, token: try adminToken(house, secondFactorAge: 3600), body: #"{"billing": false}"#)
            #expect(staleSecondFactor.status == .forbidden)
            let audit = try await request(client, .get, ResourceAdminAPI.auditPath + "?subject=usr_1", token: try adminToken(house, role: "technician"))
            #expect(audit.status == .forbidden)
            #expect(try await house.environment.storage.switchedOffModules(tenantID: Tenant.defaultID).isEmpty, "nothing refused changed anything")
        }
    }

    @Test("The audit of one grant or one person, oldest first, the newest `limit`; bad queries are refused")
    func audit() async throws {
        let house = try await TestHouse()
        try await house.test { client in
            for (grant, subject) in [("grant-a", "usr_a"), ("grant-b", "usr_a"), ("grant-a", "usr_a"), ("grant-c", "usr_c")] {
                let call = try await client.mcp(
                    #"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{"text":"hi"}}}"#,
                    token: try house.token(grantID: grant, subject: subject))
                #expect(call.status == .ok)
            }
            func entries(_ query: String) async throws -> [AuditAnswer.Entry] {
                let response = try await request(client, .get, ResourceAdminAPI.auditPath + "?" + query, token: try adminToken(house))
                #expect(response.status == .ok, "\(response.text)")
                return try JSONDecoder().decode(AuditAnswer.self, from: Data(buffer: response.body)).entries
            }
            #expect(try await entries("grant_id=grant-a").map(\.grant_id) == ["grant-a", "grant-a"])
            #expect(try await entries("subject=usr_a").map(\.grant_id) == ["grant-a", "grant-b", "grant-a"], "oldest first")
            #expect(try await entries("subject=usr_a&limit=2").map(\.grant_id) == ["grant-b", "grant-a"], "the newest two")
            #expect(try await entries("subject=usr_a").allSatisfy { $0.tool == "echo" && $0.outcome == "ok" && $0.occurred_at.hasSuffix("Z") })
            #expect(try await entries("grant_id=nobody").isEmpty)
            for query in ["", "grant_id=a&subject=b", "grant_id=", "subject=a&limit=0", "subject=a&limit=1001", "subject=a&limit=x",
                          "subject=" + String(repeating: "a", count: 201)] {
                let refused = try await request(client, .get, ResourceAdminAPI.auditPath + "?" + query, token: try adminToken(house))
                #expect(refused.status == .badRequest && refused.json?["error"] == "invalid_request", "\(query.prefix(30))")
            }
        }
    }
}

/// What `GET` of the audit answers, as far as the audit test reads it.
private struct AuditAnswer: Decodable {
    struct Entry: Decodable { let grant_id: String; let subject: String; let tool: String; let outcome: String; let occurred_at: String }
    let entries: [Entry]
}
