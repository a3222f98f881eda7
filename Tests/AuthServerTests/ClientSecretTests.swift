import Foundation
import Shared
import Testing

@testable import AuthServerCore

/// Client secrets for client_secret_basic / client_secret_post: made, stored as SHA-256, checked in
/// constant time.
@Suite("ClientSecret")
struct ClientSecretTests {
    @Test("a generated secret is the prefix and 256 bits of base64url, and no two are alike")
    func generatedSecretShape() throws {
        let secrets = (0..<50).map { _ in ClientSecret.generate().value }
        #expect(Set(secrets).count == secrets.count)
        for secret in secrets {
            #expect(secret.hasPrefix("gatehouse_cs_"))
            let random = try #require(Base64URL.decode(secret.dropFirst(ClientSecret.prefix.count)))
            #expect(random.count == 32)
        }
    }

    @Test("the stored hash is the base64url SHA-256, never the secret, and the same for the same secret")
    func storedHash() throws {
        let secret = ClientSecret.generate()
        #expect(secret.storedHash != secret.value)
        #expect(!secret.storedHash.contains(secret.value.dropFirst(ClientSecret.prefix.count)))
        #expect(try #require(Base64URL.decode(secret.storedHash)).count == 32)
        #expect(secret.storedHash == secret.storedHash)
    }

    @Test("the presented secret matches its stored hash; any other does not")
    func matching() {
        let secret = ClientSecret.generate()
        #expect(ClientSecret.matches(presented: secret.value, storedHash: secret.storedHash))
        #expect(!ClientSecret.matches(presented: ClientSecret.generate().value, storedHash: secret.storedHash))
        #expect(!ClientSecret.matches(presented: String(secret.value.dropLast()), storedHash: secret.storedHash))
        #expect(!ClientSecret.matches(presented: "", storedHash: secret.storedHash))
        // The hash itself is not a password.
        #expect(!ClientSecret.matches(presented: secret.storedHash, storedHash: secret.storedHash))
        // A damaged stored value matches nothing.
        #expect(!ClientSecret.matches(presented: secret.value, storedHash: ""))
        #expect(!ClientSecret.matches(presented: secret.value, storedHash: String(secret.storedHash.dropLast())))
    }

    @Test("the description is redacted")
    func descriptionIsRedacted() {
        let secret = ClientSecret.generate()
        #expect("\(secret)" == "gatehouse_cs_…")
    }
}
