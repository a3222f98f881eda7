/// The personal access token format: `gatehouse_pat_` + 30 base62 characters of CSPRNG output (178 bits)
/// + a 6-character base62 CRC-32 of those 30 characters. The prefix lets secret scanners and the
/// resource-server recognise one without a lookup; the checksum rejects typos and random strings
/// before any database is asked.
public struct PersonalAccessToken: Sendable, Equatable, CustomStringConvertible {
    public static let prefix = "gatehouse_pat_"
    static let randomLength = 30
    static let checksumLength = 6
    public static let length = prefix.utf8.count + randomLength + checksumLength

    /// The whole token string. Shown to its owner once; stored only as SHA-256.
    public let value: String

    public static func generate() -> PersonalAccessToken {
        let random = Base62.random(count: randomLength)
        return PersonalAccessToken(value: prefix + random + Base62.encode(CRC32.checksum(random.utf8), width: checksumLength))
    }

    /// Nil unless `text` has the prefix, the length, the alphabet and a correct checksum.
    public init?(parsing text: some StringProtocol) {
        guard text.utf8.count == Self.length, text.utf8.starts(with: Self.prefix.utf8) else { return nil }
        let bytes = Array(text.utf8)
        let body = bytes[Self.prefix.utf8.count...]
        guard body.allSatisfy(Base62.isBase62) else { return nil }
        let random = body.prefix(Self.randomLength)
        let checksum = String(decoding: body.suffix(Self.checksumLength), as: UTF8.self)
        guard Base62.encode(CRC32.checksum(random), width: Self.checksumLength) == checksum else { return nil }
        self.value = String(text)
    }

    private init(value: String) { self.value = value }

    /// Redacted, so a token never lands in a log by accident.
    public var description: String { Self.prefix + "…" }
}

/// What a bearer credential is, decided from its shape alone.
public enum BearerCredentialKind: Equatable, Sendable {
    case personalAccessToken
    case jsonWebToken
    case unrecognised

    public init(_ token: some StringProtocol) {
        if PersonalAccessToken(parsing: token) != nil {
            self = .personalAccessToken
        } else if token.utf8.starts(with: "eyJ".utf8), token.utf8.lazy.filter({ $0 == UInt8(ascii: ".") }).count == 2 {
            // Every JWS header is a JSON object, so its base64url form begins with `eyJ` ("{\"").
            self = .jsonWebToken
        } else {
            self = .unrecognised
        }
    }
}
