import Foundation
import GRDB
import Testing

@testable import AuthServerCore
import Shared
import TestSupport

/// The embedded store: the shared storage contract, plus what only SQLite has (WAL, GRDB migrations, the file).
@Suite("SQLiteAuthStorage")
struct SQLiteAuthStorageTests {
    static func withStorage(_ body: (SQLiteAuthStorage, TemporaryDirectory) async throws -> Void) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try await body(try SQLiteAuthStorage(path: directory.file("auth.sqlite")), directory)
    }

    @Test("storage contract", arguments: AuthStorageCheck.all)
    func contract(_ check: AuthStorageCheck) async throws {
        try await Self.withStorage { storage, _ in try await check.run(storage) }
    }

    @Test("the database is opened in WAL mode, every commit synced, nothing mapped, temporary content in memory")
    func walMode() async throws {
        try await Self.withStorage { storage, _ in
            let names = ["journal_mode", "synchronous", "mmap_size", "temp_store"]
            // synchronous 2 is FULL, temp_store 2 is MEMORY; the readers and the writer alike.
            let read = try await storage.database.read { db in try sqliteSettings(names, of: db) }
            let written = try await storage.database.write { db in try sqliteSettings(names, of: db) }
            #expect(read == "journal_mode=wal synchronous=2 mmap_size=0 temp_store=2")
            #expect(written == "journal_mode=wal synchronous=2 mmap_size=0 temp_store=2")
        }
    }

    static let tables = [
        "tenant", "signing_key", "user", "browser_session", "pending_sign_in", "client", "oauth_grant", "authorization_code", "refresh_token",
        "consent", "pending_authorization", "revocation_log", "revocation_counter", "second_factor", "recovery_code", "device_authorization",
        "personal_access_token", "tenant_governance", "service_account", "ledger",
    ]

    @Test("the migrations are recorded in grdb_migrations and their tables exist")
    func migrationsAreRecorded() async throws {
        try await Self.withStorage { storage, _ in
            let (identifiers, tables) = try await storage.database.read { db in
                (
                    try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations"),
                    try Self.tables.filter { try db.tableExists($0) }
                )
            }
            #expect(identifiers == [
                "v1: tenants, signing keys, users", "v2: browser sessions", "v3: clients, grants, codes, refresh tokens, consents", "v4: pinned clients",
                "v5: revocation log numbered per tenant", "v6: second factor and elevation", "v8: device authorizations",
                "v9: personal access tokens, disabled people", "v10: who may connect which apps", "v11: service accounts and the audit ledger",
                "v12: tenants can be disabled",
            ])
            #expect(tables == Self.tables)
        }
    }

    @Test("v8 keeps the consent requests pending before it, as redirects, and refuses a row that is both or neither")
    func pendingAuthorizationMigration() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("auth.sqlite")
        let old = try DatabaseQueue(path: path)
        try AuthMigrations.migrator.migrate(old, upTo: "v5: revocation log numbered per tenant")
        let expires = wholeSecond().addingTimeInterval(600)
        try await old.write { db in
            try TenantTable.save(Tenant(id: "a", issuer: "https://a.example", resource: "https://a.example/mcp"), in: db)
            try db.execute(
                sql: """
                    INSERT INTO pending_authorization (tenant_id, id_hash, user_id, client_id, redirect_uri, state, code_challenge, resource, scopes, expires_at)
                    VALUES ('a', 'hash', 'usr_1', 'gh_1', 'http://127.0.0.1/callback', 'xyz', 'challenge', 'https://a.example/mcp', 'tickets:read', ?)
                    """, arguments: [expires])
        }
        try old.close()
        let storage = try SQLiteAuthStorage(path: path)
        let pending = try await storage.pendingAuthorization(tenantID: "a", idHash: "hash", userID: "usr_1", at: wholeSecond())
        #expect(pending?.destination == .redirect(uri: "http://127.0.0.1/callback", state: "xyz", codeChallenge: "challenge"))
        #expect(pending?.scopes == ["tickets:read"] && pending?.expiresAt == expires)
        for (redirect, device) in [("'http://127.0.0.1/callback'", "'device'"), ("NULL", "NULL")] {
            await #expect(throws: DatabaseError.self) {
                try await storage.database.write { db in
                    try db.execute(
                        sql: """
                            INSERT INTO pending_authorization (tenant_id, id_hash, user_id, client_id, redirect_uri, code_challenge, device_code_hash,
                                resource, scopes, expires_at)
                            VALUES ('a', 'other', 'usr_1', 'gh_1', \(redirect), 'challenge', \(device), 'https://a.example/mcp', '', ?)
                            """, arguments: [expires])
                }
            }
        }
    }

    @Test("v11 keeps every grant and what hangs from it, and lets a grant be held by a service account instead of a person")
    func serviceAccountMigration() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("auth.sqlite")
        let old = try DatabaseQueue(path: path)
        try AuthMigrations.migrator.migrate(old, upTo: "v10: who may connect which apps")
        let now = wholeSecond()
        try await old.write { db in
            try TenantTable.save(Tenant(id: "a", issuer: "https://a.example", resource: "https://a.example/mcp"), in: db)
            try db.execute(
                sql: """
                    INSERT INTO user (tenant_id, id, email, password_hash, role, created_at) VALUES ('a', 'usr_1', 'a@example.com', 'x', 'technician', ?);
                    INSERT INTO client (tenant_id, id, kind, name, redirect_uris, auth_method, secret_hashes, grant_types, created_at)
                    VALUES ('a', 'gh_1', 'dynamic', 'App', '[]', 'none', '', '[]', ?);
                    INSERT INTO oauth_grant (tenant_id, id, user_id, client_id, resource, scopes, created_at, last_authorised_at)
                    VALUES ('a', 'grant_1', 'usr_1', 'gh_1', 'https://a.example/mcp', 'tickets:read', ?, ?);
                    INSERT INTO refresh_token (tenant_id, token_hash, grant_id, client_id, scopes, resource, auth_time, created_at, expires_at)
                    VALUES ('a', 'rt', 'grant_1', 'gh_1', 'tickets:read', 'https://a.example/mcp', ?, ?, ?);
                    """, arguments: [now, now, now, now, now, now, now.addingTimeInterval(3600)])
        }
        try old.close()
        let storage = try SQLiteAuthStorage(path: path)
        #expect(try await storage.grant(tenantID: "a", id: "grant_1")?.scopes == ["tickets:read"])
        #expect(try await storage.refreshToken(tenantID: "a", tokenHash: "rt")?.grantID == "grant_1")
        // Grants still go with their client, and the refresh tokens with their grant.
        try await storage.saveGrant(
            Grant(tenantID: "a", id: "grant_svc", userID: "svc_1", clientID: "gh_1", resource: "https://a.example/mcp", scopes: [], createdAt: now,
                lastAuthorisedAt: now))
        #expect(try await storage.deleteClient(tenantID: "a", id: "gh_1", ledger: Ledger.entry(.clientDeleted, tenantID: "a", clientID: "gh_1", at: now)))
        #expect(try await storage.grant(tenantID: "a", id: "grant_svc") == nil)
        #expect(try await storage.refreshToken(tenantID: "a", tokenHash: "rt") == nil)
    }

    @Test("v10 leaves every client known before it approved, so an upgrade disconnects no app, and people to their role")
    func governanceMigration() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("auth.sqlite")
        let old = try DatabaseQueue(path: path)
        try AuthMigrations.migrator.migrate(old, upTo: "v9: personal access tokens, disabled people")
        try await old.write { db in
            try TenantTable.save(Tenant(id: "a", issuer: "https://a.example", resource: "https://a.example/mcp"), in: db)
            try db.execute(
                sql: """
                    INSERT INTO client (tenant_id, id, kind, name, redirect_uris, auth_method, secret_hashes, grant_types, pinned, created_at)
                    VALUES ('a', 'gh_1', 'dynamic', 'Old app', '[]', 'none', '', '[]', 0, ?)
                    """, arguments: [wholeSecond()])
            try db.execute(
                sql: "INSERT INTO user (tenant_id, id, email, password_hash, role, created_at) VALUES ('a', 'usr_1', 'a@example.com', 'x', 'company', ?)",
                arguments: [wholeSecond()])
        }
        try old.close()
        let storage = try SQLiteAuthStorage(path: path)
        #expect(try await storage.client(tenantID: "a", id: "gh_1")?.approval == ClientApproval(state: .approved))
        #expect(try await storage.user(tenantID: "a", id: "usr_1")?.mayConnect == nil)
    }

    @Test("v5 renumbers a database's revocation events per tenant, keeping their order, and counts on from there")
    func revocationLogMigration() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("auth.sqlite")
        let old = try DatabaseQueue(path: path)
        try AuthMigrations.migrator.migrate(old, upTo: "v4: pinned clients")
        try await old.write { db in
            for tenant in ["a", "b"] { try TenantTable.save(Tenant(id: tenant, issuer: "https://\(tenant).example", resource: "https://\(tenant).example/mcp"), in: db) }
            for (tenant, grant) in [("a", "g1"), ("b", "g2"), ("a", "g3"), ("b", "g4"), ("a", "g5")] {
                try db.execute(sql: "INSERT INTO revocation_event (tenant_id, grant_id, revoked_at) VALUES (?, ?, ?)", arguments: [tenant, grant, Date()])
            }
        }
        try old.close()
        let storage = try SQLiteAuthStorage(path: path)
        let a = try await storage.revocationEvents(tenantID: "a", after: 0, limit: 10)
        #expect(a.map(\.seq) == [1, 2, 3] && a.map(\.subject) == ["g1", "g3", "g5"] && a.allSatisfy { $0.kind == .grant })
        let b = try await storage.revocationEvents(tenantID: "b", after: 0, limit: 10)
        #expect(b.map(\.seq) == [1, 2] && b.map(\.subject) == ["g2", "g4"])
        #expect(try await storage.latestRevocationSeq(tenantID: "a") == 3)
        #expect(try await storage.latestRevocationSeq(tenantID: "b") == 2)
    }

    @Test("reopening the same file keeps the data and does not re-run migrations")
    func reopenKeepsData() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("auth.sqlite")
        let tenant = Tenant(id: "acme", issuer: "https://acme.example.com", resource: "https://acme.example.com/mcp")
        let user = User(
            tenantID: "acme", id: "usr_1", email: "alice@example.com", passwordHash: "hash", role: .technician, companyID: nil,
            createdAt: wholeSecond())
        do {
            let first = try SQLiteAuthStorage(path: path)
            try await first.saveTenant(tenant)
            try await first.insertUser(user)
        }
        let reopened = try SQLiteAuthStorage(path: path)
        #expect(try await reopened.allTenants() == [tenant])
        #expect(try await reopened.user(tenantID: "acme", email: "alice@example.com") == user)
        let migrations = try await reopened.database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM grdb_migrations") }
        #expect(migrations == AuthMigrations.migrator.migrations.count)
    }
}
