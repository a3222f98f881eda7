import Crypto
import Foundation
import Shared
import Testing

@testable import AuthServerCore

/// The one-time codes themselves: RFC 6238's published vectors, RFC 4648 base32, the accepted drift and the
/// URI authenticator apps scan.
@Suite("TOTP (RFC 6238)")
struct TOTPTests {
    static let rfcSecret = Array("12345678901234567890".utf8)

    @Test("RFC 6238 Appendix B (SHA1), cut to 6 digits as RFC 4226 §5.3 truncates", arguments: [
        (Int64(59), "287082"), (1_111_111_109, "081804"), (1_111_111_111, "050471"), (1_234_567_890, "005924"),
        (2_000_000_000, "279037"), (20_000_000_000, "353130"),
    ])
    func rfcVectors(time: Int64, code: String) {
        let totp = TOTP(secret: Self.rfcSecret)
        #expect(totp.code(step: TOTP.step(at: Date(timeIntervalSince1970: TimeInterval(time)))) == code)
    }

    @Test("RFC 4648 §10 base32 vectors, unpadded; decoding ignores case, spaces and padding, and refuses other characters")
    func base32() {
        for (plain, encoded) in [("", ""), ("f", "MY"), ("fo", "MZXQ"), ("foo", "MZXW6"), ("foob", "MZXW6YQ"), ("fooba", "MZXW6YTB"), ("foobar", "MZXW6YTBOI")] {
            #expect(Base32.encode(Array(plain.utf8)) == encoded)
            #expect(Base32.decode(encoded) == Array(plain.utf8))
        }
        #expect(Base32.decode("mzxw 6ytb oi======") == Array("foobar".utf8))
        #expect(Base32.decode("MZXW1") == nil, "1 is not in the alphabet")
        #expect(Base32.decode("MZX!") == nil)
    }

