import Foundation
import Shared
import Testing

@testable import ServiceDesk
@testable import ToolKit

/// What every `AuditLogStore` does, with the desk's reads by grant and by person: part of
/// `ServiceDeskStoreContract`, and on its own for a store that so far holds only the log.
struct AuditLogContract {
    let store: any AuditLogStore
    let now: Date
    /// The store's `auditEntries(tenantID:of:limit:)`.
    let selected: @Sendable (AuditSelection, Int) async throws -> [AuditEntry]
    let tenantID = Tenant.defaultID

    func entry(_ index: Int, grant: String, subject: String, at date: Date) -> AuditEntry {
        AuditEntry(
            tenantID: tenantID, id: "aud_contract_\(index)", occurredAt: date, tool: "list_tickets", subject: subject, clientID: "client-1", grantID: grant,
            tokenKind: "access_token", argumentDigest: "digest", outcome: "ok", dryRun: false, durationMilliseconds: Int64(index), ticketID: nil,
            companyID: nil, actorEmail: "\(subject)@example.com", clientAddress: "127.0.0.1")
    }

    func exportSelectAndPrune() async throws {
        let old = now.addingTimeInterval(-400 * 86_400)
        let entries = (0..<150).map { entry($0, grant: $0 % 2 == 0 ? "g-even" : "g-odd", subject: $0 % 3 == 0 ? "ana" : "ben", at: $0 < 10 ? old : now) }
        try await store.appendAudit(Array(entries.prefix(70)))
        try await store.appendAudit(Array(entries.dropFirst(70)))

        var exported: [PositionedAuditEntry] = []
        var position: Int64 = 0
        while true {
            let batch = try await store.auditLog(tenantID: tenantID, after: position, limit: 40)
            guard let last = batch.last else { break }
            exported += batch
            position = last.position
        }
        #expect(exported.map(\.entry) == entries, "in the order stored, every field kept, continued by position")
        #expect(zip(exported, exported.dropFirst()).allSatisfy { $0.position < $1.position })
        #expect(try await store.auditLog(tenantID: "other", after: 0, limit: 10).isEmpty)

        let byGrant = try await store.auditEntries(tenantID: tenantID, grantID: "g-odd", limit: 5)
        #expect(byGrant.map(\.id) == entries.filter { $0.grantID == "g-odd" }.suffix(5).reversed().map(\.id), "newest first")
        let bySubject = try await selected(.subject("ana"), 4)
        #expect(bySubject.map(\.id) == entries.filter { $0.subject == "ana" }.suffix(4).map(\.id), "the newest, oldest first")
        let ofGrant = try await selected(.grant("g-even"), 1_000)
        #expect(ofGrant.map(\.id) == entries.filter { $0.grantID == "g-even" }.map(\.id))

        #expect(try await store.pruneAudit(before: now.addingTimeInterval(-86_400)) == 10)
        let kept = try await store.auditLog(tenantID: tenantID, after: 0, limit: 1_000)
        #expect(kept.map(\.entry) == Array(entries.dropFirst(10)))
        #expect(try await store.pruneAudit(before: now.addingTimeInterval(-86_400)) == 0)
    }
}
