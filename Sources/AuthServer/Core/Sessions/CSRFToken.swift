import Crypto
import Foundation
import Shared

/// Cross-site request forgery protection for every form of the pages.
///
/// The token is HMAC-SHA256, keyed with the secret of an HttpOnly cookie, over a fixed label: the session
/// cookie for a signed-in person, the sign-in cookie for the sign-in and second-factor forms (so a forged
/// sign-in into the attacker's account fails too). Another site can make the browser send the cookie but cannot
/// read it, nor the page that carries the token, so it cannot produce the token; a sibling host cannot plant the
/// cookie either where the `__Host-` prefix is in force (https). Nothing is stored: the token is recomputed from
/// the cookie and compared in constant time (`HMAC.isValidAuthenticationCode`). The token changes with the cookie,
/// so signing in (a new session id) also gives new tokens. SameSite=Lax on the cookies is a second line, not the
/// first: Lax still sends cookies on top-level GETs and is not honoured by every browser.
public enum CSRFToken {
    /// The form field that carries the token, on every form.
    public static let fieldName = "csrf_token"
    private static let label = Data("gatehouse csrf v1".utf8)

    public static func make(boundTo secret: CookieSecret) -> String {
        Base64URL.encode(HMAC<SHA256>.authenticationCode(for: label, using: key(secret)))
    }

    /// False for a missing, malformed or foreign token.
    public static func isValid(_ submitted: String?, boundTo secret: CookieSecret) -> Bool {
        guard let submitted, submitted.utf8.count == 43, let code = Base64URL.decode(submitted) else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(code, authenticating: label, using: key(secret))
    }

    private static func key(_ secret: CookieSecret) -> SymmetricKey { SymmetricKey(data: Data(secret.value.utf8)) }
}
