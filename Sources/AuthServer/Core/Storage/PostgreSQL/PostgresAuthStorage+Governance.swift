import Foundation
import PostgresNIO
import Shared

/// Who may connect which apps (`GovernanceStore`) on PostgreSQL.
extension PostgresAuthStorage {
    public func tenantGovernance(tenantID: String) async throws -> TenantGovernance {
        try await database.preparedRecords("SELECT * FROM tenant_governance WHERE tenant_id = \(tenantID)").first?.record(TenantGovernanceRow.self).model()
            ?? TenantGovernance(tenantID: tenantID)
    }

    public func saveTenantGovernance(_ governance: TenantGovernance, ledger: LedgerEntry?) async throws {
        let row = TenantGovernanceRow(governance)
        try await database.write { write in
            try await write.rows(
                """
                INSERT INTO tenant_governance (tenant_id, company_users_may_connect, app_policy)
                VALUES (\(row.tenantID), \(row.companyUsersMayConnect), \(row.appPolicy))
                ON CONFLICT (tenant_id) DO UPDATE SET company_users_may_connect = excluded.company_users_may_connect, app_policy = excluded.app_policy
                """)
            if let ledger { try await Self.appendLedger(write, [ledger]) }
        }
    }

    public func administratorEmails(tenantID: String) async throws -> [String] {
        try await database.rows(
            "SELECT email FROM person WHERE tenant_id = \(tenantID) AND role = \(Role.admin.rawValue) AND disabled_at IS NULL ORDER BY email COLLATE \"C\""
        ).map { try $0.value("email") }
    }

    public func setUserMayConnect(tenantID: String, userID: String, mayConnect: Bool?, ledger: LedgerEntry?) async throws -> Bool {
        try await database.write { write in
            guard try await !write.rows("UPDATE person SET may_connect = \(mayConnect) WHERE tenant_id = \(tenantID) AND id = \(userID) RETURNING 1").isEmpty
            else { return false }
            if let ledger { try await Self.appendLedger(write, [ledger]) }
            return true
        }
    }

    public func clients(tenantID: String) async throws -> [Client] {
        try await database.rows(
            "SELECT * FROM client WHERE tenant_id = \(tenantID) AND kind <> \(Client.Kind.resourceServer.rawValue) ORDER BY created_at DESC, id COLLATE \"C\""
        ).map { try $0.record(ClientRow.self).model() }
    }

    public func approveClient(tenantID: String, id: String, ledger: LedgerEntry) async throws -> Bool {
        try await database.write { write in
            guard try await Self.setApproval(write, .approved, tenantID: tenantID, id: id) else { return false }
            try await Self.appendLedger(write, [ledger])
            return true
        }
    }

    public func blockClient(
        tenantID: String, id: String, reason: String, at: Date, ledger: @escaping @Sendable (_ grantsEnded: Int) -> LedgerEntry
    ) async throws -> Int? {
        try await database.write { write in
            guard try await Self.setApproval(write, .blocked, tenantID: tenantID, id: id) else { return nil }
            let ended = try await Self.revokeGrants(write, tenantID: tenantID, clientID: id, reason: reason, at: at)
            try await Self.appendLedger(write, [ledger(ended)])
            return ended
        }
    }

    private static func setApproval(_ write: PostgresWrite, _ state: ClientApproval.State, tenantID: String, id: String) async throws -> Bool {
        try await !write.rows("UPDATE client SET approval = \(state.rawValue) WHERE tenant_id = \(tenantID) AND id = \(id) RETURNING 1").isEmpty
    }

    public func recordClientApprovalRequest(tenantID: String, id: String, userID: String, at: Date) async throws {
        try await database.rows(
            """
            UPDATE client SET approval_requested_at = \(at), approval_requested_by = \(userID)
            WHERE tenant_id = \(tenantID) AND id = \(id) AND approval = \(ClientApproval.State.pending.rawValue) AND approval_requested_at IS NULL
            """)
    }
}
