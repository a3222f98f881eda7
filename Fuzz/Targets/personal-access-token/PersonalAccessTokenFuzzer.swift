import FuzzDriver

@testable import Shared

/// A bearer credential as the resource-server first looks at it. Contract: a string parses as a PAT
/// exactly when it is the prefix, 30 base62 characters and the base62 CRC-32 of those (so it re-formats
/// to itself), the shape check agrees, and the description never shows the secret.
@main enum PersonalAccessTokenFuzzer {
    static func main() { runLibFuzzer(fuzzPersonalAccessToken) }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPersonalAccessToken(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeRawBufferPointer(start: data, count: size), as: UTF8.self)
    let token = PersonalAccessToken(parsing: text)
    precondition(PersonalAccessToken(parsing: Substring(text)) == token, "a Substring parses differently from its String")
    precondition((BearerCredentialKind(text) == .personalAccessToken) == (token != nil), "the shape check disagrees with the parser")
    guard let token else { return 0 }
    precondition(token.value == text, "the parsed token does not keep its text")
    let random = text.utf8.dropFirst(PersonalAccessToken.prefix.utf8.count).prefix(PersonalAccessToken.randomLength)
    let reformatted = PersonalAccessToken.prefix + String(decoding: random, as: UTF8.self) + Base62.encode(CRC32.checksum(random), width: PersonalAccessToken.checksumLength)
    precondition(reformatted == text, "the token does not re-format to the same string")
    precondition(!token.description.contains(String(decoding: random, as: UTF8.self)), "the description shows the secret")
    return 0
}
