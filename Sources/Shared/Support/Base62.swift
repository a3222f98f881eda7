/// The base62 alphabet used by personal access tokens: safe in URLs, headers and shells, and
/// double-click-selectable as one word.
public enum Base62 {
    public static let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)

    /// `count` characters drawn uniformly from the alphabet with the system CSPRNG (rejection sampling,
    /// so no character is more likely than another).
    public static func random(count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        var result: [UInt8] = []
        result.reserveCapacity(count)
        while result.count < count {
            let byte = UInt8.random(in: .min ... .max, using: &generator)
            if byte < 248 { result.append(alphabet[Int(byte % 62)]) }
        }
        return String(decoding: result, as: UTF8.self)
    }

    /// `value` written in exactly `width` characters, most significant first.
    public static func encode(_ value: UInt32, width: Int) -> String {
        var digits = [UInt8](repeating: alphabet[0], count: width)
        var remaining = UInt64(value)
        for index in stride(from: width - 1, through: 0, by: -1) {
            digits[index] = alphabet[Int(remaining % 62)]
            remaining /= 62
        }
        return String(decoding: digits, as: UTF8.self)
    }

    public static func isBase62(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
    }
}
