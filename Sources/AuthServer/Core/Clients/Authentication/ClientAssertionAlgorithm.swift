/// The JWS algorithms a client may sign its assertion with: asymmetric only. `none` and the HMAC family
/// are absent by construction (RFC 8725 §3.1, §3.2): an HS256 assertion keyed with a client's public key
/// would otherwise be forgeable by anyone. Advertised as `token_endpoint_auth_signing_alg_values_supported`.
public enum ClientAssertionAlgorithm: String, CaseIterable, Sendable {
    /// RSASSA-PKCS1-v1_5 with SHA-256 (RFC 7518 §3.3); what ChatGPT signs with.
    case rs256 = "RS256"
    /// RSASSA-PSS with SHA-256, MGF1 and a 32-byte salt (RFC 7518 §3.5).
    case ps256 = "PS256"
    /// ECDSA P-256 with SHA-256 (RFC 7518 §3.4).
    case es256 = "ES256"
    /// Ed25519 (RFC 8037 §3.1).
    case edDSA = "EdDSA"
}
