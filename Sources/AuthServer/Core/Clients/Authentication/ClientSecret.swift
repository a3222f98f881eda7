import Crypto
import Foundation
import Shared

/// A client secret for `client_secret_basic` and `client_secret_post` (RFC 6749 §2.3.1): `gatehouse_cs_`
/// and 256 bits of CSPRNG output in base64url. The prefix lets secret scanners recognise one. It is shown
/// to the client once and stored only as its SHA-256: with this much entropy a slow password hash would
/// add nothing but cost.
public struct ClientSecret: Sendable, Equatable, CustomStringConvertible {
    public static let prefix = "gatehouse_cs_"

    /// The whole secret, for the registration response only.
    public let value: String

    public static func generate() -> ClientSecret {
        ClientSecret(value: prefix + RandomIdentifier.make(bytes: ClientAuthenticationPolicy.clientSecretRandomBytes))
    }

    /// What storage keeps: the base64url SHA-256 of the secret.
    public var storedHash: String { Self.hash(value) }

    /// Whether `presented` is the secret whose `storedHash` we keep. Both sides are digests of one length,
    /// compared in constant time, so timing tells nothing about the stored value.
    public static func matches(presented: String, storedHash: String) -> Bool {
        ConstantTime.equals(hash(presented).utf8, storedHash.utf8)
    }

    /// The stored form of a secret made elsewhere (the resource-server's, read from its file).
    static func hash(_ secret: String) -> String {
        Base64URL.encode(SHA256.hash(data: Data(secret.utf8)))
    }

    private init(value: String) { self.value = value }

    /// Redacted, so a secret never lands in a log by accident.
    public var description: String { Self.prefix + "…" }
}
