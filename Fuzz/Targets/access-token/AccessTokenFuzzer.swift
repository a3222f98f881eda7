import Crypto
import Foundation
import FuzzDriver

@testable import Shared

/// The key the seed tokens (Fuzz/Corpus/access-token) are signed with: fixed, so mutations of a validly
/// signed token reach the claim checks, and the fuzzer can never forge one.
private let key = try! P256.Signing.PrivateKey(rawRepresentation: Data(repeating: 0x2A, count: 32)).publicKey
private let verifier = AccessTokenVerifier(issuer: "https://auth.example.com", audience: "https://mcp.example.com/mcp", tenantID: "default")
/// The seeds' `iat`; their lifetime is an hour.
private let now = Date(timeIntervalSince1970: 1_800_000_000)

/// A bearer token as the resource-server reads it: `AccessTokenVerifier.parse` (the compact JWS and its
/// header), then the claims the signature covers. Contract: what parses is three canonical base64url
/// segments that re-encode to the token; claims that decode re-encode and decode to the same claims; and
/// what verifies carries our issuer, audience and tenant and is within its lifetime.
@main enum AccessTokenFuzzer {
    static func main() { runLibFuzzer(fuzzAccessToken) }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzAccessToken(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeRawBufferPointer(start: data, count: size), as: UTF8.self)
    _ = BearerCredentialKind(text)
    if let jws = CompactJWS(text) {
        let payloadAndSignature = Base64URL.encode(jws.payload) + "." + Base64URL.encode(jws.signature)
        precondition(text.hasSuffix("." + payloadAndSignature), "the payload and signature do not re-encode to the token")
        precondition(String(jws.signingInput) + "." + Base64URL.encode(jws.signature) == text, "the signing input is not the token's first two segments")
    }
    guard let token = try? AccessTokenVerifier.parse(text) else { return 0 }
    precondition(!token.keyID.isEmpty, "a token without kid parsed")
    if let claims = try? JSONDecoder().decode(AccessTokenClaims.self, from: token.payload) {
        let encoded = try! JSONEncoder().encode(claims)
        precondition((try? JSONDecoder().decode(AccessTokenClaims.self, from: encoded)) == claims, "claims do not round-trip")
    }
    if let claims = try? verifier.verify(token, key: key, now: now) {
        precondition(claims.issuer == verifier.issuer && claims.audience == verifier.audience && claims.tenantID == verifier.tenantID)
        let seconds = Int64(now.timeIntervalSince1970)
        precondition(claims.expiresAt >= seconds - AccessTokenVerifier.leewaySeconds && claims.notBefore <= seconds + AccessTokenVerifier.leewaySeconds)
    }
    return 0
}
