import Foundation
import PostgresNIO
import Shared
import Testing
import TestSupport

@testable import ResourceServerCore

/// What every `ResourceStorage` does, written once and run on each engine by the suites below.
enum ResourceStorageContract {
    static func tenants(_ storage: any ResourceStorage) async throws {
        #expect(try await storage.allTenants() == [])
        try await storage.saveTenant(Tenant(id: "default", issuer: "https://a", resource: "https://a/mcp"))
        try await storage.saveTenant(Tenant(id: "acme", issuer: "https://acme", resource: "https://acme/mcp"))
        // Saving an existing id updates it in place.
        try await storage.saveTenant(Tenant(id: "default", issuer: "https://b", resource: "https://b/mcp"))
        #expect(
            Set(try await storage.allTenants().map { [$0.id, $0.issuer, $0.resource] }) == [
                ["default", "https://b", "https://b/mcp"], ["acme", "https://acme", "https://acme/mcp"],
            ])
        // Two tenants cannot share a resource URL: a token's audience names one tenant.
        await #expect(throws: (any Error).self) {
            try await storage.saveTenant(Tenant(id: "copy", issuer: "https://c", resource: "https://acme/mcp"))
        }
        #expect(Set(try await storage.allTenants().map(\.id)) == ["default", "acme"])
    }

    static func featureSwitches(_ storage: any ResourceStorage) async throws {
        try await storage.saveTenant(Tenant(id: "default", issuer: "https://a", resource: "https://a/mcp"))
        try await storage.saveTenant(Tenant(id: "acme", issuer: "https://acme", resource: "https://acme/mcp"))
        #expect(try await storage.switchedOffModules(tenantID: "default") == [], "every module is on until switched off")
        try await storage.setFeatures([.billing: false, .rules: false], tenantID: "default")
        #expect(try await storage.switchedOffModules(tenantID: "default") == [.billing, .rules])
        #expect(try await storage.switchedOffModules(tenantID: "acme") == [], "one tenant's switches leave the others alone")
        try await storage.setFeatures([.billing: true, .search: false], tenantID: "default")
        #expect(try await storage.switchedOffModules(tenantID: "default") == [.rules, .search], "modules not named keep their state")
        // A switch names a tenant that exists.
        await #expect(throws: (any Error).self) { try await storage.setFeatures([.alerts: false], tenantID: "nobody") }
    }
}

@Suite("ResourceStorage contract on SQLite")
struct SQLiteResourceStorageContractTests {
    static func storage() throws -> SQLiteResourceStorage {
        try SQLiteResourceStorage(path: FileManager.default.temporaryDirectory.appendingPathComponent("rs-\(UUID().uuidString).sqlite").path)
    }

    @Test("tenants: saved, updated in place, resource URLs unique")
    func tenants() async throws { try await ResourceStorageContract.tenants(try Self.storage()) }

    @Test("feature switches: on by default, per tenant, only the named modules change")
    func featureSwitches() async throws { try await ResourceStorageContract.featureSwitches(try Self.storage()) }
}

/// On the real PostgreSQL server Deploy/test starts.
@Suite("ResourceStorage contract on PostgreSQL")
struct PostgresResourceStorageContractTests {
    static func withStorage(_ body: (PostgresResourceStorage) async throws -> Void) async throws {
        try await TestPostgres.withDatabase("resource", migrations: PostgresResourceStorage.migrations) { try await body(PostgresResourceStorage(database: $0)) }
    }

    @Test("tenants: saved, updated in place, resource URLs unique")
    func tenants() async throws { try await Self.withStorage { try await ResourceStorageContract.tenants($0) } }

    @Test("feature switches: on by default, per tenant, only the named modules change")
    func featureSwitches() async throws { try await Self.withStorage { try await ResourceStorageContract.featureSwitches($0) } }

    @Test("a switch stored by a later build, for a module this one does not know, is ignored")
    func unknownModule() async throws {
        try await Self.withStorage { storage in
            try await storage.saveTenant(Tenant(id: "default", issuer: "https://a", resource: "https://a/mcp"))
            try await storage.database.query("INSERT INTO feature_switch (tenant_id, module, enabled) VALUES ('default', 'teleport', false)")
            try await storage.setFeatures([.billing: false], tenantID: "default")
            #expect(try await storage.switchedOffModules(tenantID: "default") == [.billing])
        }
    }

    @Test("the tables land in the schema the storage was opened on")
    func ownSchema() async throws {
        try await Self.withStorage { storage in
            let tables = try await storage.database.query(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = \(storage.database.schema) ORDER BY table_name"
            ).collect().map { try $0.decode(String.self) }
            #expect(tables == ["feature_switch", "schema_migration", "tenant", "tool_call_window"])
        }
    }
}
