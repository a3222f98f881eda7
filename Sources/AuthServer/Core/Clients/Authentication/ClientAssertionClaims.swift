import Foundation

/// The claims of a client assertion that RFC 7523 §3 gives rules for. Everything is optional here so
/// the verifier can name the rule that failed; a claim of the wrong JSON type makes the whole payload
/// malformed.
struct ClientAssertionClaims: Decodable {
    var issuer: String?
    var subject: String?
    /// RFC 7519 §4.1.3: one string or an array of strings.
    var audiences: [String]
    var expiresAt: Int64?
    var notBefore: Int64?
    var issuedAt: Int64?
    var tokenID: String?

    enum CodingKeys: String, CodingKey {
        case issuer = "iss", subject = "sub", audience = "aud", expiresAt = "exp", notBefore = "nbf", issuedAt = "iat", tokenID = "jti"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        issuer = try container.decodeIfPresent(String.self, forKey: .issuer)
        subject = try container.decodeIfPresent(String.self, forKey: .subject)
        if let list = try? container.decode([String].self, forKey: .audience) {
            audiences = list
        } else {
            audiences = try container.decodeIfPresent(String.self, forKey: .audience).map { [$0] } ?? []
        }
        expiresAt = try Self.numericDate(container, .expiresAt)
        notBefore = try Self.numericDate(container, .notBefore)
        issuedAt = try Self.numericDate(container, .issuedAt)
        tokenID = try container.decodeIfPresent(String.self, forKey: .tokenID)
    }

    /// RFC 7519 §2 NumericDate: seconds, possibly with a fraction, which we drop. Anything before 1970 or
    /// after the year 33658 is malformed, which also keeps the verifier's arithmetic far from overflow.
    private static func numericDate(_ container: KeyedDecodingContainer<CodingKeys>, _ key: CodingKeys) throws -> Int64? {
        guard let seconds = try container.decodeIfPresent(Double.self, forKey: key) else { return nil }
        guard seconds >= 0, seconds < 1e12 else {
            throw DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: "NumericDate out of range")
        }
        return Int64(seconds)
    }
}
