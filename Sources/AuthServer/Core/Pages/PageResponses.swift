import Hummingbird
import Shared

extension Response {
    /// 303 See Other: the browser follows with a GET, so a reload never re-sends a form.
    public static func seeOther(_ location: String, cookies: [Cookie] = []) -> Response {
        var response = Response(status: .seeOther, headers: [.location: location, .cacheControl: "no-store"])
        for cookie in cookies { response.setCookie(cookie) }
        return response
    }

    /// To the sign-in page, coming back to this request's path and query afterwards.
    public static func toSignIn(from request: Request) -> Response {
        seeOther(ReturnPath.signInURL(returningTo: request.uri.description))
    }

    /// A 429's Retry-After, in whole seconds (RFC 9110 §10.2.3).
    static func retryAfterHeaders(_ wait: Duration) -> HTTPFields {
        [.retryAfter: String(wait.components.seconds)]
    }
}

extension AuthRequestContext {
    /// The tenant, or the 404 page: a host no tenant answers to has no pages.
    func pageTenant() throws -> Tenant {
        guard let tenant else { throw ErrorPage.notFound }
        return tenant
    }
}
