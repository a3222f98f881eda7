/// The auth-server's ledger events (docs/security.md § The audit ledger). The raw values are the ledger's `event`.
public enum LedgerEvent: String, Sendable, CaseIterable {
    case signInSucceeded = "sign_in.succeeded"
    /// Outcome `wrong_password`, `unknown_person`, `disabled`, `wrong_code` or `throttled`.
    case signInFailed = "sign_in.failed"
    case secondFactorEnabled = "second_factor.enabled"
    case secondFactorDisabled = "second_factor.disabled"
    /// An administrator turned a person's second factor off (`subject_id` the person).
    case secondFactorReset = "second_factor.reset"
    case consentGiven = "consent.given"
    /// Detail names the cause: the person, an administrator, the client (/oauth/revoke), a disabled person, a replay.
    case grantRevoked = "grant.revoked"
    case tokenRefreshed = "token.refreshed"
    case patCreated = "pat.created"
    case patRegenerated = "pat.regenerated"
    case patRevoked = "pat.revoked"
    case clientRegistered = "client.registered"
    case clientApproved = "client.approved"
    case clientBlocked = "client.blocked"
    case clientDeleted = "client.deleted"
    case keyRotated = "key.rotated"
    /// An administrator's decisions about people (`subject_id` the person; detail the role, or the setting).
    case personAdded = "person.added"
    case personRoleChanged = "person.role_changed"
    case personMayConnectChanged = "person.may_connect_changed"
    case personDisabled = "person.disabled"
    case personEnabled = "person.enabled"
    /// The tenant's app policy or whether its company users may connect apps (detail: both, as they now are).
    case tenantSettingsChanged = "tenant.settings_changed"
    case serviceAccountCreated = "service_account.created"
    case serviceAccountSecretRotated = "service_account.secret_rotated"
    case serviceAccountRevoked = "service_account.revoked"
    /// A service account's client credentials grant (RFC 6749 §4.4): one access token issued.
    case serviceAccountToken = "service_account.token"
    /// An `auth-server admin …` command was run (detail: its arguments; none of them is ever a secret).
    case adminCommand = "admin.command"
    /// A change made on the admin pages (detail: what changed), with the admin as actor.
    case adminAction = "admin.action"
}
