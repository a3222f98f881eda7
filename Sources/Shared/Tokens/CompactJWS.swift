import Foundation

/// A JWS in compact serialisation (RFC 7515 §3.1, §7.1), taken apart but not verified. Every verifier
/// (access tokens, client assertions) starts here, so the segment and base64url rules live in one place;
/// what the header must say is each verifier's own decision.
public struct CompactJWS: Sendable {
    public let header: JWSHeader
    public let payload: Data
    public let signature: Data
    /// `BASE64URL(header) "." BASE64URL(payload)`: the bytes the signature covers (RFC 7515 §5.2).
    public let signingInput: Substring

    /// Nil unless `token` is exactly three canonical base64url segments and the first is a JSON object
    /// with a string `alg`.
    public init?(_ token: String) {
        let parts = token.split(separator: ".", maxSplits: 3, omittingEmptySubsequences: false)
        guard parts.count == 3, let headerData = Base64URL.decode(parts[0]), let payload = Base64URL.decode(parts[1]),
            let signature = Base64URL.decode(parts[2]), let header = try? JSONDecoder().decode(JWSHeader.self, from: headerData)
        else { return nil }
        self.header = header
        self.payload = payload
        self.signature = signature
        self.signingInput = token[token.startIndex..<parts[1].endIndex]
    }
}
