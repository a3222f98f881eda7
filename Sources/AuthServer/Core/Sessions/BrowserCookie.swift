import Foundation
import Hummingbird
import Shared

/// The pages' two cookies and their attributes. Always HttpOnly (no script reads them), SameSite=Lax (sent on
/// the top-level navigation back from a client's authorize link, not on cross-site subrequests) and Path=/.
/// On an https issuer they are `__Host-` cookies with Secure (RFC 6265bis §4.1.3.2: no Domain, so no sibling
/// host can set or read them). On a plain-http issuer, for local development only, browsers drop `__Host-` and
/// Secure cookies, so there they carry neither.
public enum BrowserCookie: String, Sendable {
    /// The signed-in person's session id.
    case session = "gatehouse_session"
    /// Set on the sign-in page before anyone is signed in: binds the sign-in forms' CSRF token and keys a
    /// half-done sign-in that waits for its second factor.
    case signIn = "gatehouse_signin"

    public func name(for tenant: Tenant) -> String {
        Self.isSecure(tenant) ? "__Host-" + rawValue : rawValue
    }

    func cookie(_ secret: CookieSecret, for tenant: Tenant) -> Cookie {
        make(value: secret.value, maxAge: Int(lifetime), tenant: tenant)
    }

    /// Tells the browser to drop the cookie now.
    func expired(for tenant: Tenant) -> Cookie {
        make(value: "", maxAge: 0, tenant: tenant)
    }

    /// The well-formed secret the request carries in this cookie, if any.
    func secret(in request: Request, tenant: Tenant) -> CookieSecret? {
        request.cookies[name(for: tenant)].flatMap { CookieSecret(cookieValue: $0.value) }
    }

    private var lifetime: TimeInterval {
        switch self {
        case .session: AuthPolicy.Sessions.absoluteLifetime
        case .signIn: AuthPolicy.Sessions.signInCookieLifetime
        }
    }

    private func make(value: String, maxAge: Int, tenant: Tenant) -> Cookie {
        Cookie(
            name: name(for: tenant), value: value, maxAge: maxAge, path: "/", secure: Self.isSecure(tenant), httpOnly: true,
            sameSite: .lax)
    }

    private static func isSecure(_ tenant: Tenant) -> Bool {
        tenant.issuer.lowercased().hasPrefix("https://")
    }
}
