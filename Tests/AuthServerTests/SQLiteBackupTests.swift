import Foundation
import GRDB
import Testing

@testable import AuthServerCore
import Shared

/// `SQLiteBackup` on the auth-server's own store: a checked copy that a store opens again, and the refusals
/// that keep a backup from ever overwriting a file or leaving a half-written one behind.
@Suite("SQLite backups")
struct SQLiteBackupTests {
    @Test("the copy opens as a store with what was written, is 0600, and leaves no partial file beside it")
    func copyOpens() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let storage = try SQLiteAuthStorage(path: directory.file("auth.sqlite"))
        let tenant = Tenant(id: "acme", issuer: "https://acme.example.com", resource: "https://acme.example.com/mcp")
        try await storage.saveTenant(tenant)
        let people = PeopleDecisions(storage: storage)
        _ = try await people.add(email: "kept@example.com", role: .technician, companyID: nil, password: "correct horse battery", tenant: tenant, by: nil, now: Date())

        let copy = directory.file("backups/auth-copy.sqlite")
        try FileManager.default.createDirectory(atPath: directory.file("backups"), withIntermediateDirectories: true)
        #expect(try SQLiteBackup.copy(databaseAt: directory.file("auth.sqlite"), to: copy) > 0)
        #expect(try permissions(of: copy) == 0o600)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.file("backups")) == ["auth-copy.sqlite"])
        let restored = try SQLiteAuthStorage(path: copy)
        #expect(try await restored.user(tenantID: "acme", email: "kept@example.com") != nil)
    }

    @Test("a missing database or an existing destination is refused, and the destination is left as it was")
    func refusals() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        #expect(throws: SQLiteBackup.Failure.self) { try SQLiteBackup.copy(databaseAt: directory.file("none.sqlite"), to: directory.file("copy")) }
        _ = try SQLiteAuthStorage(path: directory.file("auth.sqlite"))
        let existing = directory.file("existing")
        try Data("keep me".utf8).write(to: URL(fileURLWithPath: existing))
        #expect(throws: SQLiteBackup.Failure.self) { try SQLiteBackup.copy(databaseAt: directory.file("auth.sqlite"), to: existing) }
        #expect(try String(contentsOfFile: existing, encoding: .utf8) == "keep me")
        #expect(throws: (any Error).self) { try SQLiteBackup.copy(databaseAt: directory.file("auth.sqlite"), to: directory.file("no/such/folder/copy")) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).allSatisfy { !$0.contains(".partial-") })
    }
}
