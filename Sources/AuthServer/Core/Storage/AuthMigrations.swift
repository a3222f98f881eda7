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
        migrator.registerMigration("v2: browser sessions") { db in
            // Both tables are keyed by the SHA-256 of their cookie's secret, never the secret itself.
            try db.create(table: "browser_session") { t in
                t.column("tenant_id", .text).notNull().references("tenant", onDelete: .cascade)
                t.column("id_hash", .text).notNull()
                t.column("user_id", .text).notNull()
                t.column("created_at", .datetime).notNull()
                t.column("last_seen_at", .datetime).notNull()
                t.column("auth_time", .datetime).notNull()
                t.column("amr", .text).notNull()
                t.primaryKey(["tenant_id", "id_hash"])
                t.foreignKey(["tenant_id", "user_id"], references: "user", columns: ["tenant_id", "id"], onDelete: .cascade)
            }
            try db.create(index: "browser_session_user", on: "browser_session", columns: ["tenant_id", "user_id"])
            try db.create(table: "pending_sign_in") { t in
                t.column("tenant_id", .text).notNull().references("tenant", onDelete: .cascade)
                t.column("id_hash", .text).notNull()
                t.column("user_id", .text).notNull()
                t.column("return_to", .text).notNull()
                t.column("created_at", .datetime).notNull()
                t.primaryKey(["tenant_id", "id_hash"])
                t.foreignKey(["tenant_id", "user_id"], references: "user", columns: ["tenant_id", "id"], onDelete: .cascade)
            }
        }
        return migrator
    }
}
