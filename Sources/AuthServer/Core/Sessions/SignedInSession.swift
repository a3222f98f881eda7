import Foundation

/// The person a request is signed in as: a live session from the session cookie, and who it belongs to.
/// `BrowserSessionMiddleware` puts it in `AuthRequestContext.signedIn`.
public struct SignedInSession: Sendable {
    public let session: BrowserSession
    public let user: User
    let secret: CookieSecret

    /// The CSRF token every form of a signed-in page carries (see `CSRFToken`).
    public var csrfToken: String { CSRFToken.make(boundTo: secret) }

    /// Whether a form's `csrf_token` belongs to this session, compared in constant time.
    public func acceptsCSRFToken(_ submitted: String?) -> Bool { CSRFToken.isValid(submitted, boundTo: secret) }

    /// Who is asking, and how they signed in, as an authorization request sees it.
    public var person: AuthorizationFlow.Person {
        AuthorizationFlow.Person(user: user, authentication: Authentication(authTime: session.authTime, methods: session.authenticationMethods))
    }
}
