import Foundation
import Shared
import Testing
import TestSupport

@testable import ResourceServerCore
@testable import ServiceDesk
@testable import ToolKit

/// Writes from two resource-servers on one PostgreSQL database: what SQLite's single writer gives for free
/// must hold across instances.
@Suite("Service-desk writes racing on PostgreSQL")
struct PostgresServiceDeskWriteRaceTests {
    @Test("calls with one idempotency key racing on two instances make exactly one change; the rest replay it")
    func oneKeyOneChange() async throws {
        try await Self.withTwoInstances("desk_write_race") { records, stores, contracts in
            let new = NewTicket(
                customerID: records.companies[0].id, subject: "Printer on fire", description: "Smoke.", priority: .urgent,
                requesterEmail: "a@example.com", assetID: nil)
            let arguments: JSONValue = ["customer_id": .string(new.customerID), "subject": "Printer on fire"]
            let callers = 12
            let results = try await withThrowingTaskGroup(of: DeskWriteResult.self) { group in
                for call in 0..<callers {
                    group.addTask {
                        try await contracts[call % 2].write(.createTicket(new), tool: "create_ticket", arguments: arguments, key: "same-key")
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let done = results.compactMap { if case .done(let report) = $0 { report } else { nil } }
            #expect(done.count == 1, "exactly one call makes the change")
            let replayed = results.compactMap { if case .replayed(let report, by: .idempotencyKey) = $0 { report } else { nil } }
            #expect(replayed.count == callers - 1 && replayed.allSatisfy { $0 == done.first }, "every other call answers with the first one's report")
            #expect(try await stores[1].counts(tenantID: Tenant.defaultID).tickets == records.tickets.count + 1)
        }
    }

    @Test("new tickets racing on two instances get distinct numbers")
    func distinctNumbers() async throws {
        try await Self.withTwoInstances("desk_number_race") { records, _, contracts in
            let numbers = try await withThrowingTaskGroup(of: String?.self) { group in
                for call in 0..<10 {
                    group.addTask {
                        let new = NewTicket(
                            customerID: records.companies[0].id, subject: "Call \(call)", description: "-", priority: .low, requesterEmail: "a@example.com",
                            assetID: nil)
                        guard case .done(let report) = try await contracts[call % 2].write(
                            .createTicket(new), tool: "create_ticket", arguments: ["n": .int(Int64(call))], key: "key-\(call)")
                        else { return nil }
                        return report.ticket?.number
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(numbers.count == 10 && Set(numbers.compactMap { $0 }).count == 10)
        }
    }

    /// Two stores on one fresh database, each with a pool of its own as two resource-servers would have, the
    /// contract's records imported once.
    private static func withTwoInstances(
        _ name: String,
        _ body: @Sendable (ServiceDeskRecords, [PostgresServiceDeskStore], [ServiceDeskStoreContract]) async throws -> Void
    ) async throws {
        try await TestPostgres.withDatabase(name, migrations: PostgresServiceDeskStoreContractTests.migrations) { first in
            let second = try await PostgresSchemaPool.open(
                location: try TestPostgres.location(), schema: first.schema, migrations: PostgresServiceDeskStoreContractTests.migrations)
            defer { second.close() }
            try await PostgresResourceStorage(database: first)
                .saveTenant(Tenant(id: Tenant.defaultID, issuer: "https://issuer", resource: "https://resource"))
            let records = await ServiceDeskStoreContract.records()
            let stores = [PostgresServiceDeskStore(database: first), PostgresServiceDeskStore(database: second)]
            try await stores[0].importRecords(records, intoEmptyTenant: Tenant.defaultID)
            try await body(records, stores, stores.map { ServiceDeskStoreContract(store: $0, records: records) })
        }
    }
}
