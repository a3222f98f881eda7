import Shared

/// The auth-server's schema on PostgreSQL (`gatehouse_auth`), one step at a time: the same tables, keys and
/// references as the SQLite store's (`AuthMigrations`), in PostgreSQL's own types. Never edit a step that has
/// shipped, add the next one.
///
/// `user` is a reserved word in PostgreSQL, so the people's table is `person`.
enum PostgresAuthMigrations {
    static let all: [PostgresMigration] = [
        PostgresMigration(
            "v1: the auth-server's tables",
            [
                """
                CREATE TABLE tenant (
                    id TEXT PRIMARY KEY, issuer TEXT NOT NULL UNIQUE, resource TEXT NOT NULL, created_at TIMESTAMPTZ NOT NULL)
                """,
                """
                CREATE TABLE signing_key (
                    tenant_id TEXT NOT NULL REFERENCES tenant ON DELETE CASCADE, kid TEXT NOT NULL, public_jwk TEXT NOT NULL,
                    sealed_private_key BYTEA NOT NULL, created_at TIMESTAMPTZ NOT NULL, retired_at TIMESTAMPTZ, publish_until TIMESTAMPTZ,
                    PRIMARY KEY (tenant_id, kid))
                """,
                """
                CREATE TABLE person (
                    tenant_id TEXT NOT NULL REFERENCES tenant ON DELETE CASCADE, id TEXT NOT NULL, email TEXT NOT NULL,
                    password_hash TEXT NOT NULL, role TEXT NOT NULL, company_id TEXT, created_at TIMESTAMPTZ NOT NULL,
                    second_factor_reset_at TIMESTAMPTZ, disabled_at TIMESTAMPTZ, may_connect BOOLEAN,
                    PRIMARY KEY (tenant_id, id), UNIQUE (tenant_id, email))
                """,
                // Sessions and half-done sign-ins are keyed by the SHA-256 of their cookie's secret, never the secret.
                """
                CREATE TABLE browser_session (
                    tenant_id TEXT NOT NULL REFERENCES tenant ON DELETE CASCADE, id_hash TEXT NOT NULL, user_id TEXT NOT NULL,
                    created_at TIMESTAMPTZ NOT NULL, last_seen_at TIMESTAMPTZ NOT NULL, auth_time TIMESTAMPTZ NOT NULL, amr TEXT NOT NULL,
                    PRIMARY KEY (tenant_id, id_hash), FOREIGN KEY (tenant_id, user_id) REFERENCES person (tenant_id, id) ON DELETE CASCADE)
                """,
                "CREATE INDEX browser_session_user ON browser_session (tenant_id, user_id)",
                """
                CREATE TABLE pending_sign_in (
                    tenant_id TEXT NOT NULL REFERENCES tenant ON DELETE CASCADE, id_hash TEXT NOT NULL, user_id TEXT NOT NULL,
                    return_to TEXT NOT NULL, created_at TIMESTAMPTZ NOT NULL,
                    PRIMARY KEY (tenant_id, id_hash), FOREIGN KEY (tenant_id, user_id) REFERENCES person (tenant_id, id) ON DELETE CASCADE)
                """,
                """
                CREATE TABLE client (
                    tenant_id TEXT NOT NULL REFERENCES tenant ON DELETE CASCADE, id TEXT NOT NULL, kind TEXT NOT NULL, name TEXT NOT NULL,
                    redirect_uris TEXT NOT NULL, auth_method TEXT NOT NULL, secret_hashes TEXT NOT NULL, registration_token_hash TEXT,
                    grant_types TEXT NOT NULL, scope TEXT, jwks_uri TEXT, jwks TEXT, registration_fingerprint TEXT, metadata_json TEXT,
                    pinned BOOLEAN NOT NULL DEFAULT false, created_at TIMESTAMPTZ NOT NULL, last_used_at TIMESTAMPTZ,
                    approval TEXT NOT NULL, approval_requested_at TIMESTAMPTZ, approval_requested_by TEXT,
                    PRIMARY KEY (tenant_id, id))
                """,
                "CREATE INDEX client_fingerprint ON client (tenant_id, registration_fingerprint)",
                // A grant's holder is a person or a service account, so `user_id` references neither.
                """
                CREATE TABLE oauth_grant (
                    tenant_id TEXT NOT NULL, id TEXT NOT NULL, user_id TEXT NOT NULL, client_id TEXT NOT NULL, resource TEXT NOT NULL,
                    scopes TEXT NOT NULL, created_at TIMESTAMPTZ NOT NULL, last_authorised_at TIMESTAMPTZ NOT NULL, revoked_at TIMESTAMPTZ,
                    revocation_reason TEXT,
                    PRIMARY KEY (tenant_id, id), FOREIGN KEY (tenant_id, client_id) REFERENCES client (tenant_id, id) ON DELETE CASCADE)
                """,
                "CREATE INDEX grant_person ON oauth_grant (tenant_id, user_id, client_id)",
                """
                CREATE TABLE authorization_code (
                    tenant_id TEXT NOT NULL, code_hash TEXT NOT NULL, grant_id TEXT NOT NULL, client_id TEXT NOT NULL, user_id TEXT NOT NULL,
                    redirect_uri TEXT NOT NULL, code_challenge TEXT NOT NULL, resource TEXT NOT NULL, scopes TEXT NOT NULL,
                    auth_time TIMESTAMPTZ NOT NULL, amr TEXT NOT NULL DEFAULT '', elevated_at TIMESTAMPTZ, elevated_by TEXT,
                    expires_at TIMESTAMPTZ NOT NULL, used_at TIMESTAMPTZ,
                    PRIMARY KEY (tenant_id, code_hash), FOREIGN KEY (tenant_id, grant_id) REFERENCES oauth_grant (tenant_id, id) ON DELETE CASCADE)
                """,
                """
                CREATE TABLE refresh_token (
                    tenant_id TEXT NOT NULL, token_hash TEXT NOT NULL, grant_id TEXT NOT NULL, client_id TEXT NOT NULL, scopes TEXT NOT NULL,
                    resource TEXT NOT NULL, auth_time TIMESTAMPTZ NOT NULL, amr TEXT NOT NULL DEFAULT '', elevated_at TIMESTAMPTZ,
                    elevated_by TEXT, created_at TIMESTAMPTZ NOT NULL, expires_at TIMESTAMPTZ NOT NULL, rotated_at TIMESTAMPTZ, successor BYTEA,
                    PRIMARY KEY (tenant_id, token_hash), FOREIGN KEY (tenant_id, grant_id) REFERENCES oauth_grant (tenant_id, id) ON DELETE CASCADE)
                """,
                "CREATE INDEX refresh_token_grant ON refresh_token (tenant_id, grant_id)",
                """
                CREATE TABLE consent (
                    tenant_id TEXT NOT NULL, user_id TEXT NOT NULL, client_id TEXT NOT NULL, scopes TEXT NOT NULL, granted_at TIMESTAMPTZ NOT NULL,
                    PRIMARY KEY (tenant_id, user_id, client_id),
                    FOREIGN KEY (tenant_id, client_id) REFERENCES client (tenant_id, id) ON DELETE CASCADE)
                """,
                // A pending consent answers either a redirect (redirect URI, state, PKCE challenge) or a device, never both.
                """
                CREATE TABLE pending_authorization (
                    tenant_id TEXT NOT NULL, id_hash TEXT NOT NULL, user_id TEXT NOT NULL, client_id TEXT NOT NULL, redirect_uri TEXT,
                    state TEXT, code_challenge TEXT, device_code_hash TEXT, resource TEXT NOT NULL, scopes TEXT NOT NULL,
                    step_up BOOLEAN NOT NULL DEFAULT false, expires_at TIMESTAMPTZ NOT NULL,
                    PRIMARY KEY (tenant_id, id_hash),
                    CHECK ((redirect_uri IS NOT NULL AND code_challenge IS NOT NULL) <> (device_code_hash IS NOT NULL)))
                """,
                // Each tenant's log counts from 1 on its own; the counter outlives the events it numbered, so a number
                // is never handed out twice, and its row lock orders appends made at once by several processes.
                """
                CREATE TABLE revocation_log (
                    tenant_id TEXT NOT NULL REFERENCES tenant ON DELETE CASCADE, seq BIGINT NOT NULL, kind TEXT NOT NULL, subject TEXT NOT NULL,
                    revoked_at TIMESTAMPTZ NOT NULL, PRIMARY KEY (tenant_id, seq))
                """,
                "CREATE INDEX revocation_log_age ON revocation_log (revoked_at)",
                "CREATE TABLE revocation_counter (tenant_id TEXT PRIMARY KEY REFERENCES tenant ON DELETE CASCADE, last_seq BIGINT NOT NULL)",
                // The TOTP secret is sealed with the key-encryption key; recovery codes are kept as SHA-256 only.
                """
                CREATE TABLE second_factor (
                    tenant_id TEXT NOT NULL, user_id TEXT NOT NULL, sealed_secret BYTEA NOT NULL, created_at TIMESTAMPTZ NOT NULL,
                    enabled_at TIMESTAMPTZ, last_step BIGINT,
                    PRIMARY KEY (tenant_id, user_id), FOREIGN KEY (tenant_id, user_id) REFERENCES person (tenant_id, id) ON DELETE CASCADE)
                """,
                """
                CREATE TABLE recovery_code (
                    tenant_id TEXT NOT NULL, user_id TEXT NOT NULL, code_hash TEXT NOT NULL, used_at TIMESTAMPTZ,
                    PRIMARY KEY (tenant_id, user_id, code_hash),
                    FOREIGN KEY (tenant_id, user_id) REFERENCES person (tenant_id, id) ON DELETE CASCADE)
                """,
                // Keyed by the SHA-256 of the device code; the user code is unique among the rows kept, which are only
                // ever the live ones (expired rows are swept as new ones arrive).
                """
                CREATE TABLE device_authorization (
                    tenant_id TEXT NOT NULL REFERENCES tenant ON DELETE CASCADE, device_code_hash TEXT NOT NULL, user_code_hash TEXT NOT NULL,
                    client_id TEXT NOT NULL, resource TEXT NOT NULL, requested_scopes TEXT, created_at TIMESTAMPTZ NOT NULL,
                    expires_at TIMESTAMPTZ NOT NULL, poll_interval BIGINT NOT NULL, last_polled_at TIMESTAMPTZ, status TEXT NOT NULL,
                    user_id TEXT, grant_id TEXT, scopes TEXT NOT NULL, auth_time TIMESTAMPTZ, amr TEXT NOT NULL DEFAULT '',
                    elevated_at TIMESTAMPTZ, elevated_by TEXT, tokens_issued_at TIMESTAMPTZ,
                    PRIMARY KEY (tenant_id, device_code_hash), UNIQUE (tenant_id, user_code_hash),
                    FOREIGN KEY (tenant_id, client_id) REFERENCES client (tenant_id, id) ON DELETE CASCADE,
                    FOREIGN KEY (tenant_id, grant_id) REFERENCES oauth_grant (tenant_id, id) ON DELETE CASCADE)
                """,
                "CREATE INDEX device_authorization_expiry ON device_authorization (expires_at)",
                // A token is kept as its SHA-256 only; its scopes and its end live in its grant.
                """
                CREATE TABLE personal_access_token (
                    tenant_id TEXT NOT NULL, id TEXT NOT NULL, grant_id TEXT NOT NULL, user_id TEXT NOT NULL, token_hash TEXT NOT NULL,
                    label TEXT NOT NULL, company_id TEXT, created_at TIMESTAMPTZ NOT NULL, expires_at TIMESTAMPTZ NOT NULL,
                    last_used_at TIMESTAMPTZ, last_used_address TEXT, elevated_at TIMESTAMPTZ, elevated_until TIMESTAMPTZ,
                    PRIMARY KEY (tenant_id, id), UNIQUE (tenant_id, token_hash),
                    FOREIGN KEY (tenant_id, grant_id) REFERENCES oauth_grant (tenant_id, id) ON DELETE CASCADE,
                    FOREIGN KEY (tenant_id, user_id) REFERENCES person (tenant_id, id) ON DELETE CASCADE)
                """,
                "CREATE INDEX personal_access_token_person ON personal_access_token (tenant_id, user_id)",
                """
                CREATE TABLE tenant_governance (
                    tenant_id TEXT PRIMARY KEY REFERENCES tenant ON DELETE CASCADE, company_users_may_connect BOOLEAN NOT NULL,
                    app_policy TEXT NOT NULL)
                """,
                """
                CREATE TABLE service_account (
                    tenant_id TEXT NOT NULL, id TEXT NOT NULL, client_id TEXT NOT NULL, grant_id TEXT NOT NULL, name TEXT NOT NULL,
                    company_id TEXT, created_by TEXT, created_at TIMESTAMPTZ NOT NULL, secret_rotated_at TIMESTAMPTZ, revoked_at TIMESTAMPTZ,
                    PRIMARY KEY (tenant_id, id), UNIQUE (tenant_id, client_id),
                    FOREIGN KEY (tenant_id, client_id) REFERENCES client (tenant_id, id) ON DELETE CASCADE)
                """,
                // `seq` is the export's position: every process draws from one identity, so positions never repeat.
                """
                CREATE TABLE ledger (
                    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, tenant_id TEXT NOT NULL REFERENCES tenant ON DELETE CASCADE,
                    id TEXT NOT NULL, occurred_at TIMESTAMPTZ NOT NULL, event TEXT NOT NULL, actor_id TEXT, actor_email TEXT, subject_id TEXT,
                    grant_id TEXT, client_id TEXT, outcome TEXT NOT NULL, client_address TEXT, detail TEXT)
                """,
                "CREATE INDEX ledger_grant ON ledger (tenant_id, grant_id)",
                "CREATE INDEX ledger_actor ON ledger (tenant_id, actor_id)",
                "CREATE INDEX ledger_subject ON ledger (tenant_id, subject_id)",
                "CREATE INDEX ledger_age ON ledger (occurred_at)",
            ]),
        PostgresMigration(
            "v2: client assertions seen",
            [
                // The SHA-256 of each accepted assertion's `jti`, until it expires (`PostgresClientAssertionReplayStore`).
                """
                CREATE TABLE client_assertion (
                    client_id TEXT NOT NULL, jti_hash BYTEA NOT NULL, expires_at TIMESTAMPTZ NOT NULL, PRIMARY KEY (client_id, jti_hash))
                """,
                "CREATE INDEX client_assertion_expiry ON client_assertion (expires_at)",
            ]),
        PostgresMigration("v3: tenants can be disabled", ["ALTER TABLE tenant ADD COLUMN disabled_at TIMESTAMPTZ"]),
        // Counted here so every auth-server on the database shares them (`RequestLimiters.shared`).
        PostgresMigration("v4: request limits", PostgresRateLimiter.tables),
        PostgresMigration("v5: sign-in throttle", PostgresSignInRecords.tables),
    ]
}
