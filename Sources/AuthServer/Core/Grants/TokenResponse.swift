import Crypto
import Foundation
import Shared

/// RFC 6749 §5.1 successful token response. `refresh_token` is always present for MCP clients, with or
/// without `offline_access` (Claude does not always ask for it: docs/clients.md § Claude).
public struct TokenResponse: Decodable, JSONObjectWritable, Sendable, Equatable {
    public var accessToken: String
    public var tokenType = "Bearer"
    public var expiresIn: Int64
    public var refreshToken: String?
    public var scope: String

    enum CodingKeys: String, CodingKey {
        case accessToken = "access_token"
        case tokenType = "token_type"
        case expiresIn = "expires_in"
        case refreshToken = "refresh_token"
        case scope
    }

    public var jsonObject: JSONObjectText {
        var object = JSONObjectText()
        object.add(CodingKeys.accessToken.rawValue, accessToken)
        object.add(CodingKeys.tokenType.rawValue, tokenType)
        object.add(CodingKeys.expiresIn.rawValue, expiresIn)
        object.add(CodingKeys.refreshToken.rawValue, refreshToken)
        object.add(CodingKeys.scope.rawValue, scope)
        return object
    }
}

/// The pair that replaced a rotated refresh token, sealed with AES-GCM under a key derived from the
/// rotated token. Only someone holding that token can open it, so the grace window (docs/tokens.md § Refresh tokens) can hand
/// parallel refreshes the same pair while the database holds nothing usable.
enum RefreshTokenSuccessor {
    private static let info = Data("gatehouse refresh-token successor v1".utf8)
    private static let decoder = JSONDecoder()

    static func seal(_ response: TokenResponse, accessTokenExpiresAt: Date, under refreshToken: String) throws -> Data {
        var payload = JSONObjectText()
        payload.add(Sealed.CodingKeys.response.rawValue, response.jsonObject)
        // As `JSONDecoder` reads a `Date` by default: seconds since 2001-01-01.
        payload.add(Sealed.CodingKeys.accessTokenExpiresAt.rawValue, accessTokenExpiresAt.timeIntervalSinceReferenceDate)
        guard let combined = try AES.GCM.seal(payload.bytes, using: key(refreshToken)).combined else { throw CryptoKitError.incorrectParameterSize }
        return combined
    }

    /// The pair, with `expires_in` counted from now; nil when the box does not open with this token.
    static func open(_ sealed: Data, with refreshToken: String, now: Date) -> TokenResponse? {
        guard let box = try? AES.GCM.SealedBox(combined: sealed), let payload = try? AES.GCM.open(box, using: key(refreshToken)),
            var stored = try? decoder.decode(Sealed.self, from: payload)
        else { return nil }
        stored.response.expiresIn = max(0, Int64(stored.accessTokenExpiresAt.timeIntervalSince(now)))
        return stored.response
    }

    private struct Sealed: Decodable {
        var response: TokenResponse
        var accessTokenExpiresAt: Date

        enum CodingKeys: String, CodingKey { case response, accessTokenExpiresAt }
    }

    private static func key(_ refreshToken: String) -> SymmetricKey {
        HKDF<SHA256>.deriveKey(inputKeyMaterial: SymmetricKey(data: Data(refreshToken.utf8)), info: info, outputByteCount: 32)
    }
}
