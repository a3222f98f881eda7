import Crypto
import Foundation
import Shared

/// Time-based one-time passwords, RFC 6238 over RFC 4226's HOTP: HMAC-SHA1 of the count of 30-second steps
/// since the epoch, dynamically truncated to 6 digits. What every authenticator app computes by default.
struct TOTP: Sendable, Equatable {
    static let digits = 6
    static let stepSeconds: Int64 = 30
    /// A code of the step before or after is accepted too (RFC 6238 §5.2 recommends at most one step of
    /// network delay): a phone's clock a little off, or a code typed as it rolled over, still works.
    static let acceptedDrift: Int64 = 1
    /// RFC 4226 §4 asks for at least 128 bits and recommends 160: the length of an HMAC-SHA1 key block's worth.
    static let secretBytes = 20

    let secret: [UInt8]

    static func step(at date: Date) -> Int64 { Int64(date.timeIntervalSince1970.rounded(.down)) / stepSeconds }

    /// RFC 4226 §5.3, with the counter the RFC 6238 §4.2 step.
    func code(step: Int64) -> String {
        let counter = withUnsafeBytes(of: UInt64(bitPattern: step).bigEndian) { Array($0) }
        let mac = Array(HMAC<Insecure.SHA1>.authenticationCode(for: counter, using: SymmetricKey(data: secret)))
        let offset = Int(mac[mac.count - 1] & 0x0F)
        let binary = (UInt32(mac[offset] & 0x7F) << 24) | (UInt32(mac[offset + 1]) << 16) | (UInt32(mac[offset + 2]) << 8) | UInt32(mac[offset + 3])
        let value = binary % 1_000_000
        let text = String(value)
        return String(repeating: "0", count: Self.digits - text.count) + text
    }

    /// The step whose code `code` is, within the accepted drift of `now`; nil when it is none of them. Every
    /// candidate is compared in full, so the time taken says nothing about which digits were right.
    func matchingStep(of code: String, at now: Date) -> Int64? {
        guard code.utf8.count == Self.digits, code.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else { return nil }
        let current = Self.step(at: now)
        var match: Int64?
        for step in (current - Self.acceptedDrift)...(current + Self.acceptedDrift) {
            if ConstantTime.equals(self.code(step: step).utf8, code.utf8), match == nil { match = step }
        }
        return match
    }

    /// The `otpauth://totp/` URI authenticator apps scan (Google Authenticator's key URI format, which every
    /// app follows): the issuer and account as the label, and the parameters spelled out, defaults included.
    func provisioningURI(issuer: String, account: String) -> String {
        func escaped(_ text: String) -> String { FormEncoding.encode(text) }
        return "otpauth://totp/\(escaped(issuer)):\(escaped(account))?secret=\(Base32.encode(secret))&issuer=\(escaped(issuer))"
            + "&algorithm=SHA1&digits=\(Self.digits)&period=\(Self.stepSeconds)"
    }
}
