/// Where a person goes after signing in (`return_to`): only a path on this server, so the sign-in page can
/// never be used to send someone to another site (an open redirect). Anything doubtful becomes `/account`.
public enum ReturnPath {
    public static let fallback = "/account"

    /// `candidate` if it is a local path with an optional query, else the fallback. Refused: anything not
    /// starting with exactly one "/" ("//host" and "/\host" are other hosts to a browser), backslashes,
    /// schemes, fragments, spaces, control and non-ASCII characters, and overlong values.
    public static func sanitise(_ candidate: String?) -> String {
        guard let candidate, isLocal(candidate) else { return fallback }
        return candidate
    }

    static func isLocal(_ path: String) -> Bool {
        let bytes = Array(path.utf8)
        guard bytes.count <= AuthPolicy.Pages.maximumReturnPathLength, bytes.first == UInt8(ascii: "/") else { return false }
        if bytes.count > 1, bytes[1] == UInt8(ascii: "/") { return false }
        // Printable ASCII only, no backslash (browsers read it as a slash) and no fragment.
        return bytes.allSatisfy { (0x21...0x7E).contains($0) && $0 != UInt8(ascii: "\\") && $0 != UInt8(ascii: "#") }
    }

    /// `/login?return_to=…` for a page that needs a signed-in person.
    public static func signInURL(returningTo path: String) -> String {
        "/login?return_to=" + queryEncoded(sanitise(path))
    }

    static func queryEncoded(_ value: String) -> String {
        let unreserved = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~/".utf8)
        return value.utf8.map { unreserved.contains($0) ? String(UnicodeScalar($0)) : String(format: "%%%02X", $0) }.joined()
    }
}
