import Foundation
import Shared
import Testing
import TestSupport

@testable import ResourceServerCore
@testable import ServiceDesk
@testable import ToolKit

/// The service desk's audit log on the real PostgreSQL server Deploy/test starts, in the schema it shares
/// with the resource-server's other tables.
@Suite("Service-desk audit log on PostgreSQL")
struct PostgresServiceDeskAuditTests {
    static let migrations = PostgresResourceStorage.migrations + PostgresServiceDeskStore.migrations

    @Test("the audit log keeps the contract: export in order by position, reads by grant and by person, pruning")
    func contract() async throws {
        try await TestPostgres.withDatabase("desk_audit", migrations: Self.migrations) { database in
            let store = PostgresServiceDeskStore(database: database)
            let contract = AuditLogContract(store: store, now: Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))) {
                try await store.auditEntries(tenantID: Tenant.defaultID, of: $0, limit: $1)
            }
            try await contract.exportSelectAndPrune()
        }
    }

    @Test("appends racing from two instances while an export follows: every entry exported once, none passed over")
    func concurrentAppends() async throws {
        try await TestPostgres.withDatabase("desk_audit_race", migrations: Self.migrations) { first in
            let second = try await PostgresSchemaPool.open(location: try TestPostgres.location(), schema: first.schema, migrations: Self.migrations)
            defer { second.close() }
            let stores = [PostgresServiceDeskStore(database: first), PostgresServiceDeskStore(database: second)]
            let contract = AuditLogContract(store: stores[0], now: Date()) { _, _ in [] }
            let writers = 8
            let batches = 10
            let finished = Task {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for writer in 0..<writers {
                        group.addTask {
                            for batch in 0..<batches {
                                let entries = (0..<5).map { contract.entry((writer * batches + batch) * 5 + $0, grant: "g\(writer)", subject: "s", at: Date()) }
                                try await stores[writer % 2].appendAudit(entries)
                            }
                        }
                    }
                    try await group.waitForAll()
                }
            }
            // Follow the log as an exporter does, while the writers run and once after.
            var exported: [String] = []
            var position: Int64 = 0
            var done = false
            while true {
                let page = try await stores[1].auditLog(tenantID: Tenant.defaultID, after: position, limit: 7)
                exported += page.map(\.entry.id)
                position = page.last?.position ?? position
                if page.isEmpty {
                    if done { break }
                    try await finished.value
                    done = true
                }
            }
            #expect(exported.count == writers * batches * 5)
            #expect(Set(exported).count == exported.count)
        }
    }
}
