import Foundation
import Shared
import Testing

/// The personal access token format (docs/tokens.md § Personal access tokens: prefixed so the resource-server can route it
/// without a lookup; a checksum rejects typos before any database is asked).
@Suite("PersonalAccessToken")
struct PersonalAccessTokenTests {
    static let checksumLength = 6
    static var randomLength: Int { PersonalAccessToken.length - PersonalAccessToken.prefix.utf8.count - checksumLength }

    static func randomPart(of token: PersonalAccessToken) -> Substring {
        token.value.dropFirst(PersonalAccessToken.prefix.count).dropLast(checksumLength)
    }

    /// `text` with the character at `offset` replaced by another base62 character.
    static func replacingCharacter(at offset: Int, in text: String) -> String {
        var characters = Array(text)
        characters[offset] = characters[offset] == "A" ? "B" : "A"
        return String(characters)
    }

    @Test("a generated token parses back to itself")
    func generatedTokenParses() throws {
        let token = PersonalAccessToken.generate()
        let parsed = try #require(PersonalAccessToken(parsing: token.value))
        #expect(parsed == token)
        #expect(PersonalAccessToken(parsing: token.value[...]) == token)
    }

    @Test("a generated token has the prefix gatehouse_pat_ and PersonalAccessToken.length characters")
    func generatedTokenShape() {
        let token = PersonalAccessToken.generate()
        #expect(PersonalAccessToken.prefix == "gatehouse_pat_")
        #expect(token.value.hasPrefix("gatehouse_pat_"))
        #expect(token.value.utf8.count == PersonalAccessToken.length)
        #expect(PersonalAccessToken.length == "gatehouse_pat_".count + 30 + Self.checksumLength)
        let body = token.value.utf8.dropFirst(PersonalAccessToken.prefix.utf8.count)
        #expect(body.allSatisfy(Base62.isBase62))
    }

    @Test("at least 160 bits of randomness: 30 base62 characters, each position taking many values")
    func randomPartCarriesAtLeast160Bits() {
        #expect(Self.randomLength == 30)
        #expect(Double(Self.randomLength) * log2(62) >= 160)
        let tokens = (0..<1000).map { _ in PersonalAccessToken.generate() }
        let randomParts = tokens.map { Array(Self.randomPart(of: $0)) }
        #expect(randomParts.allSatisfy { $0.count == 30 })
        // With 1,000 uniform draws from 62 symbols every position shows (nearly) all of them; a constant
        // or badly biased position would show few.
        for position in 0..<30 {
            let seen = Set(randomParts.map { $0[position] })
            #expect(seen.count >= 50, "position \(position) took only \(seen.count) values")
        }
    }

    @Test("the last 6 characters are the base62 CRC-32 of the random part")
    func checksumIsCRC32OfRandomPart() {
        let token = PersonalAccessToken.generate()
        let random = Self.randomPart(of: token)
        #expect(token.value.hasSuffix(Base62.encode(CRC32.checksum(random.utf8), width: Self.checksumLength)))
    }

    @Test("1,000 generated tokens are all distinct")
    func generatedTokensAreDistinct() {
        let values = (0..<1000).map { _ in PersonalAccessToken.generate().value }
        #expect(Set(values).count == 1000)
    }

    @Test("changing any one character of the random part or the checksum makes parsing fail")
    func singleCharacterChangeIsDetected() {
        let token = PersonalAccessToken.generate().value
        let prefixLength = PersonalAccessToken.prefix.count
        for offset in prefixLength..<token.count {
            let typo = Self.replacingCharacter(at: offset, in: token)
            #expect(typo != token)
            #expect(PersonalAccessToken(parsing: typo) == nil, "change at offset \(offset) was not detected")
        }
    }

    @Test("a wrong prefix, a wrong length or a non-base62 character makes parsing fail")
    func wrongShapeFails() {
        let token = PersonalAccessToken.generate().value
        let body = token.dropFirst(PersonalAccessToken.prefix.count)
        #expect(PersonalAccessToken(parsing: "gatehouse_pak_" + body) == nil)
        #expect(PersonalAccessToken(parsing: "GATEHOUSE_PAT_" + body) == nil)
        #expect(PersonalAccessToken(parsing: "ghp_" + body) == nil)
        #expect(PersonalAccessToken(parsing: String(body)) == nil)
        #expect(PersonalAccessToken(parsing: token + "0") == nil)
        #expect(PersonalAccessToken(parsing: token.dropLast()) == nil)
        #expect(PersonalAccessToken(parsing: " " + token.dropLast()) == nil)
        var withDash = Array(token)
        withDash[PersonalAccessToken.prefix.count + 3] = "-"
        #expect(PersonalAccessToken(parsing: String(withDash)) == nil)
        #expect(PersonalAccessToken(parsing: "") == nil)
    }

    @Test("description and string interpolation do not reveal the secret")
    func descriptionIsRedacted() {
        let token = PersonalAccessToken.generate()
        let random = String(Self.randomPart(of: token))
        for text in [token.description, "\(token)", String(describing: token)] {
            #expect(!text.contains(random))
            #expect(!text.contains(token.value))
            #expect(text.hasPrefix(PersonalAccessToken.prefix))
        }
    }
}

/// Routing a bearer credential by its shape alone (PAT → database lookup, JWT → signature check).
@Suite("BearerCredentialKind")
struct BearerCredentialKindTests {
    @Test("a generated personal access token is classified as a PAT")
    func patIsRecognised() {
        #expect(BearerCredentialKind(PersonalAccessToken.generate().value) == .personalAccessToken)
    }

    @Test("a real signed access token is classified as a JWT")
    func signedJWTIsRecognised() throws {
        let fixture = TokenFixture()
        let token = try fixture.signed(fixture.claims())
        #expect(BearerCredentialKind(token) == .jsonWebToken)
        #expect(BearerCredentialKind(token[...]) == .jsonWebToken)
    }

    @Test("garbage is unrecognised", arguments: ["abc", "", "eyJ.only-two", "abc.def.ghi", "gatehouse_pat_short"])
    func garbageIsUnrecognised(candidate: String) {
        #expect(BearerCredentialKind(candidate) == .unrecognised)
    }

    @Test("a PAT with a typo is unrecognised rather than sent to the database")
    func patWithTypoIsUnrecognised() {
        let token = PersonalAccessToken.generate().value
        let typo = PersonalAccessTokenTests.replacingCharacter(at: token.count - 1, in: token)
        #expect(BearerCredentialKind(typo) == .unrecognised)
    }
}
