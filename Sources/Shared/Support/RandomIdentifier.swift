/// Unguessable identifiers for key ids, token ids and grant ids: 128 bits of CSPRNG output in base64url.
public enum RandomIdentifier {
    public static func make(bytes: Int = 16) -> String {
        var generator = SystemRandomNumberGenerator()
        return Base64URL.encode((0..<bytes).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
    }
}
