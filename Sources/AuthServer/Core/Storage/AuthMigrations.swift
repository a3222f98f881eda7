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
        migrator.registerMigration("v3: clients, grants, codes, refresh tokens, consents") { db in
            try db.create(table: "client") { t in
                t.column("tenant_id", .text).notNull().references("tenant", onDelete: .cascade)
                t.column("id", .text).notNull()
                t.column("kind", .text).notNull()
                t.column("name", .text).notNull()
                t.column("redirect_uris", .text).notNull()
                t.column("auth_method", .text).notNull()
                t.column("secret_hashes", .text).notNull()
                t.column("registration_token_hash", .text)
                t.column("grant_types", .text).notNull()
                t.column("scope", .text)
                t.column("jwks_uri", .text)
                t.column("jwks", .text)
                t.column("registration_fingerprint", .text)
                t.column("metadata_json", .text)
                t.column("created_at", .datetime).notNull()
                t.column("last_used_at", .datetime)
                t.primaryKey(["tenant_id", "id"])
            }
            try db.create(index: "client_fingerprint", on: "client", columns: ["tenant_id", "registration_fingerprint"])
            try db.create(table: "oauth_grant") { t in
                t.column("tenant_id", .text).notNull()
                t.column("id", .text).notNull()
                t.column("user_id", .text).notNull()
                t.column("client_id", .text).notNull()
                t.column("resource", .text).notNull()
                t.column("scopes", .text).notNull()
                t.column("created_at", .datetime).notNull()
                t.column("last_authorised_at", .datetime).notNull()
                t.column("revoked_at", .datetime)
                t.column("revocation_reason", .text)
                t.primaryKey(["tenant_id", "id"])
                t.foreignKey(["tenant_id", "client_id"], references: "client", columns: ["tenant_id", "id"], onDelete: .cascade)
                t.foreignKey(["tenant_id", "user_id"], references: "user", columns: ["tenant_id", "id"], onDelete: .cascade)
            }
            try db.create(index: "grant_person", on: "oauth_grant", columns: ["tenant_id", "user_id", "client_id"])
            try db.create(table: "authorization_code") { t in
                t.column("tenant_id", .text).notNull()
                t.column("code_hash", .text).notNull()
                t.column("grant_id", .text).notNull()
                t.column("client_id", .text).notNull()
                t.column("user_id", .text).notNull()
                t.column("redirect_uri", .text).notNull()
                t.column("code_challenge", .text).notNull()
                t.column("resource", .text).notNull()
                t.column("scopes", .text).notNull()
                t.column("auth_time", .datetime).notNull()
                t.column("expires_at", .datetime).notNull()
                t.column("used_at", .datetime)
                t.primaryKey(["tenant_id", "code_hash"])
                t.foreignKey(["tenant_id", "grant_id"], references: "oauth_grant", columns: ["tenant_id", "id"], onDelete: .cascade)
            }
            try db.create(table: "refresh_token") { t in
                t.column("tenant_id", .text).notNull()
                t.column("token_hash", .text).notNull()
                t.column("grant_id", .text).notNull()
                t.column("client_id", .text).notNull()
                t.column("scopes", .text).notNull()
                t.column("resource", .text).notNull()
                t.column("auth_time", .datetime).notNull()
                t.column("created_at", .datetime).notNull()
                t.column("expires_at", .datetime).notNull()
                t.column("rotated_at", .datetime)
                t.column("successor", .blob)
                t.primaryKey(["tenant_id", "token_hash"])
                t.foreignKey(["tenant_id", "grant_id"], references: "oauth_grant", columns: ["tenant_id", "id"], onDelete: .cascade)
            }
            try db.create(index: "refresh_token_grant", on: "refresh_token", columns: ["tenant_id", "grant_id"])
            try db.create(table: "consent") { t in
                t.column("tenant_id", .text).notNull()
                t.column("user_id", .text).notNull()
                t.column("client_id", .text).notNull()
                t.column("scopes", .text).notNull()
                t.column("granted_at", .datetime).notNull()
                t.primaryKey(["tenant_id", "user_id", "client_id"])
                t.foreignKey(["tenant_id", "client_id"], references: "client", columns: ["tenant_id", "id"], onDelete: .cascade)
            }
            try db.create(table: "pending_authorization") { t in
                t.column("tenant_id", .text).notNull()
                t.column("id_hash", .text).notNull()
                t.column("user_id", .text).notNull()
                t.column("client_id", .text).notNull()
                t.column("redirect_uri", .text).notNull()
                t.column("state", .text)
                t.column("code_challenge", .text).notNull()
                t.column("resource", .text).notNull()
                t.column("scopes", .text).notNull()
                t.column("expires_at", .datetime).notNull()
                t.primaryKey(["tenant_id", "id_hash"])
            }
            try db.create(table: "revocation_event") { t in
                t.autoIncrementedPrimaryKey("seq")
                t.column("tenant_id", .text).notNull()
                t.column("grant_id", .text).notNull()
                t.column("revoked_at", .datetime).notNull()
            }
            try db.create(index: "revocation_event_tenant", on: "revocation_event", columns: ["tenant_id", "seq"])
        }
        migrator.registerMigration("v4: pinned clients") { db in
            try db.alter(table: "client") { t in t.add(column: "pinned", .boolean).notNull().defaults(to: false) }
        }
        migrator.registerMigration("v5: revocation log numbered per tenant") { db in
            // Each tenant's log counts from 1 on its own, so a reader learns nothing of other tenants from the
            // numbers; the counter outlives the events it numbered, so a number is never handed out twice.
            try db.create(table: "revocation_log") { t in
                t.column("tenant_id", .text).notNull().references("tenant", onDelete: .cascade)
                t.column("seq", .integer).notNull()
                t.column("kind", .text).notNull()
                t.column("subject", .text).notNull()
                t.column("revoked_at", .datetime).notNull()
                t.primaryKey(["tenant_id", "seq"])
            }
            try db.create(index: "revocation_log_age", on: "revocation_log", columns: ["revoked_at"])
            try db.create(table: "revocation_counter") { t in
                t.primaryKey("tenant_id", .text).references("tenant", onDelete: .cascade)
                t.column("last_seq", .integer).notNull()
            }
            try db.execute(
                sql: """
                    INSERT INTO revocation_log (tenant_id, seq, kind, subject, revoked_at)
                    SELECT tenant_id, ROW_NUMBER() OVER (PARTITION BY tenant_id ORDER BY seq), 'grant', grant_id, revoked_at FROM revocation_event
                    """)
            try db.execute(sql: "INSERT INTO revocation_counter (tenant_id, last_seq) SELECT tenant_id, MAX(seq) FROM revocation_log GROUP BY tenant_id")
            try db.drop(table: "revocation_event")
        }
        migrator.registerMigration("v6: second factor and elevation") { db in
            // The TOTP secret is sealed with the key-encryption key; recovery codes are kept as SHA-256 only.
            try db.create(table: "second_factor") { t in
                t.column("tenant_id", .text).notNull()
                t.column("user_id", .text).notNull()
                t.column("sealed_secret", .blob).notNull()
                t.column("created_at", .datetime).notNull()
                t.column("enabled_at", .datetime)
                t.column("last_step", .integer)
                t.primaryKey(["tenant_id", "user_id"])
                t.foreignKey(["tenant_id", "user_id"], references: "user", columns: ["tenant_id", "id"], onDelete: .cascade)
            }
            try db.create(table: "recovery_code") { t in
                t.column("tenant_id", .text).notNull()
                t.column("user_id", .text).notNull()
                t.column("code_hash", .text).notNull()
                t.column("used_at", .datetime)
                t.primaryKey(["tenant_id", "user_id", "code_hash"])
                t.foreignKey(["tenant_id", "user_id"], references: "user", columns: ["tenant_id", "id"], onDelete: .cascade)
            }
            try db.alter(table: "user") { t in t.add(column: "second_factor_reset_at", .datetime) }
            for table in ["authorization_code", "refresh_token"] {
                try db.alter(table: table) { t in
                    t.add(column: "amr", .text).notNull().defaults(to: "")
                    t.add(column: "elevated_at", .datetime)
                    t.add(column: "elevated_by", .text)
                }
            }
            try db.alter(table: "pending_authorization") { t in t.add(column: "step_up", .boolean).notNull().defaults(to: false) }
        }
        migrator.registerMigration("v8: device authorizations") { db in
            // Keyed by the SHA-256 of the device code; the user code is unique among the rows kept, which are only
            // ever the live ones (expired rows are swept as new ones arrive).
            try db.create(table: "device_authorization") { t in
                t.column("tenant_id", .text).notNull().references("tenant", onDelete: .cascade)
                t.column("device_code_hash", .text).notNull()
                t.column("user_code_hash", .text).notNull()
                t.column("client_id", .text).notNull()
                t.column("resource", .text).notNull()
                t.column("requested_scopes", .text)
                t.column("created_at", .datetime).notNull()
                t.column("expires_at", .datetime).notNull()
                t.column("poll_interval", .integer).notNull()
                t.column("last_polled_at", .datetime)
                t.column("status", .text).notNull()
                t.column("user_id", .text)
                t.column("grant_id", .text)
                t.column("scopes", .text).notNull()
                t.column("auth_time", .datetime)
                t.column("amr", .text).notNull().defaults(to: "")
                t.column("elevated_at", .datetime)
                t.column("elevated_by", .text)
                t.column("tokens_issued_at", .datetime)
                t.primaryKey(["tenant_id", "device_code_hash"])
                t.uniqueKey(["tenant_id", "user_code_hash"])
                t.foreignKey(["tenant_id", "client_id"], references: "client", columns: ["tenant_id", "id"], onDelete: .cascade)
                t.foreignKey(["tenant_id", "grant_id"], references: "oauth_grant", columns: ["tenant_id", "id"], onDelete: .cascade)
            }
            try db.create(index: "device_authorization_expiry", on: "device_authorization", columns: ["expires_at"])
            // A pending consent now answers either a redirect (redirect URI, state, PKCE challenge) or a device
            // (its device code hash), never both: the table is rebuilt with the redirect columns optional.
            try db.create(table: "pending_authorization_v8") { t in
                t.column("tenant_id", .text).notNull()
                t.column("id_hash", .text).notNull()
                t.column("user_id", .text).notNull()
                t.column("client_id", .text).notNull()
                t.column("redirect_uri", .text)
                t.column("state", .text)
                t.column("code_challenge", .text)
                t.column("device_code_hash", .text)
                t.column("resource", .text).notNull()
                t.column("scopes", .text).notNull()
                t.column("step_up", .boolean).notNull().defaults(to: false)
                t.column("expires_at", .datetime).notNull()
                t.primaryKey(["tenant_id", "id_hash"])
                t.check(sql: "(redirect_uri IS NOT NULL AND code_challenge IS NOT NULL) <> (device_code_hash IS NOT NULL)")
            }
            try db.execute(
                sql: """
                    INSERT INTO pending_authorization_v8 (tenant_id, id_hash, user_id, client_id, redirect_uri, state, code_challenge,
                        resource, scopes, step_up, expires_at)
                    SELECT tenant_id, id_hash, user_id, client_id, redirect_uri, state, code_challenge, resource, scopes, step_up, expires_at
                    FROM pending_authorization
                    """)
            try db.drop(table: "pending_authorization")
            try db.rename(table: "pending_authorization_v8", to: "pending_authorization")
        }
        migrator.registerMigration("v9: personal access tokens, disabled people") { db in
            // A token is kept as its SHA-256 only; its scopes and its end live in its grant, so revoking the grant
            // (the person, an admin, /oauth/revoke, disabling the person) ends the token like any other grant.
            try db.create(table: "personal_access_token") { t in
                t.column("tenant_id", .text).notNull()
                t.column("id", .text).notNull()
                t.column("grant_id", .text).notNull()
                t.column("user_id", .text).notNull()
                t.column("token_hash", .text).notNull()
                t.column("label", .text).notNull()
                t.column("company_id", .text)
                t.column("created_at", .datetime).notNull()
                t.column("expires_at", .datetime).notNull()
                t.column("last_used_at", .datetime)
                t.column("last_used_address", .text)
                t.column("elevated_at", .datetime)
                t.column("elevated_until", .datetime)
                t.primaryKey(["tenant_id", "id"])
                t.uniqueKey(["tenant_id", "token_hash"])
                t.foreignKey(["tenant_id", "grant_id"], references: "oauth_grant", columns: ["tenant_id", "id"], onDelete: .cascade)
                t.foreignKey(["tenant_id", "user_id"], references: "user", columns: ["tenant_id", "id"], onDelete: .cascade)
            }
            try db.create(index: "personal_access_token_person", on: "personal_access_token", columns: ["tenant_id", "user_id"])
            try db.alter(table: "user") { t in t.add(column: "disabled_at", .datetime) }
        }
        migrator.registerMigration("v10: who may connect which apps") { db in
            // NULL: the person's role decides (`ConnectPermission`). Clients known before keep working: approved.
            try db.alter(table: "user") { t in t.add(column: "may_connect", .boolean) }
            try db.alter(table: "client") { t in
                t.add(column: "approval", .text).notNull().defaults(to: ClientApproval.State.approved.rawValue)
                t.add(column: "approval_requested_at", .datetime)
                t.add(column: "approval_requested_by", .text)
            }
            try db.create(table: "tenant_governance") { t in
                t.column("tenant_id", .text).notNull().primaryKey().references("tenant", onDelete: .cascade)
                t.column("company_users_may_connect", .boolean).notNull()
                t.column("app_policy", .text).notNull()
            }
        }
        migrator.registerMigration("v11: service accounts and the audit ledger") { db in
            // A service account's grant is held by the account itself, not a person: the grant's holder is no longer
            // tied to `user`, so the table is rebuilt without that reference (SQLite cannot drop one in place; the
            // migrator turns reference checks off until the end, so the tables that point at grants are untouched).
            try db.create(table: "oauth_grant_v11") { t in
                t.column("tenant_id", .text).notNull()
                t.column("id", .text).notNull()
                t.column("user_id", .text).notNull()
                t.column("client_id", .text).notNull()
                t.column("resource", .text).notNull()
                t.column("scopes", .text).notNull()
                t.column("created_at", .datetime).notNull()
                t.column("last_authorised_at", .datetime).notNull()
                t.column("revoked_at", .datetime)
                t.column("revocation_reason", .text)
                t.primaryKey(["tenant_id", "id"])
                t.foreignKey(["tenant_id", "client_id"], references: "client", columns: ["tenant_id", "id"], onDelete: .cascade)
            }
            try db.execute(sql: "INSERT INTO oauth_grant_v11 SELECT tenant_id, id, user_id, client_id, resource, scopes, created_at, last_authorised_at, revoked_at, revocation_reason FROM oauth_grant")
            try db.drop(table: "oauth_grant")
            try db.rename(table: "oauth_grant_v11", to: "oauth_grant")
            try db.create(index: "grant_person", on: "oauth_grant", columns: ["tenant_id", "user_id", "client_id"])
            // The account's secret lives as SHA-256 in its client row; its one grant carries its scopes and its end.
            try db.create(table: "service_account") { t in
                t.column("tenant_id", .text).notNull()
                t.column("id", .text).notNull()
                t.column("client_id", .text).notNull()
                t.column("grant_id", .text).notNull()
                t.column("name", .text).notNull()
                t.column("company_id", .text)
                t.column("created_by", .text)
                t.column("created_at", .datetime).notNull()
                t.column("secret_rotated_at", .datetime)
                t.column("revoked_at", .datetime)
                t.primaryKey(["tenant_id", "id"])
                t.uniqueKey(["tenant_id", "client_id"])
                t.foreignKey(["tenant_id", "client_id"], references: "client", columns: ["tenant_id", "id"], onDelete: .cascade)
            }
            try db.create(table: "ledger") { t in
                t.autoIncrementedPrimaryKey("seq")
                t.column("tenant_id", .text).notNull().references("tenant", onDelete: .cascade)
                t.column("id", .text).notNull()
                t.column("occurred_at", .datetime).notNull()
                t.column("event", .text).notNull()
                t.column("actor_id", .text)
                t.column("actor_email", .text)
                t.column("subject_id", .text)
                t.column("grant_id", .text)
                t.column("client_id", .text)
                t.column("outcome", .text).notNull()
                t.column("client_address", .text)
                t.column("detail", .text)
            }
            try db.create(index: "ledger_grant", on: "ledger", columns: ["tenant_id", "grant_id"])
            try db.create(index: "ledger_actor", on: "ledger", columns: ["tenant_id", "actor_id"])
            try db.create(index: "ledger_subject", on: "ledger", columns: ["tenant_id", "subject_id"])
            try db.create(index: "ledger_age", on: "ledger", columns: ["occurred_at"])
        }
        migrator.registerMigration("v12: tenants can be disabled") { db in
            try TenantTable.addDisabledAt(db)
        }
        return migrator
    }
}
