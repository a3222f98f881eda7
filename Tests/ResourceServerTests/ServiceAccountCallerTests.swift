import Crypto
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Shared
import Testing

@testable import ResourceServerCore
@testable import ToolKit

/// The resource-server's side of service accounts (docs/tokens.md § Service accounts) and of the shared ledger shape
/// (docs/security.md § The audit ledger): whoami, the high-trust refusal, and the audit entry's new fields and retention.
@Suite("Service-account callers and the ledger shape")
struct ServiceAccountCallerTests {
    static func serviceAccountToken(_ house: TestHouse, scope: String, mfa: Bool = false) throws -> String {
        let now = Int64(Date().timeIntervalSince1970)
        let claims = AccessTokenClaims(
            issuer: TestHouse.issuer, subject: "svc_abc", audience: TestHouse.resource, clientID: "svc_abc", scope: mfa ? scope + " mfa" : scope,
            issuedAt: now, expiresAt: now + 600, tokenID: UUID().uuidString, grantID: "grant-svc", tenantID: Tenant.defaultID, role: "technician",
            subjectType: "service_account", name: "Nightly export")
        return try AccessTokenSigner(keyID: house.keyID, privateKey: house.signingKey).sign(claims)
    }

    @Test("whoami says service_account and the account's name; the audit entry records the kind and no email")
    func whoami() async throws {
        let house = try await TestHouse()
        let token = try Self.serviceAccountToken(house, scope: "things:read")
        try await house.test { client in
            let (body, headers) = modern("tools/call", params: ["name": "whoami", "arguments": [:]])
            let call = try await client.mcp(body, token: token, headers: headers)
            let result = call.json?["result"]?["structuredContent"]
            #expect(result?["token_kind"] == "service_account" && result?["name"] == "Nightly export" && result?["subject"] == "svc_abc")
            #expect(call.json?["result"]?["content"]?.arrayFirst?["text"]?.stringValue?.contains("the service account \"Nightly export\"") == true)
        }
        await house.environment.audit.flush()
        let entry = try #require(try await house.environment.serviceDesk.auditLog(tenantID: Tenant.defaultID, after: 0, limit: 10).last?.entry)
        #expect(entry.tokenKind == "service_account" && entry.actorEmail == nil && entry.grantID == "grant-svc")
        let ledger = entry.ledgerEntry
        #expect(ledger.event == "tool.call" && ledger.actorID == "svc_abc" && ledger.detail == "whoami" && ledger.grantID == "grant-svc")
    }

    @Test("a high-trust tool is refused to a service account with a tool error naming why, never a challenge it cannot answer")
    func highTrustRefused() async throws {
        let desk = try await SeededDesk.writable.value
        var claims = desk.caller(desk.technician).claims
        claims.scope = SeededDesk.everyScope
        claims.subjectType = "service_account"
        let caller = Caller(claims: claims, tokenKind: .of(accessToken: claims))
        #expect(caller.tokenKind == .serviceAccount)
        let gate = CallGate(
            registry: desk.environment.registry, authority: ToolAuthority(), rateLimits: desk.environment.rateLimits, audit: desk.environment.audit)
        let tenant = Tenant(id: Tenant.defaultID, issuer: TestHouse.issuer, resource: TestHouse.resource)
        let request = MCPRequest(id: 7, method: "tools/call", params: ["name": "close_ticket", "arguments": ["ticket_id": "tkt_x"]], era: .handshake)
        guard case .admitted(let decisions) = try await gate.admit([request], caller: caller, tenant: tenant),
            case .answered(.success(let result)) = decisions.first
        else {
            Issue.record("a service account was not answered with a tool error"); return
        }
        #expect(result["isError"] == true)
        #expect(result["content"]?.arrayFirst?["text"]?.stringValue?.contains("a service account never holds") == true)
    }

    @Test("tool-call entries carry the caller's email and address, are found by grant, and are pruned after the retention")
    func entryFieldsAndRetention() async throws {
        let house = try await TestHouse()
        let store = house.environment.serviceDesk
        let claims = AccessTokenClaims(
            issuer: "i", subject: "usr_1", audience: "a", clientID: "c", scope: "", issuedAt: 0, expiresAt: 1, tokenID: "t", grantID: "grant-a",
            tenantID: Tenant.defaultID, email: "alice@example.com")
        let caller = Caller(claims: claims, tokenKind: .accessToken)
        let old = AuditTrail(
            tenantID: Tenant.defaultID, tool: "whoami", caller: caller, arguments: [:], clientAddress: "192.0.2.7", now: Date().addingTimeInterval(-401 * 86_400)
        ).entry(outcome: .ok, dryRun: false)
        let recent = AuditTrail(tenantID: Tenant.defaultID, tool: "echo", caller: caller, arguments: [:], clientAddress: "192.0.2.8")
            .entry(outcome: .ok, dryRun: true)
        try await store.appendAudit([old, recent])
        let byGrant = try await store.auditEntries(tenantID: Tenant.defaultID, grantID: "grant-a", limit: 10)
        #expect(byGrant.map(\.id) == [recent.id, old.id])
        #expect(byGrant[0].actorEmail == "alice@example.com" && byGrant[0].clientAddress == "192.0.2.8")
        #expect(byGrant[0].ledgerEntry.detail == "echo (dry run)" && byGrant[0].ledgerEntry.clientAddress == "192.0.2.8")
        await AuditPruning(days: 400, logger: Logger(label: "test")) { try await store.pruneAudit(before: $0) }.pruneOnce(now: Date())
        #expect(try await store.auditEntries(tenantID: Tenant.defaultID, grantID: "grant-a", limit: 10).map(\.id) == [recent.id])
        #expect(ResourceServerSettings.knownKeys.contains("AUDIT_RETENTION_DAYS"))
        #expect(try ResourceServerSettings.load(environment: ["GATEHOUSE_AUDIT_RETENTION_DAYS": "90"]).auditRetentionDays == 90)
    }
}
