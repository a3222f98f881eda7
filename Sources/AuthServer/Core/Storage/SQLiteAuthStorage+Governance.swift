import Foundation
import GRDB
import Shared

extension SQLiteAuthStorage {
    public func tenantGovernance(tenantID: String) async throws -> TenantGovernance {
        try await database.read { db in
            try TenantGovernanceRow.fetchOne(db, cached: "SELECT * FROM tenant_governance WHERE tenant_id = ?", arguments: [tenantID])?.model()
                ?? TenantGovernance(tenantID: tenantID)
        }
    }

    public func saveTenantGovernance(_ governance: TenantGovernance, ledger: LedgerEntry?) async throws {
        try await database.write { db in
            try db.execute(
                cached: """
                    INSERT INTO tenant_governance (tenant_id, company_users_may_connect, app_policy)
                    VALUES (:tenant_id, :company_users_may_connect, :app_policy)
                    ON CONFLICT(tenant_id) DO UPDATE SET company_users_may_connect = excluded.company_users_may_connect,
                        app_policy = excluded.app_policy
                    """, arguments: StatementArguments(try TenantGovernanceRow(governance).databaseDictionary))
            if let ledger { try Self.appendLedger(db, [ledger]) }
        }
    }

    public func administratorEmails(tenantID: String) async throws -> [String] {
        try await database.read { db in
            try String.fetchAll(
                db, cached: "SELECT email FROM user WHERE tenant_id = ? AND role = ? AND disabled_at IS NULL ORDER BY email",
                arguments: [tenantID, Role.admin.rawValue])
        }
    }

    public func setUserMayConnect(tenantID: String, userID: String, mayConnect: Bool?, ledger: LedgerEntry?) async throws -> Bool {
        try await database.write { db in
            try db.execute(cached: "UPDATE user SET may_connect = ? WHERE tenant_id = ? AND id = ?", arguments: [mayConnect, tenantID, userID])
            guard db.changesCount > 0 else { return false }
            if let ledger { try Self.appendLedger(db, [ledger]) }
            return true
        }
    }

    public func clients(tenantID: String) async throws -> [Client] {
        try await database.read { db in
            try ClientRow.fetchAll(
                db, cached: "SELECT * FROM client WHERE tenant_id = ? AND kind != ? ORDER BY created_at DESC, id",
                arguments: [tenantID, Client.Kind.resourceServer.rawValue]
            ).map { try $0.model() }
        }
    }

    public func approveClient(tenantID: String, id: String, ledger: LedgerEntry) async throws -> Bool {
        try await database.write { db in
            guard try Self.setApproval(db, .approved, tenantID: tenantID, id: id) else { return false }
            try Self.appendLedger(db, [ledger])
            return true
        }
    }

    public func blockClient(
        tenantID: String, id: String, reason: String, at: Date, ledger: @escaping @Sendable (_ grantsEnded: Int) -> LedgerEntry
    ) async throws -> Int? {
        try await database.write { db in
            guard try Self.setApproval(db, .blocked, tenantID: tenantID, id: id) else { return nil }
            let ended = try Self.revokeGrants(db, tenantID: tenantID, where: "client_id = ?", [id], reason: reason, at: at)
            try Self.appendLedger(db, [ledger(ended)])
            return ended
        }
    }

    private static func setApproval(_ db: Database, _ state: ClientApproval.State, tenantID: String, id: String) throws -> Bool {
        try db.execute(cached: "UPDATE client SET approval = ? WHERE tenant_id = ? AND id = ?", arguments: [state.rawValue, tenantID, id])
        return db.changesCount > 0
    }

    public func recordClientApprovalRequest(tenantID: String, id: String, userID: String, at: Date) async throws {
        try await database.write { db in
            try db.execute(
                cached: """
                    UPDATE client SET approval_requested_at = ?, approval_requested_by = ?
                    WHERE tenant_id = ? AND id = ? AND approval = ? AND approval_requested_at IS NULL
                    """, arguments: [at, userID, tenantID, id, ClientApproval.State.pending.rawValue])
        }
    }
}