    @Test("a code of the step before or after is accepted, two steps off is not; anything but six digits is no code")
    func drift() {
        let totp = TOTP(secret: Self.rfcSecret)
        let now = Date(timeIntervalSince1970: 1_234_567_890)
        let step = TOTP.step(at: now)
        for offset in Int64(-1)...1 { #expect(totp.matchingStep(of: totp.code(step: step + offset), at: now) == step + offset) }
        for offset in [Int64(-2), 2] {
            let code = totp.code(step: step + offset)
            #expect((-1...1).allSatisfy { totp.code(step: step + $0) != code }, "this instant's codes are all different")
            #expect(totp.matchingStep(of: code, at: now) == nil)
        }
        for bad in ["", "12345", "1234567", "12345a", "１２３４５６", " 12345", "-12345"] { #expect(totp.matchingStep(of: bad, at: now) == nil, "\(bad)") }
    }

    @Test("the otpauth URI carries the secret in base32 and names the issuer and account, parameters spelled out")
    func provisioningURI() {
        let totp = TOTP(secret: Self.rfcSecret)
        let uri = totp.provisioningURI(issuer: "acme.example.com", account: "alice@example.com")
        #expect(uri == "otpauth://totp/acme.example.com:alice%40example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=acme.example.com&algorithm=SHA1&digits=6&period=30")
    }

    @Test("recovery codes: ten, 16 characters in groups of four from an alphabet without look-alikes, typed in any case")
    func recoveryCodes() {
        let codes = RecoveryCode.generate()
        #expect(codes.count == 10 && Set(codes).count == 10)
        for code in codes {
            #expect(code.count == 19 && code.split(separator: "-").count == 4)
            #expect(!code.contains(where: { "01OIL".contains($0) }))
            #expect(RecoveryCode.normalised(code.lowercased().replacingOccurrences(of: "-", with: " ")) == code.replacingOccurrences(of: "-", with: ""))
        }
        for bad in ["", "ABCD-EFGH", "ABCD-EFGH-JKMN-PQRS-T", "ABCD-EFGH-JKMN-PQR0", "123456"] { #expect(RecoveryCode.normalised(bad) == nil, "\(bad)") }
    }
}

/// The second factor over its real store: enrolment, codes used once, recovery codes, turning it off.
@Suite("Two-step sign-in")
struct TwoStepTests {

    static func factor(_ house: OAuthHouse, at clock: TestClock) -> TOTPSecondFactor {
        TOTPSecondFactor(store: house.environment.storage, keyEncryptionKey: house.environment.keyEncryptionKey, now: { clock.now })
    }

    @Test("enrolment: a pending secret, a wrong code refused, the first right code turns it on with ten recovery codes; the secret is sealed")
    func enrolment() async throws {
        let house = try await OAuthHouse.make()
        defer { house.remove() }
        let clock = TestClock()
        let factor = Self.factor(house, at: clock)
        #expect(try await !factor.isEnrolled(house.user))
        let enrolment = try #require(try await factor.beginEnrolment(house.user))
        #expect(try await factor.pendingEnrolment(house.user) == enrolment)
        let code = enrolment.totp.code(step: TOTP.step(at: clock.now))
        #expect(try await factor.confirmEnrolment(house.user, code: code == "000000" ? "000001" : "000000") == nil)
        #expect(try await !factor.isEnrolled(house.user))
        let codes = try #require(try await factor.confirmEnrolment(house.user, code: code))
        #expect(codes.count == 10)
        #expect(try await factor.isEnrolled(house.user))
        #expect(try await factor.unusedRecoveryCodes(house.user) == 10)
        #expect(try await factor.beginEnrolment(house.user) == nil, "a factor that is on is not replaced by starting again")
        // At rest: sealed under the key-encryption key and bound to its row.
        let stored = try #require(try await house.environment.storage.secondFactor(tenantID: house.tenant.id, userID: house.user.id))
        #expect(stored.sealedSecret.range(of: Data(enrolment.totp.secret)) == nil)
        #expect(stored.sealedSecret.range(of: Data(Base32.encode(enrolment.totp.secret).utf8)) == nil)
    }

    @Test("a code works once: the same code, or an older step's, is refused after it; a recovery code works once; wrong codes are nil")
    func codesAreSingleUse() async throws {
        let house = try await OAuthHouse.make()
        defer { house.remove() }
        let clock = TestClock()
        let factor = Self.factor(house, at: clock)
        let enrolment = try #require(try await factor.beginEnrolment(house.user))
        let codes = try #require(try await factor.confirmEnrolment(house.user, code: enrolment.totp.code(step: TOTP.step(at: clock.now))))
        #expect(try await factor.verify(house.user, code: enrolment.totp.code(step: TOTP.step(at: clock.now))) == nil, "the enrolment's code is spent")
        clock.advance(by: 30)
        let current = enrolment.totp.code(step: TOTP.step(at: clock.now))
        #expect(try await factor.verify(house.user, code: current) == .oneTimePassword)
        #expect(try await factor.verify(house.user, code: current) == nil, "replayed within its window")
        clock.advance(by: 30)
        #expect(try await factor.verify(house.user, code: enrolment.totp.code(step: TOTP.step(at: clock.now) - 1)) == nil, "an older step after a newer one")
        #expect(try await factor.verify(house.user, code: codes[3].lowercased().replacingOccurrences(of: "-", with: "")) == .recoveryCode)
        #expect(try await factor.verify(house.user, code: codes[3]) == nil)
        #expect(try await factor.unusedRecoveryCodes(house.user) == 9)
        #expect(try await factor.verify(house.user, code: "ABCD-EFGH-JKMN-PQRS") == nil)
        // Another person cannot use Alice's codes.
        let bob = try await house.environment.addPerson(email: "bob@example.com")
        #expect(try await factor.verify(bob, code: enrolment.totp.code(step: TOTP.step(at: clock.now))) == nil)
    }

    @Test("new recovery codes and turning off both need a current code; off ends elevations and leaves no secret behind")
    func renewAndTurnOff() async throws {
        let house = try await OAuthHouse.make()
        defer { house.remove() }
        let clock = TestClock()
        let factor = Self.factor(house, at: clock)
        let enrolment = try #require(try await factor.beginEnrolment(house.user))
        let old = try #require(try await factor.confirmEnrolment(house.user, code: enrolment.totp.code(step: TOTP.step(at: clock.now))))
        clock.advance(by: 30)
        #expect(try await factor.renewRecoveryCodes(house.user, code: "ABCD-EFGH-JKMN-PQRS") == nil)
        let renewed = try #require(try await factor.renewRecoveryCodes(house.user, code: enrolment.totp.code(step: TOTP.step(at: clock.now))))
        #expect(Set(renewed).isDisjoint(with: old))
        #expect(try await factor.verify(house.user, code: old[0]) == nil, "the old codes stop working")
        #expect(try await !factor.turnOff(house.user, code: "ABCD-EFGH-JKMN-PQRS"))
        let before = try await house.environment.storage.latestRevocationSeq(tenantID: house.tenant.id)
        #expect(try await factor.turnOff(house.user, code: renewed[0]))
        #expect(try await !factor.isEnrolled(house.user))
        #expect(try await house.environment.storage.secondFactor(tenantID: house.tenant.id, userID: house.user.id) == nil)
        #expect(try await house.environment.storage.latestRevocationSeq(tenantID: house.tenant.id) == before + 1, "the resource-servers hear of it")
        #expect(try await house.environment.storage.takeSecondFactorResetNotice(tenantID: house.tenant.id, userID: house.user.id) == nil,
                "turned off by the person: no notice")
    }
}
