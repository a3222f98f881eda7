import Foundation
import Testing

@testable import AuthServerCore

@Suite("A person's email in its one stored form")
struct EmailNormalisationTests {
    @Test("Trimmed of whitespace and line ends in any script, in small letters; the stored form is kept as it is")
    func normalised() {
        #expect(User.normalise(email: "priya.shah@gatehouse.local") == "priya.shah@gatehouse.local")
        #expect(User.normalise(email: " Priya.Shah@Gatehouse.LOCAL\r\n") == "priya.shah@gatehouse.local")
        #expect(User.normalise(email: "\tzoë@EXAMPLE.com\u{85}\u{A0}\u{2003}") == "zoë@example.com")
        #expect(User.normalise(email: "ZOË@Ünïcode.example") == "zoë@ünïcode.example")
        #expect(User.normalise(email: "a\u{7F}@b") == "a\u{7F}@b")
        #expect(User.normalise(email: "") == "")
        #expect(User.normalise(email: "  ") == "")
    }

    @Test("Every printable ASCII character, alone and among others, ends as trimming and lowering would make it")
    func ascii() {
        for byte in UInt8(0)...UInt8(0x7F) {
            let character = String(UnicodeScalar(byte))
            for email in [character, "a\(character)b@example.com", "\(character)x@y\(character)"] {
                #expect(User.normalise(email: email) == email.trimmingCharacters(in: .whitespacesAndNewlines).lowercased(), "\(Array(email.utf8))")
            }
        }
    }
}
