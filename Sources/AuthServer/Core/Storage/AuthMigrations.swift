import GRDB
import Shared

/// The auth-server's schema, one versioned migration at a time. Applied at every start; never edit a
/// migration that has shipped, add the next one.
enum AuthMigrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: tenants, signing keys, users") { db in
            try TenantTable.create(db, uniqueColumn: "issuer")
            try db.create(table: "signing_key") { t in
                t.column("tenant_id", .text).notNull().references("tenant", onDelete: .cascade)
                t.column("kid", .text).notNull()
                t.column("public_jwk", .text).notNull()
                t.column("sealed_private_key", .blob).notNull()
                t.column("created_at", .datetime).notNull()
                t.column("retired_at", .datetime)
                t.column("publish_until", .datetime)
                t.primaryKey(["tenant_id", "kid"])
            }
            try db.create(table: "user") { t in
                t.column("tenant_id", .text).notNull().references("tenant", onDelete: .cascade)
                t.column("id", .text).notNull()
                t.column("email", .text).notNull()
                t.column("password_hash", .text).notNull()
                t.column("role", .text).notNull()
                t.column("company_id", .text)
                t.column("created_at", .datetime).notNull()
                t.primaryKey(["tenant_id", "id"])
                t.uniqueKey(["tenant_id", "email"])
            }
        }
        return migrator
    }
}
