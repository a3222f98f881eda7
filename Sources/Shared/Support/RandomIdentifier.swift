/// Unguessable identifiers for key ids, token ids and grant ids: 128 bits of CSPRNG output in base64url.
public enum RandomIdentifier {
    public static func make(bytes: Int = 16) -> String {
        var generator = SystemRandomNumberGenerator()
        // Eight bytes per draw: each draw is a getrandom call, and every audited tool call makes an id.
        var words = (0..<(bytes + 7) / 8).map { _ in generator.next() as UInt64 }
        return words.withUnsafeMutableBytes { Base64URL.encode(Array($0.prefix(bytes))) }
    }
}
